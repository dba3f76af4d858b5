"""The records of a prefixed log without capture times, or of an envelope without
`--capture-time`, are linted together (`SegmentLinter._batched`, `Linter.lint_lines`), as a
chunk of JSON Lines is. That must change nothing but the cost: the same problems, counts and
edits as each record linted alone, for every kind of record, model and policy."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_refused_values import POLICIES, RECORDS, SCHEMAS
from wsfix.formats.envelope import Enveloped, unwrap
from wsfix.formats.jsonl import JsonLines
from wsfix.formats.prefixed import PrefixedLines
from wsfix.linter import COUNTS, FULL, Linter
from wsfix.paths import parse_path
from wsfix.segment_linter import SegmentLinter
from wsfix.segments import Record
from wsfix.settings import Settings
from wsfix.timestamps import DEFAULT_POLICY

PATH = "t.log"


def _formats() -> dict[str, object]:
    prefixed = PrefixedLines()
    prefixed.capture_times = False  # as `has_capture_times` decides for a log without them
    return {"prefixed": prefixed, "envelope": Enveloped(JsonLines(), parse_path("data"))}


FORMATS = _formats()
# Each record as a line of each format: after a prefix; as the message of an envelope (a record
# that is no container leaves the envelope without a message, or not JSON).
LINES = {
    "prefixed": lambda record: "ws recv: " + record,
    "envelope": lambda record: '{"received_at":1757350201.5,"data":' + record + "}",
}
CAPTURES = st.builds(
    lambda records, bom, ends: (bom, records, ends),
    st.lists(RECORDS, min_size=1, max_size=12),
    st.booleans(),
    st.lists(st.sampled_from(["\n", "\r\n"]), min_size=12, max_size=12),
)


def _data(name: str, capture: tuple[bool, list[str], list[str]]) -> bytes:
    bom, records, ends = capture
    text = "".join(LINES[name](record) + end for record, end in zip(records, ends, strict=False))
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def _both(
    schema: object, policy: object, monkeypatch: pytest.MonkeyPatch
) -> tuple[SegmentLinter, SegmentLinter, list[int]]:
    """A segment linter that lints records together (its calls of `lint_lines` counted) and one
    that lints each alone."""
    together = SegmentLinter(Settings(schema=schema, policy=policy))
    alone = SegmentLinter(Settings(schema=schema, policy=policy))
    alone._batched = lambda *args: None  # type: ignore[method-assign]
    calls: list[int] = []
    lint_lines = Linter.lint_lines

    def counted(self: Linter, *args: object, **kwargs: object) -> object:
        calls.append(1)
        return lint_lines(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Linter, "lint_lines", counted)
    return together, alone, calls


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())
@pytest.mark.parametrize("schema", SCHEMAS.values(), ids=SCHEMAS.keys())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(captures=st.lists(CAPTURES, min_size=1, max_size=3))
def test_records_linted_together_give_what_each_alone_gives(schema, policy, name, captures, monkeypatch):
    together, alone, calls = _both(schema, policy, monkeypatch)
    capture_format = FORMATS[name]
    first_line = 1
    # Segments in a row: each says whether the next is expected to be mostly refused.
    for capture in captures:
        data = _data(name, capture)
        segment = capture_format.segment_of(data, first_line)  # type: ignore[attr-defined]
        for detail in (FULL, COUNTS):
            assert together.check(segment, PATH, detail) == alone.check(segment, PATH, detail)
        assert together.repair(segment, PATH, first_line == 1) == alone.repair(segment, PATH, first_line == 1)
        first_line += data.count(b"\n")
    if any(record.message is not None for record in segment.records):  # type: ignore[union-attr]
        assert calls  # the records were linted together


def test_lines_that_cannot_be_linted_together_are_left_to_each_alone():
    linter = Linter(SCHEMAS["default"], DEFAULT_POLICY)
    record = b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}'
    assert linter.lint_lines([record, record + b"\n"], PATH) is not None
    assert linter.lint_lines([record, b'{"type":"ping",\n"timestamp":1}'], PATH) is None  # two lines in one
    small = Linter(SCHEMAS["default"], DEFAULT_POLICY, max_record_memory=1_000)
    assert small.lint_lines([record], PATH) is None  # one might be over the bound: measured alone


def test_problems_come_back_to_their_own_records():
    linter = Linter(SCHEMAS["default"], DEFAULT_POLICY)
    records = [
        b'{"type":"ping","timestamp":1757350201.5}',
        b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}\n',
        b'{"type":"ping"',
        b'{"type":"ping","timestamp":1757350201.5}',
        b'{"type":"nope","timestamp":1757350201000}\r\n',
    ]
    found = linter.lint_lines(records, PATH)
    assert found is not None
    assert [[problem.code for problem in problems] for problems in found] == [
        [],
        ["WS101"],
        ["WS001"],
        [],
        ["WS004", "WS104"],
    ]
    assert [problem.line for problems in found for problem in problems] == [2, 3, 5, 5]


# Envelopes whose message is found from its bytes (`envelope._last_message`), or not.
NO_MESSAGE = None
ENVELOPES = [
    pytest.param(b'{"received_at":1,"data":{"type":"ping"}}', b'{"type":"ping"}', id="last-member"),
    pytest.param(b'{ "received_at" : 1 , "data" : [1, 2] }  ', b"[1, 2]", id="white-space"),
    pytest.param(b'{"data":{"type":"ping"},"received_at":1}', b'{"type":"ping"}', id="not-last"),
    # The record is not JSON outside its message: linted as it is, never its message alone.
    pytest.param(b'{"received_at":nope,"data":{"type":"ping"}}', "itself", id="not-json-before"),
    pytest.param(b'{"received_at":1,,"data":{"type":"ping"}}', "itself", id="two-commas"),
    pytest.param(b'["received_at","data":{"type":"ping"}}', "itself", id="not-an-object"),
    # `"data"` written once literally ends the key `x"data` (its first quote escaped): no member
    # `data`, so no message.
    pytest.param(b'{"x\\"data":{"type":"ping"}}', NO_MESSAGE, id="a-longer-key"),
    # The member `data` written with an escape, and `"data"` once literally in another key.
    pytest.param(b'{"d\\u0061ta":{"a":1},"\\"data":{"type":"ping"}}', b'{"a":1}', id="escaped-key-before"),
    pytest.param(b'{"\\"data":{"type":"ping"},"d\\u0061ta":{"a":1}}', b'{"a":1}', id="escaped-key-after"),
    pytest.param(b'{"received_at":1,"data":"{\\"type\\":\\"ping\\"}"}', b'{"type":"ping"}', id="string"),
]


@pytest.mark.parametrize(("record", "message"), ENVELOPES)
def test_an_envelope_s_message(record, message):
    unwrapped = unwrap(Record(1, record), parse_path("data"))
    assert unwrapped.message == (record if message == "itself" else message)


def test_records_on_line_1_after_the_first_are_linted_alone():
    # `lint` lets every record on line 1 start with a byte order mark; a chunk, its first line
    # only. (A HAR on one line has many records there, each linted alone as text that may not be
    # JSON.)
    linter = SegmentLinter(Settings())
    message = b'\xef\xbb\xbf{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}'
    assert linter._batched((Record(1, message), Record(2, message)), PATH, FULL) is not None
    assert linter._batched((Record(1, message), Record(1, message)), PATH, FULL) is None
