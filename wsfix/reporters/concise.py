"""`concise`: one finding per line, `path:line:col: CODE [severity] message [*]`, clickable in editors.

The severity is a word (`[error]`, `[warning]`, as yamllint's parsable format writes it), so it
reads without colour. `[*]` marks a finding `wsfix repair` fixes. A record that a line does not
name (a HAR message) is named after the severity: `path:155:79: WS101 [error] entry 1, message 1
(receive): timestamp: ...`. The summary sentence ends the output.

Text from a capture is shown as written, with only what a terminal would act on escaped
(`display.as_written`): this is a report for people; the `github` format is the one for a CI log.
"""

from __future__ import annotations

from wsfix.display import as_written
from wsfix.problems import Problem
from wsfix.reporters import FindingText, LinePerFinding
from wsfix.reporters.findings import RULE_FACTS
from wsfix.summary import Summary


def finding_line(problem: Problem) -> str:
    """A finding's line, without its line break."""
    path, line, column, field, code, message = problem[:6]
    mark = " [*]" if problem.fix is not None else ""
    record = f"{problem.record}: " if problem.record else ""
    field = f"{field}: " if field else ""
    text = f"{path}:{line}:{column or 1}: {code} [{RULE_FACTS[code][1]}] {record}{field}{message}{mark}"
    # `as_written` leaves such text as it is, and this runs for every finding: asked first.
    return text if text.isascii() and text.isprintable() else as_written(text)


class ConciseReporter(LinePerFinding):
    def finding_text(self) -> FindingText:
        return finding_line

    def finish(self, summary: Summary) -> None:
        if not self.options.quiet:
            self.out.write(summary.sentence() + "\n")
