"""`github`: GitHub Actions workflow commands that annotate the findings, and a step summary.

`::error file=…,line=…,col=…,title=…::message` per finding (`::warning` for warnings). GitHub
shows only 10 errors and 10 warnings per step, so the first 10 of each are emitted and one
`::notice` says how many more there are; once both are shown, findings are only counted
(`problems_wanted`), as past a table's rows. With `ReportOptions.step_summary` (the CLI passes
`$GITHUB_STEP_SUMMARY`), a Markdown table of counts is appended to that file.

Captured payloads are untrusted, and the runner executes any log line that starts (after white
space) with `::` or contains `##[`. So text from a capture appears only inside the data or
properties of our own commands, escaped as the runner unescapes it (`%`, CR, LF; in properties
also `:` and `,`) after `printable` has written every control character as a visible escape: a
finding's text cannot end our command's line, so it cannot start one of its own. Every other
line (the summary sentence) carries no capture text and is checked the same way anyway.
"""

from __future__ import annotations

import string
from collections import Counter

from wsfix import rules
from wsfix.display import printable
from wsfix.errors import OutputError
from wsfix.problems import Problem, Severity, Wanted
from wsfix.reporters import Reporter
from wsfix.reporters.findings import details
from wsfix.reporters.locations import relative_path
from wsfix.summary import Summary

ANNOTATIONS_PER_SEVERITY = 10  # what GitHub shows per step for each of errors and warnings
SUMMARY_FILES_SHOWN = 50
_VALUE_WIDTH = 200
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def escape_data(text: str) -> str:
    """Workflow-command data: the runner turns `%25`, `%0D`, `%0A` back into `%`, CR, LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow-command property value: as data, plus `:` and `,`, which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def inert(line: str) -> str:
    """`line` (no line break) made unable to act as a workflow command in a log."""
    line = printable(line)
    if line.lstrip().startswith("::") or "##[" in line:
        line = line.replace(":", "%3A").replace("##[", "#%23[")
    return line


_MARKDOWN_SPECIAL = frozenset(string.punctuation)


def markdown(text: str) -> str:
    """Text for a Markdown table cell: visible escapes for controls, every ASCII punctuation mark
    backslash-escaped (so no emphasis, link, HTML or `|` cell break can come from a payload)."""
    return "".join(f"\\{char}" if char in _MARKDOWN_SPECIAL else char for char in printable(text))


class GithubReporter(Reporter):
    def __init__(self, out, options) -> None:  # type: ignore[no-untyped-def]
        super().__init__(out, options)
        self._shown: Counter[Severity] = Counter()
        self._per_file: Counter[str] = Counter()  # grows with files, not findings

    def add(self, problem: Problem) -> None:
        rule = rules.BY_CODE[problem.code]
        self._per_file[problem.path] += 1
        if self._shown[rule.severity] >= ANNOTATIONS_PER_SEVERITY:
            return  # counted in the summary's tally
        self._shown[rule.severity] += 1
        properties = [
            f"file={escape_property(printable(relative_path(problem.path, self.options.base_dir)))}",
            f"line={problem.line}",
        ]
        if problem.column:
            properties.append(f"col={problem.column}")
        properties.append(f"title={escape_property(f'{problem.code} ({rule.name})')}")
        self.out.write(f"::{_COMMAND[rule.severity]} {','.join(properties)}::{escape_data(_message(problem))}\n")

    def problems_wanted(self) -> Wanted:
        # So many of each kind shown in full: the rest are only counted. A chunk sent before the
        # first is back works out only its own first so many of each.
        return {severity: max(ANNOTATIONS_PER_SEVERITY - self._shown[severity], 0) for severity in _COMMAND}

    def add_unshown(self, count: int, path: str) -> None:
        self._per_file[path] += count

    def finish(self, summary: Summary) -> None:
        # Every finding is in the tally: those not annotated are the rest.
        not_shown = {severity: summary.tally.by_severity(severity) - self._shown[severity] for severity in _COMMAND}
        hidden = sum(not_shown.values())
        if hidden:
            parts = ", ".join(
                f"{count:,} {_COMMAND[severity]}{'s' if count != 1 else ''}"
                for severity, count in sorted(not_shown.items(), key=lambda item: item[0].value)
                if count
            )
            text = (
                f"{hidden:,} more finding{'s' if hidden != 1 else ''} not annotated ({parts}): GitHub "
                f"shows {ANNOTATIONS_PER_SEVERITY} errors and {ANNOTATIONS_PER_SEVERITY} warnings per "
                "step. Run wsfix check (or write a report with --output-file) to see them all."
            )
            self.out.write(f"::notice title=wsfix::{escape_data(text)}\n")
        self.out.write(inert(summary.sentence()) + "\n")
        if self.options.step_summary:
            try:
                with open(self.options.step_summary, "a", encoding="utf-8") as step_summary:
                    step_summary.write(self._markdown(summary))
            except OSError as error:
                raise OutputError(
                    f"{self.options.step_summary}: cannot append the step summary: {error.strerror or error}"
                ) from error

    def _markdown(self, summary: Summary) -> str:
        tally = summary.tally
        lines = ["### wsfix check", "", printable(summary.sentence()), ""]
        if tally.total:
            lines += ["| Rule | Name | Severity | Findings | Fixable |", "|---|---|---|---:|---:|"]
            for code in sorted(tally.counts):
                rule = rules.BY_CODE[code]
                fixable = f"{tally.fixable[code]:,}" if rule.fixable else "no fix"
                lines.append(f"| {code} | {rule.name} | {rule.severity.value} | {tally.counts[code]:,} | {fixable} |")
            lines.append("")
        files = list(dict.fromkeys(summary.files))
        lines += ["| File | Findings |", "|---|---:|"]
        for path in files[:SUMMARY_FILES_SHOWN]:
            shown = relative_path(path, self.options.base_dir)
            lines.append(f"| {markdown(shown)} | {self._per_file[path]:,} |")
        if len(files) > SUMMARY_FILES_SHOWN:
            lines.append(f"| … and {len(files) - SUMMARY_FILES_SHOWN:,} more files | |")
        return "\n".join(lines) + "\n\n"


def _message(problem: Problem) -> str:
    """The annotation's text: what is wrong, then field, value, pydantic's verdict and fix, one
    per line (each escaped by `printable`, so payload text adds no line of its own)."""
    return "\n".join(printable(line) for line in [problem.message, *details(problem, _VALUE_WIDTH)])
