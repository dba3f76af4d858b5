"""Where most records are refused, `Linter.lint_chunk` (and `Observer.linting`, for records with
a capture time) reads their top-level timestamp values instead of taking the probe's errors
apart (`Linter.expect_refusals`, set from the last chunk or segment). That must change nothing
but the cost: the same problems, starts, counts and lines (and the same evidence gathered) as
the probe's own errors give, for every kind of value, model and policy."""

from __future__ import annotations

from typing import Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from wsfix.fields import discover_fields
from wsfix.linter import COUNTS, FIXES, FULL, Linter
from wsfix.observations import Gathered, Observer
from wsfix.probe import plausible_range
from wsfix.schema import DEFAULT_SCHEMA, Schema
from wsfix.segment_linter import RECORDS_PER_PART, SegmentLinter
from wsfix.segments import Record, Segment
from wsfix.settings import DEFAULT_MAX_SKEW, Settings
from wsfix.timestamps import DEFAULT_POLICY, Policy, Unit, parse_naive_zone


class TwoClocks(BaseModel):
    # Two top-level seconds fields, one required and not nullable: a record may have both refused.
    type: str
    sent_at: float
    timestamp: Optional[float] = None


class Aliased(BaseModel):
    type: str = "ping"
    timestamp: Optional[float] = Field(None, alias="ts")
    count: int = 0


class Forbidding(BaseModel):
    # Extra keys refused: a record with another field's key is refused for more than its values.
    model_config = ConfigDict(extra="forbid")
    type: str
    timestamp: Optional[float] = None
    payload: dict = {}


class WholeModelChecked(BaseModel):
    # A model validator: the probe is the model's own validator, and the values are never read.
    timestamp: float

    @model_validator(mode="after")
    def fine(self) -> WholeModelChecked:
        return self


def schema_of(model: type[BaseModel]) -> Schema:
    return Schema(model.__name__, model, discover_fields(model))


SCHEMAS = {
    "default": DEFAULT_SCHEMA,
    "two-clocks": schema_of(TwoClocks),
    "aliased": schema_of(Aliased),
    "forbidding": schema_of(Forbidding),
}
POLICIES = {
    "default": DEFAULT_POLICY,
    "no-window": Policy(window=None),
    "milliseconds": Policy(unit=Unit.MS),  # no number is plausible seconds: every one refused
    "naive-in-berlin": Policy(naive_zone=parse_naive_zone("Europe/Berlin")),
}


def _edges() -> list[str]:
    """Numbers at and beside the plausible window's edges, as JSON."""
    texts = []
    for policy in POLICIES.values():
        for edge in plausible_range(policy):
            for number in (edge, edge - 1, edge + 1, edge - 0.5):
                texts.append(repr(float(number)))
                if float(number).is_integer():
                    texts.append(str(int(number)))
    return texts


VALUES = [
    "1757350201.5",
    "1757350201",
    "1757350201000",
    "1.7573502015e9",
    "-1",
    "0",
    "1e400",
    "-1e400",
    "NaN",
    "Infinity",
    "-Infinity",
    str(2**53 + 1),
    str(-(2**53) - 1),
    "123456789012345678901234567890",
    "true",
    "false",
    "null",
    '"2025-09-08T16:50:01Z"',
    '"2025-09-08T16:50:01.447585"',
    '"2025-09-08T16:50:01+02:00"',
    '"Mon, 08 Sep 2025 16:50:01 GMT"',
    '"1757350201"',
    '"1757350201.5"',
    '""',
    '"soon"',
    "[1]",
    "{}",
    *_edges(),
]
KEYS = ['"timestamp"', '"sent_at"', '"ts"', '"time\\u0073tamp"']
OTHER_PARTS = [
    '"type":"ping"',
    '"type":"heartbeat"',
    '"type":7',
    '"type":"nope"',
    '"payload":{}',
    '"payload":[]',
    '"count":3',
    '"count":"3"',
    '"extra":1',
]
PARTS = st.one_of(
    st.builds(lambda key, value: f"{key}:{value}", st.sampled_from(KEYS), st.sampled_from(VALUES)),
    st.sampled_from(OTHER_PARTS),
)
RECORDS = st.one_of(
    st.lists(PARTS, max_size=5).map(lambda parts: "{" + ",".join(parts) + "}"),
    st.lists(PARTS, max_size=3).map(lambda parts: '{"type":"ping",' + ",".join(parts) + "}"),
    st.lists(PARTS, max_size=5).map(lambda parts: "{ " + " , ".join(parts).replace(":", " : ") + " }"),
    st.sampled_from(["[]", "{", "", "null", '"x"', "{}", '{"type":"ping","timestamp":1757350201.5']),
)
CHUNKS = st.builds(
    lambda records, bom, end: ("\ufeff" if bom else "") + "\n".join(records) + end,
    st.lists(RECORDS, min_size=1, max_size=8),
    st.booleans(),
    st.sampled_from(["", "\n", "\r\n"]),
)


