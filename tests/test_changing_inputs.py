"""Inputs that are not what their name says, or that change under the run (issue 17, items 2 and 3).

In place, the format follows the content, not the name: a gzip'd capture named `.jsonl` comes
back gzip'd, a plain one named `.gz` comes back plain. A capture that grows while it is read (a
live log) is read to its end with any number of jobs, and is never replaced in place.
"""

from __future__ import annotations

import contextlib
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_parallel import LINES
from wsfix.errors import OutputError
from wsfix.reporters import ReportOptions, build_reporter
from wsfix.run import RepairTarget, check_captures, repair_capture
from wsfix.settings import Settings

ISO = b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}\n'
FIXED = b'{"type":"ping","timestamp":1757350201.0}\n'


@pytest.mark.parametrize(
    ("name", "compressed"),
    [
        pytest.param("capture.jsonl", True, id="gzip-named-jsonl-stays-gzip"),
        pytest.param("capture.log", True, id="gzip-named-log-stays-gzip"),
        pytest.param("capture.jsonl.gz", False, id="plain-named-gz-stays-plain"),
        pytest.param("capture.jsonl.gz", True, id="gzip-named-gz-stays-gzip"),
    ],
)
def test_in_place_keeps_the_compression_of_the_content(cli, capture_file, name, compressed):
    data = ISO * 3
    source = capture_file(gzip.compress(data, mtime=0) if compressed else data, name)
    result = cli("repair", "--in", source, "--in-place", "--backup-suffix", "")
    assert result.exit_code == 0, result.output
    written = Path(source).read_bytes()
    assert (written[:2] == b"\x1f\x8b") is compressed
    assert (gzip.decompress(written) if compressed else written) == FIXED * 3


class _Grower:
    """A progress bar that appends `extra` to `path` once, after the first chunk is linted."""

    def __init__(self, path: str, extra: bytes) -> None:
        self.path, self.extra, self.done = path, extra, False

    def advance(self, count: int) -> None:
        if not self.done:
            self.done = True
            with open(self.path, "ab") as stream:
                stream.write(self.extra)


def growing(path: str, extra: bytes):  # type: ignore[no-untyped-def]
    @contextlib.contextmanager
    def factory(_path: str, _size: int) -> Iterator[_Grower]:
        yield _Grower(path, extra)

    return factory


BASE = b"\n".join(LINES) + b"\n"
EXTRA = ISO * 5 + b'{"type":"ping","timestamp":1757350204000}\n'


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_growing_file_is_read_to_its_end_with_any_jobs(capture_file, tmp_path, jobs, monkeypatch):
    from wsfix import parallel

    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    path = capture_file(BASE * 4)
    out = io.StringIO()
    summary = check_captures(
        [path],
        Settings(),
        build_reporter("concise", out, ReportOptions()),
        jobs=jobs,
        progress=growing(path, EXTRA),
        chunk_bytes=64,
    )
    assert summary.lines == len(LINES) * 4 + 6  # every line, the appended ones included
    assert out.getvalue().count("WS101") == 2 * 4 + 5  # two in LINES (lines 6 and 7), five appended
    assert out.getvalue().count("WS104") == 4 + 1

    path = capture_file(BASE * 4, "again.jsonl")
    target = tmp_path / "fixed.jsonl"
    repair_capture(
        path, RepairTarget(str(target)), Settings(), jobs=jobs, progress=growing(path, EXTRA), chunk_bytes=64
    )
    assert target.read_bytes().endswith(FIXED * 5 + b'{"type":"ping","timestamp":1757350204.0}\n')


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_that_grows_under_an_in_place_repair_is_left_as_it_is(capture_file, jobs, monkeypatch):
    from wsfix import parallel

    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    original = BASE * 4
    path = capture_file(original)
    later = b'{"type":"ping","timestamp":1757350205.5}\n'

    # Appended after the whole capture was read: the repair would lose it if it replaced the file.
    class LateGrower(_Grower):
        seen = 0

        def advance(self, count: int) -> None:
            LateGrower.seen += count
            if LateGrower.seen >= len(original):
                super().advance(count)

    @contextlib.contextmanager
    def factory(_path: str, _size: int) -> Iterator[_Grower]:
        yield LateGrower(path, later)

    with pytest.raises(OutputError, match="changed while it was being repaired"):
        repair_capture(path, RepairTarget(in_place=True), Settings(), jobs=jobs, progress=factory, chunk_bytes=64)
    assert Path(path).read_bytes() == original + later  # nothing lost, nothing replaced
    assert [p.name for p in Path(path).parent.iterdir()] == [Path(path).name]  # no temp file, no backup
