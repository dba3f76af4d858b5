"""Captures made to attack the terminal or the CI log: every report shows them escaped, never acted on.

A hostile capture (and a hostile file name) carries Rich markup, links, ANSI/OSC escape sequences,
BEL, backspace, carriage returns, C1 controls, bidirectional overrides, line separators, very long
strings and CI workflow commands (GitHub's `::error::`, `::add-mask::`, `::stop-commands::`, which
run at the start of a line, and `##[command]`, which runs anywhere in one). The reports are
rendered at a fixed width without colour and compared as exact text (trailing padding aside); then
the same properties are checked at many widths, with colour, for the diff and repair summary, for
error messages and for keys a custom model echoes in its error locations.
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from wsfix.cli import app
from wsfix.reporters import REPORTERS, ReportOptions, build_reporter
from wsfix.run import check_captures
from wsfix.schema import MessageType, Schema, TimestampField
from wsfix.settings import Settings

LINES = [
    b'{"type":"ping","timestamp":"[bold red]x[/] [link=http://evil.example]click[/link]"}',
    b'{"type":"ping","timestamp":"\\u001b[2J\\u0007\\u0008\\r::error::pwned"}',  # JSON escapes, as written
    b'{"type":"ping","timestamp":"\xc2\x9b31m\xe2\x80\xaeevil\xe2\x80\xa8\x7f"}',  # raw CSI, RLO, LS, DEL
    b'{"type":"::error::pwned","timestamp":1757350201.0}',
    b'{"type":"ping","timestamp":"##[add-mask]x ::stop-commands::tok"}',
    b'{"type":"ping","timestamp":"' + b"A" * 3000 + b'::error::late"}',
    b'{"type":"ping","payload":{"note":"\xe2\x80\xae::warning::x ##[error]y \xc2\x9b"},\r'
    b'"timestamp":"2025-09-08T16:50:01Z"}',
]
CAPTURE = b"\n".join(LINES) + b"\n"
# No "/" (a file name cannot hold one), so the markup has no closing tag.
NAME = "::error::\x1b[2J\x07\x08\r[link=https:evil.example][bold red]n##[add-mask]\u202e.jsonl"
SHOWN_NAME = r":\x3aerror:\x3a\x1b[2J\x07\x08\x0d[link=https:evil.example][bold red]n#\x23[add-mask]\u202e.jsonl"
NOT_A_DATE = "not a number, an ISO 8601 date-time or an RFC 2822 date"

# The reports for people (full, concise) show text as written, with only what a terminal would act
# on escaped; workflow command markers (`::`, `##`) are escaped by the github format (and in the
# repair diff and error messages, written with SHOWN_NAME).
AS_WRITTEN_NAME = r"::error::\x1b[2J\x07\x08\x0d[link=https:evil.example][bold red]n##[add-mask]\u202e.jsonl"

EXPECTED_FULL = [
    AS_WRITTEN_NAME,
    '1:28  WS106  error    timestamp  "[bold red]x[/] [link=http://evil.example]click…',
    f"      {NOT_A_DATE} (pydantic: float_parsing)",
    r'2:28  WS106  error    timestamp  "\u001b[2J\u0007\u0008\r::error::pwned"',
    f"      {NOT_A_DATE} (pydantic: float_parsing)",
    r'3:28  WS106  error    timestamp  "\x9b31m\u202eevil\u2028\x7f"',
    f"      {NOT_A_DATE} (pydantic: float_parsing)",
    ' 4:9  WS004  error    type       "::error::pwned"',
    "      Input should be one of 51 values (connect, disconnect, connection_established, ...) (pydantic: enum)",
    '5:28  WS106  error    timestamp  "##[add-mask]x ::stop-commands::tok"',
    f"      {NOT_A_DATE} (pydantic: float_parsing)",
    '6:28  WS106  error    timestamp  "' + "A" * 46 + "…",
    f"      {NOT_A_DATE} (pydantic: float_parsing)",
    # column 77: 34 characters of `{"type":"ping","payload":{"note":"`, 26 of the note, `"},`, \r, `"timestamp":`
    '7:77  WS101  error    timestamp  "2025-09-08T16:50:01Z" → 1757350201.0',
    "      ISO 8601 string where epoch seconds are expected (pydantic: float_parsing)",
    "",
    " Rule    Name                    Severity   Count   Fixable",
    " " + "─" * 58,
    " WS004   schema-violation        error          1    no fix",
    " WS101   timestamp-iso-string    error          1         1",
    " WS106   timestamp-unparseable   error          5    no fix",
    "",
    "Checked 7 lines in 1 file: 7 errors, 0 warnings; 1 fixable with wsfix repair. Naive times read as UTC.",
]
EXPECTED_CONCISE = [
    f"{AS_WRITTEN_NAME}:1:28: WS106 [error] timestamp: {NOT_A_DATE}",
    f"{AS_WRITTEN_NAME}:2:28: WS106 [error] timestamp: {NOT_A_DATE}",
    f"{AS_WRITTEN_NAME}:3:28: WS106 [error] timestamp: {NOT_A_DATE}",
    f"{AS_WRITTEN_NAME}:4:9: WS004 [error] type: Input should be one of 51 values (connect, disconnect, connection_established, ...)",  # noqa: E501
    f"{AS_WRITTEN_NAME}:5:28: WS106 [error] timestamp: {NOT_A_DATE}",
    f"{AS_WRITTEN_NAME}:6:28: WS106 [error] timestamp: {NOT_A_DATE}",
    f"{AS_WRITTEN_NAME}:7:77: WS101 [error] timestamp: ISO 8601 string where epoch seconds are expected [*]",
    "Checked 7 lines in 1 file: 7 errors, 0 warnings; 1 fixable with wsfix repair. Naive times read as UTC.",
]
NOTE = r"\u202e:\x3awarning:\x3ax #\x23[error]y \x9b"
# The diff's header names the file quoted as git quotes it (C escapes and octal; `::` and `##`
# broken by an octal escape), which git apply reads back; its lines are the file's exact bytes,
# as a patch must be (to a terminal they are escaped: tests/test_cli_conventions.py).
QUOTED_NAME = (
    r'"{side}/:\072error:\072\033[2J\a\b\r[link=https:evil.example][bold red]n#\043[add-mask]\342\200\256.jsonl"'
)
EXPECTED_REPAIR_DIFF = (
    b"--- " + QUOTED_NAME.format(side="a").encode() + b"\n"
    b"+++ " + QUOTED_NAME.format(side="b").encode() + b"\n"
    b"@@ -4,4 +4,4 @@\n"
    + b"".join(b" " + line + b"\n" for line in LINES[3:6])
    + b"-"
    + LINES[6]
    + b"\n"
    + b"+"
    + LINES[6].replace(b'"2025-09-08T16:50:01Z"', b"1757350201.0")
    + b"\n"
)
EXPECTED_REPAIR_SUMMARY = [
    f"Repaired 1 value on 1 of 7 lines ({SHOWN_NAME} -> fixed.jsonl). Naive times read as UTC.",
    "Left unchanged: 6 findings without a fix:",
    "  WS004 schema-violation x1 (line 4)",
    "  WS106 timestamp-unparseable x5 (lines 1, 2, 3, 5, 6)",
    "Run wsfix check on the input for the details.",
]


@pytest.fixture
def hostile(tmp_path, monkeypatch) -> str:
    monkeypatch.chdir(tmp_path)
    with open(NAME, "wb") as capture:
        capture.write(CAPTURE)
    return NAME


def render(fmt: str, paths: list[str], settings: Settings = Settings(max_rows=None), **options: Any) -> str:
    out = io.StringIO()
    options = {"width": 120, "color": False, "max_rows": settings.max_rows, **options}
    check_captures(paths, settings, build_reporter(fmt, out, ReportOptions(**options)))
    return out.getvalue()


def lines_of(text: str) -> list[str]:
    return [line.rstrip(" ") for line in text.split("\n")][:-1]  # Rich pads lines to the width


def assert_terminal_safe(text: str) -> None:
    """Nothing in `text` can act on a terminal: no control, bidi or line-separator character."""
    unsafe = {char for char in text if char != "\n" and unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")}
    assert not unsafe, unsafe


def assert_inert(text: str) -> None:
    """Nothing in `text` can act on a terminal or a CI log."""
    assert_terminal_safe(text)
    for line in text.split("\n"):
        assert not line.lstrip().startswith("::"), line
    assert "##" not in text
    assert "::" not in text


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120", "NO_COLOR": "1"})


def test_full_report_exact_text(hostile):
    assert lines_of(render("full", [hostile])) == EXPECTED_FULL


def test_concise_report_exact_text(hostile):
    assert lines_of(render("concise", [hostile])) == EXPECTED_CONCISE


def test_check_command_prints_the_same(hostile):
    result = run("check", hostile, "--output-format", "concise")
    assert result.exit_code == 1
    assert lines_of(result.stdout) == EXPECTED_CONCISE
    assert result.stderr == ""


# github writes workflow commands on purpose: tests/reporters/test_github.py checks that only its own
# commands start a line. full and concise are for people: text as written (see below).
@pytest.mark.parametrize("fmt", sorted(set(REPORTERS) - {"github", "full", "concise"}))
def test_every_machine_format_is_inert(hostile, fmt):
    text = render(fmt, [hostile])
    assert not [line for line in text.split("\n") if line.lstrip().startswith("::")]
    assert "##[" not in text
    assert not {char for char in text if char != "\n" and unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")}


@pytest.mark.parametrize("width", [20, 40, 60, 80, 100, 200])
@pytest.mark.parametrize("fmt", ["full", "concise"])
def test_reports_for_people_are_terminal_safe_at_any_width(hostile, fmt, width):
    text = render(fmt, [hostile], width=width)
    assert_terminal_safe(text)
    assert text.startswith("::error::")  # the name as written: the github format is the one for a CI log
    assert "Checked 7 lines in 1 file: 7 errors" in text.replace("\n", " ")


SGR = re.compile("\x1b\\[[0-9;]*m")


def test_with_colour_the_only_escape_sequences_are_the_reports_own_styles(hostile):
    coloured = render("full", [hostile], color=True)
    assert "\x1b" in coloured  # the styles are there
    plain = SGR.sub("", coloured)
    assert "\x1b" not in plain  # and nothing else: no OSC link, no cursor movement, no clear screen
    assert lines_of(plain) == EXPECTED_FULL


def test_repair_diff_and_summary_exact_text(hostile, tmp_path):
    result = run("repair", "--in", hostile, "--out", "fixed.jsonl", "--diff")
    assert result.exit_code == 1, result.output
    assert result.stdout_bytes == EXPECTED_REPAIR_DIFF
    header = b"".join(result.stdout_bytes.splitlines(keepends=True)[:2])
    assert_inert(header.decode())
    assert lines_of(result.stderr) == EXPECTED_REPAIR_SUMMARY
    assert_inert(result.stderr)
    assert (tmp_path / "fixed.jsonl").read_bytes() == CAPTURE.replace(b'"2025-09-08T16:50:01Z"', b"1757350201.0")


def test_repair_to_stdout_writes_the_bytes_and_an_inert_summary(hostile):
    result = run("repair", "--in", hostile, "--out", "-")
    assert result.exit_code == 1
    assert result.stdout_bytes == CAPTURE.replace(b'"2025-09-08T16:50:01Z"', b"1757350201.0")
    assert result.stderr.splitlines()[0] == (
        f"Repaired 1 value on 1 of 7 lines ({SHOWN_NAME} -> -). Naive times read as UTC."
    )
    assert_inert(result.stderr)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["repair", "--in", NAME + ".missing", "--out", "x.jsonl"],
            f"wsfix: error: {SHOWN_NAME}.missing: no such file",
            id="repair-missing",
        ),
        pytest.param(
            ["repair", "--in", NAME, "--out", NAME],
            f"wsfix: error: {SHOWN_NAME}: is the input file {SHOWN_NAME} (use --in-place to repair it in place)",
            id="repair-same-file",
        ),
        pytest.param(
            ["repair", "--in", NAME, "--out", "no-such-folder/" + NAME],
            f"wsfix: error: no-such-folder/{SHOWN_NAME}: folder ",
            id="repair-missing-folder",
        ),
    ],
)
def test_error_messages_are_inert(hostile, args, expected):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(expected)
    assert result.stderr.count("\n") == 1
    assert_inert(result.stderr)


@pytest.mark.parametrize("output_format", ["full", "concise"])
def test_an_unreadable_path_is_reported_inert(hostile, output_format):
    # check reports a path it cannot read as a finding (WS005), on standard output: shown as
    # written but for what a terminal would act on (full and concise leave `::` and `##` to the
    # github format, which escapes them: tests/reporters/test_github.py).
    result = run("check", NAME + ".missing", "--output-format", output_format)
    assert result.exit_code == 2
    assert "WS005" in result.stdout and "no such file" in result.stdout
    assert_terminal_safe(result.stdout)


# --- keys a model echoes in its error locations ----------------------------------------------


class StrictPayload(BaseModel):
    """A custom model whose errors name payload keys (`payload.<key>`), which come from the capture."""

    type: MessageType
    payload: dict[str, int] = {}
    timestamp: float | None = None


KEYED = Schema("strict-payload", StrictPayload, (TimestampField("timestamp"),))
KEY_LINE = (
    b'{"type":"ping","payload":{"\\u001b[31m::error::k\\u202e":"x","##[add-mask]k":"y",'
    b'"\xe2\x80\xae::notice::raw\xc2\x9b":"z"},"timestamp":1757350201.0}\n'
)
NOT_AN_INT = "Input should be a valid integer, unable to parse string as an integer"


def test_keys_from_the_capture_in_error_locations_are_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open("keys.jsonl", "wb") as capture:
        capture.write(KEY_LINE)
    settings = Settings(schema=KEYED, max_rows=None)
    # Columns: 26 characters before the first key; keys of 28, 15 and 17 characters (a raw character counts one).
    assert lines_of(render("concise", ["keys.jsonl"], settings)) == [
        # Keys that are not identifiers are written ["..."] in JSON string syntax (wsfix.paths).
        rf'keys.jsonl:1:56: WS004 [error] payload["\u001b[31m::error::k\u202e"]: {NOT_AN_INT}',
        rf'keys.jsonl:1:76: WS004 [error] payload["##[add-mask]k"]: {NOT_AN_INT}',
        rf'keys.jsonl:1:98: WS004 [error] payload["\u202e::notice::raw\x9b"]: {NOT_AN_INT}',
        "Checked 1 line in 1 file: 3 errors, 0 warnings; 0 fixable with wsfix repair. Naive times read as UTC.",
    ]
    for width in (40, 80, 120):
        text = render("full", ["keys.jsonl"], settings, width=width)
        assert_terminal_safe(text)
        if width >= 120:  # narrower, the Field column folds the key across lines
            assert "\\u001b" in text  # its ESC shown escaped
