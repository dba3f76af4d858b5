"""`wsfix.lint_lines`, the entry for data pipelines: the same findings and repaired bytes as the
command line's pipeline gives the same lines, whatever form the pipeline hands them in."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import wsfix
from tests.conftest import lines_of, lint_bytes, repair_bytes
from wsfix.settings import Settings

CAPTURE = (Path(__file__).parent.parent / "examples" / "agent-session.jsonl").read_bytes()
BAD = '{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}'
GOOD = '{"type":"ping","timestamp":1757350201}'
FIXED = '{"type":"ping","timestamp":1757350201.0}'


def _as(form: str, lines: list[bytes]) -> list[str | bytes]:
    """The lines as a pipeline may hand them: bytes or str, with or without their end of line."""
    if form == "bytes":
        return list(lines)
    if form == "str":
        return [line.decode() for line in lines]
    return [line.decode().removesuffix("\n") for line in lines]  # Spark's textFile


@pytest.mark.parametrize("form", ["bytes", "str", "str-without-newline"])
def test_the_example_capture_as_the_command_line_sees_it(form):
    lines = _as(form, lines_of(CAPTURE))
    linted = wsfix.lint_lines(lines, path="t.jsonl", repair=True)
    assert linted.problems == lint_bytes(CAPTURE)
    repaired, tally = repair_bytes(CAPTURE)
    assert linted.repaired == _as(form, lines_of(repaired))
    assert linted.tally == tally


@pytest.mark.parametrize(
    ("lines", "first_line", "expected_lines", "expected"),
    [
        pytest.param([GOOD], 1, [], [GOOD], id="clean"),
        pytest.param([GOOD, BAD], 1, [2], [GOOD, FIXED], id="second-line"),
        pytest.param([BAD, GOOD], 101, [101], [FIXED, GOOD], id="a-later-partition-counts-from-first-line"),
        pytest.param([BAD + "\r\n", "not json\n"], 1, [1, 2], [FIXED + "\r\n", "not json\n"], id="crlf-and-unfixable"),
        pytest.param([], 1, [], [], id="empty-partition"),
    ],
)
def test_lines_and_repairs(lines, first_line, expected_lines, expected):
    linted = wsfix.lint_lines(lines, path="part", first_line=first_line, repair=True)
    assert [problem.line for problem in linted.problems] == expected_lines
    assert all(problem.path == "part" for problem in linted.problems)
    assert linted.repaired == expected


def test_settings_select_the_rules():
    linted = wsfix.lint_lines([BAD, "not json"], settings=Settings(select=("WS001",)))
    assert [problem.code for problem in linted.problems] == ["WS001"]
    assert wsfix.lint_lines([BAD]).repaired is None  # only when asked


def test_a_har_is_not_lines():
    with pytest.raises(ValueError, match="line-based"):
        wsfix.lint_lines([GOOD], settings=Settings(capture_format="har"))


@given(st.lists(st.sampled_from(lines_of(CAPTURE)), max_size=12), st.integers(1, 5))
def test_property_a_partition_is_its_lines_in_the_file(lines, first_line):
    """Linted alone from `first_line`, a partition gives the file's findings on those lines."""
    linted = wsfix.lint_lines(lines, first_line=first_line)
    data = b"".join(lines)
    expected = [problem._replace(line=problem.line + first_line - 1) for problem in lint_bytes(data, path="<lines>")]
    if first_line != 1:  # a byte order mark may stand only at the start of a file: none here
        expected = [problem for problem in expected if problem.line >= first_line]
    assert linted.problems == expected
