"""What a project copies to adopt wsfix: the GitHub action (its shell steps run for real, wsfix
installed offline from a copy of this checkout into a fresh environment), the GitLab CI template
(installed from a git revision), the pre-commit hooks and the README's snippets, which are the
tested files verbatim. Nothing copyable holds a placeholder or an install line no index serves."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import site
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from tests.test_cli import INCIDENT, INCIDENT_REPAIRED
from wsfix import __version__
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
    assert failing.stdout.startswith("session.jsonl:3:106: WS101 [error] ")
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


def readme_block(after: str, language: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(after, 1)[1]
    return section.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def wsfix_commands(text: str) -> list[list[str]]:
    """Every `wsfix check ...` command line in a YAML file or snippet."""
    commands = []
    for line in text.splitlines():
        found = re.search(r"\bwsfix check .*", line)
        if found:
            commands.append(shlex.split(found[0], comments=True))
    return commands


# --- copyable text: no placeholder, no install line that cannot work ------------------------

COPYABLE = [
    "README.md",
    "action.yml",
    ".pre-commit-hooks.yaml",
    *sorted(str(path.relative_to(ROOT)) for path in (ROOT / "examples" / "ci").iterdir()),
    *sorted(str(path.relative_to(ROOT)) for path in (ROOT / "docs").glob("*.md")),
]


@pytest.mark.parametrize("name", COPYABLE)
def test_nothing_a_user_copies_has_a_placeholder_or_an_install_no_index_serves(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    # `pip install wsfix` alone: no package index serves wsfix (installs name a checkout, a git
    # revision or a wheel file).
    assert not re.search(r"pip install (--\S+ )*wsfix\b(?![-./@\w])", text), name
    assert not re.search(r"<[a-z][a-z '-]*>", text), name  # <this repository's URL>, <a tag>
    assert "your-org" not in text and "example.com" not in text and "OWNER/" not in text, name


# --- the GitHub composite action, its steps run for real -------------------------------------


class Step(dict):
    """One step of a composite action: name, if, shell, uses, run, env and with."""


def read_action() -> tuple[dict[str, dict[str, str]], list[Step]]:
    """action.yml's inputs and steps. The file is plain block YAML; this reads exactly the subset
    it uses (string scalars, `|` blocks, two levels of maps under a step) and fails on anything
    else, so the test cannot silently read less than the runner does."""
    lines = (ROOT / "action.yml").read_text(encoding="utf-8").splitlines()
    inputs: dict[str, dict[str, str]] = {}
    steps: list[Step] = []
    section = None
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            section = line.split(":", 1)[0]
            continue
        if section == "inputs":
            if match := re.fullmatch(r"  ([a-z-]+):", line):
                current = inputs[match[1]] = {}
            else:
                match = re.fullmatch(r"    (description|required|default): (.*)", line)
                assert match, f"unexpected input line: {line!r}"
                current[match[1]] = scalar(match[2])
        elif section == "runs":
            if line in ("  using: composite", "  steps:"):
                continue
            match = re.fullmatch(r"    (- |  )([a-z-]+):(?: (.*))?", line)
            assert match, f"unexpected step line: {line!r}"
            if match[1] == "- ":
                steps.append(Step())
            key, value = match[2], match[3]
            if key == "run":
                assert value == "|"
                block = []
                while index < len(lines) and (lines[index].startswith(" " * 8) or not lines[index].strip()):
                    block.append(lines[index][8:])
                    index += 1
                steps[-1]["run"] = "\n".join(block).strip("\n") + "\n"
            elif key in ("env", "with"):
                assert value is None
                mapping = {}
                while index < len(lines) and lines[index].startswith(" " * 8):
                    match = re.fullmatch(r" {8}([A-Za-z_-]+): (.*)", lines[index])
                    assert match, f"unexpected {key} line: {lines[index]!r}"
                    mapping[match[1]] = scalar(match[2])
                    index += 1
                steps[-1][key] = mapping
            else:
                steps[-1][key] = scalar(value or "")
        else:
            assert section in ("name", "description"), section
    return inputs, steps


def scalar(text: str) -> str:
    if text[:1] in ("'", '"'):
        assert text[-1] == text[0]
        return text[1:-1].replace("''", "'") if text[0] == "'" else json.loads(text)
    return text


def evaluate(text: str, context: dict[str, str]) -> str:
    """Replace each `${{ name }}` with its value; any other expression fails the test."""

    def value(match: re.Match[str]) -> str:
        return context[match[1]]

    return re.sub(r"\$\{\{ ([a-z_.-]+) \}\}", value, text)


def condition(text: str, context: dict[str, str]) -> bool:
    match = re.fullmatch(r"(inputs\.[a-z-]+) == '([^']*)'", text)
    assert match, f"unexpected condition: {text!r}"
    return context[match[1]] == match[2]


def workflow_inputs() -> dict[str, str]:
    """The `with:` of the step that uses the action in the example workflow."""
    text = (ROOT / "examples" / "ci" / "github-actions.yml").read_text(encoding="utf-8")
    step = text.split("uses: ./.github/actions/wsfix\n", 1)[1]
    inputs = {}
    for line in step.split("with:\n", 1)[1].splitlines():
        match = re.fullmatch(r" {10}([a-z-]+): (.*)", line)
        if not match:
            break
        inputs[match[1]] = scalar(match[2])
    return inputs


def action_source(tmp_path: Path) -> Path:
    """What `github.action_path` holds: this checkout's files that pip needs (a copy, so that the
    build leaves the checkout untouched)."""
    source = tmp_path / "action"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "action.yml"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "wsfix", source / "wsfix", ignore=shutil.ignore_patterns("__pycache__"))
    return source


def python_environment(tmp_path: Path) -> Path:
    """A fresh virtual environment whose `python` sees this interpreter's packages (wsfix's
    dependencies, pip, setuptools) but not wsfix: the action installs wsfix into it, offline."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    [site_packages] = (venv / "lib").glob("python3*/site-packages")
    outer = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()])
    (site_packages / "outer.pth").write_text("\n".join(outer) + "\n", encoding="utf-8")
    return venv / "bin"


