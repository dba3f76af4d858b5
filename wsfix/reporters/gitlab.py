"""`gitlab`: a GitLab Code Quality report, a JSON array of issues.

Each issue has `description`, `check_name` (the rule's code), `fingerprint` (unique per finding
and the same on every run, from `fingerprints.Fingerprints`), `severity` (`major` for errors,
`minor` for warnings) and `location.path` (relative to the folder wsfix runs in) with
`location.lines.begin`. The array is streamed, one issue per line.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from wsfix import rules
from wsfix.display import printable
from wsfix.problems import Problem, Severity
from wsfix.reporters import FindingText, Reporter
from wsfix.reporters.findings import StreamedArray, dumps, evidence_line
from wsfix.reporters.fingerprints import Fingerprints, placeholder
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
        self._issue = functools.partial(_issue, options.base_dir)

    def add(self, problem: Problem) -> None:
        self.add_texts([self._issue(problem)], problem.path, problem.fix is not None)

    def finding_text(self) -> FindingText:
        return self._issue

    def add_texts(self, texts: list[str], path: str, fixable: int) -> None:
        if texts:
            shown = relative_path(path, self.options.base_dir)
            filled = self._fingerprints.fill(_SEPARATOR.join(texts), shown, _hashed)
            self._issues.add_all(filled.split(_SEPARATOR))

    def finish(self, summary: Summary) -> None:
        self._issues.close()
        self.out.write("\n")


# Between findings' texts while their fingerprints are filled in (as in `sarif`).
_SEPARATOR = "\1"


def _hashed(fingerprint: str) -> str:
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32]


def _issue(base_dir: str | None, problem: Problem) -> str:
    """A finding's issue, its fingerprint a `fingerprints.placeholder`; paths relative to
    `base_dir` (with `base_dir` given: a `FindingText`)."""
    path = relative_path(problem.path, base_dir)
    code = problem.code
    # The code, field and message repeat from finding to finding: made printable once. A fix's
    # words start with a space, so no `::` or `##` spans the two parts.
    description = _printable_headline(code, problem.json_path, problem.message)
    if problem.fix is not None:
        description += printable(f" (wsfix repair writes {problem.fix.replacement})")
    before = {"type": "issue", "description": description, "check_name": code, "categories": ["Bug Risk"]}
    after: dict[str, Any] = {
        "severity": _SEVERITY_BY_CODE[code],
        "location": {"path": path, "lines": {"begin": problem.line}},
    }
    if problem.evidence is not None:
        captured = evidence_line(problem)
        assert captured is not None
        after["content"] = {"body": printable(captured)}
    # The members as `dumps` writes the whole issue, the fingerprint's value a placeholder.
    return f'{dumps(before)[:-1]},"fingerprint":"{placeholder(problem, path)}",{dumps(after)[1:]}'
