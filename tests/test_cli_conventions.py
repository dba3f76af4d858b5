"""Issue 14 conventions: -q prints the findings and nothing else, `wsfix schema` lists the values an
enum or Literal field takes, and a capture that does not look like the built-in schema says so once."""

from __future__ import annotations

import pytest

INCIDENT = b'{"type":"start_agent","timestamp":"2025-09-08T16:50:01.447585"}\n'
OTHER_MODEL = b'{"event":"trade","ts":1757350201}\n' * 6


@pytest.mark.parametrize("output_format", ["full", "concise"])
def test_quiet_check_prints_the_findings_and_nothing_else(cli, capture_file, output_format):
    source = capture_file(INCIDENT + INCIDENT)
    loud = cli("check", source, "--output-format", output_format)
    quiet = cli("check", source, "--output-format", output_format, "-q")
    assert quiet.exit_code == loud.exit_code == 1
    assert "Checked 2 lines" in loud.stdout and "Checked" not in quiet.stdout
    assert quiet.stdout.count("WS102") == 2
    assert loud.stdout.startswith(quiet.stdout) if output_format == "concise" else "WS102" in quiet.stdout
    assert quiet.stderr == ""


def test_quiet_clean_check_prints_nothing(cli, capture_file):
    result = cli("check", capture_file(b'{"type":"ping","timestamp":1757350201.5}\n'), "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_schema_lists_an_enums_values(cli):
    result = cli("schema", "--schema", "server-message")
    [line] = [line for line in result.stdout.splitlines() if line.startswith("Allowed values of type: ")]
    values = line.removeprefix("Allowed values of type: ").split(", ")
    assert len(values) == 51  # MessageType's members, as WS004 says ("one of 51 values")
    assert values[:3] == ["connect", "disconnect", "connection_established"]


def test_schema_lists_a_literals_values(cli, tmp_path):
    (tmp_path / "lit.py").write_text(
        "from typing import Literal, Optional\nfrom pydantic import BaseModel\n\n"
        "class Event(BaseModel):\n    kind: Optional[Literal['buy', 'sell']] = None\n    ts: float\n"
    )
    result = cli("schema", "--model", f"{tmp_path / 'lit.py'}:Event")
    assert "Allowed values of kind: buy, sell\n" in result.stdout


def test_a_capture_of_another_model_says_so_once(cli, capture_file):
    result = cli("check", capture_file(OTHER_MODEL), "--output-format", "concise")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "most records fail the built-in schema" in result.stderr and "--model" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("examples/agent-session.jsonl",), id="a-capture-of-the-schema"),
        pytest.param(("-q",), id="quiet"),
    ],
)
def test_no_note_where_the_capture_fits_or_quiet(cli, capture_file, args):
    paths = args if args[0].endswith(".jsonl") else (capture_file(OTHER_MODEL), *args)
    result = cli("check", *paths, "--output-format", "concise")
    assert "most records fail" not in result.stderr
