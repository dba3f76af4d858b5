"""`jsonl`: one finding per line, each a JSON object (see `findings.finding`); nothing else.

Every line has the same shape, so the output can be streamed into jq, a database or another
JSON Lines tool; the counts are what the lines add up to.
"""

from __future__ import annotations

from wsfix.problems import Problem
from wsfix.reporters import Reporter
from wsfix.reporters.findings import dumps, finding
from wsfix.summary import Summary


class JsonLinesReporter(Reporter):
    def add(self, problem: Problem) -> None:
        self.out.write(dumps(finding(problem)) + "\n")

    def finish(self, summary: Summary) -> None:
        pass
