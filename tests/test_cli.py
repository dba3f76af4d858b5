"""The command line through typer's CliRunner: exit codes, refusals, and what goes where."""

from __future__ import annotations

import builtins
import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wsfix import __version__
from wsfix.cli import app

INCIDENT = (
    b'{"type":"start_agent","payload":{"user_request":"Execute unified_data_agent","message_id":'
    b'"req_61eebcb6","user":"staging-e2e-user-001"},"timestamp":"2025-09-08T16:50:01.447585",'
    b'"message_id":"req_61eebcb6","user_id":"staging-e2e-user-001"}\n'
)
INCIDENT_REPAIRED = INCIDENT.replace(b'"2025-09-08T16:50:01.447585"', b"1757350201.447585")
CLEAN = b'{"type":"ping","timestamp":1757350201.5}\n{"type":"pong","timestamp":1757350202}\n'
UNFIXABLE = b'{"type":"ping","timestamp":"2025-09-08"}\n{"type":"pong","timestamp":"2025-09-08T16:50:01Z"}\n'


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str, input: bytes | None = None):
        return runner.invoke(app, list(args), input=input, env={"COLUMNS": "200", "NO_COLOR": "1"})

    return invoke


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("wsfix: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output


# --- check ---------------------------------------------------------------------------------


def test_check_incident_reports_ws102_and_exits_1(run, capture_file):
    path = capture_file(INCIDENT)
    result = run("check", path)
    assert result.exit_code == 1
    assert "WS102" in result.stdout
    assert "(pydantic: float_parsing)" in result.stdout
    assert "1757350201.447585" in result.stdout
    assert result.stdout.rstrip().endswith(
        "Checked 1 line in 1 file: 1 error, 0 warnings; 1 fixable with wsfix repair. Naive times read as UTC."
    )
    assert result.stderr == ""


def test_check_concise_exact_text(run, capture_file):
    path = capture_file(INCIDENT + b"\n" + b'{"type":"ping","timestamp":0}\n')
    result = run("check", path, "--output-format", "concise")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:1:149: WS102 [error] timestamp: ISO 8601 string without UTC offset where epoch seconds are "
        "expected; read as UTC [*]",
        f"{path}:2:1: WS003 [warning] blank line",
        f"{path}:3:28: WS109 [warning] timestamp: 0.0 s (1970-01-01) is outside the plausible window "
        "2000-01-01..2100-01-01: likely a sentinel or a wrong unit, not repaired",
        "Checked 3 lines in 1 file: 1 error, 2 warnings; 1 fixable with wsfix repair. Naive times read as UTC.",
    ]


def test_check_clean_file_exits_0(run, capture_file):
    result = run("check", capture_file(CLEAN))
    assert result.exit_code == 0
    assert result.stdout.strip() == "Checked 2 lines in 1 file: no problems. Naive times read as UTC."


def test_check_reads_stdin(run):
    result = run("check", "-", "--output-format", "concise", input=INCIDENT)
    assert result.exit_code == 1
    assert result.stdout.startswith("-:1:149: WS102 ")


def test_check_several_files_counts_all(run, capture_file):
    first = capture_file(INCIDENT, "a.jsonl")
    second = capture_file(CLEAN, "b.jsonl")
    result = run("check", first, second, "--output-format", "concise")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1].startswith("Checked 3 lines in 2 files: 1 error")


def test_check_naive_tz_is_stated(run, capture_file):
    result = run("check", capture_file(INCIDENT), "--naive-tz", "America/Los_Angeles", "--output-format", "concise")
    assert result.exit_code == 1
    assert "read as America/Los_Angeles [*]" in result.stdout
    assert result.stdout.rstrip().endswith("Naive times read as America/Los_Angeles.")


def test_check_max_rows_and_all(run, capture_file):
    path = capture_file(INCIDENT * 5)
    capped = run("check", path, "--max-rows", "2")
    assert capped.stdout.count("WS102 ") == 2 + 1  # two rows and the per-rule count
    assert "3 more findings not shown" in capped.stdout
    everything = run("check", path, "--all")
    assert everything.stdout.count("WS102 ") == 5 + 1
    assert "not shown" not in everything.stdout


