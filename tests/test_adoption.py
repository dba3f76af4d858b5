"""What a project copies to adopt wsfix: the pre-commit hooks, the CI examples and the README's
snippets. Each wsfix command in them is run on the example capture, so they cannot rot."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from tests.test_cli import INCIDENT, INCIDENT_REPAIRED
from wsfix.cli import app
from wsfix.config import load_config

ROOT = Path(__file__).parent.parent
CAPTURE = ROOT / "examples" / "agent-session.jsonl"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text())


def run(args: list[str]):
    return CliRunner().invoke(app, args, env={"COLUMNS": "120", "NO_COLOR": "1"})


def read_hooks() -> list[dict[str, str]]:
    """The hooks of .pre-commit-hooks.yaml. The file is a flat YAML list of string maps; this
    reads exactly that subset (plain and single-quoted scalars) and fails on anything else."""
    hooks: list[dict[str, str]] = []
    for line in (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.fullmatch(r"(- |  )([a-z_]+): (.+)", line)
        assert match, f"unexpected line: {line!r}"
        if match[1] == "- ":
            hooks.append({})
        value = match[3]
        if value.startswith("'"):
            assert value.endswith("'")
            value = value[1:-1].replace("''", "'")
        hooks[-1][match[2]] = value
    return hooks


def test_pre_commit_hooks_declare_both_hooks():
    hooks = read_hooks()
    assert [hook["id"] for hook in hooks] == ["wsfix-check", "wsfix-repair"]
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["files"] == r"\.(jsonl|ndjson)$"
        files = re.compile(hook["files"])
        assert files.search("logs/a.jsonl") and files.search("b.ndjson")
        assert not files.search("a.json") and not files.search("a.jsonl.orig")
        assert shlex.split(hook["entry"])[0] == "wsfix"


def test_pre_commit_check_hook_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(CAPTURE, "session.jsonl")
    Path("clean.ndjson").write_bytes(INCIDENT_REPAIRED)
    entry = shlex.split(read_hooks()[0]["entry"])[1:]
    failing = run([*entry, "session.jsonl", "clean.ndjson"])  # pre-commit appends the file names
    assert failing.exit_code == 1
    assert failing.stdout.startswith("session.jsonl:3:106: WS101 ")
    assert run([*entry, "clean.ndjson"]).exit_code == 0


def test_pre_commit_repair_hook_fails_when_it_changes_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.jsonl").write_bytes(INCIDENT)
    Path("b.ndjson").write_bytes(INCIDENT_REPAIRED)
    entry = shlex.split(read_hooks()[1]["entry"])[1:]
    assert "" in entry  # --backup-suffix '': pre-commit must not leave .orig files around
    first = run([*entry, "a.jsonl", "b.ndjson"])
    assert first.exit_code == 1
    assert Path("a.jsonl").read_bytes() == INCIDENT_REPAIRED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "b.ndjson"]
    assert run([*entry, "a.jsonl", "b.ndjson"]).exit_code == 0  # the second run finds nothing to do


def wsfix_commands(text: str) -> list[list[str]]:
    """Every `wsfix check ...` command line in a YAML file or snippet."""
    commands = []
    for line in text.splitlines():
        found = re.search(r"\bwsfix check .*", line)
        if found:
            commands.append(shlex.split(found[0], comments=True))
    return commands


def run_ci_commands(text: str, tmp_path: Path, monkeypatch) -> dict[str, int]:
    """Run each command with $CAPTURES (or the README's glob) set to a copy of the example capture;
    return each command's exit code by output file (or format)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "captures").mkdir()
    shutil.copy(CAPTURE, tmp_path / "captures" / "session.jsonl")
    codes = {}
    for command in wsfix_commands(text):
        args = [("captures/session.jsonl" if arg in ("$CAPTURES", "captures/*.jsonl") else arg) for arg in command[1:]]
        result = run(args)
        assert result.exit_code in (0, 1), result.output
        key = (
            args[args.index("--output-file") + 1]
            if "--output-file" in args
            else args[args.index("--output-format") + 1]
        )
        codes[key] = result.exit_code
    return codes


def test_github_workflow_example(tmp_path, monkeypatch):
    text = (ROOT / "examples" / "ci" / "github-actions.yml").read_text(encoding="utf-8")
    codes = run_ci_commands(text, tmp_path, monkeypatch)
    assert codes == {"wsfix.sarif": 0, "wsfix-junit.xml": 0, "github": 1}  # reports pass, the gate fails
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(json.loads((tmp_path / "wsfix.sarif").read_text()))
    assert ET.parse(tmp_path / "wsfix-junit.xml").getroot().get("failures") == "14"
    assert "github/codeql-action/upload-sarif@" in text and "sarif_file: wsfix.sarif" in text
    assert "path: wsfix-junit.xml" in text
    assert "security-events: write" in text


def test_gitlab_job_example(tmp_path, monkeypatch):
    text = (ROOT / "examples" / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8")
    codes = run_ci_commands(text, tmp_path, monkeypatch)
    assert codes == {"wsfix-junit.xml": 0, "gl-code-quality-report.json": 1}
    issues = json.loads((tmp_path / "gl-code-quality-report.json").read_text())
    assert len(issues) == 14 and issues[0]["location"]["path"] == "captures/session.jsonl"
    assert ET.parse(tmp_path / "wsfix-junit.xml").getroot().get("failures") == "14"
    assert "codequality: gl-code-quality-report.json" in text and "junit: wsfix-junit.xml" in text
    assert "when: always" in text


def readme_block(after: str, language: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(after, 1)[1]
    return section.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def test_readme_github_step(tmp_path, monkeypatch):
    step = readme_block("**GitHub Actions**", "yaml")
    assert step.startswith("- name: ") and "pip install wsfix" in step
    assert run_ci_commands(step, tmp_path, monkeypatch) == {"github": 1}


def test_readme_config_sample_is_valid(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text(readme_block("## Configuration", "toml"), encoding="utf-8")
    assert load_config(str(path)) == {
        "select": ("WS",),
        "ignore": ("WS003",),
        "extend-select": (),
        "naive-tz": "UTC",
        "window": "2020-01-01..2030-01-01",
        "output-format": "concise",
        "max-rows": 100,
    }


@pytest.mark.parametrize(
    "snippet", wsfix_commands(readme_block("## Choosing what counts", "sh")), ids=lambda args: " ".join(args[2:5])
)
def test_readme_selection_examples_run(snippet, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "logs").mkdir()
    shutil.copy(CAPTURE, tmp_path / "logs" / "session.jsonl")
    args = [("logs/session.jsonl" if arg == "logs/*.jsonl" else arg) for arg in snippet[1:]]
    assert run(args).exit_code in (0, 1)