# Offline: dependencies and the build backend come from this interpreter, nothing from an index.
OFFLINE_PIP_ARGS = "--no-deps --no-build-isolation --no-index"


def test_the_action_installs_wsfix_from_its_checkout_and_runs_the_workflows_inputs(tmp_path):
    inputs, steps = read_action()
    given = workflow_inputs()
    assert given == {"paths": "captures/*.jsonl", "sarif": "true"}
    assert set(given) <= set(inputs)
    context = {f"inputs.{name}": spec.get("default", "") for name, spec in inputs.items()}
    context |= {f"inputs.{name}": value for name, value in given.items()}
    context["inputs.pip-args"] = OFFLINE_PIP_ARGS  # the one input the test adds: no network here
    context["github.action_path"] = str(action_source(tmp_path))
    bin_dir = python_environment(tmp_path)
    workspace = tmp_path / "workspace"
    (workspace / "captures").mkdir(parents=True)
    shutil.copy(CAPTURE, workspace / "captures" / "session.jsonl")
    shutil.copy(CAPTURE, workspace / "captures" / "again.jsonl")
    summary = tmp_path / "step-summary.md"
    results = {}
    for step in steps:
        if "if" in step and not condition(step["if"], context):
            continue
        if "uses" in step:
            # Not a shell step: the SARIF upload. Its input must name the report the step before wrote.
            assert step["uses"] == "github/codeql-action/upload-sarif@v4"
            assert step["continue-on-error"] == "true"  # a report: the check step decides
            report = workspace / evaluate(step["with"]["sarif_file"], context)
            log = json.loads(report.read_text(encoding="utf-8"))
            jsonschema.Draft7Validator(SARIF_SCHEMA).validate(log)
            found = log["runs"][0]["results"]
            assert len(found) == 28
            uris = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in found}
            assert uris == {"captures/again.jsonl", "captures/session.jsonl"}
            results[step["name"]] = "uploaded"
            continue
        assert step["shell"] == "bash"
        env = {
            "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
            "HOME": str(tmp_path),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_WORKSPACE": str(workspace),
            **{name: evaluate(value, context) for name, value in step.get("env", {}).items()},
        }
        script = tmp_path / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        # How the runner runs a `shell: bash` step.
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        results[step["name"]] = done
    install = results["Install wsfix from the action's checkout"]
    assert install.returncode == 0, install.stderr
    assert install.stdout == f"wsfix {__version__}\n"
    assert (bin_dir / "wsfix").exists()  # installed into the environment, not found elsewhere
    assert results["Upload the SARIF report to code scanning"] == "uploaded"
    sarif_step = results["Write the SARIF report"]
    assert sarif_step.returncode == 0 and sarif_step.stdout == "", sarif_step.stderr
    check = results["Check the captures"]
    assert check.returncode == 1, check.stderr  # findings fail the job
    annotations = [line for line in check.stdout.splitlines() if line.startswith(("::error ", "::warning "))]
    assert len(annotations) == 20  # GitHub shows 10 errors and 10 warnings per step: 18 and 10 found
    assert "file=captures/again.jsonl,line=3,col=106,title=WS101 (timestamp-iso-string)::" in check.stdout
    assert "### wsfix check" in summary.read_text(encoding="utf-8")


