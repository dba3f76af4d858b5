"""Properties of surgical repair over generated captures, plus `splice` and `atomic_output`.

A generated capture mixes valid messages, every kind of broken timestamp, blank lines, invalid
JSON, CRLF and LF endings and a last line with or without its newline. Each generated line knows
where its top-level timestamp token sits and, when a repair must replace it, which epoch seconds
the replacement must hold. Those seconds are computed here from the instant the token was built
from (`float(Fraction(...))`, rounded once); only strings drawn without a known instant use
`wsfix.timestamps.classify` as the oracle.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from dataclasses import dataclass
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import lines_of, repair_by_records
from wsfix.errors import OutputError
from wsfix.linter import Linter
from wsfix.output import atomic_output
from wsfix.problems import Edit, Fix
from wsfix.repair import RepairTally, splice
from wsfix.schema import DEFAULT_SCHEMA
from wsfix.timestamps import DEFAULT_POLICY, DEFAULT_WINDOW, Policy, Unit, classify, parse_window

LINTER = Linter(DEFAULT_SCHEMA, DEFAULT_POLICY)
EPOCH = dt.datetime(1970, 1, 1)
US_2001 = 978_307_200 * 10**6  # 2001-01-01T00:00:00Z in microseconds
US_2099 = 4_070_908_800 * 10**6  # 2099-01-01T00:00:00Z


def lint(record: bytes, line_no: int):  # type: ignore[no-untyped-def]
    return LINTER.lint(record, line_no, "t")


def repair(data: bytes) -> tuple[bytes, RepairTally]:
    return repair_by_records(data)


def fixes_of(record: bytes, line_no: int = 1) -> list[Fix]:
    return sorted((p.fix for p in lint(record, line_no) if p.fix is not None), key=lambda fix: fix.start)


# --- generated timestamp tokens -------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """A timestamp value as written, and the epoch seconds a repair must write (None: no fix)."""

    text: bytes
    expected: float | None
    kind: str


instants_us = st.integers(min_value=US_2001, max_value=US_2099 - 1)


def wall_text(wall_us: int, digits: int, separator: str) -> str:
    """`wall_us` (microseconds since 1970, as if UTC) as `YYYY-MM-DD?HH:MM:SS[.fff…]`."""
    wall = EPOCH + dt.timedelta(microseconds=wall_us)
    text = wall.strftime(f"%Y-%m-%d{separator}%H:%M:%S")
    if digits:
        text += "." + f"{wall.microsecond:06d}"[:digits]
    return text


@st.composite
def iso_tokens(draw: st.DrawFn) -> Token:
    digits = draw(st.sampled_from([0, 3, 6]))
    us = draw(instants_us)
    us -= us % 10 ** (6 - digits)  # the instant must be writable with `digits` fraction digits
    separator = draw(st.sampled_from(["T", " "]))
    zone = draw(st.sampled_from(["naive", "Z", "offset"]))
    if zone == "naive":  # read as UTC under the default policy
        text, kind = wall_text(us, digits, separator), "naive-iso"
    elif zone == "Z":
        text, kind = wall_text(us, digits, separator) + "Z", "iso-Z"
    else:
        minutes = draw(st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59))
        sign = "+" if minutes >= 0 else "-"
        hh, mm = divmod(abs(minutes), 60)
        colon = draw(st.sampled_from([":", ""]))
        text = wall_text(us + minutes * 60 * 10**6, digits, separator) + f"{sign}{hh:02d}{colon}{mm:02d}"
        kind = "iso-offset"
    return Token(json.dumps(text).encode(), float(Fraction(us, 10**6)), kind)


@st.composite
def unit_tokens(draw: st.DrawFn) -> Token:
    us = draw(instants_us)
    kind = draw(st.sampled_from(["ms", "us", "ns", "ms-fraction", "s-string", "ms-string", "us-string"]))
    if kind == "ms":
        ms = us // 1000
        return Token(str(ms).encode(), float(Fraction(ms, 1000)), kind)
    if kind == "us":
        return Token(str(us).encode(), float(Fraction(us, 10**6)), kind)
    if kind == "ns":
        ns = us * 1000 + draw(st.integers(0, 999))
        return Token(str(ns).encode(), float(Fraction(ns, 10**9)), kind)
    if kind == "ms-fraction":  # milliseconds with three decimals: exactly us / 1000
        return Token(f"{us // 1000}.{us % 1000:03d}".encode(), float(Fraction(us, 10**6)), kind)
    if kind == "s-string":
        pad = draw(st.sampled_from(["", " "]))
        text = f'"{pad}{us // 10**6}.{us % 10**6:06d}{pad}"'
        return Token(text.encode(), float(Fraction(us, 10**6)), kind)
    if kind == "ms-string":
        return Token(f'"{us // 1000}"'.encode(), float(Fraction(us // 1000, 1000)), kind)
    return Token(f'"{us}"'.encode(), float(Fraction(us, 10**6)), kind)


valid_seconds = st.floats(min_value=978_307_200.0, max_value=4_070_908_800.0)


@st.composite
def valid_tokens(draw: st.DrawFn) -> Token:
    seconds = draw(valid_seconds)
    spelling = draw(st.sampled_from(["repr", "exponent", "integer"]))
    if spelling == "repr":
        text = repr(seconds)
    elif spelling == "exponent":
        text = format(seconds, ".17e")
    else:
        text = str(int(seconds))
    return Token(text.encode(), None, "valid")


unfixable_tokens = st.sampled_from(
    [
        b"NaN",
        b"Infinity",
        b"-Infinity",
        b"true",
        b"false",
        b"0",
        b"-1",
        b"86400",
        b"1e300",
        b"null",
        b'"2025-09-08"',
        b'"20250908"',
        b'"16:50:01"',
        b'""',
        b'"now"',
        b'"NaN"',
        b'"0x10"',
        b"{}",
        b"[]",
        b'{"t":1757350201}',
        b"[1757350201]",
        b'"2025-13-08T16:50:01Z"',
        b'"2025-09-08T16:50:01+25:00"',
        b"100000000000000000000",
        b"-1757350201447",
    ]
).map(lambda text: Token(text, None, "unfixable"))


oracle_strings = st.one_of(
    st.text(max_size=30),
    st.from_regex(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}(:\d{2}(:\d{2}([.,]\d{1,12})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?", fullmatch=True
    ),
    st.from_regex(r"[ ]?-?\d{1,21}(\.\d{0,12})?([eE][+-]?\d{1,2})?[ ]?", fullmatch=True),
    st.from_regex(
        r"((Mon|Tue|Sun|Xyz), )?\d{1,2} (Jan|Sep|Dec|Foo) \d{2,4} \d{2}:\d{2}(:\d{2})? "
        r"(GMT|UT|PST|EDT|Q|[+-]\d{4})",
        fullmatch=True,
    ),
)


@st.composite
def oracle_tokens(draw: st.DrawFn) -> Token:
    text = draw(oracle_strings)
    reading = classify(text, DEFAULT_POLICY)
    # Every usable string reading is a fixable finding (a string is never valid epoch seconds).
    expected = reading.seconds if (reading.reason is None) else None
    return Token(json.dumps(text, ensure_ascii=draw(st.booleans())).encode(), expected, "oracle")


timestamp_tokens = st.one_of(iso_tokens(), unit_tokens(), valid_tokens(), unfixable_tokens, oracle_tokens())


# --- generated records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One generated record without its end of line; `fix_at` is where a fix must land (or None)."""

    body: bytes
    fix_at: tuple[int, int] | None
    expected: float | None
    kind: str