def lint(linter: Linter, data: bytes, detail: int, expect_refusals: bool) -> object:
    linter.expect_refusals = expect_refusals
    return linter.lint_chunk(data, "t.jsonl", 1, detail)


@pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())
@pytest.mark.parametrize("schema", SCHEMAS.values(), ids=SCHEMAS.keys())
def test_every_value_under_every_key(schema, policy):
    # Each value alone in a record otherwise valid for every schema here, and beside a valid or a
    # refused value of another timestamp field: one chunk of them all.
    records = []
    for key in KEYS:
        for value in VALUES:
            for beside in ("", ',"sent_at":1757350201.5', ',"sent_at":"x"', ',"timestamp":null'):
                records.append(f'{{"type":"ping"{beside},{key}:{value}}}')
    data = ("\n".join(records) + "\n").encode()
    linter = Linter(schema, policy)
    for detail in (FULL, FIXES, COUNTS):
        assert lint(linter, data, detail, True) == lint(linter, data, detail, False)
    # Either way the values of a chunk are worked out together (`_timestamp_values`): each
    # problem is still its own record's, as linting the records one by one gives them.
    one_by_one = [
        problem
        for line_no, record in enumerate(data.splitlines(keepends=True), 1)
        for problem in linter.lint(record, line_no, "t.jsonl")
    ]
    assert lint(linter, data, FULL, True).problems == one_by_one


@pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())
@pytest.mark.parametrize("schema", SCHEMAS.values(), ids=SCHEMAS.keys())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunk=CHUNKS)
def test_reading_the_values_finds_what_the_probes_errors_find(schema, policy, chunk):
    linter = Linter(schema, policy)
    assert linter.read_values is not None  # the way under test is there to take
    data = chunk.encode()
    for detail in (FULL, FIXES, COUNTS):
        assert lint(linter, data, detail, True) == lint(linter, data, detail, False)


def test_the_fast_fields_under_test():
    # The schemas above read what the test means them to: one field, two, one by its alias.
    fast = {
        name: [field.name for field, _ in Linter(schema, DEFAULT_POLICY).fast_fields]
        for name, schema in SCHEMAS.items()
    }
    assert fast == {
        "default": ["timestamp"],
        "two-clocks": ["sent_at", "timestamp"],
        "aliased": ["ts"],
        "forbidding": ["timestamp"],
    }


def test_a_model_validator_keeps_the_probes_errors():
    linter = Linter(schema_of(WholeModelChecked), DEFAULT_POLICY)
    assert linter.read_values is None
    data = b'{"timestamp":"2025-09-08T16:50:01Z"}\n' * 3
    assert lint(linter, data, FULL, True) == lint(linter, data, FULL, False)
    assert len(lint(linter, data, FULL, True).problems) == 3


class ValidatedDefault(BaseModel):
    # The timestamp's default is validated: only the probe's own field says what that gives.
    type: str
    timestamp: Optional[float] = Field(None, validate_default=True)


def test_a_validated_default_keeps_the_probes_errors():
    linter = Linter(schema_of(ValidatedDefault), DEFAULT_POLICY)
    assert [field.name for field, _ in linter.fast_fields] == ["timestamp"]
    assert linter.read_values is None
    data = b'{"type":"x","timestamp":"2025-09-08T16:50:01Z"}\n{"type":"x"}\n'
    assert lint(linter, data, FULL, True) == lint(linter, data, FULL, False)
    assert [problem.code for problem in lint(linter, data, FULL, True).problems] == ["WS101"]


