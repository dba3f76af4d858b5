"""One record's memory is bounded (issue 17, item 10): a record whose estimated memory parsed is over
`--max-record-memory` is reported (WS006) and copied unchanged, never parsed; below the limit
nothing changes. A long record of few values (a 50 MB string: test_hostile_input) is checked."""

from __future__ import annotations

import pytest

from tests.test_memory import peak_rss_mb
from wsfix.linter import Linter
from wsfix.problems import Problem
from wsfix.schema import DEFAULT_SCHEMA
from wsfix.timestamps import DEFAULT_POLICY

SMALL = b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}\n'
BIG = b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z","payload":{"v":[' + b"0," * 40 + b"0]}}\n"
# Counted by hand: BIG is 151 bytes as stored (50 before the payload, 15 for its key, 83 for the
# list, `}}\n`), with 42 commas, 2 `{` and 1 `[`: 46 values, so 151 + 64 * 46 = 3095 bytes parsed.
# SMALL: 51 bytes, 1 comma and 1 `{`: 3 values, 243 bytes.
BIG_MEMORY = 3095


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        pytest.param(10_000, ["WS101", "WS101"], id="both-under"),
        pytest.param(3000, ["WS101", "WS006"], id="big-over"),
        pytest.param(BIG_MEMORY, ["WS101", "WS101"], id="big-at-the-limit"),
        pytest.param(BIG_MEMORY - 1, ["WS101", "WS006"], id="big-one-over"),
        pytest.param(242, ["WS006", "WS006"], id="both-over"),
    ],
)
def test_a_record_over_the_limit_is_reported_not_parsed(limit: int, expected: list[str]) -> None:
    linter = Linter(DEFAULT_SCHEMA, DEFAULT_POLICY, max_record_memory=limit)
    chunk = linter.lint_chunk(SMALL + BIG, "t.jsonl", 1)
    one_by_one = [
        problem for number, line in enumerate([SMALL, BIG], 1) for problem in linter.lint(line, number, "t.jsonl")
    ]
    assert [problem.code for problem in chunk.problems] == expected
    assert one_by_one == chunk.problems
    if expected[1] == "WS006":
        assert chunk.problems[1] == Problem(
            "t.jsonl",
            2,
            None,
            "",
            "WS006",
            f"the record would take about 3,095 bytes parsed (151 bytes, up to 46 values), over the limit of "
            f"{limit:,} (--max-record-memory): not checked",
        )


def test_cli_limit_copies_the_record_unchanged(cli, capture_file, tmp_path) -> None:
    source = capture_file(SMALL + BIG)
    result = cli("check", source, "--max-record-memory", "3000", "--output-format", "concise")
    assert result.exit_code == 1
    assert f"{source}:2:1: WS006 [error] the record would take about 3,095 bytes parsed" in result.stdout
    out = tmp_path / "fixed.jsonl"
    repaired = cli("repair", "--in", source, "--out", str(out), "--max-record-memory", "3K")
    assert repaired.exit_code == 1  # the big record stays a finding (3K is 3,072 bytes)
    assert out.read_bytes() == b'{"type":"ping","timestamp":1757350201.0}\n' + BIG


@pytest.mark.parametrize("text", ["0", "8X", "-1", "", "M"])
def test_bad_sizes_are_usage_errors(cli, capture_file, text: str) -> None:
    result = cli("check", capture_file(SMALL), "--max-record-memory", text)
    assert result.exit_code == 2
    assert result.stderr == f"wsfix: error: --max-record-memory: expected a size such as 8M, 512K or 1G, got {text!r}\n"


def test_config_key_takes_sizes(cli, capture_file, tmp_path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.wsfix]\nmax-record-memory = "3000"\n')
    monkeypatch.chdir(tmp_path)
    result = cli("check", capture_file(SMALL + BIG), "--output-format", "concise")
    assert "WS006" in result.stdout


def test_a_huge_array_line_takes_bounded_memory(tmp_path) -> None:
    """A 20 MB line holding a 10-million-element array (parsed: about 800 MB) is reported, and the
    peak RSS stays that of a small run plus the line itself and a copy of it."""
    path = tmp_path / "huge.jsonl"
    path.write_bytes(
        SMALL + b'{"type":"ping","timestamp":1757350201.5,"payload":{"v":[' + b"0," * 10_000_000 + b"0]}}\n"
    )
    small = tmp_path / "small.jsonl"
    small.write_bytes(SMALL)
    base = peak_rss_mb(["check", str(small), "--output-format", "concise"])
    peak = peak_rss_mb(["check", str(path), "--output-format", "concise"])
    assert peak < base + 3 * 20 + 25, (base, peak)
