"""`jsonl`: one finding per line, each a JSON object (see `findings.finding`); nothing else.

Every line has the same shape, so the output can be streamed into jq, a database or another
JSON Lines tool; the counts are what the lines add up to.
"""

from __future__ import annotations

from wsfix.reporters import FindingText, LinePerFinding
from wsfix.reporters.findings import finding_json
from wsfix.summary import Summary


class JsonLinesReporter(LinePerFinding):
    def finding_text(self) -> FindingText:
        return finding_json

    def finish(self, summary: Summary) -> None:
        pass
