"""Hostile and broken captures through the command line: findings and exit 0/1, never a traceback.

Each row of INPUTS is one kind of input a broken client or an attacker produces. `check` must
report exactly the expected (line, code) findings and exit 0 or 1; `repair` must write exactly the
expected bytes (every byte outside a replaced value kept) and exit 0 when everything was fixed, 1
when findings without a fix remain. Expected values are worked out by hand: `BAD` holds
2025-09-08T16:50:01Z = 20339 days * 86400 s + 16:50:01 (60601 s) = 1757350201 s.

Very large inputs (10,000 levels of nesting, a 50 MB line, a line of 1 M keys) are generated here
in tmp_path, never committed. Paths that cannot be read or written end with one line on stderr and
exit 2.
"""

from __future__ import annotations

import builtins
import os
import re
import stat

import pytest
from typer.testing import CliRunner

from tests.conftest import lint_bytes
from wsfix.cli import app

BAD = b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}'
GOOD = b'{"type":"ping","timestamp":1757350201.0}'  # BAD repaired
BOM = b"\xef\xbb\xbf"
CONCISE_LINE = re.compile(r"^.*:(\d+):\d+: (WS\d{3}) ")


def ping(timestamp: bytes) -> bytes:
    return b'{"type":"ping","timestamp":' + timestamp + b"}\n"


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})


def findings(stdout: str) -> list[tuple[int, str]]:
    """(line, code) of every finding in concise output."""
    return [(int(match[1]), match[2]) for match in map(CONCISE_LINE.match, stdout.splitlines()) if match]


def assert_no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