def _unreadable(kind: str, tmp_path, monkeypatch) -> tuple[str, str]:
    """A path that cannot be read, and what WS005 says of it."""
    path = str(tmp_path / f"{kind}.jsonl")
    if kind == "missing":
        return path, "no such file"
    if kind == "fifo":
        os.mkfifo(path)
        return path, "not a regular file (to read a pipe, use - for standard input)"
    # Tests may run as root, which chmod cannot lock out: make open() refuse instead.
    with open(path, "wb") as stream:
        stream.write(CLEAN)
    real_open = builtins.open

    def refusing_open(file, *args, **kwargs):
        if file == path:
            raise PermissionError(13, "Permission denied", file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)
    return path, "cannot read: Permission denied"


@pytest.mark.parametrize("kind", ["missing", "fifo", "permission"])
def test_check_reports_an_unreadable_path_checks_the_others_and_exits_2(run, capture_file, tmp_path, monkeypatch, kind):
    first = capture_file(INCIDENT, "a.jsonl")
    unreadable, message = _unreadable(kind, tmp_path, monkeypatch)
    last = capture_file(INCIDENT, "z.jsonl")
    result = run("check", first, unreadable, last, "--output-format", "concise")
    assert result.exit_code == 2, result.output
    assert result.stdout.splitlines() == [
        f"{unreadable}:1:1: WS005 [error] {message}",
        f"{first}:1:149: WS102 [error] timestamp: ISO 8601 string without UTC offset where epoch seconds are "
        "expected; read as UTC [*]",
        f"{last}:1:149: WS102 [error] timestamp: ISO 8601 string without UTC offset where epoch seconds are "
        "expected; read as UTC [*]",
        "Checked 2 lines in 2 files: 3 errors, 0 warnings; 2 fixable with wsfix repair. Naive times read as UTC.",
    ]
    assert result.stderr == ""


@pytest.mark.parametrize("args", [["--exit-zero"], ["--select", "WS1"], ["--fail-on", "error"]])
def test_an_unreadable_path_exits_2_whatever_the_options(run, tmp_path, args):
    result = run("check", str(tmp_path / "nope.jsonl"), "--output-format", "concise", *args)
    assert result.exit_code == 2
    assert result.stdout.startswith(f"{tmp_path / 'nope.jsonl'}:1:1: WS005 [error] no such file\n")


def _folder_of_captures(root) -> None:
    for name in ("a.jsonl", "b.ndjson", "c.jsonl.gz", "d.log", "notes.txt", "a.jsonl.orig"):
        (root / name).write_bytes(b"")
    (root / "sub").mkdir()
    (root / "sub" / "e.jsonl").write_bytes(b"")
    (root / "sub" / "f.har").write_bytes(b'{"log":{"entries":[]}}')
    for skipped in (".git", "node_modules"):
        (root / skipped).mkdir()
        (root / skipped / "x.jsonl").write_bytes(b"")


def _files_checked(result) -> list[str]:
    import json

    return [file["path"] for file in json.loads(result.stdout)["files"]]


def test_check_searches_a_folder_for_captures_by_extension(run, tmp_path, monkeypatch):
    import gzip

    _folder_of_captures(tmp_path)
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(b""))
    monkeypatch.chdir(tmp_path)
    result = run("check", ".", "--output-format", "json")
    assert result.exit_code == 0, result.output
    assert _files_checked(result) == [
        "./a.jsonl",
        "./b.ndjson",
        "./c.jsonl.gz",
        "./d.log",
        "./sub/e.jsonl",
        "./sub/f.har",
    ]


