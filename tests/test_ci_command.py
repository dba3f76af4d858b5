"""CI runs exactly the README's test command, and that command includes the static checks."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_ci_runs_the_readme_test_command():
    test_command = readme_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci_lines[-1] == test_command
    assert "set -euo pipefail" in ci_lines


def test_the_test_command_runs_ruff_mypy_and_pytest():
    steps = [step.strip() for step in readme_commands()[1].split("&&")]
    # pip first: an old pip backtracks for minutes through boto3 releases (see the README).
    assert steps == [
        "python -m pip install -U pip",
        'pip install -e ".[test]"',
        "ruff check .",
        "ruff format --check .",
        "mypy",
        "pytest",
    ]