space = st.sampled_from(["", "", " ", "  ", "\t"])
json_leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10)
json_values = st.recursive(
    json_leaves,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
other_keys = st.text(max_size=10).filter(lambda key: key not in ("timestamp", "type"))


@st.composite
def extra_members(draw: st.DrawFn) -> list[tuple[bytes, bytes]]:
    """(key, value) JSON texts of members other than `type` and the top-level `timestamp`."""
    ascii_only = draw(st.booleans())

    def dumps(value: object) -> bytes:
        return json.dumps(value, ensure_ascii=ascii_only).encode()

    members = []
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.sampled_from(["payload", "payload-decoy", "id", "other"]))
        if choice == "payload":
            payload = draw(st.dictionaries(st.text(max_size=6), json_values, max_size=3))
            members.append((b'"payload"', dumps(payload)))
        elif choice == "payload-decoy":  # a nested timestamp and an escaped-quote key: never fixed
            nested = draw(st.sampled_from([b'"2025-09-08T16:50:01"', b"1757350201447", b"NaN"]))
            members.append((b'"payload"', b'{"timestamp":' + nested + b',"a\\"timestamp":"1757350201447"}'))
        elif choice == "id":
            key = draw(st.sampled_from([b'"message_id"', b'"user_id"', b'"thread_id"']))
            members.append((key, dumps(draw(st.text(max_size=12)))))
        else:
            members.append((dumps(draw(other_keys)), dumps(draw(json_values))))
    return members


