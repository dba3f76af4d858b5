"""No worker process outlives wsfix, whatever ends the run (issue 17, items 4 and 5).

Each test runs `python -m wsfix` on a capture large enough for `--jobs 2` to fork two workers,
waits until they exist, ends the run abnormally (a signal, a closed pipe, a full output device, a
shrinking input, a model that exits), and then checks in /proc that none of the run's processes
is left, that none holds a temp file, and that a pipeline reading wsfix's output ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from Linux's /proc")

# Every line broken, so that a run lasts a few seconds: time to see its workers and stop it.
LINE = b'{"type":"start_agent","session_id":"s-1","timestamp":"2025-09-08T16:50:01.447585"}\n'
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def big_capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    path.write_bytes(LINE * 400_000)  # 34 MB: eight chunks of 4 MiB
    return path


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:  # the parent's pid, after the state
            found.add(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"  # a zombie has ended; only its parent's wait is missing


def wait_for_workers(process: subprocess.Popen[bytes], count: int = 2, timeout: float = 30) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = children_of(process.pid)
        if len(workers) >= count:
            return workers
        assert process.poll() is None, "wsfix ended before its workers started"
        time.sleep(0.01)
    raise AssertionError("no workers started")


def assert_gone(pids: set[int], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.02)
    assert not [pid for pid in pids if alive(pid)], "worker processes outlived wsfix"


def wsfix(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "wsfix", *args], cwd=ROOT, **kwargs
    )


@pytest.mark.parametrize(
    ("signum", "code"),
    [
        pytest.param(signal.SIGINT, 130, id="SIGINT"),
        pytest.param(signal.SIGTERM, 143, id="SIGTERM"),
        pytest.param(signal.SIGHUP, 129, id="SIGHUP"),
        pytest.param(signal.SIGKILL, -signal.SIGKILL, id="SIGKILL"),
    ],
)
def test_a_signal_leaves_no_worker(big_capture: Path, tmp_path: Path, signum: int, code: int) -> None:
    out = tmp_path / "fixed.jsonl"
    process = wsfix(
        "repair",
        "--in",
        str(big_capture),
        "--out",
        str(out),
        "--jobs",
        "2",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    workers = wait_for_workers(process)
    process.send_signal(signum)
    # The pipes end: nothing that wsfix started holds them any more.
    _stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == code, stderr
    assert_gone(workers)
    assert not out.exists()
    if signum != signal.SIGKILL:  # the one signal no process can clean up after
        assert [path.name for path in tmp_path.iterdir()] == []  # no temp file left either


def test_a_closed_pipe_ends_the_pipeline(big_capture: Path) -> None:
    """`wsfix check big.jsonl --output-format concise | head -1`: the pipeline ends, no worker stays."""
    reader = subprocess.Popen(["head", "-1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert reader.stdin is not None
    process = wsfix("check", str(big_capture), "--output-format", "concise", "--jobs", "2", stdout=reader.stdin)
    reader.stdin.close()
    workers = wait_for_workers(process)
    assert reader.stdout is not None
    first = reader.stdout.read()
    assert reader.wait(timeout=30) == 0
    assert first.startswith(str(big_capture).encode())
    assert process.wait(timeout=30) == 141
    assert_gone(workers)


def test_a_full_output_device_leaves_no_worker(big_capture: Path) -> None:
    process = wsfix(
        "repair",
        "--in",
        str(big_capture),
        "--out",
        "/dev/full",
        "--jobs",
        "2",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    workers = wait_for_workers(process)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert b"No space left on device" in stderr
    assert_gone(workers)


def test_a_shrinking_input_leaves_no_worker(big_capture: Path, tmp_path: Path) -> None:
    source = tmp_path / "shrinks.jsonl"
    source.write_bytes(big_capture.read_bytes())
    process = wsfix(
        "check", str(source), "--jobs", "2", "--output-format", "json", stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    workers = wait_for_workers(process)
    os.truncate(source, len(LINE) * 10)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2, stderr
    assert b"shrank" in stderr
    assert_gone(workers)


MODEL = """
import sys
from pydantic import BaseModel, field_validator

class Exits(BaseModel):
    type: str
    timestamp: float | None = None

    @field_validator("type")
    @classmethod
    def leave(cls, value: str) -> str:
        if value == "exit":
            sys.exit(7)
        return value
"""


def test_a_model_that_exits_leaves_no_worker(tmp_path: Path) -> None:
    (tmp_path / "exits.py").write_text(MODEL)
    capture = tmp_path / "exits.jsonl"
    capture.write_bytes(LINE * 300_000 + b'{"type":"exit","timestamp":1757350201.5}\n')
    process = wsfix(
        "check",
        str(capture),
        "--model",
        f"{tmp_path / 'exits.py'}:Exits",
        "--jobs",
        "2",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    workers = wait_for_workers(process)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2, stderr
    assert stderr.count(b"\n") == 1 and stderr.startswith(b"wsfix: error: ")
    assert_gone(workers)


@pytest.fixture(scope="module")
def three_chunks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("three") / "three.jsonl"
    path.write_bytes(b'{"type":"ping","timestamp":1757350201.5}\n' * 250_000 + LINE)  # 10 MB, one finding
    return path


@pytest.mark.parametrize("jobs", ["200", "100000", "2147483648"])
def test_jobs_are_capped(three_chunks: Path, jobs: str) -> None:
    """Never more workers than CPUs (or chunks of work); a number past a C int is no traceback."""
    process = wsfix(
        "check",
        str(three_chunks),
        "--jobs",
        jobs,
        "--output-format",
        "concise",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    most = 0
    while process.poll() is None:
        most = max(most, len(children_of(process.pid)))
        time.sleep(0.01)
    assert process.returncode == 1, process.stderr.read() if process.stderr else ""
    assert 1 <= most <= len(os.sched_getaffinity(0))
