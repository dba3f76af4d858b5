"""Findings written where they are found: a reporter whose text of a finding depends on that
finding alone (`Reporter.finding_text`) gets each chunk's texts at once, written by the process
that linted the chunk, with the line numbers the parent counted for it. The report must be the
one the reporter writes when it is given the problems one by one, in this process.
"""

from __future__ import annotations

import gzip
import io
from collections import Counter
from pathlib import Path

import pytest

from tests.test_parallel import LINES
from wsfix import parallel
from wsfix.cli import _SchemaWatcher
from wsfix.problems import Problem
from wsfix.reporters import REPORTERS, FindingText, Forwarding, Reporter, ReportOptions, build_reporter
from wsfix.reporters.fingerprints import MARK, Fingerprints
from wsfix.run import check_captures
from wsfix.settings import Settings

# The formats whose findings may be written in workers (SARIF's and GitLab's with their
# fingerprints filled in here); the others show some findings only (GitHub's ten annotations of
# each kind, the table's rows).
WRITTEN = ["concise", "gitlab", "json", "jsonl", "junit", "sarif"]


class OneByOne(Forwarding):
    """The reporter given every problem one by one, in this process: the reference."""

    def finding_text(self) -> FindingText | None:
        return None


class Spy(Forwarding):
    """Counts how the reporter is fed."""

    def __init__(self, reporter: Reporter) -> None:
        super().__init__(reporter)
        self.calls: Counter[str] = Counter()

    def add(self, problem: Problem) -> None:
        self.calls["add"] += 1
        super().add(problem)

    def add_texts(self, texts: list[str], path: str, fixable: int) -> None:
        self.calls["add_texts"] += 1
        super().add_texts(texts, path, fixable)


def _capture(final_newline: bool) -> bytes:
    # Four copies of the test lines (LF and CRLF ends, blank lines, a WS004 beside a WS101, text
    # that is not JSON), 48 lines in all; the last without its newline unless asked.
    lines = LINES * 4
    data = b"".join(line + (b"\r\n" if index % 3 == 1 else b"\n") for index, line in enumerate(lines))
    return data if final_newline else data.rstrip(b"\r\n")


@pytest.fixture
def captures(tmp_path):
    """Three captures: one in chunks read by the workers, one gzip'd (read here and shipped), one
    without findings."""
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(_capture(final_newline=False))
    packed = tmp_path / "packed.jsonl.gz"
    packed.write_bytes(gzip.compress(_capture(final_newline=True)))
    clean = tmp_path / "clean.jsonl"
    clean.write_bytes(LINES[0] + b"\n")
    return [str(plain), str(packed), str(clean)]


@pytest.fixture
def two_cpus(monkeypatch):
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)  # the pool even on a one-CPU runner


def _report(name: str, paths: list[str], jobs: int, wrap: type[Forwarding], **kwargs: object) -> tuple[str, Reporter]:
    out = io.StringIO()
    reporter = wrap(build_reporter(name, out, ReportOptions(**kwargs)))  # type: ignore[arg-type]
    check_captures(paths, Settings(), reporter, jobs=jobs, chunk_bytes=97)  # finishes the report
    return out.getvalue(), reporter


def test_the_written_formats_are_those_whose_finding_stands_alone():
    written = [name for name in REPORTERS if build_reporter(name, io.StringIO(), ReportOptions()).finding_text()]
    assert sorted(written) == WRITTEN


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("name", WRITTEN)
def test_findings_written_where_found_read_as_given_one_by_one(captures, two_cpus, name, jobs):
    expected, _ = _report(name, captures, 1, OneByOne)
    found, spy = _report(name, captures, jobs, Spy)
    assert found == expected
    # Not vacuous: findings came written (two captures with findings, in many chunks each): by
    # the workers, or here for a chunk sent before its line numbers were known; never one by one.
    assert isinstance(spy, Spy)
    assert spy.calls["add_texts"] >= 8 and spy.calls["add"] == 0
    assert expected.count("WS101") >= 8


