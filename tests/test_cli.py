"""The command line through typer's CliRunner: exit codes, refusals, and what goes where."""

from __future__ import annotations

import builtins
import os
import stat

import pytest
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


def test_check_missing_file_exits_2(run, tmp_path):
    missing = str(tmp_path / "nope.jsonl")
    result = run("check", missing)
    assert_one_line_error(result, missing, "no such file")
    assert result.stdout == ""


def test_check_directory_exits_2(run, tmp_path):
    assert_one_line_error(run("check", str(tmp_path)), "is a directory")


def test_check_fifo_exits_2(run, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert_one_line_error(run("check", str(fifo)), "not a regular file")


def test_check_unreadable_exits_2(run, capture_file, monkeypatch):
    # Tests may run as root, which chmod cannot lock out: make open() refuse instead.
    path = capture_file(CLEAN)
    real_open = builtins.open

    def refusing_open(file, *args, **kwargs):
        if file == path:
            raise PermissionError(13, "Permission denied", file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)
    assert_one_line_error(run("check", path), path, "Permission denied")


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


def test_repair_dry_run_writes_nothing(run, capture_file, tmp_path):
    source = capture_file(INCIDENT)
    before = set(os.listdir(tmp_path))
    result = run("repair", "--in", source, "--dry-run", "--diff")
    assert result.exit_code == 1
    assert set(os.listdir(tmp_path)) == before
    assert result.stdout.splitlines()[:5] == [
        f"--- {source}",
        f"+++ {source}",
        "@@ -1 +1 @@",
        "-" + INCIDENT.decode().rstrip("\n"),
        "+" + INCIDENT_REPAIRED.decode().rstrip("\n"),
    ]
    assert f"Would repair 1 value on 1 of 1 lines ({source})." in result.stdout


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
