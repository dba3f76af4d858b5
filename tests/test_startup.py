"""Start-up stays lean: what `wsfix check` imports on a clean capture (not timed; the timing is
benchmarks/run.py's start-up line). Each module listed here costs milliseconds on every run and is
needed only by some runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

_SCRIPT = """
import json, sys
from wsfix import cli

def leave(code):  # instead of os._exit: say which modules were loaded first
    sys.stdout.flush()
    sys.stderr.write(json.dumps(sorted(sys.modules)))
    raise SystemExit(code)

cli._leave = leave
sys.argv = ["wsfix", "check", *sys.argv[1:]]
try:
    cli.main()
except SystemExit:
    pass
"""

# Heavy or rarely needed: Rich's console (only when there is something to draw or colour), the
# reconstructed schemas (only with --schema), tomllib (only when a pyproject.toml is found), the
# inference from capture times and what it needs (only where records have capture times).
NOT_AT_START = (
    "rich.console",
    "rich.table",
    "wsfix.server_messages",
    "tomllib",
    "wsfix.senders",
    "wsfix.zones",
    "wsfix.tzdb",
    "statistics",
)


# As a user's shell has it: no colour forced, standard output buffered (so that what main()
# leaves unflushed would be lost).
_PLAIN_ENV = {
    name: value
    for name, value in os.environ.items()
    if name not in ("FORCE_COLOR", "TTY_COMPATIBLE", "PYTHONUNBUFFERED")
}


def modules_after_check(tmp_path, *args: str, **env: str) -> set[str]:
    capture = tmp_path / "one.jsonl"
    capture.write_bytes(b'{"type":"ping","timestamp":1757350201.5}\n')
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(capture), *args],
        cwd=tmp_path,
        env={**_PLAIN_ENV, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Checked 1 line in 1 file: no problems." in result.stdout
    return set(json.loads(result.stderr))


def test_clean_check_into_a_pipe_loads_no_optional_module(tmp_path):
    loaded = modules_after_check(tmp_path)
    assert "wsfix.linter" in loaded  # it did run
    assert loaded.isdisjoint(NOT_AT_START), sorted(loaded.intersection(NOT_AT_START))


@pytest.mark.parametrize(
    ("args", "env", "module"),
    [
        pytest.param(("--schema", "server-message"), {}, "wsfix.server_messages", id="schema"),
        pytest.param((), {"FORCE_COLOR": "1"}, "rich.console", id="colour"),
        pytest.param(("--capture-time", "timestamp"), {}, "wsfix.senders", id="capture-times"),
    ],
)
def test_optional_modules_load_when_asked_for(tmp_path, args, env, module):
    assert module in modules_after_check(tmp_path, *args, **env)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["check", "--help"], id="check-help"),
        pytest.param(["repair", "--help"], id="repair-help"),
        pytest.param(["rule", "WS102"], id="rule"),
        pytest.param(["schema"], id="schema"),
        pytest.param(["check", "--no-such-option", "x"], id="bad-option"),
        pytest.param(["check", "{capture}", "--select", "WS1"], id="check"),
        pytest.param(["repair", "--in", "{capture}", "--out", "-"], id="repair"),
        pytest.param(["chekc", "x"], id="typo"),
        pytest.param(["--help"], id="help"),
        pytest.param([], id="no-args"),
    ],
)
def test_the_app_for_a_command_behaves_as_the_whole_app(tmp_path, args):
    # main() runs an app holding only the command named first (typer builds every command's
    # parameters before running one); what a user sees must not change.
    from typer.testing import CliRunner

    from wsfix.cli import _app_for, app

    capture = tmp_path / "capture.jsonl"
    capture.write_bytes(b'{"type":"ping","timestamp":"2025-09-08T16:50:01.447585"}\n')
    args = [arg.format(capture=capture) for arg in args]
    runner = CliRunner()
    env = {"COLUMNS": "100", "NO_COLOR": "1"}
    whole = runner.invoke(app, args, env=env)
    chosen = _app_for(args)
    assert (chosen is app) == (not args or args[0] not in ("check", "repair", "rule", "schema"))
    assert len(chosen.registered_commands) == (len(app.registered_commands) if chosen is app else 1)
    assert len(app.registered_commands) == 5  # check, repair, clocks, rule, schema
    alone = runner.invoke(chosen, args, env=env)
    assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)


def test_every_byte_is_out_before_the_fast_exit(tmp_path):
    # main() ends with os._exit (no interpreter teardown): standard output, standard error and
    # report files must all be complete by then, and the exit code the command's.
    capture = tmp_path / "bad.jsonl"
    capture.write_bytes(
        b"".join(b'{"type":"ping","timestamp":"2025-09-08T16:50:%02d"}\n' % (n % 60) for n in range(5000))
    )
    report = tmp_path / "report.jsonl"
    outputs = []
    for args in (["--output-format", "concise"], ["--output-format", "jsonl", "--output-file", str(report)]):
        result = subprocess.run(
            [sys.executable, "-m", "wsfix", "check", str(capture), *args],
            cwd=tmp_path,
            env=_PLAIN_ENV,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1, result.stderr
        outputs.append(result.stdout)
    concise = [line for line in outputs[0].splitlines() if line.startswith(str(capture))]
    assert len(concise) == 5000
    assert concise[-1].startswith(f"{capture}:5000:")
    findings = report.read_text().splitlines()
    assert len(findings) == 5000 and all('"WS102"' in line for line in findings)


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        pytest.param(
            ["repair", "--in", "no-such-file.jsonl", "--out", "o.jsonl"],
            2,
            "no-such-file.jsonl: no such file",
            id="input-error",
        ),
        pytest.param(["check", "no-such-file.jsonl"], 2, "", id="unreadable-input"),
        pytest.param(["check", "--no-such-option"], 2, "No such option", id="usage-error"),
        pytest.param(["--version"], 0, "", id="version"),
        pytest.param(["check", "--help"], 0, "", id="help"),
    ],
)
def test_exit_codes_survive_the_fast_exit(tmp_path, args, code, stderr):
    result = subprocess.run(
        [sys.executable, "-m", "wsfix", *args], cwd=tmp_path, env=_PLAIN_ENV, capture_output=True, text=True
    )
    assert result.returncode == code
    assert stderr in result.stderr
    assert "Traceback" not in result.stderr


# A bad command line is one line on stderr, as every other error (click's own report is three:
# usage, a hint, the error), naming where the help is; exit 2.
@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        pytest.param(["check", "--no-such-option", "x.jsonl"], ["--no-such-option"], id="unknown-option"),
        pytest.param(["check", "x.jsonl", "--max-rows", "-1"], ["--max-rows"], id="bad-value"),
        pytest.param(["check", "x.jsonl", "--jobs", "zero"], ["--jobs"], id="not-a-number"),
        pytest.param(["repair", "--in"], ["--in", "requires an argument"], id="missing-value"),
        pytest.param(["frobnicate"], ["frobnicate"], id="unknown-command"),
    ],
)
def test_command_line_errors_are_one_line(tmp_path, args, fragments):
    result = subprocess.run(
        [sys.executable, "-m", "wsfix", *args], cwd=tmp_path, env=_PLAIN_ENV, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("wsfix: error: ")
    for fragment in fragments:
        assert fragment in line


def test_a_command_without_arguments_prints_its_help(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "wsfix", "repair"], cwd=tmp_path, env=_PLAIN_ENV, capture_output=True, text=True
    )
    assert result.returncode in (0, 2)  # click 8.1 exits 0 after the help, 8.2 on 2
    assert "Usage: " in result.stdout + result.stderr and "--naive-tz" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_check_without_a_path_reads_standard_input_unless_it_is_a_terminal(tmp_path):
    import pty

    piped = subprocess.run(
        [sys.executable, "-m", "wsfix", "check", "--output-format", "concise"],
        cwd=tmp_path,
        env=_PLAIN_ENV,
        input=b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}\n',
        capture_output=True,
        check=False,
    )
    assert piped.returncode == 1
    assert piped.stdout.decode().startswith("-:1:28: WS101 ")
    terminal, other_end = pty.openpty()
    try:
        typed = subprocess.run(
            [sys.executable, "-m", "wsfix", "check"],
            cwd=tmp_path,
            env=_PLAIN_ENV,
            stdin=other_end,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(other_end)
    assert typed.returncode == 2
    assert typed.stdout == ""
    [line] = typed.stderr.splitlines()
    assert line.startswith("wsfix: error: no capture named: wsfix check PATH...")


def _install_plugin(site: object) -> None:
    """A distribution on `site` (a folder put on PYTHONPATH) whose pydantic plugin, once loaded,
    leaves a note beside itself: pydantic finds plugins by their entry points."""
    from pathlib import Path

    folder = Path(str(site))
    folder.mkdir()
    (folder / "wsfix_probe_plugin.py").write_text(
        "from pathlib import Path\n"
        "Path(__file__).with_name('loaded').touch()\n"
        "class Plugin:\n"
        "    def new_schema_validator(self, *args, **kwargs):\n"
        "        return None, None, None\n"
        "plugin = Plugin()\n"
    )
    info = folder / "wsfix_probe_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: wsfix-probe-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nprobe = wsfix_probe_plugin:plugin\n")


@pytest.mark.parametrize(
    ("setting", "loaded"),
    [
        pytest.param(None, False, id="unset: off"),
        pytest.param("", True, id="set empty: pydantic decides"),
    ],
)
def test_the_script_leaves_pydantic_plugins_off_unless_told(tmp_path, setting, loaded):
    # The wsfix script turns pydantic's plugin search off (3.5 ms of every start, and a hook on
    # every line's validation); a PYDANTIC_DISABLE_PLUGINS the user set is theirs.
    site = tmp_path / "site"
    _install_plugin(site)
    capture = tmp_path / "one.jsonl"
    capture.write_bytes(b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}\n')
    env = {name: value for name, value in _PLAIN_ENV.items() if name != "PYDANTIC_DISABLE_PLUGINS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    result = subprocess.run(
        [sys.executable, "-m", "wsfix", "check", str(capture)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1, result.stderr  # it ran, and found the string
    assert "WS101" in result.stdout
    assert (site / "loaded").exists() is loaded
