"""Failures around wsfix: a full disk, write errors, signals, a closed pipe, concurrent runs.

Whatever fails, no data is lost: afterwards the output folder holds exactly what it held before
(the input, and a pre-existing output or backup, untouched), the input's bytes and mode are
unchanged, and wsfix exits with one line on stderr, never a traceback. Disk and OS failures are
simulated in-process by patching the calls `atomic_output` makes; signals and pipes are real,
sent to a `python -m wsfix` subprocess.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from wsfix.cli import app
from wsfix.reporters import REPORTERS

LINE = b'{"type":"ping","timestamp":"2025-09-08T16:50:01.447585","payload":{"n":"%06d"}}\n'
FIXED = b'{"type":"ping","timestamp":1757350201.447585,"payload":{"n":"%06d"}}\n'
ROWS = 200
DATA = b"".join(LINE % i for i in range(ROWS))
REPAIRED = b"".join(FIXED % i for i in range(ROWS))
MODE = 0o640


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120", "NO_COLOR": "1"})


@pytest.fixture
def folder(tmp_path):
    """The folder, with the capture (mode 0640) written into it."""
    source = tmp_path / "capture.jsonl"
    source.write_bytes(DATA)
    os.chmod(source, MODE)
    return tmp_path


def snapshot(folder) -> dict[str, tuple[bytes, int]]:
    """Every file in the folder: its bytes and mode."""
    return {
        name: ((folder / name).read_bytes(), os.stat(folder / name).st_mode & 0o777)
        for name in sorted(os.listdir(folder))
    }


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("wsfix: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


# --- a disk that fills up, and other OS failures ---------------------------------------------


class Disk:
    """Free space shared by every file `atomic_output` opens: a write beyond it writes what fits,
    then fails with ENOSPC, as a full disk does. That holds for the file object's writes and for
    the descriptor's own (os.write, os.writev: a full disk's short write, then ENOSPC)."""

    def __init__(self, free: int) -> None:
        self.free = free
        self.descriptors: set[int] = set()

    def patch(self, monkeypatch) -> None:
        real_fdopen, real_write, real_writev = os.fdopen, os.write, os.writev

        def fdopen(descriptor, *args, **kwargs):
            self.descriptors.add(descriptor)
            return FillingFile(real_fdopen(descriptor, *args, **kwargs), self)

        def write(descriptor, data):
            if descriptor not in self.descriptors:
                return real_write(descriptor, data)
            data = bytes(data)[: self.free]
            if not data:
                raise self.full()
            self.free -= len(data)
            return real_write(descriptor, data)

        def writev(descriptor, buffers):
            if descriptor not in self.descriptors:
                return real_writev(descriptor, buffers)
            return write(descriptor, b"".join(buffers))

        monkeypatch.setattr(os, "fdopen", fdopen)
        monkeypatch.setattr(os, "write", write)
        monkeypatch.setattr(os, "writev", writev)

    def full(self) -> BaseException:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class InterruptedDisk(Disk):
    """A disk on which every write is interrupted (Ctrl-C) before anything is written."""

    def __init__(self) -> None:
        super().__init__(0)

    def full(self) -> BaseException:
        return KeyboardInterrupt()


class FillingFile:
    def __init__(self, stream, disk: Disk) -> None:
        self._stream = stream
        self._disk = disk

    def write(self, data: bytes) -> int:
        if len(data) > self._disk.free:
            self._stream.write(data[: self._disk.free])
            self._disk.free = 0
            raise self._disk.full()
        self._disk.free -= len(data)
        return self._stream.write(data)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        # Closed, its number may be given to another file, which is not on this disk.
        self._disk.descriptors.discard(self._stream.fileno())
        self._stream.close()


def failing(monkeypatch, name: str, error: OSError, skip: int = 0) -> None:
    """Make `os.<name>` raise `error`, after `skip` calls that succeed."""
    real = getattr(os, name)
    calls = [0]

    def fail(*args, **kwargs):
        calls[0] += 1
        if calls[0] > skip:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, fail)


TARGETS = {
    "new-output": ["--out", "fixed.jsonl"],
    "existing-output": ["--out", "fixed.jsonl", "--force"],
    "in-place-with-backup": ["--in-place"],
    "in-place-without-backup": ["--in-place", "--backup-suffix", ""],
}
NO_SPACE = os.strerror(errno.ENOSPC)
IO_ERROR = os.strerror(errno.EIO)


def prepare(folder, target: str) -> None:
    if target == "existing-output":
        (folder / "fixed.jsonl").write_bytes(b"an earlier output, to keep\n")


FAILURES = [
    pytest.param(lambda mp: Disk(0).patch(mp), NO_SPACE, id="disk-full-from-the-start"),
    pytest.param(lambda mp: Disk(len(DATA) // 2).patch(mp), NO_SPACE, id="disk-full-midway"),
    pytest.param(lambda mp: failing(mp, "fsync", OSError(errno.EIO, IO_ERROR)), IO_ERROR, id="fsync-fails"),
    pytest.param(
        lambda mp: failing(mp, "chmod", PermissionError(errno.EPERM, "Operation not permitted")),
        "Operation not permitted",
        id="chmod-fails",
    ),
    pytest.param(lambda mp: failing(mp, "replace", OSError(errno.EIO, IO_ERROR)), IO_ERROR, id="rename-fails"),
]


@pytest.mark.parametrize(("fail", "message"), FAILURES)
@pytest.mark.parametrize("target", list(TARGETS))
def test_write_failure_leaves_nothing_behind(folder, monkeypatch, target, fail, message):
    monkeypatch.chdir(folder)
    prepare(folder, target)
    before = snapshot(folder)
    fail(monkeypatch)
    result = run("repair", "--in", "capture.jsonl", *TARGETS[target])
    assert_one_line_error(result, "failed", message)
    assert snapshot(folder) == before


@pytest.mark.parametrize(
    ("fail", "fragment"),
    [
        # The repaired copy fits; the backup of the input, written next, does not.
        pytest.param(
            lambda mp: Disk(len(REPAIRED) + len(DATA) // 2).patch(mp),
            f"capture.jsonl.orig: write failed: {NO_SPACE}",
            id="disk-full-during-the-backup",
        ),
        # The backup is made; then the input cannot be replaced: the backup goes too.
        pytest.param(
            lambda mp: failing(mp, "replace", OSError(errno.EIO, IO_ERROR), skip=1),
            f"capture.jsonl: write failed: {IO_ERROR}",
            id="rename-fails-after-the-backup",
        ),
    ],
)
def test_in_place_failure_around_the_backup_leaves_nothing_behind(folder, monkeypatch, fail, fragment):
    monkeypatch.chdir(folder)
    before = snapshot(folder)
    fail(monkeypatch)
    assert_one_line_error(run("repair", "--in", "capture.jsonl", "--in-place"), fragment)
    assert snapshot(folder) == before


def test_in_place_backup_already_replaced_is_kept(folder, monkeypatch):
    # Once the input is replaced, the backup holds the only copy of the original: a failure after
    # that point (syncing the folder cannot fail visibly, so an interrupt stands in) keeps it.
    monkeypatch.chdir(folder)
    real_replace = os.replace
    calls = [0]

    def replace_then_interrupt(source, target):
        real_replace(source, target)
        calls[0] += 1
        if calls[0] == 2:  # the backup's rename, then the input's
            raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", replace_then_interrupt)
    result = run("repair", "--in", "capture.jsonl", "--in-place")
    assert result.exit_code == 130
    assert snapshot(folder) == {"capture.jsonl": (REPAIRED, MODE), "capture.jsonl.orig": (DATA, MODE)}


@pytest.mark.parametrize("target", list(TARGETS))
def test_interrupt_mid_write_leaves_nothing_behind(folder, monkeypatch, target):
    monkeypatch.chdir(folder)
    prepare(folder, target)
    before = snapshot(folder)
    InterruptedDisk().patch(monkeypatch)
    result = run("repair", "--in", "capture.jsonl", *TARGETS[target])
    assert result.exit_code == 130
    assert result.stderr == "wsfix: error: interrupted\n"
    assert snapshot(folder) == before


@pytest.mark.parametrize(
    "second", [pytest.param(signal.SIGINT, id="SIGINT"), pytest.param(signal.SIGTERM, id="SIGTERM")]
)
def test_second_signal_during_cleanup_leaves_nothing_behind(folder, monkeypatch, second):
    # Ctrl-C stops the write; a second signal arrives while the temp file is being removed. It is
    # held until the cleanup is done, then ends the run as its handler says (wsfix's own for
    # SIGTERM, installed as `main` does).
    from wsfix import cli

    monkeypatch.chdir(folder)
    before = snapshot(folder)
    InterruptedDisk().patch(monkeypatch)
    real_unlink = os.unlink
    sent: list[str] = []

    def unlink_after_a_second_signal(path, *args, **kwargs):
        if str(path).endswith(".wsfix-tmp") and not sent:
            sent.append(path)
            os.kill(os.getpid(), second)  # its handler runs before the next line, unless held
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink_after_a_second_signal)
    previous = signal.signal(signal.SIGTERM, cli._stop)
    try:
        result = run("repair", "--in", "capture.jsonl", "--out", "fixed.jsonl")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert sent
    assert (result.exit_code, result.stderr) == (
        (130, "wsfix: error: interrupted\n") if second == signal.SIGINT else (143, "wsfix: error: stopped by SIGTERM\n")
    )
    assert snapshot(folder) == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handlers are back


def test_success_for_comparison(folder, monkeypatch):
    # The same runs without a failure do write: the tests above fail for the right reason.
    monkeypatch.chdir(folder)
    assert run("repair", "--in", "capture.jsonl", "--out", "fixed.jsonl").exit_code == 0
    assert run("repair", "--in", "capture.jsonl", "--in-place").exit_code == 0
    assert snapshot(folder) == {
        "capture.jsonl": (REPAIRED, MODE),
        "capture.jsonl.orig": (DATA, MODE),
        "fixed.jsonl": (REPAIRED, MODE),
    }


def test_report_that_cannot_be_written_is_one_line(folder):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "wsfix", "check", str(folder / "capture.jsonl")],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr == f"wsfix: error: output failed: {NO_SPACE}\n".encode()


# --- real signals and pipes ------------------------------------------------------------------

BIG_ROWS = 100_000  # enough work that a signal sent once the temp file exists arrives mid-repair


@pytest.fixture
def big(tmp_path):
    source = tmp_path / "capture.jsonl"
    source.write_bytes(b"".join(LINE % i for i in range(BIG_ROWS)))
    os.chmod(source, MODE)
    return source


def wsfix(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "wsfix", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs
    )


def wait_for_temp_file(folder, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not any(name.endswith(".wsfix-tmp") for name in os.listdir(folder)):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.002)


@pytest.mark.parametrize(
    ("signum", "code", "message"),
    [
        pytest.param(signal.SIGINT, 130, b"wsfix: error: interrupted\n", id="SIGINT"),
        pytest.param(signal.SIGTERM, 143, b"wsfix: error: stopped by SIGTERM\n", id="SIGTERM"),
        pytest.param(signal.SIGHUP, 129, b"wsfix: error: stopped by SIGHUP\n", id="SIGHUP"),
    ],
)
@pytest.mark.parametrize("target", ["new-output", "in-place-with-backup"])
def test_signal_mid_repair_leaves_nothing_behind(big, target, signum, code, message):
    folder = big.parent
    before = snapshot(folder)
    process = wsfix("repair", "--in", big.name, *TARGETS[target], cwd=folder)
    wait_for_temp_file(folder, process)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (code, message)
    assert stdout == b""
    assert snapshot(folder) == before


def test_signal_handler_is_what_cleans_up(big):
    # Without wsfix's handler (SIGKILL cannot be caught), the temp file stays: the test above
    # really exercises the handler.
    folder = big.parent
    process = wsfix("repair", "--in", big.name, "--out", "fixed.jsonl", cwd=folder)
    wait_for_temp_file(folder, process)
    process.kill()
    process.communicate(timeout=60)
    assert any(name.endswith(".wsfix-tmp") for name in os.listdir(folder))


# Rows enough to print far more than a pipe holds (64 KiB), so that wsfix is still writing when
# the reader leaves: a table row takes two lines of 80 characters, a repaired record 70 bytes.
@pytest.mark.parametrize(
    ("args", "rows"),
    [
        pytest.param(["check", "capture.jsonl", "--output-format", "concise"], 1_500, id="check-concise"),
        pytest.param(["check", "capture.jsonl", "--all"], 700, id="check-full-table"),
        pytest.param(["repair", "--in", "capture.jsonl", "--out", "-"], 3_000, id="repair-to-stdout"),
        pytest.param(["repair", "--in", "capture.jsonl", "--out", "fixed.jsonl", "--diff"], 1_500, id="repair-diff"),
        *[
            pytest.param(["check", "capture.jsonl", "--output-format", name], 1_500, id=f"check-{name}")
            for name in sorted(set(REPORTERS) - {"full", "concise"})
        ],  # the machine formats, where registered
    ],
)
def test_closed_pipe_ends_quietly(tmp_path, args, rows):
    # `wsfix ... | head -1`: the reader goes away after one line. wsfix stops, says nothing, exits
    # with 141 (128 + SIGPIPE, as a shell reports `cat` killed by SIGPIPE) and, for a repair,
    # writes no output file: the run did not finish.
    source = tmp_path / "capture.jsonl"
    source.write_bytes(b"".join(LINE % i for i in range(rows)))
    before = snapshot(tmp_path)
    process = wsfix(*args, cwd=tmp_path)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=60)
    assert first
    assert (process.returncode, stderr) == (141, b"")
    assert snapshot(tmp_path) == before


def test_concurrent_repairs_of_one_input_do_not_interfere(tmp_path):
    folder = tmp_path
    big = folder / "capture.jsonl"
    rows = 8_000
    big.write_bytes(b"".join(LINE % i for i in range(rows)))
    # The naive times, read in four zones, give four different outputs.
    zones = {
        "UTC": b"1757350201.447585",
        "+01:00": b"1757346601.447585",
        "-07:00": b"1757375401.447585",
        "Asia/Kolkata": b"1757330401.447585",
    }  # +05:30
    processes = {
        zone: wsfix("repair", "--in", big.name, "--out", f"fixed-{index}.jsonl", "--naive-tz", zone, cwd=folder)
        for index, zone in enumerate(zones)
    }
    for process in processes.values():
        process.communicate(timeout=120)
        assert process.returncode == 0
    data = big.read_bytes()
    assert data == b"".join(LINE % i for i in range(rows))
    for index, (zone, seconds) in enumerate(zones.items()):
        expected = data.replace(b'"2025-09-08T16:50:01.447585"', seconds)
        assert (folder / f"fixed-{index}.jsonl").read_bytes() == expected, zone
    assert sorted(os.listdir(folder)) == ["capture.jsonl"] + [f"fixed-{index}.jsonl" for index in range(4)]
