"""Choosing what counts: --select/--ignore/--extend-select, --exit-zero, --statistics, and
[tool.wsfix] in pyproject.toml; the same capture gives exit 1 or 0 as they change."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wsfix import rules
from wsfix.cli import app
from wsfix.config import KEYS, find_config
from wsfix.errors import UsageError
from wsfix.settings import RuleSelection, selected_codes

ALL = [rule.code for rule in rules.RULES]
# One WS102 (error, fixable) on line 1 and one WS104 (warning, fixable) on line 2.
CAPTURE = (
    b'{"type":"start_agent","timestamp":"2025-09-08T16:50:01.447585"}\n{"type":"ping","timestamp":1757350201447}\n'
)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty working folder holding the capture; no pyproject.toml above it."""
    assert find_config(str(tmp_path)) is None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "capture.jsonl").write_bytes(CAPTURE)
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1", **(env or {})})


def codes_reported(result) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in result.stdout.splitlines() if line.startswith("capture.jsonl:")]


def write_config(folder: Path, body: str, name: str = "pyproject.toml") -> Path:
    path = folder / name
    path.write_text(f"[project]\nname = 'x'\n\n[tool.wsfix]\n{body}\n", encoding="utf-8")
    return path


# --- the one selection decision ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        pytest.param([], ALL, id="default-everything"),
        pytest.param([RuleSelection(select=("WS1",))], [c for c in ALL if c.startswith("WS1")], id="select-prefix"),
        pytest.param(
            [RuleSelection(ignore=("WS10",))], [c for c in ALL if not c.startswith("WS10")], id="ignore-prefix"
        ),
        pytest.param(
            [RuleSelection(select=("WS1",), ignore=("WS10",), extend_select=("WS104",))],
            ["WS104", "WS110", "WS111", "WS112", "WS113", "WS120"],
            id="longest-prefix-wins",
        ),
        pytest.param([RuleSelection(select=("WS102",), ignore=("WS102",))], [], id="ignore-wins-a-tie"),
        pytest.param(
            [RuleSelection(ignore=("WS1",)), RuleSelection(extend_select=("WS102",))],
            ["WS001", "WS002", "WS003", "WS004", "WS005", "WS006", "WS102"],
            id="later-layer-extends",
        ),
        pytest.param(
            [RuleSelection(select=("WS102",)), RuleSelection(ignore=("WS1",))],
            [],
            id="later-ignore-beats-earlier-select",
        ),
        pytest.param(
            [RuleSelection(ignore=("WS1",)), RuleSelection(select=("WS10",))],
            [c for c in ALL if c.startswith("WS10")],
            id="later-select-starts-afresh",
        ),
    ],
)
def test_selected_codes(layers, expected):
    assert list(selected_codes(layers)) == expected


@pytest.mark.parametrize("prefix", ["WS9", "WS1000", "ws1", "", "E501"])
def test_unknown_prefix_is_refused(prefix):
    with pytest.raises(UsageError, match="unknown rule code or prefix"):
        selected_codes([RuleSelection(select=(prefix,))])


# --- command-line selection: exit codes on one capture ----------------------------------------


@pytest.mark.parametrize(
    ("args", "exit_code", "reported"),
    [
        pytest.param([], 1, ["WS102", "WS104"], id="default"),
        pytest.param(["--select", "WS104"], 1, ["WS104"], id="select"),
        pytest.param(["--select", "WS0"], 0, [], id="select-nothing-found"),
        pytest.param(["--ignore", "WS1"], 0, [], id="ignore-prefix"),
        pytest.param(["--ignore", "WS102,WS104"], 0, [], id="ignore-comma-list"),
        pytest.param(["--ignore", "WS102", "--ignore", "WS104"], 0, [], id="ignore-repeated"),
        pytest.param(["--ignore", "WS10", "--extend-select", "WS104"], 1, ["WS104"], id="longer-prefix-wins"),
        pytest.param(["--select", "WS0", "--extend-select", "WS102"], 1, ["WS102"], id="extend-select"),
        pytest.param(["--exit-zero"], 0, ["WS102", "WS104"], id="exit-zero-still-reports"),
        pytest.param(["--select", "WS102", "--exit-zero"], 0, ["WS102"], id="exit-zero-with-select"),
    ],
)
def test_selection_changes_the_exit_code(folder, args, exit_code, reported):
    result = run("check", "capture.jsonl", "--output-format", "concise", *args)
    assert result.exit_code == exit_code, result.output
    assert codes_reported(result) == reported
    assert result.stdout.splitlines()[-1].startswith("Checked 2 lines in 1 file: ")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(["--select", "WS999"], "--select: unknown rule code or prefix 'WS999'", id="select"),
        pytest.param(["--ignore", "ws1"], "--ignore: unknown rule code or prefix 'ws1'", id="ignore-lowercase"),
        pytest.param(["--extend-select", "X1"], "--extend-select: unknown rule code or prefix 'X1'", id="extend"),
    ],
)
def test_unknown_codes_are_usage_errors(folder, args, fragment):
    result = run("check", "capture.jsonl", *args)
    assert result.exit_code == 2
    assert result.stderr == f"wsfix: error: {fragment} (wsfix rule --all lists the codes)\n"
    assert result.stdout == ""


