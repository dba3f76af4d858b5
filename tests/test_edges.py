"""The edges of files and processes (issue 17): a backup name that is a link, modes and messages,
closed or odd standard streams, signals before the command line has loaded and around the rename
that puts an output in place, and HAR files whose text is not all UTF-8.

Each case states what the files and the exit code must be afterwards, and the two must agree:
exit 0 or 1, the output is in place; 2 or 128+, the file being written is untouched and no temp
file is left. Process cases run `python -m wsfix` as a subprocess, bounded by a timeout.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from wsfix import cli as cli_module
from wsfix.cli import app
from wsfix.errors import Stopped

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


def test_backup_link_to_the_input_is_no_matter_when_nothing_changes(folder):
    # No change, no backup: the name it would take is not looked at (a second run is a no-op).
    (folder / "clean.jsonl").write_bytes(REPAIRED)
    os.symlink("clean.jsonl", folder / "clean.jsonl.orig")
    before = snapshot(folder)
    result = run("repair", "clean.jsonl", "--in-place", "--force")
    assert (result.exit_code, result.stderr) == (0, "")
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


# --- item 7: standard streams, early signals, sys.exit in a model --------------------------------


def _close(descriptor: int):
    def close() -> None:
        os.close(descriptor)

    return close


def test_closed_stdout_is_one_line_exit_2(folder):
    result = wsfix("check", "capture.jsonl", preexec_fn=_close(1), stdout=None, cwd=folder)
    assert result.returncode == 2
    assert_one_line_error(result.stderr.decode(), "standard output is closed")


def test_closed_stdin_is_an_error_only_when_read(folder):
    result = wsfix("check", "-", preexec_fn=_close(0), cwd=folder)
    assert result.returncode == 2
    assert_one_line_error(result.stderr.decode(), "standard input is closed")
    result = wsfix("check", "capture.jsonl", "--output-format", "concise", preexec_fn=_close(0), cwd=folder)
    assert (result.returncode, result.stderr) == (1, b"")
    assert result.stdout.count(b"WS102") == ROWS


@pytest.mark.parametrize(
    ("stderr", "args", "code"),
    [
        pytest.param("closed", ["check", "missing.jsonl"], 2, id="tool-failure-closed"),
        pytest.param("/dev/full", ["check", "missing.jsonl"], 2, id="tool-failure-full"),
        pytest.param("closed", ["check", "capture.jsonl", "--select", "WS0"], 0, id="clean-closed"),
    ],
)
def test_unwritable_stderr_keeps_the_exit_code(folder, stderr, args, code):
    if stderr == "closed":
        result = wsfix(*args, preexec_fn=_close(2), stderr=None, cwd=folder)
    else:
        with open("/dev/full", "wb") as full:
            result = wsfix(*args, stderr=full, cwd=folder)
    assert result.returncode == code


def test_ascii_stdout_gets_the_table_without_a_traceback(folder):
    (folder / "accent.jsonl").write_bytes('{"type":"pïng","timestamp":"2025-09-08T16:50:01é"}\n'.encode())
    result = wsfix("check", "accent.jsonl", cwd=folder, env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert result.returncode == 1, result.stderr
    assert result.stderr == b""
    assert b"WS106" in result.stdout and b"Checked 1 line" in result.stdout
    result.stdout.decode("ascii")  # what it could not encode is replaced


def _loaded(pid: int, library: str) -> bool:
    try:
        with open(f"/proc/{pid}/maps") as maps:
            return library in maps.read()
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc to see the imports happen")
@pytest.mark.parametrize(
    ("signum", "code", "message"),
    [
        pytest.param(signal.SIGINT, 130, b"wsfix: error: interrupted\n", id="SIGINT"),
        pytest.param(signal.SIGTERM, 143, b"wsfix: error: stopped by SIGTERM\n", id="SIGTERM"),
    ],
)
def test_signal_while_the_command_line_loads(folder, signum, code, message):
    # Sent as soon as pydantic's compiled core is mapped: wsfix is still importing (typer, the
    # schema, the rules), before `cli.main` runs. One line and 128 + the signal, as later on.
    process = subprocess.Popen(
        [sys.executable, "-m", "wsfix", "check", "capture.jsonl"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + TIMEOUT
    while not _loaded(process.pid, "_pydantic_core"):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.0005)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert (process.returncode, stderr, stdout) == (code, message, b"")
    assert not os.path.exists(f"/proc/{process.pid}")


MODEL = """
import sys
from pydantic import BaseModel, field_validator

