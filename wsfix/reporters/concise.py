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
    path, line, column, field, code, message, _, _, fix, record = problem[:10]
    kind = (path, code, record, field, message, fix is None)
    around = _AROUND.get(kind)
    if around is None:
        around = _around(*kind)
    return f"{around[0]}{line}:{column or 1}{around[1]}"


# A finding's line but its line and column, by all else it says: the same for most findings of a
# file (a message rarely names a value). This runs for every finding: each kind is written once,
# and its text made safe once (`as_written` escapes character by character, so a line's parts may
# be escaped apart). Bounded: a HAR message's name, a value in a message make kinds of their own.
_AROUND: dict[tuple[str, str, str | None, str, str, bool], tuple[str, str]] = {}
_AROUND_KEPT = 64  # as the other formats keep theirs: memory stays flat


def _around(path: str, code: str, record: str | None, field: str, message: str, unfixed: bool) -> tuple[str, str]:
    named = f"{record}: " if record else ""
    at = f"{field}: " if field else ""
    mark = "" if unfixed else " [*]"
    around = (
        as_written(f"{path}:"),
        as_written(f": {code} [{RULE_FACTS[code][1]}] {named}{at}{message}{mark}"),
    )
    if len(_AROUND) >= _AROUND_KEPT:
        _AROUND.clear()
    _AROUND[path, code, record, field, message, unfixed] = around
    return around


class ConciseReporter(LinePerFinding):
    def finding_text(self) -> FindingText:
        return finding_line

    def finish(self, summary: Summary) -> None:
        if not self.options.quiet:
            self.out.write(summary.sentence() + "\n")
