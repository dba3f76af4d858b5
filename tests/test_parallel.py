"""Chunked and parallel linting give exactly what one sequential pass, record by record, gives.

The oracle is `Linter.lint` on each record (`tests.conftest.lint_bytes`, `repair_bytes`); chunks are
forced small (`chunk_bytes`) so that every capture is cut in many places, next to findings, CRLF
line ends, blank lines and a last line without its newline.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import pickle
from collections import Counter
from typing import Self

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import lint_bytes, repair_bytes
from tests.test_repair_properties import captures
from wsfix import capture, parallel, rules
from wsfix.capture import open_capture
from wsfix.cli import app
from wsfix.errors import InputError
from wsfix.linter import COUNTS, FIXES, FULL, Linter
from wsfix.parallel import (
    CHUNK_BYTES,
    PARALLEL_MIN_BYTES,
    available_cpus,
    file_ranges,
    renumbered,
    resolve_jobs,
    stream_chunks,
)
from wsfix.problems import ClockEvidence, Fix, Problem, Severity
from wsfix.reporters import ReportOptions, build_reporter
from wsfix.reporters.concise import finding_line
from wsfix.run import RepairTarget, check_captures, choose_format, repair_capture
from wsfix.schema import DEFAULT_SCHEMA
from wsfix.segment_linter import Checked, ChunkJob, SegmentLinter, wanted_after, wants_any
from wsfix.settings import Settings
from wsfix.summary import Summary, Tally
from wsfix.timestamps import DEFAULT_POLICY

GOOD = b'{"type":"ping","timestamp":1757350201.5}'
# Each line a different case; every other one has a finding.
LINES = [
    GOOD,
    b'{"type":"start_agent","timestamp":"2025-09-08T16:50:01.447585"}',  # WS102, fixed
    GOOD,
    b'{"type":"ping","timestamp":1757350204000}',  # WS104, fixed
    b"",  # WS003
    b'{"type":"ping","timestamp":"2025-09-08T16:50:03.5+00:00"}',  # WS101, fixed
    b'{"type":"nope","timestamp":"2025-09-08T16:50:01Z"}',  # WS004 and WS101 on one line
    b'{"type":"ping","timestamp":NaN}',  # WS107
    b'{"type":"ping"',  # WS001
    b"  ",  # WS003
    b'{"type":"ping","timestamp":"2025-09-08"}',  # WS106
    GOOD,
]


def capture_bytes(final_newline: bool = False) -> bytes:
    """LINES with LF and CRLF line ends alternating, twice, the last line without its newline
    unless asked."""
    lines = LINES + LINES
    data = b"".join(line + (b"\r\n" if index % 3 == 1 else b"\n") for index, line in enumerate(lines))
    return data if final_newline else data.rstrip(b"\n").rstrip(b"\r")


def check_text(path: str, jobs: int, chunk_bytes: int) -> tuple[str, object]:
    out = io.StringIO()
    reporter = build_reporter("concise", out, ReportOptions())
    summary = check_captures([path], Settings(), reporter, jobs=jobs, chunk_bytes=chunk_bytes)
    return out.getvalue(), summary


def repaired_bytes(
    path: str, target: str, jobs: int, chunk_bytes: int, changes: list | None = None
) -> tuple[bytes, object]:
    result = repair_capture(
        path,
        RepairTarget(path=target),
        Settings(),
        on_change=None if changes is None else lambda line, old, new: changes.append((line, old, new)),
        jobs=jobs,
        chunk_bytes=chunk_bytes,
    )
    with open(target, "rb") as stream:
        return stream.read(), result


def expected_concise(data: bytes, path: str) -> list[str]:
    return [f"{path}:{p.line}:{p.column or 1}: {p.code} " for p in lint_bytes(data, path=path)]


# Chunk sizes from "a piece of one line" to "the whole capture": every cut lands somewhere new.
CHUNK_SIZES = [1, 7, 40, 64, 97, 150, 256, 1 << 20]


@pytest.mark.parametrize(
    "final_newline", [pytest.param(True, id="final-newline"), pytest.param(False, id="no-final-newline")]
)
@pytest.mark.parametrize("chunk_bytes", CHUNK_SIZES)
def test_check_jobs_2_equals_jobs_1_equals_record_by_record(capture_file, chunk_bytes, final_newline):
    data = capture_bytes(final_newline)
    path = capture_file(data)
    one, summary_one = check_text(path, 1, chunk_bytes)
    two, summary_two = check_text(path, 2, chunk_bytes)
    assert two == one
    assert summary_two == summary_one
    assert summary_one.lines == len(LINES) * 2
    # The oracle: the problems of each record linted on its own, in order.
    findings = [line for line in one.splitlines()[:-1]]
    assert len(findings) == len(lint_bytes(data, path=path)) == 20
    for line, expected in zip(findings, expected_concise(data, path), strict=True):
        assert line.startswith(expected)


@pytest.mark.parametrize(
    "final_newline", [pytest.param(True, id="final-newline"), pytest.param(False, id="no-final-newline")]
)
@pytest.mark.parametrize("chunk_bytes", CHUNK_SIZES)
def test_repair_jobs_2_is_byte_identical_to_jobs_1(capture_file, tmp_path, chunk_bytes, final_newline):
    data = capture_bytes(final_newline)
    path = capture_file(data)
    expected, expected_result = repair_bytes(data)
    changes_one: list = []
    changes_two: list = []
    one, result_one = repaired_bytes(path, str(tmp_path / "one.jsonl"), 1, chunk_bytes, changes_one)
    two, result_two = repaired_bytes(path, str(tmp_path / "two.jsonl"), 2, chunk_bytes, changes_two)
    assert one == two == expected
    assert result_one == result_two == expected_result
    assert changes_one == changes_two
    assert [line for line, _, _ in changes_one] == [2, 4, 6, 7, 14, 16, 18, 19]
    for line, old, new in changes_one:  # whole records, as they were and as repaired
        assert old == io.BytesIO(data).readlines()[line - 1]
        assert new == io.BytesIO(expected).readlines()[line - 1]
    assert one.endswith(b"\n") is final_newline
    assert one.count(b"\r\n") == data.count(b"\r\n")


@pytest.mark.parametrize("chunk_bytes", [150, 256, 1 << 20])
def test_tapered_ranges_check_and_repair_as_one_process_does(capture_file, tmp_path, monkeypatch, chunk_bytes):
    # Ranges taper off down to one byte (then one line each): every cut near the end moves.
    monkeypatch.setattr(capture, "TAPER_MIN_BYTES", 1)
    data = capture_bytes(final_newline=True)
    path = capture_file(data)
    assert len(list(file_ranges(io.BytesIO(data), path, len(data), chunk_bytes, processes=2))) > len(
        list(file_ranges(io.BytesIO(data), path, len(data), chunk_bytes))
    )
    assert check_text(path, 2, chunk_bytes) == check_text(path, 1, chunk_bytes)
    one, result_one = repaired_bytes(path, str(tmp_path / "one.jsonl"), 1, chunk_bytes)
    two, result_two = repaired_bytes(path, str(tmp_path / "two.jsonl"), 2, chunk_bytes)
    assert (two, result_two) == (one, result_one) == repair_bytes(data)


def test_file_ranges_taper_off_towards_the_end(monkeypatch):
    monkeypatch.setattr(capture, "TAPER_MIN_BYTES", 1_000)
    data = (b"x" * 99 + b"\n") * 10_000  # 1,000,000 bytes in lines of 100
    lengths = [end - start for start, end in file_ranges(io.BytesIO(data), "t", len(data), 100_000, processes=2)]
    assert sum(lengths) == len(data)
    # Whole chunks while a quarter of what is left is more; then a quarter of what is left,
    # rounded up to a line's end (300,000 left: 75,000), down to the least.
    assert lengths[:8] == [100_000] * 7 + [75_000]
    assert lengths == sorted(lengths, reverse=True)
    assert lengths[-3:-1] == [1_000] * 2 and 0 < lengths[-1] <= 1_000
    # One process: no tapering.
    assert {end - start for start, end in file_ranges(io.BytesIO(data), "t", len(data), 100_000)} == {100_000}


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("chunk_bytes", [7, 150, 1 << 20])
def test_repair_to_standard_output_and_dry_run_with_jobs(capture_file, jobs, chunk_bytes):
    # Standard output takes the chunks joined (not a temp file: no writev); a dry run writes
    # nothing but reports the same changes.
    data = capture_bytes()
    path = capture_file(data)
    expected, expected_result = repair_bytes(data)
    stdout = io.BytesIO()
    result = repair_capture(path, RepairTarget(path="-"), Settings(), stdout=stdout, jobs=jobs, chunk_bytes=chunk_bytes)
    assert stdout.getvalue() == expected
    assert result == expected_result
    assert (
        repair_capture(path, RepairTarget(dry_run=True), Settings(), jobs=jobs, chunk_bytes=chunk_bytes)
        == expected_result
    )
    changes: list = []
    result = repair_capture(
        path,
        RepairTarget(dry_run=True),
        Settings(),
        on_change=lambda line, old, new: changes.append((line, old, new)),
        jobs=jobs,
        chunk_bytes=chunk_bytes,
    )
    assert result == expected_result
    assert [(line, new) for line, _, new in changes] == [
        (line, io.BytesIO(expected).readlines()[line - 1]) for line in [2, 4, 6, 7, 14, 16, 18, 19]
    ]
    with open(path, "rb") as stream:
        assert stream.read() == data


def test_repair_summary_lines_are_renumbered_across_chunks(capture_file, tmp_path):
    data = capture_bytes()
    path = capture_file(data)
    _, result = repaired_bytes(path, str(tmp_path / "out.jsonl"), 2, 40)
    assert result.remaining_lines == {
        "WS001": [9, 21],
        "WS003": [5, 10, 17, 22],
        "WS004": [7, 19],
        "WS106": [11, 23],
        "WS107": [8, 20],
    }
    assert result.lines == 24 and result.lines_changed == 8


def test_check_reads_stdin_in_chunks_with_jobs(capture_file, monkeypatch):
    data = capture_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    text, summary = check_text("-", 2, 64)
    expected = expected_concise(data, "-")
    findings = text.splitlines()[:-1]
    assert len(findings) == len(expected)
    for line, prefix in zip(findings, expected, strict=True):
        assert line.startswith(prefix)
    assert summary.lines == 24


class Recorder:
    """A progress bar that notes what it is told."""

    def __init__(self) -> None:
        self.started: list[tuple[str, int]] = []
        self.advanced: list[int] = []

    def __call__(self, label: str, total: int) -> Recorder:
        self.started.append((label, total))
        return self

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def advance(self, count: int) -> None:
        self.advanced.append(count)


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_is_told_every_byte_once(capture_file, jobs):
    data = capture_bytes()
    path = capture_file(data)
    recorder = Recorder()
    reporter = build_reporter("concise", io.StringIO(), ReportOptions())
    check_captures([path], Settings(), reporter, jobs=jobs, chunk_bytes=100, progress=recorder)
    assert recorder.started == [(path, len(data))]
    assert sum(recorder.advanced) == len(data)
    assert len(recorder.advanced) > 5  # per chunk, not once at the end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(capture=captures(), cuts=st.lists(st.integers(1, 400), min_size=1, max_size=6))
def test_property_chunks_give_the_problems_of_each_record(capture, cuts):
    data, _ = capture
    linter = Linter(DEFAULT_SCHEMA, DEFAULT_POLICY)
    expected = lint_bytes(data)
    for chunk_bytes in cuts:
        found = []
        line = 1
        for chunk in stream_chunks(io.BytesIO(data), "t.jsonl", chunk_bytes):
            lines, problems, starts, _ = linter.lint_chunk(chunk, "t.jsonl", line)
            found.extend(problems)
            for line_no, start in starts.items():  # the start of each record with problems
                record = chunk[start:].split(b"\n")[0]
                assert record == chunk.split(b"\n")[line_no - line]
            line += lines
        assert found == expected
        assert line - 1 == len(io.BytesIO(data).readlines())


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(st.sampled_from([b"a", b"\n", b"\r\n", b"{}", b"xyz" * 50]), max_size=30).map(b"".join),
    chunk_bytes=st.integers(1, 200),
)
def test_property_stream_chunks_cut_after_line_ends(data, chunk_bytes):
    pieces = list(stream_chunks(io.BytesIO(data), "t", chunk_bytes))
    assert b"".join(pieces) == data
    assert all(piece for piece in pieces)
    assert all(piece.endswith(b"\n") for piece in pieces[:-1])
    for piece in pieces:  # a piece is a few chunks at most: one, or the rest of a long line
        assert piece.count(b"\n") <= chunk_bytes or len(piece) <= 2 * chunk_bytes


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(st.sampled_from([b"a", b"\n", b"{}", b"xyz" * 30000]), max_size=20).map(b"".join),
    chunk_bytes=st.integers(1, 100_000),
)
def test_property_file_ranges_cover_the_file_on_line_ends(data, chunk_bytes):
    ranges = list(file_ranges(io.BytesIO(data), "t", len(data), chunk_bytes))
    assert [start for start, _ in ranges] == ([0, *(end for _, end in ranges[:-1])] if data else [])
    assert (ranges[-1][1] if ranges else 0) == len(data)
    for start, end in ranges:
        assert end > start
        assert end == len(data) or data[end - 1 : end] == b"\n"
        # cut at the first line end at or after the chunk size, not later
        assert b"\n" not in data[start + chunk_bytes - 1 : end - 1]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=3000), cuts=st.lists(st.integers(0, 3000), max_size=12))
def test_property_chunk_reader_gives_each_chunks_bytes(tmp_path, data, cuts):
    # One buffer serves every chunk, growing when a chunk is longer than any before; each read
    # gives exactly the chunk's bytes (and the bytes a chunk carries, as they are).
    path = tmp_path / "capture.jsonl"
    path.write_bytes(data)
    bounds = sorted({0, len(data), *(cut % len(data) for cut in cuts)})
    with parallel.ChunkReader() as reader:
        for start, end in itertools.pairwise(bounds):
            assert bytes(reader.read(parallel.Chunk(str(path), start, end))) == data[start:end]
        assert reader.read(parallel.Chunk(str(path), 0, 3, b"abc")) == b"abc"


def test_chunk_reader_follows_the_chunks_from_file_to_file(tmp_path):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_bytes(b"one\ntwo\n")
    second.write_bytes(b"three\nfour\n")
    with parallel.ChunkReader() as reader:
        assert bytes(reader.read(parallel.Chunk(str(first), 4, 8))) == b"two\n"
        assert bytes(reader.read(parallel.Chunk(str(second), 0, 6))) == b"three\n"
        assert bytes(reader.read(parallel.Chunk(str(first), 0, 4))) == b"one\n"


def test_chunk_reader_refuses_a_file_that_shrank(tmp_path):
    path = tmp_path / "capture.jsonl"
    path.write_bytes(b"abc\n" * 10)
    with parallel.ChunkReader() as reader:
        assert bytes(reader.read(parallel.Chunk(str(path), 0, 8))) == b"abc\nabc\n"
        path.write_bytes(b"abc\n")
        with pytest.raises(InputError, match="shrank while it was being read"):
            reader.read(parallel.Chunk(str(path), 4, 12))


def test_renumbered_shifts_lines_only():
    problems = lint_bytes(capture_bytes())
    shifted = renumbered(problems, 100)
    assert [p.line for p in shifted] == [p.line + 100 for p in problems]
    assert [p._replace(line=0) for p in shifted] == [p._replace(line=0) for p in problems]
    assert renumbered(problems, 0) is problems


_TEXT = st.text(max_size=8)
_PROBLEMS = st.builds(
    Problem,
    path=_TEXT,
    line=st.integers(1, 10**9),
    column=st.none() | st.integers(1, 10**6),
    json_path=_TEXT,
    code=st.sampled_from(["WS001", "WS101", "WS120"]),
    message=_TEXT,
    value=st.none() | _TEXT,
    pydantic_type=st.none() | _TEXT,
    fix=st.none() | st.builds(Fix, st.integers(0, 10**6), st.integers(0, 10**6), _TEXT),
    record=st.none() | _TEXT,
    repeated=st.integers(1, 5),
    evidence=st.none() | st.builds(ClockEvidence, st.floats(allow_nan=False), st.none() | st.floats(allow_nan=False)),
)


@given(st.lists(_PROBLEMS, max_size=5), st.none() | st.just(Counter({("WS101", True): 3})))
def test_property_a_check_result_crosses_to_the_parent_whole(problems, counted):
    # A worker's result is pickled with its problems as plain tuples (`problems.to_rows`): the
    # parent gets the same values, each of its own type again (a Fix, not a tuple: reporters read
    # `fix.replacement`).
    checked = Checked(7, 6, problems, counted, 1, {"group": []})
    back = pickle.loads(pickle.dumps(checked, pickle.HIGHEST_PROTOCOL))
    assert back == checked
    assert type(back) is Checked
    for problem in back.problems:
        assert type(problem) is Problem
        assert problem.fix is None or type(problem.fix) is Fix
        assert problem.evidence is None or type(problem.evidence) is ClockEvidence


@pytest.mark.parametrize(
    ("jobs", "size", "expected"),
    [
        pytest.param(None, None, 1, id="stdin-auto"),
        pytest.param(None, 1000, 1, id="small-auto"),
        pytest.param(None, PARALLEL_MIN_BYTES, "cpus", id="large-auto"),
        pytest.param(3, 10, 1, id="explicit-but-one-chunk"),
        pytest.param(200, 1000, 1, id="many-on-a-small-file"),
        pytest.param(2, 3 * CHUNK_BYTES, "min(2,cpus)", id="explicit"),
        pytest.param(3, 2 * CHUNK_BYTES, "min(2,cpus)", id="capped-by-chunks"),
        pytest.param(100000, 1 << 40, "cpus", id="capped-by-cpus"),
        pytest.param(2147483648, 1 << 40, "cpus", id="past-a-c-int"),
        pytest.param(2, None, "min(2,cpus)", id="explicit-stdin"),
    ],
)
def test_resolve_jobs(jobs, size, expected):
    """Never more processes than CPUs, nor than chunks of work (issue 17: --jobs 100000 forked
    thousands; 2147483648 was an OverflowError)."""
    wanted = {"cpus": available_cpus(), "min(2,cpus)": min(2, available_cpus())}.get(expected, expected)
    assert resolve_jobs(jobs, size) == wanted


def test_cli_jobs_2_on_a_multi_chunk_file(capture_file, tmp_path):
    from typer.testing import CliRunner

    from wsfix.parallel import CHUNK_BYTES

    block = capture_bytes(final_newline=True) + (GOOD + b"\n") * 2000
    data = block * 110  # about 9.1 MB: three chunks of 4 MiB (CHUNK_BYTES)
    path = capture_file(data)
    assert 2 * CHUNK_BYTES < len(data) < 3 * CHUNK_BYTES
    runner = CliRunner()
    outputs = []
    for jobs in ("1", "2"):
        result = runner.invoke(app, ["check", path, "--output-format", "concise", "--jobs", jobs])
        assert result.exit_code == 1
        outputs.append(result.stdout)
        out = tmp_path / f"out{jobs}.jsonl"
        result = runner.invoke(app, ["repair", "--in", path, "--out", str(out), "--jobs", jobs])
        assert result.exit_code == 1
    assert outputs[0] == outputs[1]
    assert outputs[0].count("\n") == 20 * 110 + 1
    assert outputs[0].splitlines()[-1].startswith("Checked 222,640 lines in 1 file: ")
    assert (tmp_path / "out1.jsonl").read_bytes() == (tmp_path / "out2.jsonl").read_bytes()
    assert (tmp_path / "out1.jsonl").read_bytes() == repair_bytes(data)[0]


def test_cli_rejects_zero_jobs(capture_file):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["check", capture_file(GOOD + b"\n"), "--jobs", "0"])
    assert result.exit_code == 2
    assert "--jobs" in result.output


def test_no_progress_bar_when_stderr_is_not_a_terminal(capture_file):
    from typer.testing import CliRunner

    path = capture_file((GOOD + b"\n") * 220_000)  # about 9 MB
    assert os.path.getsize(path) > 8 << 20
    result = CliRunner().invoke(app, ["check", path, "--jobs", "2"])
    assert result.exit_code == 0
    assert result.stderr == ""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(capture=captures())
def test_property_less_detail_keeps_codes_lines_and_fixes(capture):
    data, _ = capture
    linter = Linter(DEFAULT_SCHEMA, DEFAULT_POLICY)
    full = linter.lint_chunk(data, "t", 1, FULL)
    fixes = linter.lint_chunk(data, "t", 1, FIXES)
    counts = linter.lint_chunk(data, "t", 1, COUNTS)
    assert full.lines == fixes.lines == counts.lines
    assert [(p.line, p.json_path, p.code, p.fix, p.on_repeated_key) for p in fixes.problems] == [
        (p.line, p.json_path, p.code, p.fix, p.on_repeated_key) for p in full.problems
    ]
    assert fixes.starts == full.starts
    assert full.counted is None and fixes.counted is None
    assert counts.problems == [] and counts.starts == {}
    assert counts.counted == Counter((p.code, p.fix is not None) for p in full.problems)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("max_rows", [0, 3, 11, None])
@pytest.mark.parametrize(
    ("chunk_bytes", "piece_bytes"),
    [(64, parallel.PIECE_BYTES), (1500, 64)],
    ids=["one-piece-chunks", "many-piece-chunks"],
)
@pytest.mark.parametrize("ignore", [(), ("WS101", "WS003", "WS104")], ids=["all-rules", "some-ignored"])
def test_table_past_its_rows_counts_the_same(
    capture_file, monkeypatch, jobs, max_rows, chunk_bytes, piece_bytes, ignore
):
    # Past the rows it shows, the table only counts: a chunk works out in full as many selected
    # problems as the table still wanted when it was sent, and counts the rest (from its next
    # piece on). The output is still the table of the first problems, each complete, and every
    # count, whatever the chunks, their pieces and the rules ignored.
    monkeypatch.setattr(parallel, "PIECE_BYTES", piece_bytes)
    data = capture_bytes(final_newline=True) * 3
    path = capture_file(data)
    options = ReportOptions(max_rows=max_rows, width=160, color=False)
    settings = Settings(ignore=ignore)
    out = io.StringIO()
    summary = check_captures([path], settings, build_reporter("full", out, options), jobs=jobs, chunk_bytes=chunk_bytes)
    expected_out = io.StringIO()
    reporter = build_reporter("full", expected_out, options)
    tally = Tally()
    for problem in lint_bytes(data, path=path):
        if problem.code in ignore:
            continue
        tally.add(problem)
        reporter.add(problem)
    reporter.finish(Summary((path,), 72, tally, "UTC", DEFAULT_SCHEMA.name))
    assert summary.tally == tally
    assert out.getvalue() == expected_out.getvalue()


@pytest.mark.parametrize("jobs", [1, 2])
def test_ignored_rules_are_neither_reported_nor_fixed(capture_file, tmp_path, jobs):
    data = capture_bytes(final_newline=True)
    path = capture_file(data)
    settings = Settings(ignore=("WS101", "WS003"))
    out = io.StringIO()
    summary = check_captures(
        [path], settings, build_reporter("concise", out, ReportOptions()), jobs=jobs, chunk_bytes=64
    )
    expected = [p for p in lint_bytes(data, path=path) if p.code not in ("WS101", "WS003")]
    assert sum(summary.tally.counts.values()) == len(expected) == 12
    assert "WS101" not in out.getvalue() and "WS003" not in out.getvalue()
    result = repair_capture(path, RepairTarget(path=str(tmp_path / "out.jsonl")), settings, jobs=jobs, chunk_bytes=64)
    repaired = (tmp_path / "out.jsonl").read_bytes()
    assert b'"2025-09-08T16:50:03.5+00:00"' in repaired  # WS101 ignored: left as it is
    assert b'"2025-09-08T16:50:01.447585"' not in repaired  # WS102 still fixed
    assert result.fixed == {"WS102": 2, "WS104": 2}


# --- the main-side features, through chunks and workers ------------------------------------
# Each capture below is checked and repaired with --jobs 1 and --jobs 2 at chunk sizes that cut it
# everywhere; the oracle is `Linter.lint` record by record (`lint_bytes`, `repair_bytes`).

BOM = b"\xef\xbb\xbf"
ISO = b'"2025-09-08T16:50:01.447585"'
# A model with nested timestamps (`header.sent_at`, `trades[*].time`), a top-level one, whole
# milliseconds (`E:ms`) and a datetime; see tests/sample_models.py and test_custom_model.py.
ORDER_MODEL = f"{os.path.join(os.path.dirname(__file__), 'sample_models.py')}:Order"
ORDER_CLEAN = (
    b'{"type":"fill","header":{"source":"ws-7","sent_at":1757350201.5},'
    b'"trades":[{"price":"10.5","time":1757350201.25},{"price":"10.6","time":1757350201.75}],'
    b'"timestamp":1757350202,"E":1757350201447,"created_at":"2025-09-08T16:50:01.447Z"}'
)


def order_settings() -> Settings:
    from wsfix.user_model import build_schema

    return Settings(schema=build_schema(model_spec=ORDER_MODEL, fields=("E:ms",)))


def joined(lines: list[bytes], final_newline: bool) -> bytes:
    """`lines` with LF and CRLF alternating; the last without its newline unless asked."""
    data = b"".join(line + (b"\r\n" if index % 3 == 1 else b"\n") for index, line in enumerate(lines))
    return data if final_newline else data.rstrip(b"\n").rstrip(b"\r")


ORDER_LINES = [
    ORDER_CLEAN,
    ORDER_CLEAN.replace(b'"sent_at":1757350201.5', b'"sent_at":"2025-09-08T16:50:01.5Z"'),  # nested WS101
    ORDER_CLEAN.replace(b'"time":1757350201.75', b'"time":1757350201750'),  # in a list: WS104
    b"",  # WS003
    ORDER_CLEAN.replace(b'"timestamp":1757350202', b'"timestamp":' + ISO),  # top level, WS102
    ORDER_CLEAN.replace(b'"E":1757350201447', b'"E":"2025-09-08T16:50:01.447Z"'),  # WS110
    ORDER_CLEAN.replace(b'"timestamp":1757350202', b'"timestamp":' + ISO).replace(  # both at once
        b'"time":1757350201.25', b'"time":"2025-09-08T16:50:01.25Z"'
    ),
    ORDER_CLEAN.replace(b'"type":"fill"', b'"type":7'),  # WS004
    ORDER_CLEAN,
]
# The first record starts with a byte order mark (kept, not reported); a later one starts with
# one too (not the file's: invalid JSON there). Repeated keys: pydantic reads the last one.
DEFAULT_LINES = [
    BOM + b'{"type":"ping","timestamp":' + ISO + b"}",  # WS102 after the file's BOM
    GOOD,
    b'{"type":"ping","timestamp":1757350201.5,"timestamp":' + ISO + b"}",  # WS102 on a repeated key
    GOOD,
    BOM + GOOD,  # WS001: a BOM inside the file
    b'{"type":"ping","timestamp":' + ISO + b',"timestamp":1757350201.5}',  # the last one is fine
    b'{"type":"ping","timestamp":"x","timestamp":"2025-09-08T16:50:01Z","timestamp":5}',  # WS109 noted
    b"",
    b'{"type":"ping","timestamp":1757350204000}',
]
FEATURE_CAPTURES = {
    "nested-fields": (ORDER_LINES, order_settings),
    "bom-and-repeated-keys": (DEFAULT_LINES, Settings),
}


@pytest.mark.parametrize(
    "final_newline", [pytest.param(True, id="final-newline"), pytest.param(False, id="no-final-newline")]
)
@pytest.mark.parametrize("chunk_bytes", [1, 50, 97, 256, 1 << 20])
@pytest.mark.parametrize("case", list(FEATURE_CAPTURES))
def test_features_through_chunks_and_workers(capture_file, tmp_path, case, chunk_bytes, final_newline):
    lines, make_settings = FEATURE_CAPTURES[case]
    settings = make_settings()
    data = joined(lines * 2, final_newline)
    path = capture_file(data)
    expected = lint_bytes(data, path=path, schema=settings.schema)
    expected_repair, expected_result = repair_bytes(data, schema=settings.schema)
    assert len(expected) > 10 and expected_repair != data  # the cases have findings and fixes
    outputs = {}
    for jobs in (1, 2):
        out = io.StringIO()
        reporter = build_reporter("jsonl", out, ReportOptions())
        summary = check_captures([path], settings, reporter, jobs=jobs, chunk_bytes=chunk_bytes)
        assert summary.lines == len(lines) * 2
        assert summary.tally.total == len(expected)
        reported = [json.loads(row) for row in out.getvalue().splitlines()]
        assert [(row["line"], row["column"], row["code"], row["message"]) for row in reported] == [
            (p.line, p.column, p.code, p.message) for p in expected
        ]
        target = str(tmp_path / f"out{jobs}.jsonl")
        result = repair_capture(path, RepairTarget(path=target), settings, jobs=jobs, chunk_bytes=chunk_bytes)
        with open(target, "rb") as stream:
            outputs[jobs] = stream.read()
        assert result == expected_result
    assert outputs[1] == outputs[2] == expected_repair


def test_feature_captures_hold_what_they_claim():
    # The oracle itself, checked by hand for the cases the parallel test relies on.
    data = joined(DEFAULT_LINES, final_newline=True)
    problems = lint_bytes(data)
    assert [(p.line, p.code) for p in problems] == [
        (1, "WS102"),
        (3, "WS102"),
        (5, "WS001"),
        (7, "WS109"),
        (8, "WS003"),
        (9, "WS104"),
    ]
    assert problems[0].column == 28  # counted from after the file's BOM
    assert problems[1].on_repeated_key and problems[3].on_repeated_key
    repaired, result = repair_bytes(data)
    assert repaired.startswith(BOM + b'{"type":"ping","timestamp":1757350201.447585}')
    assert result.repeated_keys == 1 and result.repeated_key_lines == [3]
    order = lint_bytes(joined(ORDER_LINES, final_newline=True), schema=order_settings().schema)
    assert [(p.line, p.json_path, p.code) for p in order] == [
        (2, "header.sent_at", "WS101"),
        (3, "trades[1].time", "WS104"),
        (4, "", "WS003"),
        (5, "timestamp", "WS102"),
        (6, "E", "WS110"),
        (7, "trades[0].time", "WS101"),
        (7, "timestamp", "WS102"),
        (8, "type", "WS004"),
    ]


def pools_started(monkeypatch) -> list[int]:
    """With two CPUs: the list the size of each pool started is added to."""
    pools: list[int] = []
    real_get_pool = parallel.ChunkRunner._get_pool

    def counting_get_pool(self, jobs):
        pools.append(jobs)
        return real_get_pool(self, jobs)

    monkeypatch.setattr(parallel.ChunkRunner, "_get_pool", counting_get_pool)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    return pools


def test_jobs_on_a_har_run_in_one_process(monkeypatch):
    # A HAR is one JSON document: linted in this process whatever --jobs says, with the findings
    # of --jobs 1, and no pool started.
    path = os.path.join(os.path.dirname(__file__), "data", "har", "mitmproxy-websocket.har")

    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parallel.ChunkRunner, "_get_pool", no_pool)
    texts = []
    for jobs in (1, 2):
        out = io.StringIO()
        summary = check_captures(
            [path], Settings(), build_reporter("concise", out, ReportOptions()), jobs=jobs, chunk_bytes=64
        )
        texts.append(out.getvalue())
        assert summary.tally.total > 0
    assert texts[0] == texts[1]


@pytest.mark.parametrize("kind", ["stdin", "gzip", "object", "gzip-object"])
def test_captures_read_here_are_shipped_to_workers(capture_file, tmp_path, monkeypatch, kind):
    """Standard input, a gzip'd file and an object in a store cannot be read by byte ranges: with
    --jobs 2 this process reads them and ships each chunk's bytes to a worker (issue 12), and the
    findings, the summary and the repaired bytes are those of --jobs 1."""
    import gzip

    data = capture_bytes(final_newline=True) * 5
    stored = gzip.compress(data, mtime=0) if "gzip" in kind else data
    if kind == "stdin":
        path = "-"
    elif kind == "gzip":
        path = capture_file(stored, "capture.jsonl.gz")
    else:
        fsspec = pytest.importorskip("fsspec", reason="the cloud extra is not installed (pip install 'wsfix[cloud]')")
        path = f"memory://shipped/{kind}.jsonl"
        fsspec.filesystem("memory").pipe(path.removeprefix("memory://"), stored)
    pools = pools_started(monkeypatch)
    found = []
    for jobs in (1, 2):
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stored)))
        out = io.StringIO()
        summary = check_captures(
            [path], Settings(), build_reporter("concise", out, ReportOptions()), jobs=jobs, chunk_bytes=97
        )
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stored)))
        target = tmp_path / f"fixed-{jobs}"
        tally = repair_capture(path, RepairTarget(str(target)), Settings(), jobs=jobs, chunk_bytes=97)
        found.append((out.getvalue(), summary.lines, summary.tally.counts, target.read_bytes(), tally.fixed))
    assert pools == [2, 2]  # the check's and the repair's, at --jobs 2 only
    assert found[0] == found[1]
    assert found[0][1] == data.count(b"\n")
    assert found[0][2] == Counter(problem.code for problem in lint_bytes(data))  # record by record
    assert found[0][3] != stored


def test_shipped_chunks_go_through_the_shared_slots(capture_file, tmp_path, monkeypatch):
    """A chunk this process reads goes to a worker through a slot of shared memory (only the
    chunk's place in the file travels with the task); one too long for a slot (a line longer
    than twice the chunk size) goes with its bytes. Either way the findings and the repaired
    bytes are those of --jobs 1."""
    import concurrent.futures
    import gzip

    long_line = b'{"type": "long", "timestamp": "2025-09-08T16:50:01Z", "pad": "' + b"x" * 600 + b'"}\n'
    data = capture_bytes(final_newline=True) * 3 + long_line + capture_bytes(final_newline=True) * 3
    path = capture_file(gzip.compress(data, mtime=0), "capture.jsonl.gz")
    submitted: list[str] = []
    real_submit = concurrent.futures.ProcessPoolExecutor.submit

    def recording_submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        submitted.append(fn.__name__)
        if fn is parallel._run_from_slot:
            assert args[1].data is None  # the bytes are not pickled with the task
        return real_submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures.ProcessPoolExecutor, "submit", recording_submit)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    found = []
    for jobs in (1, 2):
        out = io.StringIO()
        check_captures([path], Settings(), build_reporter("concise", out, ReportOptions()), jobs=jobs, chunk_bytes=200)
        target = tmp_path / f"fixed-{jobs}"
        repair_capture(path, RepairTarget(str(target)), Settings(), jobs=jobs, chunk_bytes=200)
        found.append((out.getvalue(), target.read_bytes()))
    assert found[0] == found[1]
    assert b"2025-09-08T16:50:01Z" not in found[1][1]  # the long line's value was repaired
    assert submitted.count("_run_in_worker") == 2  # the long line's chunk, in the check and the repair
    assert submitted.count("_run_from_slot") > 20


def test_shipped_chunks_go_through_the_pipe_where_no_slot_can_be_mapped(capture_file, monkeypatch):
    """Where the system refuses the shared slots (a strict limit on committed memory), the chunks
    go with their bytes, and the run is the same."""
    import gzip

    def refused(*args: object) -> None:
        raise OSError(12, "Cannot allocate memory")

    data = capture_bytes(final_newline=True) * 5
    path = capture_file(gzip.compress(data, mtime=0), "capture.jsonl.gz")
    monkeypatch.setattr(parallel.mmap, "mmap", refused)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    texts = []
    for jobs in (1, 2):
        out = io.StringIO()
        check_captures([path], Settings(), build_reporter("concise", out, ReportOptions()), jobs=jobs, chunk_bytes=97)
        texts.append(out.getvalue())
    assert texts[0] == texts[1] and texts[0].count("\n") > 10


def test_property_in_memory_chunks_are_cut_in_whole_lines():
    # A shipped chunk's bytes are linted in pieces of about PIECE_BYTES, each of whole lines.
    lines = [b"x" * size + b"\n" for size in (10, parallel.PIECE_BYTES * 2, 0, 300, parallel.PIECE_BYTES - 5)] * 40
    data = b"".join(lines) + b"last line without its newline"
    chunk = parallel.Chunk("p", 0, len(data), data)
    pieces = list(chunk.pieces())
    assert b"".join(piece for _, piece in pieces) == data
    assert [offset for offset, _ in pieces] == list(itertools.accumulate([0] + [len(p) for _, p in pieces[:-1]]))
    assert all(piece.endswith(b"\n") for _, piece in pieces[:-1])
    assert all(len(piece) <= parallel.PIECE_BYTES or piece.count(b"\n") == 1 for _, piece in pieces)
    assert len(pieces) > 40


def test_a_chunk_of_many_pieces_writes_each_pieces_findings_in_order(capture_file, monkeypatch):
    # A worker writes each piece's findings as it lints the piece, and joins them: the texts,
    # counts and noted findings of the whole chunk, as the findings of each record alone give them.
    monkeypatch.setattr(parallel, "PIECE_BYTES", 64)
    data = capture_bytes(final_newline=True) + b'{"kind":"x"}\n' * 3 + capture_bytes(final_newline=True)
    path = capture_file(data)
    with open_capture(path) as stream:
        capture_format = choose_format(Settings(), path, stream)
    job = ChunkJob(capture_format, "check", finding_line, frozenset({"WS004"}))
    chunk = parallel.Chunk(path, 0, len(data), data, first_line=1, numbered=True)
    assert len(list(chunk.pieces())) > 10
    checked = job(SegmentLinter(Settings()), chunk)
    expected = lint_bytes(data, path=path)
    assert checked.problems == [] and checked.written is not None
    assert checked.written.texts == [finding_line(problem) for problem in expected]
    assert checked.written.counted == Counter((problem.code, problem.fix is not None) for problem in expected)
    assert checked.written.noted == [problem for problem in expected if problem.code == "WS004"]
    assert len(checked.written.noted) == 2 + 3 + 2  # the two of each LINES, the three records of another model


def _problem(code: str) -> Problem:
    return Problem("c.jsonl", 1, 1, "timestamp", code, "")


ERROR, WARNING = Severity.ERROR, Severity.WARNING


@pytest.mark.parametrize(
    ("wanted", "shown", "after", "any_after"),
    [
        (None, ["WS101"], None, True),
        (3, [], 3, True),
        (3, ["WS101", "WS104"], 1, True),
        (3, ["WS101"] * 5, 0, False),
        (0, ["WS101"], 0, False),
        ({ERROR: 2, WARNING: 1}, [], {ERROR: 2, WARNING: 1}, True),
        ({ERROR: 2, WARNING: 1}, ["WS101", "WS102", "WS101"], {ERROR: 0, WARNING: 1}, True),  # errors all
        ({ERROR: 2, WARNING: 1}, ["WS104", "WS101"], {ERROR: 1, WARNING: 0}, True),  # WS104 warns
        ({ERROR: 2, WARNING: 1}, ["WS101", "WS104", "WS101", "WS104"], {ERROR: 0, WARNING: 0}, False),
    ],
)
def test_what_a_report_still_wants(wanted, shown, after, any_after):
    assert wanted_after(wanted, [_problem(code) for code in shown]) == after
    assert wants_any(after) is any_after


def test_a_chunk_works_out_in_full_only_the_first_of_each_severity_wanted(capture_file, monkeypatch):
    # GitHub's annotations: so many errors and so many warnings. Past the piece where the chunk
    # has that many of each, its problems are only counted, whatever the chunks before it held.
    monkeypatch.setattr(parallel, "PIECE_BYTES", 64)
    data = capture_bytes(final_newline=True) * 4
    path = capture_file(data)
    with open_capture(path) as stream:
        capture_format = choose_format(Settings(), path, stream)
    expected = lint_bytes(data, path=path)
    severity = {problem.code: rules.BY_CODE[problem.code].severity for problem in expected}
    wanted = {ERROR: 2, WARNING: 1}
    chunk = parallel.Chunk(path, 0, len(data), data, first_line=1, full_problems=wanted, numbered=True)
    checked = ChunkJob(capture_format, "check")(SegmentLinter(Settings()), chunk)
    shown = checked.problems
    assert 0 < len(shown) < len(expected) and shown == expected[: len(shown)]
    assert sum(severity[problem.code] is ERROR for problem in shown) >= 2
    assert sum(severity[problem.code] is WARNING for problem in shown) >= 1
    rest = expected[len(shown) :]
    assert checked.counted == Counter((problem.code, problem.fix is not None) for problem in rest)


@pytest.mark.parametrize("chunk_bytes", [97, 1 << 20])
def test_github_annotations_with_jobs_as_with_one(capture_file, monkeypatch, chunk_bytes):
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)  # the pool even on a one-CPU runner
    path = capture_file(capture_bytes(final_newline=True) * 8)
    reports = []
    for jobs in (1, 2):
        out = io.StringIO()
        check_captures(
            [path], Settings(), build_reporter("github", out, ReportOptions()), jobs=jobs, chunk_bytes=chunk_bytes
        )
        reports.append(out.getvalue())
    assert reports[0] == reports[1]
    assert reports[0].count("::error ") == 10 and reports[0].count("::warning ") == 10


# Every line-based format, as a capture of LINES: (file name, bytes, settings).
def _prefixed(line: bytes) -> bytes:
    return b"1757350201.5 wss://host <- " + line if line.startswith(b"{") else line


def _enveloped(line: bytes) -> bytes:
    return b'{"seen":1,"data":' + line + b"}" if line.startswith(b"{") and line.endswith(b"}") else line


LINE_BASED = {
    "jsonl": ("c.jsonl", LINES, Settings()),
    "prefixed": ("c.log", [_prefixed(line) for line in LINES], Settings(capture_format="prefixed")),
    "envelope-over-jsonl": ("c.jsonl", [_enveloped(line) for line in LINES], Settings(message_path=("data",))),
    "envelope-over-prefixed": (
        "c.log",
        [_prefixed(_enveloped(line)) for line in LINES],
        Settings(capture_format="prefixed", message_path=("data",)),
    ),
}


@pytest.mark.parametrize("chunk_bytes", [1, 97, 1 << 20])
@pytest.mark.parametrize("kind", list(LINE_BASED))
def test_every_line_based_format_splits_across_workers(capture_file, tmp_path, monkeypatch, kind, chunk_bytes):
    """--jobs 2 starts a pool for every line-based format, and its findings and repaired bytes
    are those of --jobs 1 (issue 12: only JSON Lines had --jobs)."""
    name, lines, settings = LINE_BASED[kind]
    data = b"\n".join(lines * 3) + b"\n"
    path = capture_file(data, name)
    pools = pools_started(monkeypatch)
    texts, outputs, summaries = [], [], []
    for jobs in (1, 2):
        out = io.StringIO()
        summary = check_captures(
            [path], settings, build_reporter("concise", out, ReportOptions()), jobs=jobs, chunk_bytes=chunk_bytes
        )
        texts.append(out.getvalue())
        summaries.append((summary.lines, summary.tally.counts))
        target = tmp_path / f"fixed-{jobs}"
        tally = repair_capture(path, RepairTarget(str(target)), settings, jobs=jobs, chunk_bytes=chunk_bytes)
        outputs.append((target.read_bytes(), tally.lines, tally.lines_changed, tally.fixed, tally.remaining_lines))
    # One chunk of work (a chunk size above the file's): one process, however many are asked for.
    assert pools == ([2, 2] if chunk_bytes < len(data) else [])
    assert texts[0] == texts[1]
    assert summaries[0] == summaries[1]
    assert outputs[0] == outputs[1]
    assert summaries[0][1]["WS102"] == 3  # the findings are there, in every format
    assert outputs[0][0] != data and outputs[0][2] > 0
