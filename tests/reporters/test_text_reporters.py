"""Golden files for the text reporters, rendered from hand-built problems.

Set WSFIX_REGEN_GOLDEN=1 to rewrite the golden files, then read the diff before committing it.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from wsfix.problems import Fix, Problem
from wsfix.reporters import ReportOptions, build_reporter
from wsfix.summary import Summary, Tally

GOLDEN = Path(__file__).parent / "golden"

PROBLEMS = [
    Problem(
        "capture.jsonl",
        4,
        149,
        "timestamp",
        "WS102",
        "ISO 8601 string without UTC offset where epoch seconds are expected; read as UTC",
        value='"2025-09-08T16:50:01.447585"',
        pydantic_type="float_parsing",
        fix=Fix(148, 176, "1757350201.447585"),
    ),
    Problem(
        "capture.jsonl",
        8,
        46,
        "timestamp",
        "WS104",
        "epoch milliseconds where seconds are expected",
        value="1757350204000",
        fix=Fix(45, 58, "1757350204.0"),
    ),
    Problem("capture.jsonl", 16, None, "", "WS003", "blank line"),
    Problem(
        "capture.jsonl",
        17,
        9,
        "type",
        "WS004",
        "Input should be one of 51 values (connect, disconnect, connection_established, ...)",
        value='"agent_heartbeat"',
        pydantic_type="enum",
    ),
    # Hostile text: markup, an ESC sequence, a right-to-left override and a workflow command.
    Problem(
        "other.jsonl",
        2,
        28,
        "payload.\x1b]8;;http://x\x07[link=http://x]k",
        "WS106",
        "not a number, an ISO 8601 date-time or an RFC 2822 date",
        value='"[bold red]x[/] \x1b[31mred\x1b[0m \u202eevil ::error::pwned"',
        pydantic_type="float_parsing",
    ),
]


def summary(problems) -> Summary:
    tally = Tally()
    for problem in problems:
        tally.add(problem)
    return Summary(
        files=("capture.jsonl", "other.jsonl"), lines=40, tally=tally, naive_zone="UTC", schema="websocket-message"
    )


def render(name: str, problems, **options) -> str:
    out = io.StringIO()
    reporter = build_reporter(name, out, ReportOptions(**{"width": 100, "color": False, **options}))
    for problem in problems:
        reporter.add(problem)
    reporter.finish(summary(problems))
    return out.getvalue()


def check_golden(text: str, filename: str) -> None:
    path = GOLDEN / filename
    if os.environ.get("WSFIX_REGEN_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "options", "filename"),
    [
        pytest.param("full", {}, "full.txt", id="full"),
        pytest.param("full", {"width": 200}, "full-200.txt", id="full-table"),
        pytest.param("full", {"width": 60}, "full-60.txt", id="full-narrow"),
        pytest.param("full", {"max_rows": 2}, "full-capped.txt", id="full-capped"),
        pytest.param("concise", {}, "concise.txt", id="concise"),
    ],
)
def test_golden(name, options, filename):
    check_golden(render(name, PROBLEMS, **options), filename)


def test_full_reporter_with_no_problems():
    text = render("full", [])
    assert text == "Checked 40 lines in 2 files: no problems. Naive times read as UTC.\n"


@pytest.mark.parametrize("name", ["full", "concise"])
def test_hostile_text_is_escaped(name):
    text = render(name, PROBLEMS)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b]8;;" in text
    if name == "concise":
        assert "other.jsonl:2:28: WS106 [error] payload.\\x1b]8;;http://x\\x07[link=http://x]k: not a" in text
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())


@pytest.mark.parametrize("width", [60, 100, 200])
@pytest.mark.parametrize("name", ["full", "concise"])
def test_values_are_shown_as_written_escaped_not_styled(name, width):
    value = '"[bold]::error::x ##[y] \x1b[1m"'
    problem = Problem("a.jsonl", 1, 28, "payload.##[k]", "WS106", "not a date", value=value)
    text = render(name, [problem], width=width)
    if name == "full":
        assert '"[bold]::error::x ##[y] \\x1b[1m"' in text  # markup as typed; only ESC escaped
    assert "payload.##[k]" in text  # workflow command markers as written (github escapes them)
    assert "\x1b" not in text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("::error::x ##[add-mask]y #1", "::error::x ##[add-mask]y #1", id="ci-markers-as-written"),
        pytest.param("a\x1b[2Jb\x07", "a\\x1b[2Jb\\x07", id="escape-sequence-bel"),
        pytest.param("\u202eevil\u2066", "\\u202eevil\\u2066", id="bidi"),
        pytest.param("line\u2028sep\r\n", "line\\u2028sep\\x0d\\x0a", id="line-breaks"),
        pytest.param("\x9b31m\x7f", "\\x9b31m\\x7f", id="c1-del"),
        pytest.param("ünïcode ✓ 日本", "ünïcode ✓ 日本", id="printable-unicode"),
    ],
)
def test_as_written_escapes_only_what_a_terminal_acts_on(text, shown):
    from wsfix.display import as_written, printable

    assert as_written(text) == shown
    assert printable(text) == shown.replace("::", ":\\x3a").replace("##", "#\\x23")


def test_summary_counts_survive_the_row_cap():
    text = render("full", PROBLEMS, max_rows=1)
    assert "4 more findings not shown" in text
    rule_rows = [line.split() for line in text.splitlines() if line.strip().startswith("WS")]
    assert {row[0]: (row[2], int(row[3])) for row in rule_rows} == {
        "WS003": ("warning", 1),
        "WS004": ("error", 1),
        "WS102": ("error", 1),
        "WS104": ("warning", 1),
        "WS106": ("error", 1),
    }


@pytest.mark.parametrize("max_rows", [1, 2, 4, 5])
@pytest.mark.parametrize("color", [False, True], ids=["no-color", "color"])
@pytest.mark.parametrize("width", [60, 100, 200])
def test_tables_drawn_once_their_rows_are_final_are_the_same_bytes(monkeypatch, max_rows, color, width):
    # A full table (its rows capped) is drawn as the row that fills it arrives; drawn at the end
    # instead, it must come out byte for byte the same.
    from wsfix.reporters.full import FullReporter

    def report() -> tuple[str, str | None]:
        out = io.StringIO()
        reporter = build_reporter("full", out, ReportOptions(width=width, color=color, max_rows=max_rows))
        for problem in PROBLEMS:
            reporter.add(problem)
        drawn = reporter._drawn
        reporter.finish(summary(PROBLEMS))
        return out.getvalue(), drawn

    early, drawn_early = report()
    monkeypatch.setattr(FullReporter, "_draw_early", lambda self: None)
    late, drawn_late = report()
    assert drawn_early is not None and drawn_late is None  # each path taken
    assert early == late
    assert ("\x1b[" in early) == color


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


_TERMINAL_ENV = ("TTY_COMPATIBLE", "FORCE_COLOR", "NO_COLOR")


@pytest.mark.parametrize("tty", [False, True], ids=["pipe", "tty"])
@pytest.mark.parametrize("color", [None, False, True], ids=["auto", "no-color", "color"])
@pytest.mark.parametrize(
    "env",
    [
        {},
        {"FORCE_COLOR": "1"},
        {"FORCE_COLOR": ""},
        {"TTY_COMPATIBLE": "1"},
        {"TTY_COMPATIBLE": "0"},
        {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"},
        {"TTY_COMPATIBLE": "2", "FORCE_COLOR": "1"},
    ],
    ids=lambda env: ",".join(f"{k}={v}" for k, v in env.items()) or "no-env",
)
def test_clean_run_without_rich_is_what_rich_writes(monkeypatch, tty, color, env):
    # The full reporter skips Rich on a clean run when Rich would not style; whether it would is
    # asked of Rich itself here, and the bytes must match what Rich prints either way.
    from rich.console import Console
    from rich.text import Text

    for name in _TERMINAL_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    clean = summary([])
    expected = _Stream(tty)
    Console(
        file=expected,
        width=100,
        highlight=False,
        markup=False,
        force_terminal=color,
        no_color=color is False,
        soft_wrap=False,
    ).print(Text(clean.sentence(), style="green"), soft_wrap=True)
    out = _Stream(tty)
    reporter = build_reporter("full", out, ReportOptions(width=100, color=color))
    reporter.finish(clean)
    assert out.getvalue() == expected.getvalue()
    assert ("\x1b[" in out.getvalue()) == (
        Console(file=_Stream(tty), force_terminal=color).is_terminal and color is not False
    )


@pytest.mark.parametrize("color", [False, True], ids=["plain", "colour"])
@pytest.mark.parametrize(
    ("width", "lines"),
    [
        pytest.param(20, ["Checked 40 lines in", "2 files: no", "problems. Naive", "times read as UTC."], id="20"),
        pytest.param(40, ["Checked 40 lines in 2 files: no", "problems. Naive times read as UTC."], id="40"),
        pytest.param(67, ["Checked 40 lines in 2 files: no problems. Naive times read as UTC."], id="67-fits"),
    ],
)
def test_the_summary_is_wrapped_at_words_by_rich_not_by_the_terminal(width, lines, color):
    out = io.StringIO()
    build_reporter("full", out, ReportOptions(width=width, color=color)).finish(summary([]))
    assert _SGR.sub("", out.getvalue()).split("\n") == [*lines, ""]  # no line padded with spaces


@pytest.mark.parametrize(
    ("width", "env", "expected"),
    [
        pytest.param(33, {"COLUMNS": "200"}, 33, id="asked-for"),
        pytest.param(None, {"COLUMNS": "57"}, 57, id="COLUMNS"),
        pytest.param(None, {"COLUMNS": "wide"}, 80, id="COLUMNS-not-a-number"),
    ],
)
def test_width_without_rich_is_richs(monkeypatch, width, env, expected):
    from rich.console import Console

    from wsfix.reporters.full import _plain_width

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # No terminal on the standard streams here (pytest captures them), as in a pipe.
    monkeypatch.setattr("os.get_terminal_size", lambda fd: (_ for _ in ()).throw(OSError()))
    assert _plain_width(width) == expected == Console(file=io.StringIO(), width=width).width


_SGR = re.compile("\x1b\\[[0-9;]*m")


def _colour_parameters(text: str) -> list[str]:
    """The colour parameters (30-38, 40-48, 90-97, 100-107) of the SGR escape sequences in `text`."""
    colours = []
    for sequence in re.findall(r"\x1b\[([0-9;]*)m", text):
        colours += [p for p in sequence.split(";") if p and (30 <= int(p) <= 48 or 90 <= int(p) <= 107)]
    return colours


@pytest.mark.parametrize("no_color", [None, "1", ""], ids=["no-env", "NO_COLOR=1", "NO_COLOR-empty"])
def test_no_color_in_the_environment_turns_colour_off(monkeypatch, no_color):
    # https://no-color.org: on a terminal, with colour left to wsfix (no --color option forces
    # it), NO_COLOR set to anything but "" means no colour; other styles (bold) may stay. An
    # empty NO_COLOR does not count.
    for name in _TERMINAL_ENV:
        monkeypatch.delenv(name, raising=False)
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)
    out = _Stream(tty=True)
    reporter = build_reporter("full", out, ReportOptions(width=100, color=None))
    for problem in PROBLEMS:
        reporter.add(problem)
    reporter.finish(summary(PROBLEMS))
    assert "\x1b[" in out.getvalue()  # styled: a terminal
    assert bool(_colour_parameters(out.getvalue())) == (not no_color)