TYPE_MEMBERS = [
    (b'"type"', b'"ping"'),
    (b'"type"', b'"chat"'),
    (b'"type" ', b' "pong"'),
    (b'"type"', b'"nonsense"'),
    (b'"type"', b"42"),
    None,
]
TIMESTAMP_KEYS = [b'"timestamp"', b'"timestamp"', b'"\\u0074imestamp"', b'"time\\u0073tamp"']


DUPLICATES = [
    Token(b'"2025-09-08T16:50:01"', float(Fraction(1_757_350_201)), "duplicate-naive-iso"),
    Token(b"1757350201447", float(Fraction(1_757_350_201_447, 1000)), "duplicate-ms"),
    Token(b"true", None, "duplicate-true"),
    Token(b"1757350201", None, "duplicate-valid"),
]


@st.composite
def message_lines(draw: st.DrawFn) -> Line:
    token = draw(timestamp_tokens)
    members = draw(extra_members())
    type_member = draw(st.sampled_from(TYPE_MEMBERS))
    if type_member is not None:
        members.append(type_member)
    members = draw(st.permutations(members))
    where = draw(st.integers(0, len(members)))
    members.insert(where, (draw(st.sampled_from(TIMESTAMP_KEYS)), token.text))
    duplicate = draw(st.sampled_from([None, None, None, *DUPLICATES]))
    if duplicate is not None:  # pydantic keeps the last of duplicate keys, so only that one is fixed
        if draw(st.booleans()):
            members.insert(0, (b'"timestamp"', duplicate.text))
            where += 1
        else:
            members.append((b'"timestamp"', duplicate.text))
            where, token = len(members) - 1, duplicate
    body = draw(st.sampled_from([b"", b" "])) + b"{"
    fix_at = None
    for index, (key, value) in enumerate(members):
        if index:
            body += draw(space).encode() + b","
        body += draw(space).encode() + key + draw(space).encode() + b":" + draw(space).encode()
        if index == where and token.expected is not None:
            fix_at = (len(body), len(body) + len(value))
        body += value
    body += draw(space).encode() + b"}" + draw(st.sampled_from([b"", b" ", b"\t"]))
    return Line(body, fix_at, token.expected, token.kind)


@st.composite
def broken_lines(draw: st.DrawFn) -> Line:
    kind = draw(st.sampled_from(["blank", "invalid", "truncated", "not-an-object"]))
    if kind == "blank":
        body = draw(st.sampled_from([b"", b" ", b"\t ", b"\r"]))
    elif kind == "invalid":
        body = draw(
            st.sampled_from(
                [
                    b"{",
                    b'{"type":',
                    b"not json",
                    b'{"type":"ping","timestamp":"2025-09-08T16:50:01"',
                    b'{"type":"ping","timestamp":1757350201447,}',
                    b"{'type':'ping'}",
                    b'{"type":"ping"} x',
                    # One BOM starting the file is skipped (tests/test_hostile_input.py); two never are.
                    b'\xef\xbb\xbf\xef\xbb\xbf{"type":"ping","timestamp":1757350201447}',
                    b'{"type":"ping","timestamp":\xff}',
                ]
            )
        )
    elif kind == "truncated":  # a message cut before its closing brace is never valid JSON
        full = draw(message_lines()).body
        body = full[: draw(st.integers(0, full.rindex(b"}") - 1))]
        if not body.strip():
            body = b"{"
    else:
        body = draw(st.sampled_from([b"[1757350201447]", b'"2025-09-08T16:50:01"', b"1757350201447", b"null"]))
    return Line(body, None, None, kind)


any_lines = st.one_of(message_lines(), message_lines(), message_lines(), broken_lines())


