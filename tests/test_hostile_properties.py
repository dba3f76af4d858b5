"""Properties over arbitrary input: any bytes as a capture, any JSON value as the timestamp.

- `check` never raises on any bytes, and what it prints is inert (no control character reaches
  the terminal); `repair` keeps the number of lines, copies every line it does not fix byte for
  byte (and every byte outside a fixed value), and repairing twice equals repairing once.
- Any JSON value written in the timestamp field is read from the bytes as the value it spells: a
  number's fix is its exact instant rounded once (computed here with `Fraction`), anything else
  agrees with the conversion core's reading of the parsed value, and nothing raises.

The conversion core's own never-raises property, with numbers checked exactly, is
`test_property_classify_never_raises` in tests/test_timestamps.py.
"""

from __future__ import annotations

import io
import json
import math
import unicodedata
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import lines_of, repair_by_records
from tests.test_timestamps import JSON_VALUES, MAGNITUDE_UNITS
from wsfix.errors import InputError
from wsfix.linter import Linter
from wsfix.problems import Problem
from wsfix.reporters import ReportOptions, build_reporter
from wsfix.run import check_captures
from wsfix.schema import DEFAULT_SCHEMA
from wsfix.settings import Settings
from wsfix.timestamps import DEFAULT_POLICY, Form, Unit, classify, render

LINTER = Linter(DEFAULT_SCHEMA, DEFAULT_POLICY)
WINDOW = DEFAULT_POLICY.window

# --- any bytes as a capture ------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}',
        b'{"type":"ping","timestamp":1757350201447}',
        b'{"type":"ping","timestamp":1757350201.5}',
        b'{"type":"ping","timestamp":NaN}',
        b'{"type":"nope"}',
        b"\n",
        b"\r\n",
        b"\r",
        b"\xef\xbb\xbf",
        b"\x00",
        b"\xff",
        b"\xc2\x9b",
        b"\xe2\x80\xae",
        b"\xed\xa0\x80",
        b"{",
        b"}",
        b"[",
        b"]",
        b'"',
        b",",
        b":",
        b" ",
        b'"timestamp":',
        b'"type":"ping"',
        b'"2025-09-08T16:50:01"',
        b"1757350201447",
        b"1e400",
        b"-Infinity",
        b"\\u0074",
        b'"\\u0074imestamp"',
        b"::error::x",
        b"##[error]",
        b"[bold]",
    ]
)
CAPTURES = st.one_of(
    st.binary(max_size=400),
    st.lists(st.one_of(FRAGMENTS, st.binary(max_size=8)), max_size=40).map(b"".join),
)


def lint(record: bytes, line_no: int) -> tuple[Problem, ...]:
    return LINTER.lint(record, line_no, "t.jsonl")


def repair(data: bytes) -> bytes:
    return repair_by_records(data)[0]


def outside(record: bytes, problems) -> bytes:
    """`record` without the bytes its fixes replace."""
    kept, position = [], 0
    for fix in sorted((p.fix for p in problems if p.fix is not None), key=lambda fix: fix.start):
        kept.append(record[position : fix.start])
        position = fix.end
    kept.append(record[position:])
    return b"".join(kept)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=CAPTURES)
def test_check_never_raises_and_prints_nothing_active(tmp_path_factory, data):
    path = tmp_path_factory.getbasetemp() / "capture.jsonl"
    path.write_bytes(data)
    for fmt in ("full", "concise"):
        out = io.StringIO()
        reporter = build_reporter(fmt, out, ReportOptions(width=80, color=False, max_rows=None))
        try:
            summary = check_captures([str(path)], Settings(max_rows=None), reporter)
        except InputError as error:
            # Bytes that start like gzip are read as gzip (by content, whatever the name): when
            # they do not decompress, that is an input error (exit 2), the only one allowed here.
            assert data.startswith(b"\x1f\x8b") and "gzip" in str(error)
            return
        assert summary.lines == len(list(lines_of(data)))
        text = out.getvalue()
        assert not [char for char in text if char != "\n" and unicodedata.category(char) in ("Cc", "Cf")]
        assert not any(line.lstrip().startswith("::") for line in text.splitlines())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=CAPTURES)
def test_repair_keeps_lines_and_untouched_bytes_and_is_idempotent(data):
    repaired = repair(data)
    before = list(lines_of(data))
    after = list(lines_of(repaired))
    assert len(after) == len(before)
    assert repaired.count(b"\n") == data.count(b"\n")
    for line_no, (old, new) in enumerate(zip(before, after, strict=True), 1):
        problems = lint(old, line_no)
        if not any(problem.fix for problem in problems):
            assert new == old
        else:
            assert outside(old, problems) == _kept_bytes(new, problems)
    assert repair(repaired) == repaired


