"""The edges of files and processes (issue 17): a backup name that is a link, modes and messages,
closed or odd standard streams, signals before the command line has loaded and around the rename
that puts an output in place, and HAR files whose text is not all UTF-8.

Each case states what the files and the exit code must be afterwards, and the two must agree:
exit 0 or 1, the output is in place; 2 or 128+, the file being written is untouched and no temp
file is left. Process cases run `python -m wsfix` as a subprocess, bounded by a timeout.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from wsfix.cli import app

LINE = b'{"type":"ping","timestamp":"2025-09-08T16:50:01.447585","payload":{"n":"%06d"}}\n'
FIXED = b'{"type":"ping","timestamp":1757350201.447585,"payload":{"n":"%06d"}}\n'
ROWS = 50
DATA = b"".join(LINE % i for i in range(ROWS))
REPAIRED = b"".join(FIXED % i for i in range(ROWS))
TIMEOUT = 60


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120", "NO_COLOR": "1"})


def snapshot(folder) -> dict[str, object]:
    """Every name in the folder: a link's target, or a file's bytes and mode."""
    found: dict[str, object] = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.islink(path):
            found[name] = ("link", os.readlink(path))
        elif os.path.isfile(path):
            with open(path, "rb") as file:
                found[name] = (file.read(), stat.S_IMODE(os.stat(path).st_mode))
        else:
            found[name] = "other"
    return found


def assert_one_line_error(stderr: str, *fragments: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("wsfix: error: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def wsfix(*args: str, **kwargs) -> subprocess.CompletedProcess[bytes]:
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "wsfix", *args], timeout=TIMEOUT, check=False, **kwargs)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The current folder, holding capture.jsonl (mode 0640)."""
    (tmp_path / "capture.jsonl").write_bytes(DATA)
    os.chmod(tmp_path / "capture.jsonl", 0o640)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- item 1: the backup's name is a link ---------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        pytest.param(lambda f: os.symlink("capture.jsonl", f / "capture.jsonl.orig"), "a link to it", id="symlink"),
        pytest.param(lambda f: os.link(f / "capture.jsonl", f / "capture.jsonl.orig"), "a link to it", id="hard-link"),
        pytest.param(lambda f: os.mkdir(f / "capture.jsonl.orig"), "is a directory", id="directory"),
    ],
)
def test_backup_that_is_the_input_or_no_file_is_refused(folder, make, fragment):
    # Through the link, the backup would be the input itself: its original gone for good.
    make(folder)
    before = snapshot(folder)
    result = run("repair", "capture.jsonl", "--in-place", "--force")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "capture.jsonl.orig", fragment)
    assert snapshot(folder) == before


def test_backup_fifo_is_refused_not_opened(folder):
    os.mkfifo(folder / "capture.jsonl.orig")
    result = wsfix("repair", "capture.jsonl", "--in-place", "--force", cwd=folder)
    assert result.returncode == 2
    assert_one_line_error(result.stderr.decode(), "capture.jsonl.orig", "not a regular file")
    assert (folder / "capture.jsonl").read_bytes() == DATA


@pytest.mark.parametrize("dangling", [False, True], ids=["to-another-file", "dangling"])
def test_backup_symlink_is_replaced_not_written_through(folder, dangling):
    # --force replaces the backup: the link itself, never the file it points to.
    if not dangling:
        (folder / "precious.txt").write_bytes(b"someone else's file\n")
    os.symlink("precious.txt", folder / "capture.jsonl.orig")
    result = run("repair", "capture.jsonl", "--in-place", "--force")
    assert result.exit_code == 0, result.output
    expected = {
        "capture.jsonl": (REPAIRED, 0o640),
        "capture.jsonl.orig": (DATA, 0o640),
    }
    if not dangling:
        expected["precious.txt"] = (b"someone else's file\n", stat.S_IMODE(os.stat(folder / "precious.txt").st_mode))
    assert snapshot(folder) == expected


# --- item 11: modes and messages -----------------------------------------------------------------


def test_force_over_an_output_keeps_its_mode(folder):
    (folder / "fixed.jsonl").write_bytes(b"an earlier output\n")
    os.chmod(folder / "fixed.jsonl", 0o600)
    assert run("repair", "--in", "capture.jsonl", "--out", "fixed.jsonl", "--force").exit_code == 0
    assert snapshot(folder)["fixed.jsonl"] == (REPAIRED, 0o600)  # not the input's 0640


def test_new_output_takes_the_input_mode(folder):
    assert run("repair", "--in", "capture.jsonl", "--out", "fixed.jsonl").exit_code == 0
    assert snapshot(folder)["fixed.jsonl"] == (REPAIRED, 0o640)