def test_the_action_needs_python_3_11(tmp_path):
    _, steps = read_action()
    install = steps[0]["run"]
    old = tmp_path / "bin"
    old.mkdir()
    # A `python` that reports 3.10 and runs the command it is given.
    fake = f"#!/bin/sh\nexec {sys.executable} -c 'import sys; sys.version_info = (3, 10); exec(sys.argv[2])' x \"$2\"\n"
    (old / "python").write_text(fake)
    (old / "python").chmod(0o755)
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", install],
        env={"PATH": f"{old}{os.pathsep}/usr/bin{os.pathsep}/bin", "WSFIX_ACTION_PATH": "/nonexistent"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr == "wsfix needs Python 3.11 or later: run actions/setup-python first\n"


def test_the_workflow_example_has_what_code_scanning_needs():
    text = (ROOT / "examples" / "ci" / "github-actions.yml").read_text(encoding="utf-8")
    assert "permissions:\n  contents: read " in text
    assert "\n  security-events: write " in text
    action = (ROOT / "action.yml").read_text(encoding="utf-8")
    assert "uses: github/codeql-action/upload-sarif@v4\n" in action  # the current major version


def test_readme_ci_step_is_the_workflow_file_verbatim():
    workflow = (ROOT / "examples" / "ci" / "github-actions.yml").read_text(encoding="utf-8")
    assert readme_block("**GitHub Actions**", "yaml") == workflow


# --- the GitLab CI template: installs a pinned git revision given as variables ----------------


def gitlab_script() -> list[str]:
    text = (ROOT / "examples" / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8")
    script = text.split("\n  script:\n", 1)[1].split("\n  artifacts:", 1)[0]
    return [scalar(line[len("    - ") :]) for line in script.splitlines() if line.startswith("    - ")]


def git_repository(tmp_path: Path) -> tuple[Path, str]:
    """A git repository of this checkout's installable files, with one commit: a stand-in for a
    team's copy of the wsfix repository."""
    repo = action_source(tmp_path)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "wsfix"], check=True)
    revision = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout
    return repo, revision.strip()


def run_gitlab_job(tmp_path: Path, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The job's script as the runner runs it: one shell, stopping at the first failing line."""
    bin_dir = python_environment(tmp_path)
    workspace = tmp_path / "workspace"
    (workspace / "captures").mkdir(parents=True)
    shutil.copy(CAPTURE, workspace / "captures" / "session.jsonl")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-c", "\n".join(gitlab_script())],
        cwd=workspace,
        env={"PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin", "HOME": str(tmp_path), **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_gitlab_template_installs_the_pinned_revision_and_writes_both_reports(tmp_path):
    repo, revision = git_repository(tmp_path)
    done = run_gitlab_job(
        tmp_path,
        {
            "WSFIX_GIT_URL": f"file://{repo}",
            "WSFIX_REVISION": revision,
            "WSFIX_PATHS": "captures/*.jsonl",
            "WSFIX_PIP_ARGS": OFFLINE_PIP_ARGS,
        },
    )
    assert done.returncode == 1, done.stdout + done.stderr  # findings fail the job, after both reports
    workspace = tmp_path / "workspace"
    issues = json.loads((workspace / "gl-code-quality-report.json").read_text())
    assert len(issues) == 14 and issues[0]["location"]["path"] == "captures/session.jsonl"
    assert ET.parse(workspace / "wsfix-junit.xml").getroot().get("failures") == "14"
    text = (ROOT / "examples" / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8")
    assert "codequality: gl-code-quality-report.json" in text and "junit: wsfix-junit.xml" in text
    assert "when: always" in text


@pytest.mark.parametrize("missing", ["WSFIX_GIT_URL", "WSFIX_REVISION"])
def test_gitlab_template_says_which_variable_is_missing(tmp_path, missing):
    variables = {"WSFIX_GIT_URL": "file:///nonexistent", "WSFIX_REVISION": "0" * 40}
    del variables[missing]
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-c", "\n".join(gitlab_script()[:2])],
        env={"PATH": "/usr/bin:/bin", **variables},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode != 0
    assert done.stderr.strip().endswith(
        f"{missing}: set the CI/CD variable {missing} to "
        + ("the clone URL of your wsfix repository" if missing == "WSFIX_GIT_URL" else "the wsfix commit to run")
    )


# --- pre-commit ------------------------------------------------------------------------------


def test_pre_commit_local_hook_example(tmp_path, monkeypatch):
    text = (ROOT / "examples" / "ci" / "pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "  - repo: local\n" in text and "        language: system\n" in text
    assert readme_block("**pre-commit**", "yaml") == text
    [command] = wsfix_commands(text)
    files = re.compile(scalar(re.search(r"files: (.*)", text)[1]))
    assert files.search("logs/a.jsonl") and not files.search("a.json")
    monkeypatch.chdir(tmp_path)
    shutil.copy(CAPTURE, "session.jsonl")
    failing = run([*command[1:], "session.jsonl"])  # pre-commit appends the file names
    assert failing.exit_code == 1
    assert failing.stdout.startswith("session.jsonl:3:106: WS101 [error] ")


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