@st.composite
def captures(draw: st.DrawFn) -> tuple[bytes, list[Line]]:
    lines = draw(st.lists(any_lines, min_size=1, max_size=10))
    endings = [draw(st.sampled_from([b"\n", b"\r\n"])) for _ in lines]
    if draw(st.booleans()):
        endings[-1] = b""  # no final newline
    data = b"".join(line.body + end for line, end in zip(lines, endings, strict=True))
    return data, lines


# --- the properties -------------------------------------------------------------------------------


def outside(line: bytes, spans: list[tuple[int, int]]) -> bytes:
    """The bytes of `line` outside `spans` (sorted, not overlapping)."""
    kept, position = [], 0
    for start, end in spans:
        kept.append(line[position:start])
        position = end
    kept.append(line[position:])
    return b"".join(kept)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(capture=captures())
def test_repair_of_generated_capture(capture: tuple[bytes, list[Line]]) -> None:
    data, lines = capture
    repaired, result = repair(data)
    in_lines, out_lines = data.split(b"\n"), repaired.split(b"\n")

    # (a) the same number of lines
    assert len(out_lines) == len(in_lines)
    assert result.lines == data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)

    changed = fixed = 0
    # Not strict: after a final newline, split leaves an empty last item that no line matches.
    for line_no, (line, before, after) in enumerate(zip(lines, in_lines, out_lines), 1):  # noqa: B905
        record = before + b"\n" if line_no < len(in_lines) else before
        fixes = fixes_of(record, line_no)
        # each generated line gets exactly the fix it was built for, at its timestamp token
        assert [(fix.start, fix.end) for fix in fixes] == ([line.fix_at] if line.fix_at else []), line
        if not fixes:
            # (b) a line without a fix is byte-identical
            assert after == before
            continue
        fixed += len(fixes)
        changed += after != before
        # (c) independent splice, left to right, and equality outside the spans
        expected, position = b"", 0
        out_spans, shift = [], 0
        for fix in fixes:
            replacement = fix.replacement.encode()
            expected += before[position : fix.start] + replacement
            position = fix.end
            out_spans.append((fix.start + shift, fix.start + shift + len(replacement)))
            shift += len(replacement) - (fix.end - fix.start)
        expected += before[position:]
        assert after == expected
        assert outside(after, out_spans) == outside(before, [(fix.start, fix.end) for fix in fixes])
        for fix, (start, end) in zip(fixes, out_spans, strict=True):
            assert after[start:end] == fix.replacement.encode()
            # (f) the replacement is a JSON number holding exactly the expected epoch seconds
            assert isinstance(json.loads(fix.replacement), float)
            assert float(fix.replacement) == line.expected, line
    assert result.lines_changed == changed
    assert sum(result.fixed.values()) == fixed

    # (d) idempotent
    again, second = repair(repaired)
    assert again == repaired
    assert second.lines_changed == 0 and not second.fixed
    # (e) no problem with a fix survives
    for line_no, record in enumerate(lines_of(repaired), 1):
        assert all(problem.fix is None for problem in lint(record, line_no)), record


# A few hand-written captures, so the properties also hold on cases spelled out in full.
HAND_CASES = [
    pytest.param(
        b'{"type":"ping","timestamp":"2025-09-08T16:50:01.447585"}\n',
        b'{"type":"ping","timestamp":1757350201.447585}\n',
        id="naive-iso-lf",
    ),
    pytest.param(
        b'{ "timestamp" : 1757350201447 , "type":"ping" }\r\n\r\n{"type":"ping"}',
        b'{ "timestamp" : 1757350201.447 , "type":"ping" }\r\n\r\n{"type":"ping"}',
        id="crlf-blank-no-eol",
    ),
    pytest.param(
        b'{"type":"ping","payload":{"timestamp":"2025-09-08T16:50:01"},"\\u0074imestamp":"1757350201"}',
        b'{"type":"ping","payload":{"timestamp":"2025-09-08T16:50:01"},"\\u0074imestamp":1757350201.0}',
        id="escaped-key-nested-decoy-untouched",
    ),
    pytest.param(
        b'{"type":"ping","timestamp":NaN}\n{"type":\n',
        b'{"type":"ping","timestamp":NaN}\n{"type":\n',
        id="unfixable-and-invalid-untouched",
    ),
    pytest.param(
        b'\xef\xbb\xbf{"type":"ping","timestamp":1757350201447}\n\xef\xbb\xbf{"type":"ping","timestamp":1}\n',
        b'\xef\xbb\xbf{"type":"ping","timestamp":1757350201.447}\n\xef\xbb\xbf{"type":"ping","timestamp":1}\n',
        id="bom-starting-the-file-kept-later-bom-invalid",
    ),
]


