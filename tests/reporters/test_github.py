"""The github format: annotations GitHub will show, and nothing a capture can turn into a command.

The Actions runner reads every log line; it runs a line as a workflow command when the line,
after leading white space, starts with `::` and has a second `::` (`ActionCommand.TryParseV2` in
actions/runner), or else when it contains `##[` followed later by `]` (the older `TryParse`, which
looks anywhere in the line). `runner_command` below models both, more eagerly than the runner
(any command name counts), so a test passes only if no payload can get that far.
"""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wsfix import parallel, rules
from wsfix.cli import app
from wsfix.display import printable
from wsfix.problems import Fix, Problem
from wsfix.reporters import Forwarding, Reporter, ReportOptions, build_reporter
from wsfix.reporters.github import escape_data, escape_property, inert, markdown
from wsfix.run import check_captures
from wsfix.settings import Settings
from wsfix.summary import Summary, Tally


def _unescape(text: str, property_value: bool) -> str:
    # As the runner does it: each mapping replaced in turn, %25 last.
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if property_value:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, raw in [*pairs, ("%25", "%")]:
        text = text.replace(escaped, raw)
    return text


def runner_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """(name, properties, data) if the runner would take `line` as a command, else None."""
    trimmed = line.lstrip()
    if trimmed.startswith("::"):
        end = trimmed.find("::", 2)
        if end >= 0:
            name, _, rest = trimmed[2:end].partition(" ")
            properties = {}
            for item in filter(None, rest.strip().split(",")):
                key, sep, value = item.partition("=")
                if sep and key and value:
                    properties[key] = _unescape(value, property_value=True)
            return name, properties, _unescape(trimmed[end + 2 :], property_value=False)
    start = line.find("##[")
    if start >= 0 and line.find("]", start) >= 0:
        return "v1:" + line[start + 3 : line.find("]", start)], {}, ""
    return None


def run_reporter(problems, files=("capture.jsonl",), step_summary=None) -> str:
    out = io.StringIO()
    reporter = build_reporter("github", out, ReportOptions(base_dir="/repo", step_summary=step_summary))
    tally = Tally()
    for problem in problems:
        tally.add(problem)
        reporter.add(problem)
    reporter.finish(Summary(files=tuple(files), lines=100, tally=tally, naive_zone="UTC", schema="websocket-message"))
    return out.getvalue()


def check_only_our_commands(output: str, problems) -> list[tuple[str, dict[str, str], str]]:
    """Every line is one of our annotations (in order, at most 10 per severity) or the notice,
    or no command at all; returns the annotations as the runner reads them."""
    assert "\r" not in output
    lines = output.split("\n")
    assert lines.pop() == ""
    assert output.splitlines() == lines  # no other line separator (NEL, U+2028, ...) in the output
    commands = [runner_command(line) for line in lines]
    annotations = [command for command in commands if command is not None and command[0] != "notice"]
    shown = {"error": 0, "warning": 0}
    expected = []
    for problem in problems:
        severity = rules.BY_CODE[problem.code].severity.value
        if shown[severity] < 10:
            shown[severity] += 1
            expected.append((severity, problem))
    assert len(annotations) == len(expected)
    for (name, properties, data), (severity, problem) in zip(annotations, expected, strict=True):
        assert name == severity
        assert set(properties) <= {"file", "line", "col", "title"}
        assert properties["title"] == f"{problem.code} ({rules.BY_CODE[problem.code].name})"
        assert properties["line"] == str(problem.line)
        assert properties["file"].endswith(printable(problem.path.rsplit("/", 1)[-1]))
        data_lines = data.split("\n")
        assert data_lines[0] == printable(problem.message)
        assert all(line.split(": ", 1)[0] in {"field", "value", "pydantic", "fix"} for line in data_lines[1:])
    notices = [command for command in commands if command is not None and command[0] == "notice"]
    assert len(notices) == (1 if len(problems) > len(expected) else 0)
    return annotations