def test_lines_are_counted_here_while_chunks_have_findings(captures, two_cpus, tmp_path, monkeypatch):
    counted: list[int] = []
    lines_in = parallel._lines_in

    def counting(stream, path, start, end):  # type: ignore[no-untyped-def]
        counted.append(end)
        return lines_in(stream, path, start, end)

    monkeypatch.setattr(parallel, "_lines_in", counting)
    # Without findings: only those that the chunks sent before the first result came back need
    # (2 * jobs of them: the lines of the first 2 * jobs - 1).
    clean = tmp_path / "all-clean.jsonl"
    clean.write_bytes((LINES[0] + b"\n") * 100)
    _report("json", [str(clean)], 2, Forwarding)
    assert len(counted) == 3
    # A clean start, then findings: counted again once a chunk has come back with findings.
    counted.clear()
    late = tmp_path / "late.jsonl"
    late.write_bytes((LINES[0] + b"\n") * 100 + _capture(final_newline=True))
    expected, _ = _report("json", [str(late)], 1, OneByOne)
    found, spy = _report("json", [str(late)], 2, Spy)
    assert found == expected
    assert isinstance(spy, Spy) and spy.calls["add"] == 0 and spy.calls["add_texts"] > 0
    assert 3 < len(counted) < 3 + len(_capture(final_newline=True)) // 97 + 6
    # Findings in every chunk: every chunk's lines counted, so every chunk's findings written by
    # its worker.
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes((LINES[1] + b"\n") * 100)
    expected, _ = _report("json", [str(broken)], 1, OneByOne)
    counted.clear()
    found, spy = _report("json", [str(broken)], 2, Spy)
    assert len(counted) > 40
    assert found == expected
    assert isinstance(spy, Spy) and spy.calls["add"] == 0 and spy.calls["add_texts"] > 40


@pytest.mark.parametrize("name", ["junit", "sarif", "gitlab"])
def test_paths_relative_to_the_base_folder_are_written_alike(captures, two_cpus, tmp_path, name):
    # The options that shape a finding's text travel with it to the workers.
    expected, _ = _report(name, captures, 1, OneByOne, base_dir=str(tmp_path))
    found, _ = _report(name, captures, 2, Forwarding, base_dir=str(tmp_path))
    assert found == expected
    assert "plain.jsonl" in found and str(tmp_path) not in found


@pytest.mark.parametrize("name", ["sarif", "gitlab"])
def test_fingerprints_past_their_bound_are_filled_in_alike(captures, two_cpus, monkeypatch, name):
    # Past MAX_KEYS distinct hashes in a file, a fingerprint takes the line and column: filled in
    # here, in order, whatever process wrote the finding.
    monkeypatch.setattr(Fingerprints, "MAX_KEYS", 3)
    expected, _ = _report(name, captures, 1, OneByOne)
    found, _ = _report(name, captures, 2, Forwarding)
    assert found == expected
    assert MARK not in found and "\1" not in found


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("name", WRITTEN)
def test_a_watcher_sees_every_schema_violation_as_before(captures, two_cpus, name, jobs):
    # The CLI's hint that a capture is of another model reads WS004 findings: they come to it
    # (`note`) even when their text was written elsewhere.
    reference = _SchemaWatcher(OneByOne(build_reporter(name, io.StringIO(), ReportOptions())))
    check_captures(captures, Settings(), reference, jobs=1, chunk_bytes=97)
    watcher = _SchemaWatcher(build_reporter(name, io.StringIO(), ReportOptions()))
    check_captures(captures, Settings(), watcher, jobs=jobs, chunk_bytes=97)
    assert (watcher.violations, watcher.foreign) == (reference.violations, reference.foreign) == (8, 8)


@pytest.mark.parametrize("name", WRITTEN)
def test_a_hars_findings_are_written_in_this_process_alike(name):
    # A HAR is linted here, a part of its messages at a time: each part's findings are written
    # as a worker writes a chunk's.
    har = str(Path(__file__).parent / "data" / "har" / "mitmproxy-websocket.har")
    expected, _ = _report(name, [har], 1, OneByOne)
    found, spy = _report(name, [har], 1, Spy)
    assert found == expected
    assert isinstance(spy, Spy) and spy.calls["add"] == 0 and spy.calls["add_texts"] >= 1
