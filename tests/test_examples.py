"""The shipped examples: the capture's findings and its repaired copy, checked by hand."""

from __future__ import annotations

import runpy
from fractions import Fraction
from pathlib import Path

import pytest

from tests.conftest import lint_bytes, repair_bytes

EXAMPLES = Path(__file__).parent.parent / "examples"
CAPTURE = EXAMPLES / "agent-session.jsonl"
REPAIRED = EXAMPLES / "agent-session.repaired.jsonl"
SESSION_START = 1757350200  # 2025-09-08T16:50:00Z = 20339 days * 86400 + 16:50 (60600 s)

# (line, code) for every finding, read off the capture by hand.
EXPECTED_FINDINGS = [
    (3, "WS101"),
    (4, "WS102"),
    (7, "WS101"),
    (8, "WS104"),
    (11, "WS103"),
    (15, "WS107"),
    (16, "WS003"),
    (17, "WS004"),
    (19, "WS104"),
    (21, "WS101"),
    (23, "WS102"),
    (25, "WS105"),
    (29, "WS109"),
    (31, "WS106"),
]
# line -> the value repair must write, from the instant each original spells.
EXPECTED_REPAIRS = {
    3: Fraction(SESSION_START) + Fraction(912, 1000),  # "2025-09-08T16:50:00.912Z"
    4: Fraction(SESSION_START + 1) + Fraction(447585, 10**6),  # "2025-09-08T16:50:01.447585" (UTC)
    7: Fraction(SESSION_START + 3) + Fraction(1, 2),  # "2025-09-08T16:50:03.5+00:00"
    8: Fraction(1757350204000, 1000),  # 1757350204000 ms
    11: Fraction(1757350206635, 1000),  # "1757350206.635"
    19: Fraction(1757350210481, 1000),  # "1757350210481" ms
    21: Fraction(SESSION_START + 11) + Fraction(95, 100),  # "2025-09-08T18:50:11.950+02:00"
    23: Fraction(SESSION_START + 31),  # "2025-09-08 16:50:31" (UTC)
    25: Fraction(SESSION_START + 32),  # "Mon, 08 Sep 2025 16:50:32 GMT"
}


def test_example_capture_findings():
    problems = lint_bytes(CAPTURE.read_bytes())
    assert [(p.line, p.code) for p in problems] == EXPECTED_FINDINGS


def test_example_repaired_file_is_what_repair_writes():
    repaired, result = repair_bytes(CAPTURE.read_bytes())
    assert repaired == REPAIRED.read_bytes()
    assert result.lines == 34 and result.lines_changed == len(EXPECTED_REPAIRS)


def test_example_repairs_are_exact_and_surgical():
    original = CAPTURE.read_bytes().split(b"\n")
    repaired = REPAIRED.read_bytes().split(b"\n")
    assert len(original) == len(repaired)
    for number, (before, after) in enumerate(zip(original, repaired, strict=True), 1):
        if number not in EXPECTED_REPAIRS:
            assert before == after, number
            continue
        key = b'"timestamp":'
        head = before[: before.index(key) + len(key)]
        assert after.startswith(head)
        old_tail = before[len(head) :]
        new_tail = after[len(head) :]
        value, rest = new_tail.split(b",", 1)
        assert old_tail.endswith(b"," + rest)  # everything after the value is untouched
        assert float(value) == float(EXPECTED_REPAIRS[number]), number


def test_repaired_example_has_nothing_left_to_fix():
    problems = lint_bytes(REPAIRED.read_bytes())
    assert all(p.fix is None for p in problems)
    assert [(p.line, p.code) for p in problems] == [
        (line, code) for line, code in EXPECTED_FINDINGS if line not in EXPECTED_REPAIRS
    ]


def test_library_example_runs(capsys):
    runpy.run_path(str(EXAMPLES / "library_usage.py"), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "1757350201.447585"
    assert lines[1] == "1757350201.447"
    assert "date without a time of day" in lines[2]
    assert lines[-1] == "1757350201.0"


def test_dask_pipeline_example_runs(capsys):
    pytest.importorskip("dask.bag", reason="the dask extra is not installed (pip install 'wsfix[dask]')")
    runpy.run_path(str(EXAMPLES / "dask_pipeline.py"), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert [tuple(line.split(": ")) for line in lines[:-1]] == [
        (f"agent-session.jsonl:{line}", code) for line, code in EXPECTED_FINDINGS
    ]
    assert lines[-1] == "34 lines; the same as wsfix repair writes: True"