def _kept_bytes(new: bytes, problems) -> bytes:
    """The bytes of the repaired record outside the replacements, located through the original
    fixes (each replacement is shorter or longer than what it replaced, so offsets shift)."""
    kept, position, shift = [], 0, 0
    for fix in sorted((p.fix for p in problems if p.fix is not None), key=lambda fix: fix.start):
        kept.append(new[position : fix.start + shift])
        shift += len(fix.replacement.encode()) - (fix.end - fix.start)
        position = fix.end + shift
    kept.append(new[position:])
    return b"".join(kept)


# --- any JSON value as the timestamp ---------------------------------------------------------


def json_text(value, ensure_ascii: bool) -> str:
    """`value` as JSON text, numbers spelled exactly (Decimals as written, NaN/Infinity literals)."""
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else ("-Infinity" if value < 0 else "Infinity")
    if isinstance(value, list):
        return "[" + ",".join(json_text(item, ensure_ascii) for item in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(
                f"{json.dumps(key, ensure_ascii=ensure_ascii)}:{json_text(item, ensure_ascii)}"
                for key, item in value.items()
            )
            + "}"
        )
    return json.dumps(value, ensure_ascii=ensure_ascii)


def exact_fix(token: str) -> float | None:
    """The float a repair must write for a finite number token in the default policy, from its
    exact decimal value and the unit its magnitude selects; None when it must not be repaired."""
    exact_value = Fraction(Decimal(token))
    unit = next((unit for bound, unit in MAGNITUDE_UNITS if abs(exact_value) < bound), None)
    if unit is None:
        return None
    seconds = float(exact_value / 10**unit.value)
    if unit is Unit.S or seconds not in WINDOW:
        return None  # already epoch seconds (nothing to fix), or outside the window (WS109)
    return seconds


@st.composite
def epoch_numbers(draw: st.DrawFn) -> Decimal:
    """Plausible instants in s, ms, us or ns, with up to 25 more digits than a float holds."""
    exponent = draw(st.sampled_from([0, 3, 6, 9]))
    whole = draw(st.integers(946_684_800 * 10**exponent, 4_102_444_799 * 10**exponent))
    digits = draw(st.integers(0, 25))
    fraction = draw(st.integers(0, 10**digits - 1)) if digits else 0
    return Decimal(f"{whole}.{fraction:0{digits}d}" if digits else str(whole))


@settings(max_examples=400, deadline=None)
@given(value=JSON_VALUES | epoch_numbers(), ensure_ascii=st.booleans())
def test_any_json_value_in_the_timestamp_field(value, ensure_ascii):
    try:
        token = json_text(value, ensure_ascii)
    except (UnicodeEncodeError, ValueError):  # lone surrogates cannot be written as UTF-8 bytes
        token = json_text(value, True)
    record = ('{"type":"ping","timestamp":' + token + "}\n").encode("utf-8", "surrogatepass")
    problems = lint(record, 1)
    timestamp = [problem for problem in problems if problem.json_path == "timestamp"]
    assert len(timestamp) <= 1
    fix = timestamp[0].fix if timestamp else None

    is_number = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    if is_number and _finite_token(token):
        if Fraction(Decimal(token)) >= 2**1024 or Fraction(Decimal(token)) <= -(2**1024):
            assert timestamp and timestamp[0].code == "WS107" and fix is None  # overflows, as pydantic reads it
        else:
            expected = exact_fix(token)
            assert (float(fix.replacement) if fix else None) == expected, (token, timestamp)
    elif fix is not None:
        # The bytes were read as the value they spell: the same reading as the parsed value's.
        reading = classify(json.loads(record)["timestamp"], DEFAULT_POLICY)
        assert reading.seconds is not None and reading.reason is None
        assert fix.replacement == render(reading.seconds)
    if fix is not None:
        assert math.isfinite(float(fix.replacement)) and float(fix.replacement) in WINDOW
        repaired = record[: fix.start] + fix.replacement.encode() + record[fix.end :]
        assert json.loads(repaired)["timestamp"] == float(fix.replacement)
        assert [p for p in lint(repaired, 1) if p.json_path == "timestamp"] == []
    elif timestamp:
        assert timestamp[0].message  # a reason, never silence
    else:  # no finding: pydantic's float accepts it as plausible epoch seconds, or it is null
        reading = classify(json.loads(record, parse_float=Decimal)["timestamp"], DEFAULT_POLICY)
        assert reading.form is Form.NULL or ((reading.reason is None) and reading.unit.value == 0)


def _finite_token(token: str) -> bool:
    return token not in ("NaN", "Infinity", "-Infinity")
