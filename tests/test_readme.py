"""The README and docs/ show what wsfix does: every `console` example is run and its output compared
(lines shown as `…` are left out), and every `sh` example that does not install anything is run.

The two set-up commands at the top of the README are CI's own (tests/test_ci_command.py), the CI
and pre-commit snippets are files of examples/ci (tests/test_adoption.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["README.md", *sorted(str(path.relative_to(ROOT)) for path in (ROOT / "docs").glob("*.md"))]


def blocks(language: str) -> list[tuple[str, int, str]]:
    """(page, number, text) of every ```language block of the pages."""
    found = []
    for page in PAGES:
        text = (ROOT / page).read_text(encoding="utf-8")
        for number, block in enumerate(re.findall(rf"(?ms)^```{language}\n(.*?)^```", text), 1):
            found.append((page, number, block))
    return found


CONSOLE = blocks("console")
SHELL = [(page, number, block) for page, number, block in blocks("sh") if "pip install" not in block]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder laid out as the examples expect: the example captures, the test models."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("ci"))
    (tmp_path / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "sample_models.py", tmp_path / "tests")
    (tmp_path / "logs").mkdir()
    shutil.copy(ROOT / "examples" / "agent-session.jsonl", tmp_path / "logs")
    return tmp_path


def environment() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    # This interpreter's wsfix first; 80 columns, as a pipe or CI log gets.
    env |= {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", "COLUMNS": "80"}
    env |= {"NO_COLOR": "1", "WSFIX_OUTPUT_FORMAT": ""}
    del env["WSFIX_OUTPUT_FORMAT"]
    return env


def test_the_pages_have_examples():
    assert {page for page, _, _ in CONSOLE} >= {"README.md", "docs/commands.md"}
    assert any(page == "README.md" for page, _, _ in SHELL)


@pytest.mark.parametrize(("page", "number", "block"), CONSOLE, ids=[f"{p}-{n}" for p, n, _ in CONSOLE])
def test_console_example_is_what_wsfix_prints(folder, page, number, block):
    command, *shown = block.rstrip("\n").split("\n")
    assert command.startswith("$ wsfix "), command
    done = subprocess.run(
        command[2:], shell=True, cwd=folder, env=environment(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode in (0, 1), done.stderr
    printed = [line.rstrip() for line in (done.stdout + done.stderr).rstrip("\n").split("\n")]
    if "…" in shown:
        cut = shown.index("…")
        head, tail = shown[:cut], shown[cut + 1 :]
        assert printed[: len(head)] == head
        assert printed[len(printed) - len(tail) :] == tail
    else:
        assert printed == shown


@pytest.mark.parametrize(("page", "number", "block"), SHELL, ids=[f"{p}-{n}" for p, n, _ in SHELL])
def test_shell_example_runs(folder, page, number, block):
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", block],
        cwd=folder,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr  # 1: findings, which the examples have
    assert done.stderr == ""


def test_readme_own_model_example_finds_what_it_says(folder):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [block] = [block for page, _, block in SHELL if page == "README.md" and "--model models.py:Event" in block]
    said = re.search(r"also a finding:\n`([^`]+)`", readme)
    assert said, "the README says which line the model adds"
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", block], cwd=folder, env=environment(), capture_output=True, text=True
    )
    assert done.returncode == 1
    assert said[1] in done.stdout.splitlines()
