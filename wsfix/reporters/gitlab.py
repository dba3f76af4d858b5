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
from wsfix.reporters.findings import StreamedArray, dumps, dumps_string, evidence_line
from wsfix.reporters.fingerprints import FingerprintedItems, placeholder
from wsfix.reporters.locations import relative_path
from wsfix.summary import Summary

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}
_SEVERITY_BY_CODE = {rule.code: SEVERITY[rule.severity] for rule in rules.RULES}


@functools.lru_cache(maxsize=64)  # few kinds of message: a small cache, so memory stays flat
def _printable_headline(code: str, field: str, message: str) -> str:
    return printable(f"{code} {field}: {message}" if field else f"{code} {message}")


class GitlabReporter(FingerprintedItems):
    def __init__(self, out, options) -> None:  # type: ignore[no-untyped-def]
        self._issues = StreamedArray(out)
        super().__init__(out, options, self._issues, functools.partial(_issue, options.base_dir), _hashed)

    def finish(self, summary: Summary) -> None:
        self._issues.close()
        self.out.write("\n")


def _hashed(fingerprint: str) -> str:
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32]


def _issue(base_dir: str | None, problem: Problem) -> str:
    """A finding's issue, its fingerprint a `fingerprints.placeholder`; paths relative to
    `base_dir` (with `base_dir` given: a `FindingText`). Written member by member, as
    `findings.finding_json` writes a finding; the text `_issue_in_full` writes
    (tests/reporters/test_finding_json.py holds them to it)."""
    path, line, _, field, code, message, _, _, fix, _, _, found_evidence = problem
    if found_evidence is not None:
        return _issue_in_full(base_dir, problem)
    # A fix's words start with a space, so no `::` or `##` spans them and the headline.
    fix_words = "" if fix is None else dumps_string(printable(f" (wsfix repair writes {fix[2]})"))[1:-1]
    path = relative_path(path, base_dir)
    return (
        f"{_head(code, field, message)}{fix_words}{_middle(code)}{placeholder(problem, path)}"
        f'{_after_fingerprint(code)}{_path(path)},"lines":{{"begin":{line}}}}}}}'
    )


@functools.lru_cache(maxsize=64)  # few kinds of message: a small cache, so memory stays flat
def _head(code: str, field: str, message: str) -> str:
    # The issue up to its description's end, which is left open.
    return f'{{"type":"issue","description":{dumps_string(_printable_headline(code, field, message))[:-1]}'


@functools.lru_cache(maxsize=64)
def _middle(code: str) -> str:
    # From the description's end to the fingerprint's value.
    return f'","check_name":{dumps(code)},"categories":["Bug Risk"],"fingerprint":"'


@functools.lru_cache(maxsize=64)
def _after_fingerprint(code: str) -> str:
    # From the fingerprint's end to the location's path.
    return f'","severity":{dumps(_SEVERITY_BY_CODE[code])},"location":{{"path":'


@functools.lru_cache(maxsize=64)  # a report names few captures
def _path(path: str) -> str:
    return dumps(path)


def _issue_in_full(base_dir: str | None, problem: Problem) -> str:
    """`_issue`, from the whole issue's members (for a finding with a capture time's evidence)."""
    path = relative_path(problem.path, base_dir)
    code = problem.code
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