def test_check_folder_include_and_exclude_from_the_configuration(run, tmp_path, monkeypatch):
    _folder_of_captures(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.wsfix]\ninclude = ["*.jsonl", "*.txt"]\nexclude = ["sub"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = run("check", ".", "--output-format", "json")
    assert _files_checked(result) == ["./a.jsonl", "./notes.txt", "./.git/x.jsonl", "./node_modules/x.jsonl"]
    named = run("check", "sub/f.har", "--output-format", "json")  # a file named is read whatever its name
    assert _files_checked(named) == ["sub/f.har"]


def test_check_empty_folder_says_so(run, tmp_path):
    result = run("check", str(tmp_path))
    assert result.exit_code == 0
    assert result.stderr.startswith(f"wsfix: warning: no captures found in {tmp_path} (include: *.jsonl,")
    assert run("check", str(tmp_path), "-q").stderr == ""


@pytest.mark.parametrize(
    ("option", "value", "fragment"),
    [
        pytest.param("--naive-tz", "Mars/Olympus", "unknown zone 'Mars/Olympus'", id="zone"),
        pytest.param("--unit", "minutes", "unknown unit 'minutes'", id="unit"),
        pytest.param("--window", "2100-01-01..2000-01-01", "is empty", id="window"),
        pytest.param("--output-format", "xml", "unknown output format 'xml'", id="format"),
        pytest.param("--message-path", "", "--message-path: empty path", id="message-path"),
        pytest.param("--unit", "minutes", "--unit: unknown unit", id="option-named"),
    ],
)
def test_check_bad_option_values_exit_2(run, capture_file, option, value, fragment):
    assert_one_line_error(run("check", capture_file(CLEAN), option, value), fragment)


def test_check_unknown_option_is_a_usage_error(run, capture_file):
    result = run("check", capture_file(CLEAN), "--frobnicate")
    assert result.exit_code == 2
    # click says "No such option: --frobnicate", newer click "No such option '--frobnicate'".
    assert "No such option" in result.output and "--frobnicate" in result.output
    assert "Traceback" not in result.output


def test_version_and_help(run):
    version = run("--version")
    assert (version.exit_code, version.stdout) == (0, f"wsfix {__version__}\n")
    helped = run("check", "--help")
    assert helped.exit_code == 0
    assert "--naive-tz" in helped.stdout and "--max-rows" in helped.stdout
    top = run("--help")
    assert "wsfix repair --in capture.jsonl --out fixed.jsonl" in top.stdout


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_flags(run, flag):
    assert run(flag).stdout == f"wsfix {__version__}\n"


@pytest.mark.parametrize(
    ("command", "usage", "argument"),
    [
        pytest.param(
            "check", "Usage: wsfix check [OPTIONS] [PATH]...", "  [PATH]...  Captures, or folders", id="check"
        ),
        pytest.param(
            "repair", "Usage: wsfix repair [OPTIONS] [FILE]...", "  [FILE]...  Captures to repair", id="repair"
        ),
        pytest.param("rule", "Usage: wsfix rule [OPTIONS] [CODE]", "  [CODE]  A rule code", id="rule"),
    ],
)
def test_help_shows_arguments_without_typer_artefacts(run, command, usage, argument):
    text = run(command, "--help").stdout
    assert text.splitlines()[0].replace("Usage: root ", "Usage: wsfix ") == usage  # CliRunner's program name
    assert argument in text
    for artefact in ("{", "<list[str]>", "<str>", "[[", "...]..."):
        assert artefact not in text, artefact


def test_color_choices(run, capture_file):
    path = capture_file(INCIDENT)
    always = run("check", path, "--color", "always")
    assert "\x1b[" in always.stdout  # NO_COLOR is set in run(): --color always overrides it
    never = run("check", path, "--color", "never")
    assert "\x1b[" not in never.stdout and "WS102" in never.stdout
    assert_one_line_error(run("check", path, "--color", "sometimes"), "--color", "'sometimes'")


def test_verbose_says_what_the_run_uses(run, capture_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = capture_file(CLEAN)
    result = run("check", source, "-v", "--jobs", "2")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "wsfix: configuration: none found",
        "wsfix: schema: websocket-message",
        "wsfix: capture format: auto",
        "wsfix: jobs: 2",
        f"wsfix: {source}: read as JSON Lines (by its name)",
    ]
    (tmp_path / "pyproject.toml").write_text('[tool.wsfix]\nformat = "jsonl"\n', encoding="utf-8")
    configured = run("repair", "--in", capture_file(CLEAN), "--dry-run", "--verbose", "--schema", "server-message")
    assert configured.stderr.splitlines()[:3] == [
        f"wsfix: configuration: {tmp_path / 'pyproject.toml'}",
        "wsfix: schema: server-message",
        "wsfix: capture format: jsonl",
    ]
    isolated = run("check", capture_file(CLEAN), "-v", "--isolated")
    assert isolated.stderr.splitlines()[0] == "wsfix: configuration: none (--isolated)"


def test_quiet_drops_the_repair_summary(run, capture_file, tmp_path):
    source = capture_file(INCIDENT)
    result = run("repair", "--in", source, "--out", str(tmp_path / "out.jsonl"), "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (tmp_path / "out.jsonl").read_bytes() == INCIDENT_REPAIRED


def test_shell_completion_is_on():
    import subprocess
    import sys

    env = {**os.environ, "_WSFIX_COMPLETE": "complete_bash", "COMP_WORDS": "wsfix check --fail", "COMP_CWORD": "2"}
    script = "import sys; from wsfix.cli import main; sys.argv = ['wsfix']; main()"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout.split()) == (0, ["--fail-on"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["repair", "--fix", "x.jsonl"],
            "repair has no option --fix: repair writes its fixes (--out FILE, or --in-place); "
            "did you mean wsfix check --fix?",
            id="fix-on-repair",
        ),
        pytest.param(
            ["rule", "--select", "WS1"],
            "rule has no option --select: it is an option of wsfix check, wsfix repair and wsfix clocks",
            id="option-of-others",
        ),
    ],
)
def test_unknown_option_hint(args, message):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "wsfix", *args], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("wsfix: error: ") and result.stderr.endswith(f" wsfix {message}\n")


