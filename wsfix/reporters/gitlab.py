"""`gitlab`: a GitLab Code Quality report, a JSON array of issues.

Each issue has `description`, `check_name` (the rule's code), `fingerprint` (unique per finding
and the same on every run, from `fingerprints.Fingerprints`), `severity` (`major` for errors,
`minor` for warnings) and `location.path` (relative to the folder wsfix runs in) with
`location.lines.begin`. The array is streamed, one issue per line.
"""

from __future__ import annotations

import hashlib

from wsfix import rules
from wsfix.display import printable
from wsfix.problems import Problem, Severity
from wsfix.reporters import Reporter
from wsfix.reporters.findings import StreamedArray, dumps, evidence_line, headline
from wsfix.reporters.fingerprints import Fingerprints
from wsfix.reporters.locations import relative_path
from wsfix.summary import Summary

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


class GitlabReporter(Reporter):
    def __init__(self, out, options) -> None:  # type: ignore[no-untyped-def]
        super().__init__(out, options)
        self._issues = StreamedArray(out)
        self._fingerprints = Fingerprints()

    def add(self, problem: Problem) -> None:
        rule = rules.BY_CODE[problem.code]
        path = relative_path(problem.path, self.options.base_dir)
        text = headline(problem)
        if problem.fix is not None:
            text += f" (wsfix repair writes {problem.fix.replacement})"
        fingerprint = self._fingerprints.of(problem, path)
        issue = {
            "type": "issue",
            "description": printable(f"{problem.code} {text}"),
            "check_name": problem.code,
            "categories": ["Bug Risk"],
            "fingerprint": hashlib.sha256(fingerprint.encode()).hexdigest()[:32],
            "severity": SEVERITY[rule.severity],
            "location": {"path": path, "lines": {"begin": problem.line}},
        }
        captured = evidence_line(problem)
        if captured is not None:
            issue["content"] = {"body": printable(captured)}
        self._issues.add(dumps(issue))

    def finish(self, summary: Summary) -> None:
        self._issues.close()
        self.out.write("\n")
