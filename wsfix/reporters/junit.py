"""`junit`: JUnit XML, one testsuite per file and one failing testcase per finding.

A testcase carries the `file` and `line` attributes and a `failure` whose message is the finding
and whose text gives the details (field, value, pydantic's error type, fix). A file without
findings gets one passing testcase, so CI test views list it as checked.

Counts are attributes of the `testsuites` and `testsuite` start tags, known only at the end. The
testcases are therefore written, as they come, to a spill file (`SpooledTemporaryFile`: in memory
up to 1 MiB, on disk beyond), and copied out by byte ranges at the end, so memory grows with the
number of files, not of findings. All text is escaped by `printable` first, which also keeps out
every character XML 1.0 forbids.
"""

from __future__ import annotations

import codecs
import functools
import re
import tempfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from wsfix.display import printable
from wsfix.problems import Problem
from wsfix.reporters import FindingText, Reporter
from wsfix.reporters.findings import RULE_FACTS
from wsfix.reporters.findings import details as finding_details
from wsfix.reporters.locations import relative_path
from wsfix.summary import Summary

SPILL_IN_MEMORY = 1 << 20
_COPY_CHUNK = 1 << 16


@functools.lru_cache(maxsize=1024)
def _path_attribute(path: str) -> str:
    return _quoteattr(printable(path))


# What `escape` and `quoteattr` change: text without any of it is written as it is (nearly every
# finding's text), without their Python-level replace loops (7 a finding, a third of its time).
_TEXT_SPECIAL = re.compile("[&<>]")
_ATTRIBUTE_SPECIAL = re.compile("[&<>\"'\n\r\t]")


def _escape(text: str) -> str:
    return escape(text) if _TEXT_SPECIAL.search(text) else text


def _quoteattr(text: str) -> str:
    return quoteattr(text) if _ATTRIBUTE_SPECIAL.search(text) else f'"{text}"'


@functools.lru_cache(maxsize=64)  # a field and its message repeat (few kinds): small, so memory stays flat
def _headline_attribute(field: str, message: str) -> str:
    return _quoteattr(printable(f"{field}: {message}" if field else message))


@functools.lru_cache(maxsize=256)
def _code_attribute(code: str) -> str:
    return _quoteattr(printable(code))


def _failure_text(lines: list[str]) -> str:
    """`lines`, each made `printable`, joined by line breaks and escaped for XML: in one test of
    the whole text when none of that changes anything (nearly always), else line by line. (A
    regular expression for the test scans the text at a third of the speed of these.)"""
    text = "\n".join(lines)
    if (
        text.isascii()
        and "::" not in text
        and "##" not in text
        and "&" not in text
        and "<" not in text
        and ">" not in text
        and text.count("\n") == len(lines) - 1  # no line breaks within a line (printable escapes them)
        and text.replace("\n", " ").isprintable()
    ):
        return text
    return _escape("\n".join([printable(line) for line in lines]))  # escape keeps "\n" as it is


def _testcase(base_dir: str | None, problem: Problem) -> str:
    """A finding's testcase element, its paths relative to `base_dir` (with `base_dir` given: a
    `FindingText`)."""
    # One unpacking, the rule's facts from a table, and the text that repeats from finding to
    # finding escaped once: this runs for every finding.
    file_path, line, column, field, code, message = problem[:6]
    name, severity = RULE_FACTS[code]
    path = relative_path(file_path, base_dir)
    path_attr = _path_attribute(path)
    where = f"{line}:{column}" if column else f"{line}"
    details = [f"{path}:{where}: {code} {name} ({severity})", *finding_details(problem)]
    body = _failure_text(details)
    name_start = _plain_name_start(code)
    test_name = (
        f'"{name_start}{where}"' if name_start is not None else _quoteattr(printable(f"{code} {name} at line {where}"))
    )
    return (
        f'    <testcase name={test_name} classname={path_attr} file={path_attr} line="{line}">\n'
        f"      <failure message={_headline_attribute(field, message)} type={_code_attribute(code)}>"
        f"{body}</failure>\n    </testcase>\n"
    )


@functools.lru_cache(maxsize=256)
def _plain_name_start(code: str) -> str | None:
    """A testcase's name up to its line number (`WS101 timestamp-iso-string at line `) where
    neither `printable` nor `quoteattr` changes it (every rule of the catalog): the digits and
    colon that follow keep it so, and it ends in a space, so no `::` can span the two."""
    start = f"{code} {RULE_FACTS[code][0]} at line "
    return start if printable(start) == start and not _ATTRIBUTE_SPECIAL.search(start) else None


@dataclass
class _Suite:
    failures: int = 0
    ranges: list[tuple[int, int]] = field(default_factory=list)  # byte ranges in the spill file


class JunitReporter(Reporter):
    def __init__(self, out, options) -> None:  # type: ignore[no-untyped-def]
        super().__init__(out, options)
        self._spill = tempfile.SpooledTemporaryFile(max_size=SPILL_IN_MEMORY, mode="w+b")  # noqa: SIM115 - closed in finish()
        self._suites: dict[str, _Suite] = {}
        self._current: str | None = None
        self._start = 0
        self._testcase = functools.partial(_testcase, options.base_dir)

    def add(self, problem: Problem) -> None:
        self.add_texts([self._testcase(problem)], problem.path, problem.fix is not None)

    def finding_text(self) -> FindingText:
        return self._testcase

    def add_texts(self, texts: list[str], path: str, fixable: int) -> None:
        if not texts:  # a file without findings has no suite until the end
            return
        if path != self._current:
            self._close_range()
            self._current = path
            self._start = self._spill.tell()
        suite = self._suites.get(path)
        if suite is None:
            suite = self._suites[path] = _Suite()
        suite.failures += len(texts)
        self._spill.write("".join(texts).encode())

    def _close_range(self) -> None:
        if self._current is not None:
            self._suites[self._current].ranges.append((self._start, self._spill.tell()))

    def finish(self, summary: Summary) -> None:
        self._close_range()
        self._current = None
        paths = list(dict.fromkeys(summary.files))
        tests = sum(self._suites[path].failures if path in self._suites else 1 for path in paths)
        failures = summary.tally.total
        out = self.out
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<testsuites name="wsfix" tests="{tests}" failures="{failures}" errors="0">\n')
        for path in paths:
            shown = _path_attribute(relative_path(path, self.options.base_dir))
            suite = self._suites.get(path)
            count = suite.failures if suite else 0
            out.write(
                f'  <testsuite name={shown} tests="{count or 1}" failures="{count}" '
                f'errors="0" skipped="0" file={shown}>\n'
            )
            if suite is None:
                out.write(f'    <testcase name="no findings" classname={shown} file={shown}/>\n')
            else:
                self._copy(suite.ranges)
            out.write("  </testsuite>\n")
        out.write("</testsuites>\n")
        self._spill.close()

    def _copy(self, ranges: list[tuple[int, int]]) -> None:
        decode = codecs.getincrementaldecoder("utf-8")().decode  # chunks may split a character
        for start, end in ranges:
            self._spill.seek(start)
            left = end - start
            while left:
                chunk = self._spill.read(min(left, _COPY_CHUNK))
                self.out.write(decode(chunk))
                left -= len(chunk)