# data, expected (line, code) findings, check's exit code, repaired bytes, repair's exit code
INPUTS = [
    # --- bytes that are not UTF-8, or not JSON text ---
    pytest.param(
        b'{"type":"ping","payload":{"note":"\xff\xfe"},"timestamp":"2025-09-08T16:50:01Z"}\n',
        [(1, "WS001")],
        1,
        None,
        1,
        id="invalid-utf8-inside-a-string",
    ),
    pytest.param(
        b'{"type":"ping","payload":{"note":"\xed\xa0\x80"}}\n', [(1, "WS001")], 1, None, 1, id="utf8-encoded-surrogate"
    ),
    pytest.param(
        ping(b'"2025-09-08T16:50:01Z\xff"'), [(1, "WS001")], 1, None, 1, id="invalid-utf8-inside-the-timestamp"
    ),
    pytest.param(
        b'{"type":"ping",\xff"timestamp":"2025-09-08T16:50:01Z"}\n',
        [(1, "WS001")],
        1,
        None,
        1,
        id="invalid-utf8-outside-strings",
    ),
    pytest.param(
        b'{"type":"ping","payload":{"note":"a\x00b"}}\n', [(1, "WS001")], 1, None, 1, id="nul-inside-a-string"
    ),
    pytest.param(
        b'{"type":"ping",\x00"timestamp":1757350201.0}\n', [(1, "WS001")], 1, None, 1, id="nul-between-tokens"
    ),
    pytest.param(b"\x00\n" + BAD + b"\n", [(1, "WS001"), (2, "WS101")], 1, b"\x00\n" + GOOD + b"\n", 1, id="nul-line"),
    # --- byte order marks ---
    pytest.param(
        BOM + BAD + b"\n" + BAD + b"\n",
        [(1, "WS101"), (2, "WS101")],
        1,
        BOM + GOOD + b"\n" + GOOD + b"\n",
        0,
        id="bom-starting-the-file-is-kept",
    ),
    pytest.param(BOM + GOOD + b"\n", [], 0, None, 0, id="bom-starting-a-clean-file"),
    pytest.param(GOOD + b"\n" + BOM + GOOD + b"\n", [(2, "WS001")], 1, None, 1, id="bom-on-line-2"),
    pytest.param(BOM + BOM + GOOD + b"\n", [(1, "WS001")], 1, None, 1, id="two-boms"),
    pytest.param(BOM, [(1, "WS003")], 1, None, 1, id="only-a-bom"),
    # --- line ends ---
    pytest.param(BAD + b"\r" + BAD + b"\n", [(1, "WS001")], 1, None, 1, id="lone-cr-does-not-end-a-record"),
    pytest.param(BAD + b"\r" + BAD + b"\r", [(1, "WS001")], 1, None, 1, id="cr-only-line-ends"),
    pytest.param(
        b'{"type":"ping",\r"timestamp":"2025-09-08T16:50:01Z"}\r',
        [(1, "WS101")],
        1,
        b'{"type":"ping",\r"timestamp":1757350201.0}\r',
        0,
        id="lone-cr-is-white-space",
    ),
    pytest.param(
        BAD + b"\r\n" + GOOD + b"\r\n" + BAD + b"\r\n",
        [(1, "WS101"), (3, "WS101")],
        1,
        GOOD + b"\r\n" + GOOD + b"\r\n" + GOOD + b"\r\n",
        0,
        id="crlf",
    ),
    pytest.param(GOOD + b"\n" + BAD, [(2, "WS101")], 1, GOOD + b"\n" + GOOD, 0, id="no-final-newline"),
    pytest.param(b"", [], 0, None, 0, id="empty-file"),
    pytest.param(
        b"\n \t\n\r\n\n", [(1, "WS003"), (2, "WS003"), (3, "WS003"), (4, "WS003")], 1, None, 1, id="only-blank-lines"
    ),
    # --- numbers pydantic reads as non-finite, or too large ---
    pytest.param(ping(b"NaN"), [(1, "WS107")], 1, None, 1, id="nan-literal"),
    pytest.param(ping(b"Infinity"), [(1, "WS107")], 1, None, 1, id="infinity-literal"),
    pytest.param(ping(b"-Infinity"), [(1, "WS107")], 1, None, 1, id="minus-infinity-literal"),
    pytest.param(
        b'{"type":"ping","payload":{"a":NaN,"b":-Infinity,"c":1e400},"timestamp":1757350201.0}\n',
        [],
        0,
        None,
        0,
        id="non-finite-outside-the-timestamp-is-accepted-like-pydantic",
    ),
    pytest.param(ping(b"1e400"), [(1, "WS107")], 1, None, 1, id="1e400"),
    pytest.param(ping(b"-1e400"), [(1, "WS107")], 1, None, 1, id="minus-1e400"),
    pytest.param(ping(b"9" * 400), [(1, "WS107")], 1, None, 1, id="400-digit-integer"),
    pytest.param(ping(b"-" + b"9" * 400), [(1, "WS107")], 1, None, 1, id="minus-400-digit-integer"),
    # 2^64 + 1 reads as nanoseconds (< 1e20): 18446744073.709551617 s, in 2554: outside the window.
    pytest.param(ping(b"18446744073709551617"), [(1, "WS109")], 1, None, 1, id="2-to-the-64-plus-1"),
    # --- repeated keys: pydantic reads the last; so do check and repair ---
    pytest.param(
        b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z","timestamp":"2025-09-08T16:50:02Z"}\n',
        [(1, "WS101")],
        1,
        b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z","timestamp":1757350202.0}\n',
        0,
        id="repeated-timestamp-last-one-repaired",
    ),
    pytest.param(
        b'{"type":"ping","timestamp":"garbage","timestamp":1757350201.0}\n',
        [],
        0,
        None,
        0,
        id="repeated-timestamp-earlier-one-unread",
    ),
    pytest.param(
        b'{"type":"ping","timestamp":"x","\\u0074imestamp":"2025-09-08T16:50:02Z"}\n',
        [(1, "WS101")],
        1,
        b'{"type":"ping","timestamp":"x","\\u0074imestamp":1757350202.0}\n',
        0,
        id="repeated-timestamp-spelled-with-an-escape",
    ),
    # --- records that are not objects, or cut short ---
    pytest.param(b"[]\n", [(1, "WS002")], 1, None, 1, id="array"),
    pytest.param(b'"x"\n', [(1, "WS002")], 1, None, 1, id="string"),
    pytest.param(b"1\n", [(1, "WS002")], 1, None, 1, id="number"),
    pytest.param(b"null\n", [(1, "WS002")], 1, None, 1, id="null"),
    pytest.param(
        BAD + b'\n{"type":"ping","timestamp":"2025-09',
        [(1, "WS101"), (2, "WS001")],
        1,
        GOOD + b'\n{"type":"ping","timestamp":"2025-09',
        1,
        id="truncated-last-line",
    ),
]


