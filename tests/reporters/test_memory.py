"""Reporters keep counters, never lists of findings: memory does not grow with their number.

Measured with tracemalloc (allocations, not time): the peak while reporting many findings must be
about the peak for a few, far below what keeping the extra findings would take.
"""

from __future__ import annotations

import io
import tracemalloc

import pytest

from wsfix.problems import Fix, Problem
from wsfix.reporters import REPORTERS, ReportOptions, build_reporter, junit
from wsfix.reporters.fingerprints import Fingerprints
from wsfix.reporters.statistics import StatisticsReporter
from wsfix.summary import Summary, Tally

CODES = ("WS102", "WS104", "WS003", "WS106")


class NullText(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def problem(number: int) -> Problem:
    code = CODES[number % len(CODES)]
    fix = Fix(10, 20, f"{1757350201 + number}.5") if code in ("WS102", "WS104") else None
    return Problem(
        "capture.jsonl",
        number,
        28,
        "timestamp",
        code,
        f"message {number}",
        f'"2025-09-08T16:50:{number % 60:02d}.{number}"',
        "float_parsing",
        fix,
    )


def peak_while_reporting(name: str, count: int) -> int:
    tally = Tally()
    tracemalloc.start()
    try:
        options = ReportOptions(max_rows=50, width=100, color=False, base_dir="/repo")
        reporter = (
            StatisticsReporter(NullText(), options)
            if name == "statistics"
            else build_reporter(name, NullText(), options)
        )
        for number in range(1, count + 1):
            item = problem(number)
            tally.add(item)
            reporter.add(item)
        reporter.finish(
            Summary(files=("capture.jsonl",), lines=count, tally=tally, naive_zone="UTC", schema="websocket-message")
        )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", [*REPORTERS, "statistics"])
def test_memory_does_not_grow_with_findings(name, monkeypatch):
    # Small bounds keep the test fast; both runs go past them (the fingerprint table is full,
    # the junit spill file is on disk), so only growth per finding can show.
    monkeypatch.setattr(Fingerprints, "MAX_KEYS", 200)
    monkeypatch.setattr(junit, "SPILL_IN_MEMORY", 32 << 10)
    peak_while_reporting(name, 300)  # first use: imports, caches
    few, many = 500, 5_000
    growth = peak_while_reporting(name, many) - peak_while_reporting(name, few)
    kept_per_finding = 100  # bytes: far less than one Problem object and its strings
    assert growth < (many - few) * kept_per_finding // 10, f"{name}: peak grew by {growth:,} bytes"
