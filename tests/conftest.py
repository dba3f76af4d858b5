"""Shared helpers: lint or repair a capture given as text (default schema unless given)."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import settings

# CI must not fail on an example no one has seen: the default profile draws the same examples on
# every run. `HYPOTHESIS_PROFILE=explore pytest` draws new ones, and many more, to look for bugs.
settings.register_profile("wsfix", derandomize=True, deadline=None)
settings.register_profile("explore", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "wsfix"))

from wsfix.capture import iter_records  # noqa: E402 - after the profile is loaded
from wsfix.linter import Linter  # noqa: E402
from wsfix.repair import RepairResult, repair_records  # noqa: E402
from wsfix.schema import DEFAULT_SCHEMA, Schema  # noqa: E402
from wsfix.timestamps import DEFAULT_POLICY, Policy  # noqa: E402


def lint_bytes(data: bytes, policy: Policy = DEFAULT_POLICY, path: str = "t.jsonl", schema: Schema = DEFAULT_SCHEMA):
    """All problems of a capture, in order."""
    linter = Linter(schema, policy)
    problems = []
    for line_no, record in enumerate(iter_records(io.BytesIO(data), path), 1):
        problems.extend(linter.lint(record, line_no, path))
    return problems


def repair_bytes(
    data: bytes, policy: Policy = DEFAULT_POLICY, schema: Schema = DEFAULT_SCHEMA
) -> tuple[bytes, RepairResult]:
    linter = Linter(schema, policy)
    out = io.BytesIO()
    result = RepairResult()
    repair_records(
        iter_records(io.BytesIO(data), "t.jsonl"),
        lambda record, line_no: linter.lint(record, line_no, "t.jsonl"),
        out,
        result,
    )
    return out.getvalue(), result


@pytest.fixture
def capture_file(tmp_path):
    """Write bytes to a capture file and return its path as a string."""

    def write(data: bytes, name: str = "capture.jsonl") -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


@pytest.fixture
def cli():
    """Run the wsfix command line: `cli("check", path, input=b"...")` -> typer's Result."""
    from typer.testing import CliRunner

    from wsfix.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: bytes | None = None):
        return runner.invoke(app, list(args), input=input, env={"COLUMNS": "200", "NO_COLOR": "1"})

    return invoke