@pytest.mark.parametrize(("data", "expected", "check_exit", "repaired", "repair_exit"), INPUTS)
def test_hostile_input(tmp_path, data, expected, check_exit, repaired, repair_exit):
    source = tmp_path / "capture.jsonl"
    source.write_bytes(data)
    checked = run("check", str(source), "--output-format", "concise")
    assert_no_traceback(checked)
    assert (checked.exit_code, findings(checked.stdout)) == (check_exit, expected), checked.output
    assert checked.stderr == ""

    target = tmp_path / "fixed.jsonl"
    result = run("repair", "--in", str(source), "--out", str(target))
    assert_no_traceback(result)
    assert result.exit_code == repair_exit, result.output
    assert target.read_bytes() == (data if repaired is None else repaired)
    assert source.read_bytes() == data


def test_one_hostile_line_does_not_stop_the_run(tmp_path):
    hostile = [
        row.values[0]
        for row in INPUTS
        if row.values[3] is None and row.values[0].endswith(b"\n") and BOM not in row.values[0]
    ]
    data = b"".join(hostile) + BAD + b"\n"
    source = tmp_path / "capture.jsonl"
    source.write_bytes(data)
    last_line = data.count(b"\n")
    checked = run("check", str(source), "--output-format", "concise")
    assert checked.exit_code == 1
    assert findings(checked.stdout)[-1] == (last_line, "WS101")
    target = tmp_path / "fixed.jsonl"
    assert run("repair", "--in", str(source), "--out", str(target)).exit_code == 1
    assert target.read_bytes() == data[: -len(BAD) - 1] + GOOD + b"\n"


# --- the byte order mark and repeated keys in detail ---------------------------------------


def test_bom_columns_count_from_after_it_and_fixes_keep_it():
    [problem] = lint_bytes(BOM + BAD + b"\n")
    assert problem.column == len(b'{"type":"ping","timestamp":') + 1  # the BOM is not a column
    assert (problem.fix.start, problem.fix.end) == (len(BOM) + 27, len(BOM) + 27 + len(b'"2025-09-08T16:50:01Z"'))
    assert problem.line == 1


def test_bom_on_a_later_line_is_named_in_the_message():
    [problem] = lint_bytes(GOOD + b"\n" + BOM + GOOD + b"\n")
    assert problem.message == "not valid JSON at column 1: the line starts with a UTF-8 byte order mark"


REPEATED = b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z","timestamp":"2025-09-08T16:50:02Z"}\n'


def test_repeated_key_finding_names_the_one_pydantic_reads():
    [problem] = lint_bytes(REPEATED)
    assert problem.message == (
        "ISO 8601 string where epoch seconds are expected (the key appears 2 times; "
        "pydantic reads the last one, reported here)"
    )
    assert problem.column == REPEATED.rindex(b'"2025') + 1
    assert problem.value == '"2025-09-08T16:50:02Z"'


def test_repeated_schema_key_finding_says_so_too():
    [problem] = lint_bytes(b'{"type":"ping","type":5}\n')
    assert (problem.code, problem.column, problem.value) == ("WS004", 23, "5")
    assert problem.message.endswith(" (the key appears 2 times; pydantic reads the last one, reported here)")


def test_repair_says_it_replaced_the_last_of_repeated_keys(tmp_path):
    source = tmp_path / "capture.jsonl"
    source.write_bytes(BAD + b"\n" + REPEATED + REPEATED)
    target = tmp_path / "fixed.jsonl"
    result = run("repair", "--in", str(source), "--out", str(target))
    assert result.exit_code == 0
    fixed = b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z","timestamp":1757350202.0}\n'
    assert target.read_bytes() == GOOD + b"\n" + fixed + fixed
    assert result.stdout.splitlines() == [
        f"Repaired 3 values on 3 of 3 lines ({source} -> {target}). Naive times read as UTC.",
        "2 of them in records that repeat the key (lines 2, 3): replaced the last one, which pydantic "
        "reads; the others are left as written.",
    ]


# --- very large inputs, generated ------------------------------------------------------------

