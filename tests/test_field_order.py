"""The field order of the named tuples that hot paths build by position (`tuple.__new__`, one
unpacking per problem): a field moved or added in the middle would put values under the wrong
names without an error, so the order is pinned here, and each positional builder is checked
against the names it must fill."""

from __future__ import annotations

import io

import pytest

from wsfix.capture import CaptureStream
from wsfix.config import CommandLine, load
from wsfix.evidence import Observation
from wsfix.linter import FIXES, FULL, ChunkFindings, Linter
from wsfix.problems import ClockEvidence, Edit, Fix, Problem
from wsfix.run import choose_format
from wsfix.schema import DEFAULT_SCHEMA
from wsfix.segment_linter import Checked, Repaired
from wsfix.segments import Layer, Record, Segment
from wsfix.timestamps import DEFAULT_POLICY, Reading, classify


@pytest.mark.parametrize(
    ("named_tuple", "fields"),
    [
        pytest.param(
            Problem,
            (
                "path",
                "line",
                "column",
                "json_path",
                "code",
                "message",
                "value",
                "pydantic_type",
                "fix",
                "record",
                "repeated",
                "evidence",
            ),
            id="Problem",
        ),
        pytest.param(Fix, ("start", "end", "replacement"), id="Fix"),
        pytest.param(Edit, ("line", "start", "end", "replacement"), id="Edit"),
        pytest.param(Reading, ("form", "seconds", "reason", "unit", "zone", "out_of_range", "exact"), id="Reading"),
        pytest.param(Segment, ("data", "line", "records", "locator"), id="Segment"),
        pytest.param(Record, ("line", "message", "layers", "label", "captured", "group", "may_be_text"), id="Record"),
        pytest.param(Layer, ("start", "string"), id="Layer"),
        pytest.param(ChunkFindings, ("lines", "problems", "starts", "counted"), id="ChunkFindings"),
        pytest.param(
            Checked, ("lines", "records", "problems", "counted", "skipped", "observations", "written"), id="Checked"
        ),
        pytest.param(Repaired, ("lines", "edits", "tally", "observations"), id="Repaired"),
        pytest.param(ClockEvidence, ("captured", "skew"), id="ClockEvidence"),
        pytest.param(
            Observation,
            ("line", "field", "captured", "instant", "wall", "unit", "alternatives", "record"),
            id="Observation",
        ),
    ],
)
def test_field_order_is_pinned(named_tuple, fields):
    assert named_tuple._fields == fields


REPEATED = b'{"type":"ping","timestamp":1,"timestamp":"2025-09-08T16:50:01Z"}\n'


@pytest.mark.parametrize("detail", [FULL, FIXES])
def test_positional_problems_fill_the_right_fields(detail):
    [problem] = Linter(DEFAULT_SCHEMA, DEFAULT_POLICY).lint_chunk(REPEATED, "t.jsonl", 7, detail).problems
    assert (problem.path, problem.line, problem.json_path, problem.code) == ("t.jsonl", 7, "timestamp", "WS101")
    assert problem.fix == Fix(REPEATED.rindex(b'"2025'), REPEATED.rindex(b"}"), "1757350201.0")
    assert problem.record is None
    assert problem.repeated == 2 and problem.on_repeated_key
    if detail == FULL:
        assert problem.column == REPEATED.rindex(b'"2025') + 1
        assert problem.value == '"2025-09-08T16:50:01Z"'
        assert problem.pydantic_type == "float_parsing"
        assert problem.message.endswith("(the key appears 2 times; pydantic reads the last one, reported here)")


@pytest.mark.parametrize(
    ("value", "form", "seconds", "unit"),
    [
        pytest.param(1757350201447, "NUMBER", 1757350201.447, "MS", id="integer-fast-path"),
        pytest.param("2025-09-08T16:50:01Z", "ISO_OFFSET", 1757350201.0, None, id="rfc3339-fast-path"),
    ],
)
def test_positional_readings_fill_the_right_fields(value, form, seconds, unit):
    reading = classify(value, DEFAULT_POLICY)
    assert reading.form.name == form
    assert reading.seconds == seconds
    assert (reading.unit.name if reading.unit else None) == unit
    assert reading.reason is None and reading.zone is None and reading.exact is None
    assert reading.out_of_range is False


@pytest.mark.parametrize(
    ("capture_format", "data"),
    [
        pytest.param("prefixed", b'1757350201.5: {"type":"ping","timestamp":1757350201.5}\nconnected\n', id="prefixed"),
        pytest.param(
            "har",
            b'{"log": {"entries": [{"_webSocketMessages": [{"time": 1757350201.5, "opcode": 1, "data": "[1]"}, '
            b'{"opcode": 2, "data": "AAEC"}, 5]}]}}',
            id="har",
        ),
    ],
)
def test_records_built_by_position_have_every_field(capture_format, data):
    stream = CaptureStream(io.BytesIO(data), "c")
    settings = load(CommandLine(capture_format=capture_format)).settings
    [segment] = choose_format(settings, "c", stream).segments(stream, "c")
    assert segment.records is not None
    records = list(segment.records)  # made as they are read (a HAR's)
    assert records
    assert all(len(record) == len(Record._fields) for record in records)