def test_exit_zero_does_not_hide_tool_failures(folder):
    result = run("check", "missing.jsonl", "--exit-zero")
    assert result.exit_code == 2


def test_selection_applies_to_repair(folder):
    result = run("repair", "--in", "capture.jsonl", "--out", "fixed.jsonl", "--select", "WS104")
    assert result.exit_code == 0, result.output
    assert (folder / "fixed.jsonl").read_bytes() == CAPTURE.replace(b"1757350201447", b"1757350201.447")


# --- --statistics -----------------------------------------------------------------------------


def test_statistics_text(folder):
    (folder / "more.jsonl").write_bytes(CAPTURE + b'{"type":"ping","timestamp":1757350202447}\n\n')
    result = run("check", "capture.jsonl", "more.jsonl", "--statistics")
    assert result.exit_code == 1  # as ruff: statistics still fail the run when there are findings
    assert result.stdout.splitlines() == [
        "3\tWS104\t[*] timestamp-epoch-unit",
        "2\tWS102\t[*] timestamp-naive-iso",
        "1\tWS003\t[ ] blank-line",
        "Checked 6 lines in 2 files: 2 errors, 4 warnings; 5 fixable with wsfix repair. Naive times read as UTC.",
    ]


def test_statistics_marks_partly_fixable_rules(folder):
    (folder / "dst.jsonl").write_bytes(
        b'{"type":"ping","timestamp":"2025-03-09T02:30:00"}\n'  # skipped by DST
        b'{"type":"ping","timestamp":"2025-03-09T05:30:00"}\n'
    )
    result = run("check", "dst.jsonl", "--statistics", "--exit-zero", "--naive-tz", "America/Los_Angeles")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "2\tWS102\t[*] timestamp-naive-iso (1 fixable)"
    rejected = run("check", "capture.jsonl", "--statistics", "--naive-tz", "reject")
    assert rejected.stdout.splitlines()[:2] == [
        "1\tWS102\t[ ] timestamp-naive-iso",
        "1\tWS104\t[*] timestamp-epoch-unit",
    ]


def test_statistics_json(folder):
    result = run("check", "capture.jsonl", "--statistics", "--output-format", "json", "--select", "WS102")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{"code": "WS102", "name": "timestamp-naive-iso", "count": 1, "fixable": 1}]


# --- [tool.wsfix] -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "args", "exit_code", "reported"),
    [
        pytest.param('ignore = ["WS1"]', [], 0, [], id="config-ignore"),
        pytest.param('select = ["WS104"]', [], 1, ["WS104"], id="config-select"),
        pytest.param('ignore = ["WS1"]', ["--select", "WS102"], 1, ["WS102"], id="cli-select-replaces-config"),
        pytest.param('select = ["WS102"]', ["--ignore", "WS1"], 0, [], id="cli-ignore-adjusts-config"),
        pytest.param('ignore = ["WS102", "WS104"]', ["--extend-select", "WS104"], 1, ["WS104"], id="cli-extend-select"),
        pytest.param('extend-select = ["WS104"]\nignore = ["WS10"]', [], 1, ["WS104"], id="config-extend-select"),
        pytest.param('ignore = ["WS102"]', ["--exit-zero"], 0, ["WS104"], id="exit-zero-with-config"),
    ],
)
def test_config_selection_changes_the_exit_code(folder, config, args, exit_code, reported):
    write_config(folder, config)
    result = run("check", "capture.jsonl", "--output-format", "concise", *args)
    assert result.exit_code == exit_code, result.output
    assert codes_reported(result) == reported