DEEP = 10_000


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(b'{"type":"ping","payload":{"x":' + b"[" * DEEP + b"]" * DEEP + b"}}", id="arrays-in-payload"),
        pytest.param(
            b'{"type":"ping","payload":' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}", id="objects-in-payload"
        ),
        pytest.param(b'{"type":"ping","timestamp":' + b"[" * DEEP + b"]" * DEEP + b"}", id="arrays-as-timestamp"),
        pytest.param(b"[" * DEEP + b"]" * DEEP, id="top-level-arrays"),
    ],
)
def test_nesting_10000_deep(tmp_path, line):
    # pydantic's parser stops at its recursion limit, so the backend rejects the message: WS001.
    data = line + b"\n" + BAD + b"\n"
    source = tmp_path / "deep.jsonl"
    source.write_bytes(data)
    checked = run("check", str(source), "--output-format", "concise")
    assert_no_traceback(checked)
    assert (checked.exit_code, findings(checked.stdout)) == (1, [(1, "WS001"), (2, "WS101")])
    assert "WS001 [error] not valid JSON at column " in checked.stdout
    assert ": nested deeper than pydantic's parser allows\n" in checked.stdout
    target = tmp_path / "fixed.jsonl"
    assert run("repair", "--in", str(source), "--out", str(target)).exit_code == 1
    assert target.read_bytes() == line + b"\n" + GOOD + b"\n"


def test_a_50_mb_line(tmp_path):
    padding = b"x" * (50 << 20)
    line = b'{"type":"ping","payload":{"blob":"' + padding + b'"},"timestamp":"2025-09-08T16:50:01Z"}\n'
    source = tmp_path / "big.jsonl"
    source.write_bytes(BAD + b"\n" + line + BAD)
    checked = run("check", str(source), "--output-format", "concise")
    assert_no_traceback(checked)
    assert findings(checked.stdout) == [(1, "WS101"), (2, "WS101"), (3, "WS101")]
    column = len(line) - len(b'"2025-09-08T16:50:01Z"}\n') + 1
    assert f":2:{column}: WS101 " in checked.stdout
    target = tmp_path / "fixed.jsonl"
    assert run("repair", "--in", str(source), "--out", str(target)).exit_code == 0
    with open(target, "rb") as repaired:
        assert repaired.read(len(GOOD) + 1) == GOOD + b"\n"
        value_at = line.rindex(b'"2025')
        assert repaired.read(value_at) == line[:value_at]
        assert repaired.read() == b"1757350201.0}\n" + GOOD


def test_a_50_mb_timestamp_value_is_shown_shortened(tmp_path):
    source = tmp_path / "big.jsonl"
    source.write_bytes(ping(b'"' + b"7" * (50 << 20) + b'x"'))
    checked = run("check", str(source))
    assert_no_traceback(checked)
    assert checked.exit_code == 1
    [row] = [line for line in checked.stdout.splitlines() if "WS106" in line and ":28" in line]
    assert '"' + "7" * 30 + "…" in row  # the Value column: 32 characters at most
    assert len(checked.stdout) < 5000


@pytest.mark.parametrize(
    ("where", "count"),
    [
        pytest.param("top-level", 1_000_000, id="top-level"),
        # Fewer keys keep the suite fast: pydantic builds the payload's dict twice a run, and the
        # full scanner takes a few microseconds a member.
        pytest.param("payload", 250_000, id="payload"),
        pytest.param("top-level-with-escapes", 200_000, id="top-level-with-escapes"),
    ],
)
def test_a_line_of_many_keys(tmp_path, where, count):
    members = b",".join(b'"k%d":%d' % (i, i) for i in range(count))
    if where == "payload":
        line = b'{"type":"ping","payload":{' + members + b'},"timestamp":"2025-09-08T16:50:01Z"}'
    elif where == "top-level":  # extra keys: the model ignores them
        line = b'{"type":"ping",' + members + b',"timestamp":"2025-09-08T16:50:01Z"}'
    else:  # a \u escape anywhere sends the timestamp lookup through the full scanner
        line = b'{"type":"\\u0070ing",' + members + b',"timestamp":"2025-09-08T16:50:01Z"}'
    source = tmp_path / "keys.jsonl"
    source.write_bytes(line + b"\n")
    checked = run("check", str(source), "--output-format", "concise")
    assert_no_traceback(checked)
    assert findings(checked.stdout) == [(1, "WS101")]
    assert f":1:{len(line) - len(BAD) + 28}: WS101 " in checked.stdout
    target = tmp_path / "fixed.jsonl"
    assert run("repair", "--in", str(source), "--out", str(target)).exit_code == 0
    assert target.read_bytes() == line.replace(b'"2025-09-08T16:50:01Z"', b"1757350201.0") + b"\n"


# --- paths that cannot be read or written: one line on stderr, exit 2 --------------------------


