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

from wsfix.linter import Linter  # noqa: E402 - after the profile is loaded
from wsfix.repair import RepairTally, splice  # noqa: E402
from wsfix.schema import DEFAULT_SCHEMA, Schema  # noqa: E402
from wsfix.segment_linter import SegmentLinter  # noqa: E402
from wsfix.segments import Segment  # noqa: E402
from wsfix.settings import Settings  # noqa: E402
from wsfix.timestamps import DEFAULT_POLICY, Policy  # noqa: E402


def lint_bytes(data: bytes, policy: Policy = DEFAULT_POLICY, path: str = "t.jsonl", schema: Schema = DEFAULT_SCHEMA):
    """All problems of a capture, in order."""
    linter = Linter(schema, policy)
    problems = []
    for line_no, record in enumerate(lines_of(data), 1):
        problems.extend(linter.lint(record, line_no, path))
    return problems


def lines_of(data: bytes) -> list[bytes]:
    """The lines of a capture, each with its end of line (split at \\n only, as JSON Lines is)."""
    return list(io.BytesIO(data))


def repair_by_records(
    data: bytes, policy: Policy = DEFAULT_POLICY, schema: Schema = DEFAULT_SCHEMA
) -> tuple[bytes, RepairTally]:
    """A JSON Lines capture repaired as one segment whose records are spelled out (the path of
    prefixed lines, envelopes and HAR messages: each record linted alone, its fixes moved)."""
    from wsfix.formats.jsonl import JsonLines

    segment = Segment(data, 1, JsonLines().records_of(data, 1))
    repaired = SegmentLinter(Settings(policy=policy, schema=schema)).repair(segment, "t.jsonl", True)
    return b"".join(splice(data, repaired.edits)), repaired.tally


def repair_bytes(
    data: bytes, policy: Policy = DEFAULT_POLICY, schema: Schema = DEFAULT_SCHEMA
) -> tuple[bytes, RepairTally]:
    """A JSON Lines capture repaired as one segment, through the pipeline's own lint entry and splice."""
    repaired = SegmentLinter(Settings(policy=policy, schema=schema)).repair(Segment(data, 1, None), "t.jsonl", True)
    return b"".join(splice(data, repaired.edits)), repaired.tally


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