HOSTILE_LINES = [
    b'{"type":"ping","timestamp":"::error::pwned"}',
    b'{"type":"ping","timestamp":"%0A::error::pwned%0D%0A"}',
    '{"type":"ping","timestamp":"\u2028::error::pwned\u0085##[error]pwned"}'.encode(),
    b'{"type":"ping","timestamp":"x\\n::error::pwned\\r\\n::warning::pwned"}',
    b"::error::pwned",
    b"##[error]pwned",
    b'{"type":"ping","timestamp":0}\r::error::pwned',
    b'{"type":"::error file=x,line=1::pwned","timestamp":1757350201}',
    b'{"type":"ping","timestamp":"::add-mask::x ::stop-commands::y %25 %3A %2C"}',
]


def test_hostile_capture_cannot_start_a_workflow_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "cap ::error::pwned,x=%0A\n::warning::pwned.jsonl"  # file names are hostile too
    with open(name, "wb") as capture:
        capture.write(b"\n".join(HOSTILE_LINES) + b"\n")
    summary_path = tmp_path / "step-summary.md"
    result = CliRunner().invoke(
        app, ["check", name, "--output-format", "github"], env={"GITHUB_STEP_SUMMARY": str(summary_path)}
    )
    assert result.exit_code == 1, result.output
    findings = [
        json.loads(line)
        for line in CliRunner().invoke(app, ["check", name, "--output-format", "jsonl"]).stdout.splitlines()
    ]
    assert [finding["code"] for finding in findings] == [
        "WS106",
        "WS106",
        "WS106",
        "WS106",
        "WS001",
        "WS001",
        "WS001",
        "WS004",
        "WS106",
    ]
    annotations = check_only_our_commands(
        result.stdout,
        [
            Problem(f["path"], f["line"], f["column"], f["json_path"], f["code"], f["message"], f["value"])
            for f in findings
        ],
    )
    assert all(properties["file"] == printable(name) for _, properties, _ in annotations)
    values = [
        line.removeprefix("value: ")
        for _, _, data in annotations
        for line in data.split("\n")
        if line.startswith("value: ")
    ]
    assert values[:4] == [  # printable writes the second character of `::` and `##` as an escape
        '":\\x3aerror:\\x3apwned"',
        '"%0A:\\x3aerror:\\x3apwned%0D%0A"',  # shown as written, not turned into line breaks
        '"\\u2028:\\x3aerror:\\x3apwned\\x85#\\x23[error]pwned"',
        '"x\\n:\\x3aerror:\\x3apwned\\r\\n:\\x3awarning:\\x3apwned"',
    ]
    assert result.stdout.count("\n") == len(HOSTILE_LINES) + 1  # annotations and the summary sentence
    step_summary = summary_path.read_text(encoding="utf-8")
    [file_row] = [line for line in step_summary.splitlines() if line.startswith("| cap")]
    assert _cells(file_row) == [markdown(name), "9"]


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row, split only at unescaped `|`."""
    cells, cell, escaped = [], "", False
    for char in row.strip()[1:-1]:
        if char == "|" and not escaped:
            cells.append(cell.strip())
            cell = ""
            continue
        escaped = char == "\\" and not escaped
        cell += char
    return [*cells, cell.strip()]


HOSTILE_TEXT = "a\nb\r\n::error::pwned %0A %25 , : ##[error]x\u2028\u0085\x1b[31m|<script>`x`"


def test_hostile_fields_from_any_source_stay_inside_our_commands(tmp_path):
    """Text the linter cannot produce today (real line breaks in messages, values, fields and
    paths) is still escaped: the reporter does not rely on the linter's escaping."""
    problems = [
        Problem(f"/repo/{HOSTILE_TEXT}.jsonl", 1, 2, HOSTILE_TEXT, "WS106", HOSTILE_TEXT, HOSTILE_TEXT, HOSTILE_TEXT),
        Problem(
            "/repo/capture.jsonl",
            2,
            3,
            "timestamp",
            "WS102",
            HOSTILE_TEXT,
            HOSTILE_TEXT,
            "float_parsing",
            Fix(0, 1, "1757350201.0"),
        ),
    ]
    summary_path = tmp_path / "summary.md"
    output = run_reporter(problems, files=(problems[0].path, "/repo/capture.jsonl"), step_summary=str(summary_path))
    annotations = check_only_our_commands(output, problems)
    assert annotations[0][1]["file"] == printable(f"{HOSTILE_TEXT}.jsonl")
    assert annotations[1][2].split("\n")[-1] == "fix: 1757350201.0 (wsfix repair)"
    rows = [line for line in summary_path.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    assert all(len(_cells(row)) in (2, 5) for row in rows)
    assert "<script>" not in summary_path.read_text(encoding="utf-8")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(),
            st.text(),
            st.text(),
            st.one_of(st.none(), st.text()),
            st.sampled_from(["WS004", "WS003", "WS102", "WS104"]),
        ),
        max_size=25,
    )
)
def test_no_text_can_escape_an_annotation(fields):
    problems = [
        Problem(f"/repo/{path}", number, 1, json_path, code, message, value)
        for number, (path, json_path, message, value, code) in enumerate(fields, 1)
    ]
    check_only_our_commands(run_reporter(problems), problems)