def assert_one_line_error(result, *fragments: str) -> None:
    assert_no_traceback(result)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("wsfix: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def refuse_to_open(monkeypatch, module, refused) -> None:
    """Make `module.open` raise PermissionError for paths `refused(path)` is true of: tests may
    run as root, whom chmod cannot lock out."""
    real_open = module.open

    def refusing_open(path, *args, **kwargs):
        if refused(str(path)):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(module, "open", refusing_open)


def make_input(kind: str, tmp_path, monkeypatch) -> str:
    path = tmp_path / "capture.jsonl"
    if kind == "missing":
        return str(path)
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.write_bytes(BAD + b"\n")
        if kind == "unreadable":
            refuse_to_open(monkeypatch, builtins, lambda name: name == str(path))
    return str(path)


INPUT_PATHS = [
    pytest.param("missing", "no such file", id="missing"),
    pytest.param("directory", "is a directory", id="directory"),
    pytest.param("fifo", "not a regular file", id="fifo"),
    pytest.param("unreadable", "Permission denied", id="unreadable"),
]


@pytest.mark.parametrize(("kind", "fragment"), INPUT_PATHS)
@pytest.mark.parametrize("command", ["check", "repair"])
def test_input_path_that_cannot_be_read(tmp_path, monkeypatch, command, kind, fragment):
    path = make_input(kind, tmp_path, monkeypatch)
    before = sorted(os.listdir(tmp_path))
    if command == "check":
        # Reported as a finding (WS005) after the other files, exit 2; a folder is searched.
        result = run("check", path, "--output-format", "concise")
        assert_no_traceback(result)
        if kind == "directory":
            assert result.exit_code == 0
            assert result.stderr.startswith(f"wsfix: warning: no captures found in {path}")
        else:
            assert result.exit_code == 2
            assert result.stdout.startswith(f"{path}:1:1: WS005 ") and fragment in result.stdout.splitlines()[0]
    else:
        result = run("repair", "--in", path, "--out", str(tmp_path / "fixed.jsonl"))
        assert_one_line_error(result, path, fragment)
        assert result.stdout == ""
    assert sorted(os.listdir(tmp_path)) == before


def make_output(kind: str, tmp_path, source: str, monkeypatch) -> str:
    target = tmp_path / "fixed.jsonl"
    if kind == "missing-folder":
        return str(tmp_path / "no" / "such" / "fixed.jsonl")
    if kind == "directory":
        target.mkdir()
    elif kind == "symlink-to-input":
        target.symlink_to(source)
    elif kind == "hard-link-to-input":
        os.link(source, target)
    elif kind == "unwritable-folder":  # the temp file cannot be created
        refuse_to_open(monkeypatch, os, lambda name: name.endswith(".wsfix-tmp"))
    return str(target)


OUTPUT_PATHS = [
    pytest.param("missing-folder", "does not exist", id="missing-folder"),
    pytest.param("directory", "is a directory", id="directory"),
    pytest.param("symlink-to-input", "is the input file", id="symlink-to-input"),
    pytest.param("hard-link-to-input", "is the input file", id="hard-link-to-input"),
    pytest.param("unwritable-folder", "cannot write in", id="unwritable-folder"),
]


@pytest.mark.parametrize(("kind", "fragment"), OUTPUT_PATHS)
def test_output_path_that_cannot_be_written(tmp_path, monkeypatch, kind, fragment):
    source = tmp_path / "capture.jsonl"
    source.write_bytes(BAD + b"\n")
    os.chmod(source, 0o640)
    target = make_output(kind, tmp_path, str(source), monkeypatch)
    before = sorted(os.listdir(tmp_path))
    result = run("repair", "--in", str(source), "--out", target, "--force")
    assert_one_line_error(result, fragment)
    assert sorted(os.listdir(tmp_path)) == before
    assert source.read_bytes() == BAD + b"\n"
    assert os.stat(source).st_mode & 0o777 == 0o640


def test_in_place_through_a_symlink_repairs_the_file_it_points_to(tmp_path):
    real = tmp_path / "real.jsonl"
    real.write_bytes(BAD + b"\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    result = run("repair", "--in", str(link), "--in-place", "--backup-suffix", "")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert real.read_bytes() == GOOD + b"\n"
    assert sorted(os.listdir(tmp_path)) == ["link.jsonl", "real.jsonl"]


def test_output_through_a_symlink_replaces_the_file_it_points_to(tmp_path):
    source = tmp_path / "capture.jsonl"
    source.write_bytes(BAD + b"\n")
    real = tmp_path / "real.jsonl"
    real.write_bytes(b"old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    result = run("repair", "--in", str(source), "--out", str(link), "--force")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert real.read_bytes() == GOOD + b"\n"
    assert sorted(os.listdir(tmp_path)) == ["capture.jsonl", "link.jsonl", "real.jsonl"]


def _pipe_reader(path) -> int:
    """A reading end for the named pipe `path`, open before anything writes (so writing does not
    block), that does not block either: with nothing ever written, reading it gives b""."""
    return os.open(path, os.O_RDONLY | os.O_NONBLOCK)


def _read_all(descriptor: int) -> bytes:
    data = b""
    while chunk := os.read(descriptor, 1 << 16):
        data += chunk
    os.close(descriptor)
    return data


def test_output_that_is_a_socket_is_refused(tmp_path):
    import socket

    source = tmp_path / "capture.jsonl"
    source.write_bytes(BAD + b"\n")
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(path))
        for args in (
            ["repair", "--in", str(source), "--out", str(path), "--force"],
            ["check", str(source), "--output-format", "json", "--output-file", str(path)],
        ):
            assert_one_line_error(run(*args), "is a socket")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


_STDOUT_ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}


# /dev/stdout is what standard output is open on: the shell's file (appended to with >>) or pipe.
# It is written as `-` is, through that descriptor, with the summary on standard error; replacing
# the file the shell opened would lose what it held, and put the summary in the data.
@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout")
@pytest.mark.parametrize("stdout_is", ["file-appended", "pipe"])
@pytest.mark.parametrize("command", ["repair", "check"])
def test_dev_stdout_as_the_output_is_standard_output(tmp_path, stdout_is, command):
    import subprocess
    import sys

    source = tmp_path / "capture.jsonl"
    source.write_bytes(BAD + b"\n")
    if command == "repair":
        args = ["repair", "--in", str(source), "--out", "/dev/stdout"]
        expected = GOOD + b"\n"
    else:
        args = ["check", str(source), "--output-format", "concise", "--output-file", "/dev/stdout"]
        expected = f"{source}:1:28: WS101 ".encode()
    command_line = [sys.executable, "-m", "wsfix", *args]
    if stdout_is == "pipe":
        result = subprocess.run(command_line, env=_STDOUT_ENV, capture_output=True, cwd=tmp_path)
        written = result.stdout
    else:
        log = tmp_path / "log.txt"
        log.write_bytes(b"before\n")
        with open(log, "ab") as appending:
            result = subprocess.run(
                command_line, env=_STDOUT_ENV, stdout=appending, stderr=subprocess.PIPE, cwd=tmp_path
            )
        data = log.read_bytes()
        assert data.startswith(b"before\n")
        written = data[len(b"before\n") :]
    assert result.returncode in (0, 1), result.stderr
    assert written.startswith(expected), written
    if command == "repair":
        assert written == expected  # the data alone
        assert b"Repaired 1 value" in result.stderr
    assert sorted(os.listdir(tmp_path)) == sorted(["capture.jsonl"] + (["log.txt"] if stdout_is != "pipe" else []))


# A device or a pipe given as the output (/dev/null, /dev/stdout, a named pipe) is written to as
# the shell's `>` would; replacing it would leave a regular file where it was (as root, in /dev).
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("how", ["repair", "repair-through-symlink", "check-output-file"])
def test_output_to_a_named_pipe_is_written_to_not_replaced(tmp_path, how):
    source = tmp_path / "capture.jsonl"
    source.write_bytes(BAD + b"\n")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    target = pipe
    if how == "repair-through-symlink":
        target = tmp_path / "link"
        target.symlink_to(pipe)
    before = sorted(os.listdir(tmp_path))
    reader = _pipe_reader(pipe)
    if how == "check-output-file":
        result = run("check", str(source), "--output-format", "concise", "--output-file", str(target))
        expected = f"{source}:1:28: WS101 ".encode()
    else:  # no --force: writing to a pipe replaces nothing
        result = run("repair", "--in", str(source), "--out", str(target))
        expected = GOOD + b"\n"
    received = _read_all(reader)
    assert result.exit_code in (0, 1), result.output
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert received.startswith(expected), received
    if how != "check-output-file":
        assert received == expected
    assert sorted(os.listdir(tmp_path)) == before  # no temp file left either