# --- check --fix, check --diff ------------------------------------------------------------------


def test_check_fix_repairs_in_place_with_a_backup_and_reports_what_is_left(run, capture_file):
    path = capture_file(INCIDENT + UNFIXABLE)
    result = run("check", path, "--fix", "--output-format", "concise")
    assert result.exit_code == 1
    with open(path, "rb") as repaired, open(path + ".orig", "rb") as backup:
        assert repaired.read() == INCIDENT_REPAIRED + UNFIXABLE.replace(b'"2025-09-08T16:50:01Z"', b"1757350201.0")
        assert backup.read() == INCIDENT + UNFIXABLE
    assert [line.split(": ", 1)[1].split()[0] for line in result.stdout.splitlines()[:-1]] == ["WS106"]
    assert result.stderr == f"wsfix: fixed 2 values on 2 lines of {path} (backup: {path}.orig)\n"
    again = run("check", path, "--fix", "--select", "WS1", "--ignore", "WS106")
    assert again.exit_code == 0, again.output  # nothing left to change: the backup is in nobody's way


def test_check_fix_refuses_stdin_and_an_existing_backup(run, capture_file):
    assert_one_line_error(run("check", "-", "--fix", input=INCIDENT), "--fix needs files")
    path = capture_file(INCIDENT)
    with open(path + ".orig", "wb") as older:
        older.write(b"older\n")
    assert_one_line_error(run("check", path, "--fix"), "backup already exists", "no file was changed")
    with open(path, "rb") as unchanged:
        assert unchanged.read() == INCIDENT