class Exiting(BaseModel):
    type: str
    timestamp: float

    @field_validator("type")
    @classmethod
    def leave(cls, value):
        if value == "ping":
            sys.exit(7)
        return value
"""


def test_model_calling_sys_exit_is_a_failure_of_the_run(folder):
    (folder / "exiting.py").write_text(MODEL)
    result = run("check", "capture.jsonl", "--model", "exiting.py:Exiting", "--jobs", "1")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "sys.exit(7)")
    result = run("repair", "--in", "capture.jsonl", "--out", "fixed.jsonl", "--model", "exiting.py:Exiting")
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "sys.exit(7)")
    # No output, no temp file. (Python may have cached the model's bytecode beside it: its own.)
    assert sorted(set(os.listdir(folder)) - {"__pycache__"}) == ["capture.jsonl", "exiting.py"]


def test_summary_failing_after_the_output_is_in_place_says_so(folder):
    # The summary goes to standard output after the rename; /dev/full refuses it. Exit 2 must not
    # read as "nothing written": the message names the output, which is complete.
    with open("/dev/full", "wb") as full:
        result = wsfix("repair", "--in", "capture.jsonl", "--out", "fixed.jsonl", stdout=full, cwd=folder)
    assert result.returncode == 2
    assert_one_line_error(result.stderr.decode(), "output failed", "fixed.jsonl: written in full")
    assert (folder / "fixed.jsonl").read_bytes() == REPAIRED


# --- item 6: a signal around the rename ----------------------------------------------------------


@pytest.fixture
def sigterm_handled():
    """SIGTERM handled as `cli.main` has it (a CliRunner run does not go through `main`)."""
    previous = signal.signal(signal.SIGTERM, cli_module._stop)
    yield
    signal.signal(signal.SIGTERM, previous)


def signal_after_rename(monkeypatch, ending: str, times: int = 1) -> list[str]:
    """Make the rename onto a name ending in `ending` send SIGTERM to this process just after it."""
    real_replace = os.replace
    sent: list[str] = []

    def replace(source, target, *args, **kwargs):
        real_replace(source, target, *args, **kwargs)
        if str(target).endswith(ending) and not sent:
            sent.append(str(target))
            for _ in range(times):
                os.kill(os.getpid(), signal.SIGTERM)  # its handler runs before the next line

    monkeypatch.setattr(os, "replace", replace)
    return sent


@pytest.mark.usefixtures("sigterm_handled")
def test_signal_just_after_the_rename_does_not_report_stopped(folder, monkeypatch):
    sent = signal_after_rename(monkeypatch, "fixed.jsonl")
    result = run("repair", "--in", "capture.jsonl", "--out", "fixed.jsonl")
    assert sent
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"Repaired {ROWS} values")
    assert snapshot(folder) == {"capture.jsonl": (DATA, 0o640), "fixed.jsonl": (REPAIRED, 0o640)}


@pytest.mark.usefixtures("sigterm_handled")
def test_signal_between_the_backup_and_the_input_renames(folder, monkeypatch):
    # The backup is in place, the input not yet: the signal waits until both are, so there is no
    # stray backup (which would make the next run refuse) and the repair is reported done.
    sent = signal_after_rename(monkeypatch, ".orig")
    result = run("repair", "capture.jsonl", "--in-place")
    assert sent
    assert (result.exit_code, result.stderr) == (0, "")
    assert snapshot(folder) == {"capture.jsonl": (REPAIRED, 0o640), "capture.jsonl.orig": (DATA, 0o640)}
    monkeypatch.setattr(os, "replace", os.rename)  # no more signals
    again = run("repair", "capture.jsonl", "--in-place")
    assert (again.exit_code, again.stderr) == (0, "")  # nothing left to change, no refusal


@pytest.mark.usefixtures("sigterm_handled")
def test_signal_after_the_first_file_stops_before_the_second(folder, monkeypatch):
    (folder / "second.jsonl").write_bytes(DATA)
    os.chmod(folder / "second.jsonl", 0o640)
    sent = signal_after_rename(monkeypatch, "capture.jsonl")
    result = run("repair", "capture.jsonl", "second.jsonl", "--in-place", "--backup-suffix", "")
    assert sent
    assert (result.exit_code, result.stderr) == (143, "wsfix: error: stopped by SIGTERM\n")
    assert result.stdout.startswith(f"Repaired {ROWS} values")  # the first file's summary
    assert snapshot(folder) == {"capture.jsonl": (REPAIRED, 0o640), "second.jsonl": (DATA, 0o640)}


@pytest.mark.usefixtures("sigterm_handled")
def test_second_signal_after_the_rename_stops_at_once(folder, monkeypatch):
    # One signal waits for the file to be done; a second is obeyed: wsfix can always be stopped.
    # The output was in place before either, and stays.
    signal_after_rename(monkeypatch, "fixed.jsonl", times=2)
    result = run("repair", "--in", "capture.jsonl", "--out", "fixed.jsonl")
    assert (result.exit_code, result.stderr) == (143, "wsfix: error: stopped by SIGTERM\n")
    assert snapshot(folder) == {"capture.jsonl": (DATA, 0o640), "fixed.jsonl": (REPAIRED, 0o640)}


def _catches(pid: int, signum: int) -> bool:
    """Whether process `pid` has a handler for `signum` (SigCgt in /proc/PID/status)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    except OSError:
        pass
    return False