@pytest.mark.parametrize(("data", "expected"), HAND_CASES)
def test_repair_hand_cases(data: bytes, expected: bytes) -> None:
    repaired, _ = repair(data)
    assert repaired == expected
    assert repair(repaired)[0] == repaired


# --- splice ----------------------------------------------------------------------------------

RECORD = b'{"a":"0123456789","b":1}'


@pytest.mark.parametrize(
    "fixes",
    [
        pytest.param([Fix(6, 10, "x"), Fix(6, 10, "y")], id="same-span"),
        pytest.param([Fix(6, 10, "x"), Fix(9, 12, "y")], id="partial-overlap"),
        pytest.param([Fix(9, 12, "y"), Fix(6, 10, "x")], id="partial-overlap-given-right-first"),
        pytest.param([Fix(5, 17, "x"), Fix(8, 9, "y")], id="contained"),
        pytest.param([Fix(1, 3, "z"), Fix(8, 9, "y"), Fix(5, 17, "x")], id="contained-among-three"),
        pytest.param([Fix(6, 10, "x"), Fix(8, 8, "y")], id="insertion-inside-a-span"),
    ],
)
def test_splice_rejects_overlapping_edits(fixes: list[Fix]) -> None:
    with pytest.raises(ValueError, match="overlapping"):
        splice(RECORD, edits(fixes))


def edits(fixes: list[Fix]) -> list[Edit]:
    return [Edit(1, fix.start, fix.end, fix.replacement.encode()) for fix in fixes]


@pytest.mark.parametrize(
    ("fixes", "expected"),
    [
        pytest.param([], RECORD, id="no-fixes"),
        pytest.param([Fix(22, 23, "2.5")], b'{"a":"0123456789","b":2.5}', id="one"),
        pytest.param([Fix(10, 12, "X"), Fix(6, 10, "AB")], b'{"a":"ABX6789","b":1}', id="adjacent-given-right-first"),
        pytest.param(
            [Fix(5, 17, '"é"'), Fix(22, 23, "1757350201.447585")],
            b'{"a":"\xc3\xa9","b":1757350201.447585}',
            id="two-changing-lengths-non-ascii",
        ),
    ],
)
def test_splice_applies_every_edit(fixes: list[Fix], expected: bytes) -> None:
    assert b"".join(splice(RECORD, edits(fixes))) == expected


# --- atomic_output --------------------------------------------------------------------------------


def test_atomic_output_writes_target_on_success(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"old\n")
    with atomic_output(str(target)) as handle:
        handle.write(b"new\r\n")
        handle.write(b"more")
        assert target.read_bytes() == b"old\n"  # not yet replaced while the body runs
    assert target.read_bytes() == b"new\r\nmore"
    assert sorted(os.listdir(tmp_path)) == ["out.jsonl"]


@pytest.mark.parametrize("existing", [b"old\n", None], ids=["target-exists", "target-absent"])
@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_atomic_output_keeps_target_when_body_raises(  # type: ignore[no-untyped-def]
    tmp_path, existing, error
) -> None:
    target = tmp_path / "out.jsonl"
    if existing is not None:
        target.write_bytes(existing)
    with pytest.raises(error), atomic_output(str(target)) as handle:
        handle.write(b"partial")
        assert len(os.listdir(tmp_path)) == (2 if existing else 1)  # the temp file is there meanwhile
        raise error("boom")
    if existing is None:
        assert not target.exists()
        assert os.listdir(tmp_path) == []
    else:
        assert target.read_bytes() == existing
        assert os.listdir(tmp_path) == ["out.jsonl"]


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o755], ids=oct)
@pytest.mark.parametrize("existing", [0o600, None], ids=["target-0600-keeps-its-mode", "new-target"])
def test_atomic_output_copies_mode_from_input(tmp_path, mode: int, existing) -> None:  # type: ignore[no-untyped-def]
    # A new output gets the input's mode; one replaced (--force) keeps its own: a private file
    # stays private.
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"x\n")
    os.chmod(source, mode)
    target = tmp_path / "out.jsonl"
    if existing is not None:
        target.write_bytes(b"old\n")
        os.chmod(target, existing)
    with atomic_output(str(target), mode_from=str(source)) as handle:
        handle.write(b"y\n")
    assert stat.S_IMODE(os.stat(target).st_mode) == (mode if existing is None else existing)
    assert target.read_bytes() == b"y\n"