def test_check_diff_changes_nothing(run, capture_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    capture_file(CLEAN + INCIDENT)
    result = run("check", "capture.jsonl", "--diff")
    assert result.exit_code == 1
    assert result.stdout_bytes == (
        b"--- a/capture.jsonl\n+++ b/capture.jsonl\n@@ -1,3 +1,3 @@\n "
        + CLEAN.replace(b"\n{", b"\n {")
        + b"-"
        + INCIDENT
        + b"+"
        + INCIDENT_REPAIRED
    )
    assert result.stderr == "Would repair 1 value on 1 of 3 lines (capture.jsonl). Naive times read as UTC.\n"
    with open("capture.jsonl", "rb") as unchanged:
        assert unchanged.read() == CLEAN + INCIDENT
    assert run("check", capture_file(CLEAN, "clean.jsonl"), "--diff").exit_code == 0
    assert run("check", "capture.jsonl", "--diff", "--exit-zero").exit_code == 0


def _ping(stamp: int | str) -> bytes:
    value = f'"{stamp}"' if isinstance(stamp, str) else str(stamp)
    return f'{{"type":"ping","timestamp":{value}}}'.encode()


# Changes near the start, two hunks' contexts that touch (merged), one far off, CRLF, and a last
# line without a newline.
_LINES = [_ping(1757350200 + n) + b"\n" for n in range(30)]
_LINES[2] = _ping("2025-09-08T16:50:01Z") + b"\n"
_LINES[8] = _ping("2025-09-08T16:50:02Z") + b"\r\n"
_LINES[20] = _ping("2025-09-08T16:50:03Z") + b"\n"
_LINES[29] = _ping("2025-09-08T16:50:04Z")
_HAR_ONE_LINE = (
    b'{"log":{"entries":[{"_webSocketMessages":['
    b'{"type":"send","time":1.5,"opcode":1,"data":"{\\"type\\":\\"ping\\",\\"timestamp\\":\\"2025-09-08T16:50:01Z\\"}"},'
    b'{"type":"send","time":1.6,"opcode":1,"data":"{\\"type\\":\\"ping\\",\\"timestamp\\":\\"2025-09-08T16:50:02Z\\"}"}'
    b"]}]}}\n"
)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("c.jsonl", b"".join(_LINES), id="jsonl"),
        pytest.param("c.har", _HAR_ONE_LINE, id="har-two-changes-on-one-line"),
    ],
)
@pytest.mark.parametrize("spool_bytes", [4 << 20, 16], ids=["in-memory", "spooled-to-disk"])
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("check", "{name}", "--diff"), id="check"),
        pytest.param(("repair", "--in", "{name}", "--dry-run", "--diff"), id="repair-dry-run"),
        # Exit 0: every finding fixed (the diff says what changed).
        pytest.param(("repair", "--in", "{name}", "--out", "other", "--diff"), id="repair-out"),
    ],
)
def test_diff_is_a_patch_git_applies(run, tmp_path, monkeypatch, name, data, spool_bytes, command):
    import subprocess

    monkeypatch.setattr("wsfix.unified_diff._SPOOL_BYTES", spool_bytes)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q", ".")
    (tmp_path / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    result = run(*(arg.format(name=name) for arg in command))
    assert result.exit_code == (0 if "--out" in command else 1), result.output
    (tmp_path / "fix.patch").write_bytes(result.stdout_bytes)
    git("apply", "--check", "fix.patch")
    assert run("repair", "--in", name, "--out", "repaired").exit_code == 0
    git("apply", "fix.patch")
    assert (tmp_path / name).read_bytes() == (tmp_path / "repaired").read_bytes() != data


def test_check_diff_hunks(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.jsonl").write_bytes(b"".join(_LINES))
    headers = [line for line in run("check", "c.jsonl", "--diff").stdout.splitlines() if line.startswith("@@")]
    assert headers == ["@@ -1,12 +1,12 @@", "@@ -18,7 +18,7 @@", "@@ -27,4 +27,4 @@"]
    # Standard input cannot be read twice: hunks without context.
    piped = run("check", "--diff", input=b"".join(_LINES[:4]))
    assert piped.stdout_bytes == (
        b"--- a/-\n+++ b/-\n@@ -3,1 +3,1 @@\n-" + _LINES[2] + b'+{"type":"ping","timestamp":1757350201.0}\n'
    )


# --- repair --------------------------------------------------------------------------------


def test_repair_incident_changes_only_the_value(run, capture_file, tmp_path):
    source = capture_file(INCIDENT)
    target = str(tmp_path / "fixed.jsonl")
    result = run("repair", "--in", source, "--out", target)
    assert result.exit_code == 0, result.output
    with open(target, "rb") as repaired:
        assert repaired.read() == INCIDENT_REPAIRED
    with open(source, "rb") as original:
        assert original.read() == INCIDENT
    assert result.stdout.startswith("Repaired 1 value on 1 of 1 lines")


def test_repair_keeps_input_mode(run, capture_file, tmp_path):
    source = capture_file(INCIDENT)
    os.chmod(source, 0o640)
    target = tmp_path / "fixed.jsonl"
    assert run("repair", "--in", source, "--out", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_repair_unfixable_exits_1_and_still_writes(run, capture_file, tmp_path):
    source = capture_file(UNFIXABLE)
    target = tmp_path / "fixed.jsonl"
    result = run("repair", "--in", source, "--out", str(target))
    assert result.exit_code == 1
    assert target.read_bytes() == UNFIXABLE.replace(b'"2025-09-08T16:50:01Z"', b"1757350201.0")
    assert "WS106 timestamp-unparseable x1 (line 1)" in result.stdout


def test_repair_to_stdout_puts_summary_on_stderr(run, capture_file):
    result = run("repair", "--in", capture_file(INCIDENT), "--out", "-")
    assert result.exit_code == 0
    assert result.stdout.encode() == INCIDENT_REPAIRED
    assert result.stderr.startswith("Repaired 1 value")


def test_repair_dry_run_writes_nothing(run, capture_file, tmp_path, monkeypatch):
    source = capture_file(INCIDENT)
    monkeypatch.chdir(tmp_path)  # a diff names a file inside the current folder from there
    before = set(os.listdir(tmp_path))
    result = run("repair", "--in", source, "--dry-run", "--diff")
    assert result.exit_code == 1
    assert set(os.listdir(tmp_path)) == before
    name = os.path.basename(source)
    # A unified diff as git writes one (a/ and b/ prefixes, hunk lengths), on standard output alone.
    assert result.stdout.splitlines() == [
        f"--- a/{name}",
        f"+++ b/{name}",
        "@@ -1,1 +1,1 @@",
        "-" + INCIDENT.decode().rstrip("\n"),
        "+" + INCIDENT_REPAIRED.decode().rstrip("\n"),
    ]
    assert result.stderr.splitlines()[0] == (
        f"Would repair 1 value on 1 of 1 lines ({source}). Naive times read as UTC."
    )


def test_repair_in_place_with_backup(run, capture_file):
    source = capture_file(INCIDENT)
    result = run("repair", "--in", source, "--in-place")
    assert result.exit_code == 0
    with open(source, "rb") as repaired, open(source + ".orig", "rb") as backup:
        assert repaired.read() == INCIDENT_REPAIRED
        assert backup.read() == INCIDENT


def test_repair_in_place_unchanged_file_is_not_rewritten(run, capture_file):
    source = capture_file(CLEAN)
    os.utime(source, (1_000_000_000, 1_000_000_000))
    result = run("repair", "--in", source, "--in-place")
    assert result.exit_code == 0
    assert os.stat(source).st_mtime == 1_000_000_000
    assert not os.path.exists(source + ".orig")


@pytest.mark.parametrize("from_stdin", [False, True], ids=["file", "stdin"])
def test_repair_summary_points_to_check_only_when_the_input_can_be_read_again(run, capture_file, tmp_path, from_stdin):
    data = INCIDENT + b'{"type":"ping","timestamp":NaN}\n'  # a finding without a fix
    out = str(tmp_path / "out.jsonl")
    if from_stdin:
        result = run("repair", "--in", "-", "--out", out, input=data)
    else:
        result = run("repair", "--in", capture_file(data), "--out", out)
    assert result.exit_code == 1, result.output
    assert "WS107 timestamp-non-finite x1 (line 2)" in result.stdout
    assert ("Run wsfix check on the input for the details." in result.stdout) is not from_stdin


def test_repair_in_place_twice_is_a_no_op(run, capture_file):
    # The second run has nothing to change, so the first run's backup is in nobody's way.
    source = capture_file(INCIDENT)
    assert run("repair", "--in-place", source).exit_code == 0
    result = run("repair", "--in-place", source)
    assert result.exit_code == 0, result.output
    with open(source, "rb") as repaired, open(source + ".orig", "rb") as backup:
        assert repaired.read() == INCIDENT_REPAIRED
        assert backup.read() == INCIDENT


def test_repair_in_place_keeps_an_existing_backup_without_force(run, capture_file, tmp_path):
    source = capture_file(INCIDENT)
    with open(source + ".orig", "wb") as older:
        older.write(b"an older backup\n")
    before = sorted(os.listdir(tmp_path))
    result = run("repair", "--in-place", source)
    assert_one_line_error(result, "backup already exists", "--force", "no file was changed")
    assert sorted(os.listdir(tmp_path)) == before  # no temp file left
    with open(source, "rb") as unchanged, open(source + ".orig", "rb") as backup:
        assert unchanged.read() == INCIDENT
        assert backup.read() == b"an older backup\n"
    assert run("repair", "--in-place", source, "--force").exit_code == 0
    with open(source, "rb") as repaired, open(source + ".orig", "rb") as backup:
        assert repaired.read() == INCIDENT_REPAIRED
        assert backup.read() == INCIDENT


def test_repair_in_place_of_several_files_stops_before_touching_any(run, capture_file, tmp_path):
    # The second file's backup is in the way of a change: the first is not repaired either.
    first, second, third = (capture_file(INCIDENT, name) for name in ("a.jsonl", "b.jsonl", "c.jsonl"))
    with open(second + ".orig", "wb") as older:
        older.write(b"an older backup\n")
    before = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    result = run("repair", "--in-place", first, second, third, "--diff")
    assert_one_line_error(result, f"{second}.orig: backup already exists", "no file was changed")
    assert result.stdout == ""  # no diff of a change not made
    assert {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)} == before


@pytest.mark.parametrize("link", ["same", "symlink", "hardlink"])
def test_repair_refuses_output_that_is_the_input(run, capture_file, tmp_path, link):
    source = capture_file(INCIDENT)
    target = tmp_path / "alias.jsonl"
    if link == "same":
        target = source
    elif link == "symlink":
        target.symlink_to(source)
    else:
        os.link(source, target)
    result = run("repair", "--in", source, "--out", str(target), "--force")
    assert_one_line_error(result, "is the input file", "--in-place")
    with open(source, "rb") as original:
        assert original.read() == INCIDENT


def test_repair_refuses_existing_output_without_force(run, capture_file, tmp_path):
    source = capture_file(INCIDENT)
    target = tmp_path / "fixed.jsonl"
    target.write_bytes(b"keep me\n")
    assert_one_line_error(run("repair", "--in", source, "--out", str(target)), "already exists", "--force")
    assert target.read_bytes() == b"keep me\n"
    assert run("repair", "--in", source, "--out", str(target), "--force").exit_code == 0
    assert target.read_bytes() == INCIDENT_REPAIRED


def test_repair_missing_input_exits_2(run, tmp_path):
    missing = str(tmp_path / "nope.jsonl")
    assert_one_line_error(run("repair", "--in", missing, "--out", str(tmp_path / "o.jsonl")), "no such file")
    assert os.listdir(tmp_path) == []


def test_repair_output_in_missing_folder_exits_2(run, capture_file, tmp_path):
    result = run("repair", "--in", capture_file(INCIDENT), "--out", str(tmp_path / "no" / "o.jsonl"))
    assert_one_line_error(result, "does not exist")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param([], "say where to write", id="no-target"),
        pytest.param(["--out", "x.jsonl", "--in-place"], "either --out or --in-place", id="both"),
        pytest.param(["--out", "-", "--diff"], "--diff and --out -", id="diff-to-stdout"),
    ],
)
def test_repair_usage_errors(run, capture_file, args, fragment):
    assert_one_line_error(run("repair", "--in", capture_file(INCIDENT), *args), fragment)