@pytest.mark.parametrize(
    ("signum", "finished", "raised"),
    [
        pytest.param(signal.SIGTERM, False, Stopped, id="sigterm-while-running"),
        pytest.param(signal.SIGINT, False, KeyboardInterrupt, id="ctrl-c-while-running"),
        pytest.param(signal.SIGTERM, True, None, id="sigterm-after-the-command"),
        pytest.param(signal.SIGINT, True, None, id="ctrl-c-after-the-command"),
    ],
)
def test_a_stop_once_the_command_has_run_is_let_go(monkeypatch, signum, finished, raised):
    # Once a command has run to its end (a repair's outputs in place), a stop on the way out is
    # not reported: exit 143 would say the files were left as they were (the test below once
    # caught a SIGTERM in that moment).
    monkeypatch.setattr(cli_module, "_finished", finished)
    if raised is None:
        cli_module._stop(signum, None)
    else:
        with pytest.raises(raised):
            cli_module._stop(signum, None)


def test_a_command_that_ran_to_its_end_is_marked_finished(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_module, "_finished", False)  # and back after the test
    source = tmp_path / "capture.jsonl"
    source.write_bytes(LINE % 1)
    result = CliRunner().invoke(app, ["repair", str(source), "--in-place"])
    assert result.exit_code == 0, result.output
    assert cli_module._finished


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc to see the handler installed")
@pytest.mark.parametrize("delay", [0, 0.1, 0.25])
def test_exit_code_and_files_agree_whenever_the_signal_comes(tmp_path, delay):
    # A real SIGTERM at some moment of a repair in place (counted from when wsfix handles it:
    # before that, Python's start, it dies of it): stopped (143) and nothing changed, or done (0)
    # with the input repaired and its backup beside it. Never a mix, never a temp file.
    source = tmp_path / "capture.jsonl"
    rows = 5_000
    source.write_bytes(b"".join(LINE % i for i in range(rows)))
    process = subprocess.Popen(
        [sys.executable, "-m", "wsfix", "repair", "capture.jsonl", "--in-place"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + TIMEOUT
    while not _catches(process.pid, signal.SIGTERM):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.0005)
    time.sleep(delay)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=TIMEOUT)
    names = sorted(os.listdir(tmp_path))
    if process.returncode == 143:
        assert stderr == b"wsfix: error: stopped by SIGTERM\n"
        assert names == ["capture.jsonl"]
        assert source.read_bytes() == b"".join(LINE % i for i in range(rows))
    else:
        assert (process.returncode, stderr) == (0, b"")
        assert names == ["capture.jsonl", "capture.jsonl.orig"]
        assert source.read_bytes() == b"".join(FIXED % i for i in range(rows))


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
