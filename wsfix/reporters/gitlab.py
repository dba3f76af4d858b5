"""`gitlab`: a GitLab Code Quality report, a JSON array of issues.

Each issue has `description`, `check_name` (the rule's code), `fingerprint` (unique per finding
and the same on every run, from `fingerprints.Fingerprints`), `severity` (`major` for errors,
`minor` for warnings) and `location.path` (relative to the folder wsfix runs in) with
`location.lines.begin`. The array is streamed, one issue per line.
"""

from __future__ import annotations

import functools
import hashlib

from wsfix import rules
from wsfix.display import printable
from wsfix.problems import Problem, Severity
from wsfix.reporters import Reporter
from wsfix.reporters.findings import StreamedArray, dumps, evidence_line
from wsfix.reporters.fingerprints import Fingerprints
from wsfix.reporters.locations import relative_path
from wsfix.summary import Summary

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}
_SEVERITY_BY_CODE = {rule.code: SEVERITY[rule.severity] for rule in rules.RULES}


@functools.lru_cache(maxsize=64)  # few kinds of message: a small cache, so memory stays flat
def _printable_headline(code: str, field: str, message: str) -> str:
    return printable(f"{code} {field}: {message}" if field else f"{code} {message}")


class GitlabReporter(Reporter):
    def __init__(self, out, options) -> None:  # type: ignore[no-untyped-def]
        super().__init__(out, options)
        self._issues = StreamedArray(out)
        self._fingerprints = Fingerprints()

    def add(self, problem: Problem) -> None:
        path = relative_path(problem.path, self.options.base_dir)
        code = problem.code
        # The code, field and message repeat from finding to finding: made printable once. A fix's
        # words start with a space, so no `::` or `##` spans the two parts.
        description = _printable_headline(code, problem.json_path, problem.message)
        if problem.fix is not None:
            description += printable(f" (wsfix repair writes {problem.fix.replacement})")
        fingerprint = self._fingerprints.of(problem, path)
        issue = {
            "type": "issue",
            "description": description,
            "check_name": code,
            "categories": ["Bug Risk"],
            "fingerprint": hashlib.sha256(fingerprint.encode()).hexdigest()[:32],
            "severity": _SEVERITY_BY_CODE[code],
            "location": {"path": path, "lines": {"begin": problem.line}},
        }
        if problem.evidence is not None:
            captured = evidence_line(problem)
            assert captured is not None
            issue["content"] = {"body": printable(captured)}
        self._issues.add(dumps(issue))

    def finish(self, summary: Summary) -> None:
        self._issues.close()
        self.out.write("\n")