def test_repair_in_place_refuses_stdin(run):
    assert_one_line_error(run("repair", "--in", "-", "--in-place", input=INCIDENT), "needs a file")


def test_python_dash_m_runs_the_same_cli():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "wsfix", "--version"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, f"wsfix {__version__}\n")


# --- options shared by check and repair -----------------------------------------------------


def _options(command_name: str) -> dict[str, tuple[tuple[str, ...], str | None]]:
    import typer

    command = typer.main.get_command(app).commands[command_name]  # type: ignore[attr-defined]
    return {
        param.name: (tuple(param.opts), getattr(param, "help", None))
        for param in command.params
        if param.param_type_name == "option" and param.name
    }


# Options both commands have under the same name but with a meaning of their own.
_SAME_NAME_OWN_MEANING = {"diff"}


def test_shared_options_are_declared_once_and_given_to_both_commands():
    from wsfix.cli import SharedOptions

    check, repair = _options("check"), _options("repair")
    assert set(SharedOptions._fields) <= set(check) & set(repair)
    for name in SharedOptions._fields:
        assert check[name] == repair[name], name
    assert set(check) & set(repair) == set(SharedOptions._fields) | _SAME_NAME_OWN_MEANING


def test_shared_options_reach_the_command(run, capture_file):
    # --naive-tz and --select through the shared declaration, in both commands.
    path = capture_file(INCIDENT)
    checked = run("check", path, "--output-format", "concise", "--naive-tz", "America/Los_Angeles")
    assert "read as America/Los_Angeles [*]" in checked.stdout
    ignored = run("repair", "--in", path, "--dry-run", "--ignore", "WS102")
    assert ignored.exit_code == 0, ignored.output
    assert "Would repair 0 values" in ignored.stdout


