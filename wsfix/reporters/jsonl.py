"""`jsonl`: one finding per line, each a JSON object (see `records.finding`); nothing else.

Every line has the same shape, so the output can be streamed into jq, a database or another
JSON Lines tool; the counts are what the lines add up to.
"""

from __future__ import annotations

from wsfix.problems import Problem
from wsfix.report import Summary
from wsfix.reporters import Reporter
from wsfix.reporters.records import dumps, finding


class JsonLinesReporter(Reporter):
    def add(self, problem: Problem) -> None:
        self.out.write(dumps(finding(problem)) + "\n")

    def finish(self, summary: Summary) -> None:
        pass
