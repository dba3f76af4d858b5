"""`repair FILE... --out FOLDER/`: many captures, each repaired copy under its own name in the folder
(or a prefix in object storage: tests/test_remote.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import repair_bytes

SESSION = (Path(__file__).parent.parent / "examples" / "agent-session.jsonl").read_bytes()
REPAIRED = (Path(__file__).parent.parent / "examples" / "agent-session.repaired.jsonl").read_bytes()


def test_each_capture_is_written_under_its_name(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    Path("fixed").mkdir()
    Path("in/a.jsonl").write_bytes(SESSION)
    Path("in/b.jsonl").write_bytes(SESSION[:700])
    result = cli("repair", "in/a.jsonl", "in/b.jsonl", "--out", "fixed/", "-q")
    assert result.exit_code == 1, result.stderr  # the example keeps findings repair cannot fix
    assert Path("fixed/a.jsonl").read_bytes() == REPAIRED
    assert Path("fixed/b.jsonl").read_bytes() == repair_bytes(SESSION[:700])[0]
    assert Path("in/a.jsonl").read_bytes() == SESSION  # inputs untouched


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["in/a.jsonl", "other/a.jsonl"], "two captures would be written to fixed/a.jsonl", id="same-name"),
        pytest.param(["in/a.jsonl", "in/b.jsonl", "--out", "fixed"], "--out takes one capture", id="no-slash"),
        pytest.param(["--in", "-"], "standard input has no name", id="stdin"),
    ],
)
def test_usage_errors(cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    for name in ("in/a.jsonl", "in/b.jsonl", "other/a.jsonl"):
        Path(name).parent.mkdir(exist_ok=True)
        Path(name).write_bytes(SESSION)
    Path("fixed").mkdir()
    result = cli("repair", *args, *(["--out", "fixed/"] if "--out" not in args else []), input=SESSION)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert not any(Path("fixed").iterdir())