# --- the diff itself ----------------------------------------------------------------------------


def _unified_diff(lines: list[bytes], changed: dict[int, bytes], escape: bool = False) -> bytes:
    import io

    from wsfix.unified_diff import UnifiedDiff

    out = io.BytesIO()
    diff = UnifiedDiff(out, "a/f", "b/f", iter(lines), escape)
    for line_no in sorted(changed):
        diff.change(line_no, lines[line_no - 1], changed[line_no])
    diff.finish()
    return out.getvalue()


@settings(max_examples=200)
@given(
    st.integers(min_value=1, max_value=40).flatmap(
        lambda size: st.tuples(st.just(size), st.sets(st.integers(min_value=1, max_value=size), max_size=6))
    )
)
def test_diff_hunks_are_those_of_diff_u(case):
    import difflib
    import re

    size, positions = case
    lines = [f"line {n}\n".encode() for n in range(1, size + 1)]
    changed = {n: f"LINE {n}\n".encode() for n in positions}
    new = [changed.get(n, line) for n, line in enumerate(lines, 1)]
    expected = "".join(difflib.unified_diff([x.decode() for x in lines], [x.decode() for x in new], "a/f", "b/f", n=3))
    # difflib writes a one-line range as `-3`, diff -u and wsfix as `-3,1`: the same range.
    expected = re.sub(
        r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@",
        lambda m: f"@@ -{m[1]}{m[2] or ',1'} +{m[3]}{m[4] or ',1'} @@",
        expected,
        flags=re.M,
    )
    assert _unified_diff(lines, changed).decode() == expected


def test_diff_to_a_terminal_is_escaped():
    lines = [b'{"type":"\x1b[2J\xe2\x80\xae","timestamp":"2025-09-08T16:50:01Z"}\n']
    text = _unified_diff(lines, {1: b'{"type":"\x1b[2J\xe2\x80\xae","timestamp":1757350201.0}\n'}, escape=True)
    assert b"\x1b" not in text and "\u202e".encode() not in text
    assert b'-{"type":"\\x1b[2J\\u202e","timestamp":"2025-09-08T16:50:01Z"}\n' in text
