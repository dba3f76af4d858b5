"""Peak memory does not grow with the size of the capture, nor with the number of findings; and
linting makes no reference cycles, which would wait for the garbage collector.

Each run is a fresh `python -m wsfix` process; its peak RSS comes from `os.wait4` (the largest of
the process and the worker processes it reaped), read by a small launcher process. A capture ten
times larger, with ten times the
findings, must not need noticeably more memory: anything kept per line or per finding (125,000 of
them in the large capture) would show as tens of megabytes.
"""

from __future__ import annotations

import collections
import gc
import os
import subprocess
import sys

import pytest

from tests.test_parallel import LINE_BASED
from wsfix import cli
from wsfix.capture import open_capture
from wsfix.linter import FULL
from wsfix.parallel import Chunk
from wsfix.run import choose_format
from wsfix.segment_linter import ChunkJob, SegmentLinter
from wsfix.settings import Settings

# One finding every fourth line: ISO strings, milliseconds, NaN, invalid JSON; CRLF now and then.
BLOCK = b"".join(
    [
        b'{"type":"agent_response_chunk","payload":{"chunk":"Orders last week: 18,234 in EMEA, AMER and APAC",'
        b'"index":17},"timestamp":1757350208.44,"user_id":"staging-e2e-user-001","thread_id":"thread_8f41c2"}\n',
        b'{"type":"start_agent","payload":{"user_request":"Execute unified_data_agent"},'
        b'"timestamp":"2025-09-08T16:50:01.447585","message_id":"req_61eebcb6","user_id":"staging-e2e-user-001"}\n',
        b'{"type":"heartbeat","payload":{},"timestamp":1757350260.07,"user_id":"staging-e2e-user-001"}\r\n',
        b'{"type":"tool_completed","payload":{"tool":"sql_query","rows":18234},"timestamp":1757350206.635,'
        b'"user_id":"staging-e2e-user-001","thread_id":"thread_8f41c2"}\n',
    ]
    * 3
    + [
        b'{"type":"heartbeat","payload":{},"timestamp":1757350204000,"user_id":"staging-e2e-user-001"}\n',
        b'{"type":"ping","payload":{},"timestamp":1757350209.0,"user_id":"staging-e2e-user-001"}\n',
        b'{"type":"agent_progress","payload":{"step":3},"timestamp":NaN,"user_id":"staging-e2e-user-001"}\n',
        b'{"type":"pong","payload":{},"timestamp":1757350240.001,"user_id":"staging-e2e-user-001"}\n',
    ]
    + [
        b'{"type":"user_message","payload":{"text":"Thanks!"},"timestamp":1757350230.5,"user_id":"u"}\n',
        b'{"type":"user_message","payload":{"text":"Thanks!"},"timestamp":1757350230.5,"user_id":"u"}\n',
        b'{"type":"agent_response","payload":{"text":"Exported"},"timestamp":1757350233.8,"user_id":"u"\n',
        b'{"type":"agent_completed","payload":{"status":"ok"},"timestamp":1757350234.0,"user_id":"u"}\n',
    ]
)
LINES_PER_BLOCK = 20
MARGIN_MB = 25


# A small process that runs wsfix and reports its peak RSS. Measuring from this (large) test
# process would not do: Linux carries the parent's peak RSS over into the child's at exec time.
LAUNCHER = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def peak_rss_mb(args: list[str]) -> float:
    launched = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, sys.executable, "-m", "wsfix", *args, "--no-progress"],
        capture_output=True,
        text=True,
        check=True,
    )
    status, peak_kb = map(int, launched.stdout.split())
    assert status == 1, launched.stderr
    return peak_kb / 1024


@pytest.fixture(scope="module")
def captures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("memory")
    paths = {}
    for lines in (50_000, 500_000):
        path = folder / f"{lines}.jsonl"
        path.write_bytes(BLOCK * (lines // LINES_PER_BLOCK))
        paths[lines] = str(path)
    return paths


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["check", "--output-format", "concise", "--jobs", "1"], id="check-concise-jobs-1"),
        pytest.param(["check", "--jobs", "2"], id="check-table-jobs-2"),
        pytest.param(["repair", "--jobs", "2"], id="repair-jobs-2"),
    ],
)
def test_peak_memory_does_not_grow_with_input_size(captures, tmp_path, command):
    peaks = []
    for lines in (50_000, 500_000):
        if command[0] == "repair":
            args = ["repair", "--in", captures[lines], "--out", str(tmp_path / f"{lines}.out"), *command[1:]]
        else:
            args = [command[0], captures[lines], *command[1:]]
        peaks.append(peak_rss_mb(args))
    small, large = peaks
    assert large < small + MARGIN_MB, f"{small:.0f} MB for 50,000 lines, {large:.0f} MB for 500,000"


# --- reference cycles ----------------------------------------------------------------------------

HAR = os.path.join(os.path.dirname(__file__), "data", "har", "mitmproxy-websocket.har")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def garbage_after_linting(kind: str, path: str) -> collections.Counter[str]:
    """The objects, by type, that a full collection finds in cycles after the capture at `path`
    (`kind`: one of `LINE_BASED`, or "har") is checked and repaired with the collector off."""
    settings = Settings() if kind == "har" else LINE_BASED[kind][2]
    linter = SegmentLinter(settings)  # building the probe makes pydantic's own cycles: before
    with open_capture(path) as stream:
        capture_format = choose_format(settings, path, stream)
        data = stream.read()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what is collected stays in gc.garbage, to be named
    try:
        if capture_format.line_based:
            for kind_of_job in ("check", "repair"):
                assert ChunkJob(capture_format, kind_of_job)(linter, Chunk(path, 0, len(data), data)).lines > 0
        else:
            with open_capture(path) as stream:
                for segment in capture_format.segments(stream, path):
                    assert linter.check(segment, path, FULL, True).problems
                    linter.repair(segment, path, True)
        gc.collect()
        return collections.Counter(type(found).__name__ for found in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


# In a process of its own: a test before this one may leave a thread running (the event loop
# behind a Dask cluster does), and that thread's own cycles, made meanwhile, would be counted.
CYCLES = """
import sys
from tests.test_memory import garbage_after_linting
print(dict(garbage_after_linting(sys.argv[1], sys.argv[2])))
"""


@pytest.mark.parametrize("kind", [*LINE_BASED, "har"])
def test_linting_makes_no_reference_cycles(capture_file, kind):
    """What a check or a repair leaves behind is freed at once, never by the garbage collector:
    the command line makes its full collections rare (`cli._collect_less_often`), so anything in
    a cycle would stay. (A caught validation error left in a local once kept every piece's bytes
    and problems alive that way: its traceback holds the frame that holds it.)"""
    if kind == "har":
        path = HAR
    else:
        name, lines, _ = LINE_BASED[kind]
        path = capture_file(b"\n".join(lines * 3) + b"\n", name)
    child = subprocess.run(
        [sys.executable, "-c", CYCLES, kind, path], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "{}"


def test_the_command_line_collects_young_objects_every_10000_and_all_rarely():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's defaults
    try:
        cli._collect_less_often()
        assert gc.get_threshold() == (10_000, 10, 100)
    finally:
        gc.set_threshold(*before)