def test_config_policy_and_report_options(folder):
    write_config(
        folder,
        'naive-tz = "America/Los_Angeles"\nunit = "ms"\nwindow = "2025-01-01..2026-01-01"\n'
        'output-format = "json"\nmax-rows = 1',
    )
    document = json.loads(run("check", "capture.jsonl").stdout)
    assert document["settings"] | {"rules": None} == {
        "naive_tz": "America/Los_Angeles",
        "unit": "ms",
        "window": "2025-01-01..2026-01-01",
        "schema": "websocket-message",
        "rules": None,
    }
    # 16:50:01.447585 in Los Angeles (UTC-7 in September) is 23:50:01.447585 UTC
    assert document["findings"][0]["fix"]["value"] == "1757375401.447585"
    flags = run("check", "capture.jsonl", "--naive-tz", "UTC", "--output-format", "concise")
    assert "read as UTC [*]" in flags.stdout  # command-line values override the file
    table = run("check", "capture.jsonl", "--output-format", "full")
    assert "1 more finding not shown" in table.stdout  # max-rows from the file


def test_env_output_format_sits_between_flag_and_config(folder):
    write_config(folder, 'output-format = "concise"')
    assert run("check", "capture.jsonl").stdout.startswith("capture.jsonl:1:")
    env = {"WSFIX_OUTPUT_FORMAT": "jsonl"}
    assert json.loads(run("check", "capture.jsonl", env=env).stdout.splitlines()[0])["code"] == "WS102"
    assert run("check", "capture.jsonl", "--output-format", "concise", env=env).stdout.startswith("capture.jsonl:1:")


def test_config_is_found_in_a_parent_folder(folder, monkeypatch):
    write_config(folder, 'ignore = ["WS102"]')
    (folder / "logs" / "deep").mkdir(parents=True)
    (folder / "logs" / "pyproject.toml").write_text("[project]\nname = 'no-wsfix-table'\n", encoding="utf-8")
    monkeypatch.chdir(folder / "logs" / "deep")
    result = run("check", "../../capture.jsonl", "--output-format", "concise")
    assert [line.split(": ")[1].split()[0] for line in result.stdout.splitlines()[:-1]] == ["WS104"]
    assert find_config(os.getcwd()) == str(folder / "pyproject.toml")  # the table-less one is skipped


def test_config_option_reads_the_named_file(folder):
    write_config(folder, 'ignore = ["WS102"]')  # found automatically, but --config wins
    other = write_config(folder, 'ignore = ["WS104"]', name="ci.toml")
    result = run("check", "capture.jsonl", "--output-format", "concise", "--config", str(other))
    assert codes_reported(result) == ["WS102"]


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        pytest.param('naive_tz = "UTC"', ["unknown key 'naive_tz'", "did you mean 'naive-tz'?"], id="unknown-key"),
        pytest.param("colour = true", ["unknown key 'colour'", "known keys: select"], id="unknown-key-no-hint"),
        pytest.param('naive-tz = "Mars/Olympus"', ["[tool.wsfix] naive-tz:", "unknown zone 'Mars/Olympus'"], id="zone"),
        pytest.param("naive-tz = 7", ["[tool.wsfix] naive-tz:", "expected a string, got 7"], id="zone-type"),
        pytest.param('unit = "minutes"', ["[tool.wsfix] unit:", "unknown unit 'minutes'"], id="unit"),
        pytest.param('window = "2100-01-01..2000-01-01"', ["[tool.wsfix] window:", "is empty"], id="window"),
        pytest.param('select = "WS1"', ["[tool.wsfix] select:", "expected a list", "got 'WS1'"], id="select-string"),
        pytest.param(
            'ignore = ["WS9"]', ["[tool.wsfix] ignore:", "unknown rule code or prefix 'WS9'"], id="ignore-code"
        ),
        pytest.param("extend-select = [1]", ["[tool.wsfix] extend-select:", "expected a list"], id="extend-type"),
        pytest.param(
            'output-format = "xml"', ["[tool.wsfix] output-format:", "unknown output format 'xml'"], id="format"
        ),
        pytest.param("max-rows = -1", ["[tool.wsfix] max-rows:", "0 or more, got -1"], id="max-rows"),
        pytest.param("max-rows = true", ["[tool.wsfix] max-rows:", "got true"], id="max-rows-bool"),
        pytest.param("select = [", ["pyproject.toml: not valid TOML"], id="toml-syntax"),
    ],
)
def test_bad_config_is_a_one_line_error_naming_the_key(folder, body, fragments):
    path = write_config(folder, body)
    for command in (["check", "capture.jsonl"], ["repair", "--in", "capture.jsonl", "--dry-run"]):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert line.startswith(f"wsfix: error: {path}:")
        for fragment in fragments:
            assert fragment in line


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [
        pytest.param(None, "no such configuration file", id="missing"),
        pytest.param("[tool.other]\nx = 1\n", "no [tool.wsfix] table", id="no-table"),
        pytest.param("[tool]\nwsfix = 3\n", "tool.wsfix must be a table, not 3", id="not-a-table"),
    ],
)
def test_bad_config_option(folder, setup, fragment):
    path = folder / "named.toml"
    if setup is not None:
        path.write_text(setup, encoding="utf-8")
    result = run("check", "capture.jsonl", "--config", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"wsfix: error: {path}: {fragment}\n"


def test_every_config_key_is_documented_in_the_readme():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    for key in KEYS:
        assert f"`{key}`" in section, key


# --- configuration paths, keys, --isolated ----------------------------------------------------

MODEL_FILE = """
from pydantic import BaseModel


class Event(BaseModel):
    type: str
    sent_at: float
"""


def test_config_model_path_is_read_from_the_config_files_folder(folder, monkeypatch):
    project = folder / "project"
    (project / "work").mkdir(parents=True)
    (project / "models.py").write_text(MODEL_FILE, encoding="utf-8")
    write_config(project, 'model = "models.py:Event"')
    (project / "work" / "c.jsonl").write_bytes(b'{"type":"x","sent_at":"2025-09-08T16:50:01Z"}\n')
    monkeypatch.chdir(project / "work")  # the configuration is found upward; models.py is not here
    result = run("check", "c.jsonl", "--output-format", "concise")
    assert result.exit_code == 1, result.output
    assert "c.jsonl:1:23: WS101 [error] sent_at:" in result.stdout


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        pytest.param('model = "nope.py:Event"', "[tool.wsfix] model 'nope.py:Event': no such file", id="model"),
        pytest.param('timestamp-fields = ["nope"]', "[tool.wsfix] timestamp-fields ", id="timestamp-fields"),
        pytest.param('timestamp-pattern = "("', "[tool.wsfix] timestamp-pattern '(': ", id="timestamp-pattern"),
        pytest.param('fail-on = "info"', "[tool.wsfix] fail-on: unknown severity 'info'", id="fail-on"),
        pytest.param('schema = "nope"', "[tool.wsfix] schema: unknown schema 'nope'", id="schema"),
        pytest.param(
            'schema = "server-message"\nmodel = "m.py:E"',
            "use either [tool.wsfix] schema or [tool.wsfix] model, not both",
            id="schema-and-model",
        ),
        pytest.param("include = [1]", "[tool.wsfix] include: expected a list of strings", id="include"),
    ],
)
def test_config_errors_name_the_key_not_the_option(folder, body, fragment):
    path = write_config(folder, body)
    result = run("check", "capture.jsonl")
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"wsfix: error: {path}: {fragment}"), line
    assert "--" not in line.split(fragment)[0]