def test_a_value_not_found_in_the_bytes_is_left_to_the_probes_errors(monkeypatch):
    # Where the record's bytes do not show the value where the field says (never seen: the
    # scanner finds every key pydantic reads), the probe's own errors decide, both ways alike.
    from wsfix import jsontext

    monkeypatch.setattr(jsontext, "last_member", lambda line, key: (None, 0))
    data = b"".join(f'{{"type":"ping","timestamp":{value}}}\n'.encode() for value in VALUES)
    linter = Linter(DEFAULT_SCHEMA, DEFAULT_POLICY)
    for detail in (FULL, FIXES, COUNTS):
        assert lint(linter, data, detail, True) == lint(linter, data, detail, False)
    assert lint(linter, data, FULL, True).problems  # the full analysis still reports them
    records = timed([(f'{{"type":"ping","timestamp":{value}}}', False) for value in VALUES])
    for detail in (FULL, FIXES):
        assert observe(linter, records, detail, True) == observe(linter, records, detail, False)


def test_each_chunk_says_whether_the_next_is_expected_refused():
    linter = Linter(DEFAULT_SCHEMA, DEFAULT_POLICY)
    broken = b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}\n'
    clean = b'{"type":"ping","timestamp":1757350201.5}\n'
    assert linter.expect_refusals is False  # a capture starts as if clean
    linter.lint_chunk(broken * 3 + clean * 2, "t.jsonl")
    assert linter.expect_refusals is True  # more than half refused
    found = linter.lint_chunk(broken * 2 + clean * 2, "t.jsonl")
    assert [problem.code for problem in found.problems] == ["WS101", "WS101"]
    assert linter.expect_refusals is False  # half is not more than half


# --- records with a capture time (a HAR's messages, timed log lines): `Observer.linting` --------

CAPTURED = 1757350201.447  # 2025-09-08T16:50:01.447Z: the ISO values above are near it
TEXTS = st.sampled_from(["hello", "", "{", "[1]"])  # a HAR's text messages: not JSON


def observe(linter: Linter, records: list[Record], detail: int, expect_refusals: bool) -> object:
    """Each record's problems, and the evidence gathered per group."""
    linter.expect_refusals = expect_refusals
    found: dict[object, Gathered] = {}
    lint_record = Observer(linter, DEFAULT_MAX_SKEW).linting(found, detail)
    problems = [lint_record(record, "t.har") for record in records]
    return problems, {group: gathered.__getstate__() for group, gathered in found.items()}


def timed(messages: list[tuple[str, bool]]) -> list[Record]:
    return [
        Record(number, message.encode(), (), f"message {number}", CAPTURED + number, "ab"[number % 2], text)
        for number, (message, text) in enumerate(messages, 1)
    ]


@pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())
@pytest.mark.parametrize("schema", SCHEMAS.values(), ids=SCHEMAS.keys())
def test_records_with_capture_times_every_value(schema, policy):
    messages = [(f'{{"type":"ping",{key}:{value}}}', False) for key in KEYS for value in VALUES]
    messages += [("hello", True), ("{", True), ('{"type":"ping","timestamp":"2025-09-08T16:50:01"}', True)]
    records = timed(messages)
    linter = Linter(schema, policy)
    for detail in (FULL, FIXES):
        assert observe(linter, records, detail, True) == observe(linter, records, detail, False)


@pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())
@pytest.mark.parametrize("schema", SCHEMAS.values(), ids=SCHEMAS.keys())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages=st.lists(st.one_of(st.tuples(RECORDS, st.just(False)), st.tuples(TEXTS, st.just(True))), max_size=12))
def test_records_with_capture_times(schema, policy, messages):
    records = timed(messages)
    linter = Linter(schema, policy)
    for detail in (FULL, FIXES):
        assert observe(linter, records, detail, True) == observe(linter, records, detail, False)


