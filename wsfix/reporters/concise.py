"""`concise`: one finding per line, `path:line:col: CODE message [*]`, clickable in editors.

`[*]` marks a finding `wsfix repair` fixes. A record that a line does not name (a HAR message)
is named after the code: `path:155:79: WS101 entry 1, message 1 (receive): timestamp: ...`. The
summary sentence ends the output.
"""

from __future__ import annotations

from wsfix.display import printable
from wsfix.problems import Problem
from wsfix.report import Summary
from wsfix.reporters import Reporter


class ConciseReporter(Reporter):
    def add(self, problem: Problem) -> None:
        where = f"{problem.path}:{problem.line}:{problem.column or 1}"
        mark = " [*]" if problem.fix is not None else ""
        field = f"{problem.json_path}: " if problem.json_path else ""
        record = f"{problem.record}: " if problem.record else ""
        self.out.write(printable(f"{where}: {problem.code} {record}{field}{problem.message}{mark}") + "\n")

    def finish(self, summary: Summary) -> None:
        self.out.write(summary.sentence() + "\n")
