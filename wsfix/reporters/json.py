"""`json`: one JSON document with the tool, every finding, the settings used, files and counts.

Findings are written as they come (the array is streamed, one finding per line), and everything
known only at the end follows them, so memory does not grow with the number of findings. Layout:
`tool`, `findings` (see `findings.finding`), `settings`, `files` (findings per file), `counts`
(per rule), `totals`.
"""

from __future__ import annotations

from collections import Counter

from wsfix import __version__, rules
from wsfix.problems import Problem, Severity
from wsfix.reporters import FindingText, Reporter
from wsfix.reporters.findings import StreamedArray, dumps, finding_json
from wsfix.summary import Summary


class JsonReporter(Reporter):
    def __init__(self, out, options) -> None:  # type: ignore[no-untyped-def]
        super().__init__(out, options)
        tool = {"name": "wsfix", "version": __version__}
        self._findings = StreamedArray(
            out, f'{{\n  "tool": {dumps(tool)},\n  "findings": ', indent="    ", closing_indent="  "
        )
        self._per_file: Counter[str] = Counter()  # grows with files, not findings
        self._fixable_per_file: Counter[str] = Counter()

    def add(self, problem: Problem) -> None:
        self.add_texts([finding_json(problem)], problem.path, problem.fix is not None)

    def finding_text(self) -> FindingText:
        return finding_json

    def add_texts(self, texts: list[str], path: str, fixable: int) -> None:
        if not texts:
            return
        self._findings.add_all(texts)
        self._per_file[path] += len(texts)
        self._fixable_per_file[path] += fixable

    def finish(self, summary: Summary) -> None:
        self._findings.close()
        tally = summary.tally
        settings = {
            "naive_tz": summary.naive_zone,
            "unit": summary.unit,
            "window": summary.window,
            "schema": summary.schema,
            "rules": list(summary.rules),
        }
        files = [
            {"path": path, "findings": self._per_file[path], "fixable": self._fixable_per_file[path]}
            for path in dict.fromkeys(summary.files)
        ]
        counts = {
            code: {
                "name": rules.BY_CODE[code].name,
                "severity": rules.BY_CODE[code].severity.value,
                "count": tally.counts[code],
                "fixable": tally.fixable[code],
            }
            for code in sorted(tally.counts)
        }
        totals = {
            "files": len(summary.files),
            "lines": summary.lines,
            "findings": tally.total,
            "errors": tally.by_severity(Severity.ERROR),
            "warnings": tally.by_severity(Severity.WARNING),
            "fixable": tally.fixable_total,
        }
        self.out.write(
            f',\n  "settings": {dumps(settings)},\n  "files": {dumps(files)},\n'
            f'  "counts": {dumps(counts)},\n  "totals": {dumps(totals)}\n}}\n'
        )