@pytest.mark.parametrize("command", ["repair", "check"])
def test_empty_output_name_is_one_line_and_writes_nowhere(tmp_path, monkeypatch, command):
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "capture.jsonl").write_bytes(DATA)
    monkeypatch.chdir(inner)
    before = snapshot(tmp_path), snapshot(inner)
    if command == "repair":
        result = run("repair", "--in", "capture.jsonl", "--out", "")
    else:
        result = run("check", "capture.jsonl", "--output-format", "json", "--output-file", "")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "empty name")
    assert (snapshot(tmp_path), snapshot(inner)) == before  # no temp file in the parent folder


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        pytest.param("adir.py:Model", "adir.py is a directory", id="directory"),
        pytest.param("/dev/null:Model", "/dev/null is not a regular file", id="device"),
        pytest.param("missing.py:Model", "no such file missing.py", id="missing"),
    ],
)
def test_model_path_that_is_no_file_says_what_it_is(folder, spec, fragment):
    (folder / "adir.py").mkdir()
    result = run("check", "capture.jsonl", "--model", spec)
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, fragment)


def test_check_output_file_that_is_the_input_suggests_no_in_place(folder):
    result = run("check", "capture.jsonl", "--output-format", "json", "--output-file", "capture.jsonl")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "is the input file")
    assert "--in-place" not in result.stderr  # check has no --in-place
    assert (folder / "capture.jsonl").read_bytes() == DATA


@pytest.mark.parametrize("value", ["", " , ", ","], ids=["empty", "blanks", "comma"])
@pytest.mark.parametrize("command", ["check", "repair"])
def test_empty_select_is_a_usage_error(folder, command, value):
    # An empty $CODES in `--select "$CODES"` must not turn a CI step green.
    args = ["check", "capture.jsonl"] if command == "check" else ["repair", "--in", "capture.jsonl", "--dry-run"]
    result = run(*args, "--select", value)
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "--select", "no rule codes")


# --- item 9: HAR files whose text is not all UTF-8 -----------------------------------------------

ISO = b'\\"2025-09-08T16:50:01.447585Z\\"'


def har(second: bytes, timestamp: bytes = ISO) -> bytes:
    """A HAR of three text messages, one a line; `second` is the second's `data` contents, the
    others hold `timestamp`."""
    message = b'  {"type": "receive", "time": 1.5, "opcode": 1, "data": "%s"}'
    ping = b'{\\"type\\":\\"ping\\",\\"timestamp\\":' + timestamp + b"}"
    return (
        b'{"log": {"version": "1.2", "entries": [{"_webSocketMessages": [\n'
        + b",\n".join(message % data for data in (ping, second, ping))
        + b"\n]}]}}\n"
    )


DAMAGED = {
    "lone-surrogate": b'{\\"type\\":\\"ping\\",\\"note\\":\\"\\ud800\\",\\"timestamp\\":' + ISO + b"}",
    "invalid-utf-8": b'{\\"type\\":\\"ping\\",\\"note\\":\\"\xff\\",\\"timestamp\\":' + ISO + b"}",
}


def concise(result) -> list[tuple[str, str]]:
    """(line, code) of each finding in concise output."""
    return [(line.split(":")[1], line.split()[1]) for line in result.stdout.splitlines() if ": WS" in line]


@pytest.mark.parametrize("case", list(DAMAGED))
def test_har_message_not_utf8_is_reported_and_the_rest_checked(tmp_path, case):
    path = tmp_path / "session.har"
    path.write_bytes(har(DAMAGED[case]))
    result = run("check", str(path), "--output-format", "concise")
    assert result.exit_code == 1, result.output
    assert concise(result) == [("2", "WS101"), ("3", "WS001"), ("4", "WS101")]
    assert "message 2 (receive): not valid JSON" in result.stdout


@pytest.mark.parametrize("case", list(DAMAGED))
def test_har_repair_leaves_the_damaged_message_as_it_is(tmp_path, case):
    path = tmp_path / "session.har"
    data = har(DAMAGED[case])
    path.write_bytes(data)
    result = run("repair", "--in", str(path), "--out", str(tmp_path / "fixed.har"))
    assert result.exit_code == 1, result.output  # WS001 has no fix
    assert (tmp_path / "fixed.har").read_bytes() == har(DAMAGED[case], b"1757350201.447585")


def test_har_text_message_not_utf8_nor_json_is_counted(tmp_path):
    path = tmp_path / "session.har"
    path.write_bytes(har(b"hello \xff"))
    result = run("check", str(path), "--output-format", "concise")
    assert concise(result) == [("2", "WS101"), ("4", "WS101")]
    assert "(skipped 1 without a JSON message)" in result.stdout


def test_har_with_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "session.har"
    data = b"\xef\xbb\xbf" + har(b"hello")
    path.write_bytes(data)
    result = run("check", str(path), "--output-format", "concise")
    assert result.exit_code == 1, result.output
    assert concise(result) == [("2", "WS101"), ("4", "WS101")]
    assert run("repair", "--in", str(path), "--in-place").exit_code == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + har(b"hello", b"1757350201.447585")  # the mark kept