def test_atomic_output_in_place_keeps_the_input_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "capture.jsonl"
    path.write_bytes(b"a\n")
    os.chmod(path, 0o644)
    with atomic_output(str(path), mode_from=str(path)) as handle:
        handle.write(b"b\n")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert path.read_bytes() == b"b\n"
    assert os.listdir(tmp_path) == ["capture.jsonl"]


@pytest.mark.parametrize("existing", [b"old\n", None], ids=["target-exists", "target-absent"])
def test_atomic_output_discard_leaves_target(tmp_path, existing) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.jsonl"
    if existing is not None:
        target.write_bytes(existing)
    with atomic_output(str(target)) as handle:
        handle.write(b"new")
        handle.discard()
    if existing is None:
        assert not target.exists()
        assert os.listdir(tmp_path) == []
    else:
        assert target.read_bytes() == existing
        assert os.listdir(tmp_path) == ["out.jsonl"]


def test_atomic_output_missing_folder_is_output_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "missing" / "out.jsonl"
    with pytest.raises(OutputError, match="does not exist"), atomic_output(str(target)) as handle:
        handle.write(b"never")
    assert not (tmp_path / "missing").exists()
    assert os.listdir(tmp_path) == []


def test_atomic_output_missing_mode_source_is_output_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"old\n")
    with pytest.raises(OutputError), atomic_output(str(target), mode_from=str(tmp_path / "gone")) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"old\n"
    assert os.listdir(tmp_path) == ["out.jsonl"]


@given(pieces=st.lists(st.tuples(st.binary(max_size=40), st.integers(-1, 40)), max_size=30), every=st.integers(1, 64))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_atomic_output_hands_written_bytes_to_the_kernel_in_order(tmp_path, monkeypatch, pieces, every) -> None:  # type: ignore[no-untyped-def]
    # Write-behind: each time at least WRITE_BEHIND new bytes are in the file, the kernel is asked
    # to write them (the stretches follow each other from byte 0) and to drop the stretch before,
    # handed over the time before. Nothing beyond what was written; the file holds exactly that.
    # A piece goes through `write` (split -1) or through `write_parts` cut in two at `split`.
    import wsfix.output

    target = tmp_path / "out.jsonl"
    target.unlink(missing_ok=True)
    asked: list[tuple[int, int, int]] = []

    def fadvise(descriptor: int, offset: int, length: int, advice: int) -> None:
        assert os.fstat(descriptor).st_size >= offset + length  # flushed before it is handed over
        asked.append((offset, length, advice))

    monkeypatch.setattr(wsfix.output, "WRITE_BEHIND", every)
    monkeypatch.setattr(os, "posix_fadvise", fadvise, raising=False)
    monkeypatch.setattr(os, "POSIX_FADV_DONTNEED", 4, raising=False)
    with atomic_output(str(target)) as handle:
        for piece, split in pieces:
            if split < 0:
                assert handle.write(piece) == len(piece)
            else:
                handle.write_parts([piece[:split], memoryview(piece)[split:]])
    data = b"".join(piece for piece, _ in pieces)
    assert target.read_bytes() == data
    assert {advice for _, _, advice in asked} <= {4}
    handed: list[tuple[int, int]] = []  # the stretches handed over, in order
    for offset, length, _ in asked:
        if handed and (offset, length) == handed[-2 if len(handed) > 1 else -1]:
            continue  # the drop of the stretch before the newest
        assert offset == (handed[-1][0] + handed[-1][1] if handed else 0)
        assert length >= every
        handed.append((offset, length))
    assert len(asked) == 2 * len(handed) - (1 if handed else 0)  # a drop after each but the first
    position = sum(length for _, length in handed)
    assert len(data) - position < every  # what is left is shorter than one stretch


