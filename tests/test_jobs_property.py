"""Property: for random captures under random option sets, every line-based format gives the same
findings, summary and repaired bytes with one process and with several, whatever the chunk size,
also when the file grows while it is read (issue 17, Must show 3).

Each example forks a pool of two workers; the examples are few but cover every combination of
format, envelope, selection and conversion policy over generated captures.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_repair_properties import captures
from wsfix import parallel
from wsfix.reporters import ReportOptions, build_reporter
from wsfix.run import RepairTarget, check_captures, repair_capture
from wsfix.settings import Settings
from wsfix.timestamps import DEFAULT_WINDOW, Policy, Unit, parse_naive_zone, parse_window


def _prefixed(line: bytes) -> bytes:
    return b"1757350201.5 recv: " + line if line.strip() else line


def _enveloped(line: bytes) -> bytes:
    body = line.rstrip(b"\r\n")
    return b'{"seen":1,"data":' + body + b"}" + line[len(body) :] if body.startswith(b"{") else line


# (capture format, message path, how a JSON Lines line becomes a line of that format)
FORMATS = [
    ("jsonl", (), lambda line: line),
    ("prefixed", (), _prefixed),
    ("jsonl", ("data",), _enveloped),
    ("prefixed", ("data",), lambda line: _prefixed(_enveloped(line))),
]

option_sets = st.builds(
    lambda policy, select, ignore: (policy, select, ignore),
    st.builds(
        Policy,
        naive_zone=st.sampled_from([parse_naive_zone(zone) for zone in ("UTC", "-07:00", "reject")]),
        unit=st.sampled_from([None, Unit.parse("ms")]),
        window=st.sampled_from([DEFAULT_WINDOW, None, parse_window("1970..9999")]),
    ),
    st.sampled_from([("WS",), ("WS1",), ("WS0", "WS104")]),
    st.sampled_from([(), ("WS101",), ("WS003", "WS004")]),
)


def _run(path: str, settings_: Settings, jobs: int, chunk_bytes: int, grow: bytes = b"") -> tuple[object, ...]:
    out = io.StringIO()
    summary = check_captures(
        [path],
        settings_,
        build_reporter("json", out, ReportOptions()),
        jobs=jobs,
        chunk_bytes=chunk_bytes,
        progress=_grower(path, grow),
    )
    with tempfile.TemporaryDirectory() as folder:
        target = os.path.join(folder, "fixed")
        tally = repair_capture(
            path, RepairTarget(target), settings_, jobs=jobs, chunk_bytes=chunk_bytes, progress=_grower(path, grow)
        )
        with open(target, "rb") as fixed:
            repaired = fixed.read()
    return (out.getvalue().replace(path, "P"), summary.lines, summary.tally, repaired, tally)


def _grower(path: str, extra: bytes):  # type: ignore[no-untyped-def]
    """A progress bar that appends `extra` to the file after its first chunk, once per run."""

    class Grower:
        done = not extra

        def advance(self, count: int) -> None:
            if not Grower.done:
                Grower.done = True
                with open(path, "ab") as stream:
                    stream.write(extra)

    @contextlib.contextmanager
    def factory(_path: str, _size: int) -> Iterator[Grower]:
        yield Grower()

    return factory


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    capture=captures(),
    form=st.sampled_from(FORMATS),
    options=option_sets,
    chunk_bytes=st.integers(1, 300),
    grows=st.booleans(),
)
def test_jobs_1_equals_jobs_2_for_every_line_based_format(capture, form, options, chunk_bytes, grows) -> None:
    data, _ = capture
    capture_format, message_path, convert = form
    policy, select, ignore = options
    lines = [convert(line) for line in io.BytesIO(data)]
    body = b"".join(lines)
    # A live log grows by whole lines after whole lines: bytes glued to a last line that has no end
    # of line yet would make one line that no reader saw whole, whatever the number of jobs.
    extra = b"".join(line for line in lines[:3] if line.endswith(b"\n")) if grows and body.endswith(b"\n") else b""
    settings_ = Settings(
        policy=policy,
        select=select,
        ignore=ignore,
        capture_format=capture_format,
        message_path=message_path,
    )
    results = []
    original = parallel.available_cpus
    parallel.available_cpus = lambda: 2  # the pool even on a one-CPU runner
    try:
        for jobs in (1, 2):
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "capture.log")
                with open(path, "wb") as stream:
                    stream.write(body)
                results.append(_run(path, settings_, jobs, chunk_bytes, extra))
    finally:
        parallel.available_cpus = original
    assert results[0] == results[1]