def test_each_segment_of_records_says_how_the_next_is_read():
    # As lint_chunk for its chunks: a segment with a record list (a HAR, timed log lines) whose
    # records mostly had findings has the next one's values read and judged; check and repair.
    settings = Settings()
    linter = SegmentLinter(settings)
    broken = b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}'
    clean = b'{"type":"ping","timestamp":1757350201.5}'

    def segment(messages: list[bytes]) -> Segment:
        records = [Record(number, message, captured=CAPTURED) for number, message in enumerate(messages, 1)]
        return Segment(b"\n" * len(messages), 1, records)

    assert linter.linter.expect_refusals is False  # a capture starts as if clean
    found = linter.check(segment([broken] * 3 + [clean] * 2), "t.log")
    assert [problem.code for problem in found.problems] == ["WS101"] * 3
    assert linter.linter.expect_refusals is True  # more than half had findings
    # Read and judged by their values: the same findings, and the clean ones' evidence gathered.
    found = linter.check(segment([broken] * 2 + [clean] * 2), "t.log")
    assert [problem.code for problem in found.problems] == ["WS101"] * 2
    assert found.observations is not None and found.observations[None].records == 4
    assert linter.linter.expect_refusals is False  # half is not more than half
    linter.repair(segment([broken] * 3), "t.log")
    assert linter.linter.expect_refusals is True
    linter.repair(segment([clean] * 3), "t.log")
    assert linter.linter.expect_refusals is False
    # A segment longer than a part (a HAR's) is repaired a part at a time, each part saying how
    # the next is read: the second part here is read by its values, with the same edits.
    repaired = linter.repair(segment([broken] * RECORDS_PER_PART * 2), "t.log")
    assert linter.linter.expect_refusals is True
    assert len(repaired.edits) == RECORDS_PER_PART * 2 == repaired.tally.lines == repaired.tally.lines_changed
    assert {edit[3] for edit in repaired.edits} == {b"1757350201.0"}
    linter.repair(segment([broken] * RECORDS_PER_PART * 2 + [clean] * RECORDS_PER_PART), "t.log")
    assert linter.linter.expect_refusals is False  # the last part's say (the whole's would be True)


# The full analysis of a record the probe refuses for another field leaves out the top-level
# timestamps the probe accepted (`Linter._accepted_keys`): no rule reports such a value.
ANALYSED_SCHEMAS = {
    **SCHEMAS,
    "validated-default": schema_of(ValidatedDefault),
    "model-validator": schema_of(WholeModelChecked),
}


def _probe_errors(validate, line: bytes) -> list | None:
    try:
        validate(line, strict=True)
    except ValidationError as error:
        return error.errors(include_url=False, include_context=False)
    except ValueError:  # not a validation error: never given to the full analysis with errors
        return None
    return None


@pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())
@pytest.mark.parametrize("schema", ANALYSED_SCHEMAS.values(), ids=ANALYSED_SCHEMAS.keys())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(RECORDS, min_size=1, max_size=8))
def test_the_full_analysis_leaves_out_only_values_the_probe_accepted(schema, policy, records):
    linter = Linter(schema, policy)
    for record in records:
        line = record.encode()
        for validate in {linter._validate_probe, linter._validate_model_probe}:
            errors = _probe_errors(validate, line)
            if errors is None:
                continue
            accepted = linter._accepted_keys(errors)
            assert linter._analyse_unknown(line, 1, "t.jsonl", accepted) == linter._analyse_unknown(line, 1, "t.jsonl")


@pytest.mark.parametrize(
    ("record", "accepted"),
    [
        ('{"type":7,"timestamp":1757350201.5}', {"timestamp"}),  # refused for its type alone
        ('{"type":7}', {"timestamp"}),  # absent and optional: the probe accepts that too
        ('{"type":7,"timestamp":"2025-09-08T16:50:01Z"}', set()),  # refused for both
        ('{"type":7,"timestamp":1757350201000}', set()),  # milliseconds: outside the window
        ('{"type":"ping","timestamp":1,"timestamp":1757350201.5,"payload":7}', {"timestamp"}),  # the last
    ],
)
def test_the_keys_the_probe_accepted(record, accepted):
    linter = Linter(DEFAULT_SCHEMA, DEFAULT_POLICY)
    errors = _probe_errors(linter._validate_probe, record.encode())
    assert errors is not None
    assert linter._accepted_keys(errors) == accepted