@given(
    calls=st.lists(st.one_of(st.binary(max_size=30), st.lists(st.binary(max_size=12), max_size=9)), max_size=12),
    most_parts=st.integers(1, 4),
    writes=st.sampled_from(["whole", "short", "no-writev"]),
)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_atomic_output_write_parts_writes_them_joined(tmp_path, calls, most_parts, writes) -> None:  # type: ignore[no-untyped-def]
    # A list is one write_parts call (more parts than one writev takes, when most_parts is small),
    # bytes one write call; the file holds everything in call order, even when the system writes
    # only part of what one writev is given (as it may when interrupted by a signal), and where
    # there is no writev (Windows).
    import wsfix.output

    gathered: list[int] = []
    real_writev = os.writev

    def writev(descriptor: int, buffers: list[bytes | memoryview]) -> int:
        gathered.append(len(buffers))
        data = b"".join(buffers)
        if writes == "short" and len(data) > 1:
            return os.write(descriptor, data[: len(data) // 2])
        return real_writev(descriptor, buffers)

    target = tmp_path / "out.jsonl"
    target.unlink(missing_ok=True)
    with pytest.MonkeyPatch.context() as patch:  # undone after each example
        patch.setattr(wsfix.output, "_MOST_PARTS", most_parts)
        if writes == "no-writev":
            patch.delattr(os, "writev")
        else:
            patch.setattr(os, "writev", writev)
        with atomic_output(str(target)) as handle:
            for call in calls:
                if isinstance(call, list):
                    handle.write_parts([memoryview(part) if index % 2 else part for index, part in enumerate(call)])
                else:
                    handle.write(call)
    expected = b"".join(b"".join(call) if isinstance(call, list) else call for call in calls)
    assert target.read_bytes() == expected
    assert all(count <= most_parts for count in gathered)
    if writes != "no-writev":
        assert sum(gathered) == sum(len(call) for call in calls if isinstance(call, list))


def test_atomic_output_write_behind_refused_is_harmless(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import wsfix.output

    def refuse(*args: object) -> None:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(wsfix.output, "WRITE_BEHIND", 2)
    monkeypatch.setattr(os, "posix_fadvise", refuse, raising=False)
    monkeypatch.setattr(os, "POSIX_FADV_DONTNEED", 4, raising=False)
    target = tmp_path / "out.jsonl"
    with atomic_output(str(target)) as handle:
        for _ in range(5):
            handle.write(b"abc\n")
    assert target.read_bytes() == b"abc\n" * 5
    assert os.listdir(tmp_path) == ["out.jsonl"]


# --- idempotence under every policy ----------------------------------------------------------------

# Values of every kind and magnitude, including instants past 5138-11-16 (1e11 s, from which a
# number reads as milliseconds when units are inferred) and before 1973 (small enough to read as
# seconds whatever they were meant in).
any_timestamp_text = st.one_of(
    st.integers(-(10**21), 10**21).map(str),
    st.decimals(min_value=-(10**21), max_value=10**21, allow_nan=False, places=3).map(str),
    st.integers(-(10**21), 10**21).map(lambda number: f'"{number}"'),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)).map(
        lambda moment: f'"{moment.isoformat()}Z"'
    ),
    st.sampled_from(
        [
            '"6000-01-01T00:00:00Z"',
            '"5138-11-16T09:46:40Z"',
            '"5138-11-16T09:46:39Z"',
            "99999999999",
            "100000000000",
            "1757350201447",
            "1757350201.447",
            "0",
            "0.0",
            "-0.0",
            '"0"',
            "0e5",
        ]
    ),
)
POLICIES = st.builds(
    Policy,
    unit=st.sampled_from([None, *Unit]),
    window=st.sampled_from(
        [DEFAULT_WINDOW, None, parse_window("1970-01-01..9999-12-31"), parse_window("1000-01-01..9999-12-31")]
    ),
)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(any_timestamp_text, min_size=1, max_size=5), policy=POLICIES)
def test_repair_is_final_under_any_policy(texts: list[str], policy: Policy) -> None:
    """Repairing the output again changes nothing, whatever `--unit` and `--window` say: a fix
    whose number the same policy would read (and convert) again is not offered."""
    linter = Linter(DEFAULT_SCHEMA, policy)

    def repaired(data: bytes) -> bytes:
        return repair_by_records(data, policy)[0]

    data = b"".join(b'{"type":"ping","timestamp":' + text.encode() + b"}\n" for text in texts)
    once = repaired(data)
    assert repaired(once) == once
    for line_no, record in enumerate(once.splitlines(keepends=True), 1):
        assert all(problem.fix is None for problem in linter.lint(record, line_no, "t")), record