def test_ten_errors_and_ten_warnings_then_a_notice():
    problems = [Problem("capture.jsonl", n, 1, "timestamp", "WS102", "naive") for n in range(1, 15)] + [
        Problem("capture.jsonl", n, 1, "timestamp", "WS104", "ms") for n in range(15, 27)
    ]
    output = run_reporter(problems)
    check_only_our_commands(output, problems)
    assert output.count("::error ") == 10 and output.count("::warning ") == 10
    [notice] = [line for line in output.splitlines() if line.startswith("::notice")]
    assert notice == (
        "::notice title=wsfix::6 more findings not annotated (4 errors, 2 warnings): GitHub "
        "shows 10 errors and 10 warnings per step. Run wsfix check (or write a report with "
        "--output-file) to see them all."
    )


def test_escaping_functions():
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext%3A a%2Cb"
    assert escape_data("%0A") == "%250A"  # a payload's own escape is shown, not decoded
    assert markdown("a|b *c* <d> [e](f)") == "a\\|b \\*c\\* \\<d\\> \\[e\\]\\(f\\)"
    assert inert("Checked 3 lines.") == "Checked 3 lines."
    for line in (" ::error::x", "::warning file=a::b", "a ##[error]b", "\x1b::error::x"):
        assert runner_command(inert(line)) is None, line


def test_unwritable_step_summary_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "capture.jsonl").write_bytes(b'{"type":"ping","timestamp":true}\n')
    result = CliRunner().invoke(
        app,
        ["check", "capture.jsonl", "--output-format", "github"],
        env={"GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "summary.md")},
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"wsfix: error: {tmp_path / 'no' / 'summary.md'}: cannot append the step")


class _AllShown(Forwarding):
    """The github reporter given every problem, the reference for one that counts past its
    annotations."""

    def problems_wanted(self) -> int | None:
        return None


class _Counting(Forwarding):
    def __init__(self, reporter: Reporter) -> None:
        super().__init__(reporter)
        self.unshown = 0

    def add_unshown(self, count: int, path: str) -> None:
        self.unshown += count
        super().add_unshown(count, path)


@pytest.mark.parametrize("jobs", [1, 2])
def test_past_both_kinds_of_annotation_findings_are_only_counted(tmp_path, monkeypatch, jobs):
    # 30 naive ISO strings (errors) and 30 millisecond values (warnings) in each of two captures,
    # in chunks of a few lines: once ten of each are annotated, the rest are counted only, and the
    # report (notice, step summary with findings per file) is the one every finding gives.
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    lines = b"".join(
        b'{"type":"ping","timestamp":"2025-09-08T16:50:01"}\n{"type":"ping","timestamp":1757350201000}\n'
        for _ in range(30)
    )
    paths = []
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_bytes(lines)
        paths.append(str(tmp_path / name))
    reports = []
    for wrap in (_AllShown, _Counting):
        out, summary_file = io.StringIO(), tmp_path / f"{wrap.__name__}.md"
        options = ReportOptions(base_dir=str(tmp_path), step_summary=str(summary_file))
        reporter = wrap(build_reporter("github", out, options))
        check_captures(paths, Settings(), reporter, jobs=jobs, chunk_bytes=200)
        reports.append((out.getvalue(), summary_file.read_text()))
        if isinstance(reporter, _Counting):
            assert reporter.unshown > 60  # not vacuous: most findings came by number only
    assert reports[0] == reports[1]
    assert "100 more findings not annotated (50 errors, 50 warnings)" in reports[0][0]
    assert "| a\\.jsonl | 60 |" in reports[0][1] and "| b\\.jsonl | 60 |" in reports[0][1]