def test_isolated_ignores_the_configuration(folder):
    write_config(folder, 'ignore = ["WS102"]\nfail-on = "error"')
    assert codes_reported(run("check", "capture.jsonl", "--output-format", "concise")) == ["WS104"]
    result = run("check", "capture.jsonl", "--output-format", "concise", "--isolated")
    assert codes_reported(result) == ["WS102", "WS104"]
    assert run("check", "capture.jsonl", "--isolated", "--config", "pyproject.toml").exit_code == 2


@pytest.mark.parametrize(
    ("args", "config", "exit_code"),
    [
        pytest.param([], None, 1, id="default-any-finding"),
        pytest.param(["--fail-on", "warning"], None, 1, id="warning"),
        pytest.param(["--fail-on", "error"], None, 0, id="error-only-warnings-left"),
        pytest.param(["--fail-on", "error", "--select", "WS102"], None, 1, id="error-with-an-error"),
        pytest.param([], 'fail-on = "error"', 0, id="config"),
        pytest.param(["--fail-on", "warning"], 'fail-on = "error"', 1, id="flag-over-config"),
    ],
)
def test_fail_on(folder, args, config, exit_code):
    # capture.jsonl less its WS102 line: one warning (WS104) unless --select WS102 keeps the error.
    if "--select" not in args:
        (folder / "capture.jsonl").write_bytes(CAPTURE.splitlines(keepends=True)[1])
    if config is not None:
        write_config(folder, config)
    result = run("check", "capture.jsonl", *args)
    assert result.exit_code == exit_code, result.output


def test_fail_on_refuses_other_severities(folder):
    result = run("check", "capture.jsonl", "--fail-on", "info")
    assert result.exit_code == 2
    assert result.stderr == "wsfix: error: --fail-on: unknown severity 'info': expected error or warning\n"


@pytest.mark.parametrize("where", ["option", "config"])
def test_json_lines_is_jsonl(folder, where):
    if where == "config":
        write_config(folder, 'output-format = "json-lines"')
        result = run("check", "capture.jsonl")
    else:
        result = run("check", "capture.jsonl", "--output-format", "json-lines")
    assert result.exit_code == 1, result.output
    assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["WS102", "WS104"]
