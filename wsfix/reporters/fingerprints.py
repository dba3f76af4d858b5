"""Fingerprints of findings that stay the same from run to run, for SARIF and GitLab.

A fingerprint is a hash of the finding's path, code, field and value as written, plus which
occurrence of that hash it is within its file: identical findings on different lines stay
distinct, and lines inserted elsewhere in the capture change nothing. Memory is bounded: past
`MAX_KEYS` distinct hashes in one file, a new hash takes the finding's line and column instead of
an occurrence number (still unique and the same on every run over the same capture).

The hash depends on the finding alone, the occurrence on every finding before it in the file. So
a finding's text can be written where the finding is found, with a placeholder (`placeholder`)
holding the hash, line and column, and its fingerprint filled in where the findings meet, in
order (`Fingerprints.fill`; `FingerprintedItems`, the reporters that write such findings).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TextIO

from wsfix.problems import Problem
from wsfix.reporters import FindingText, Reporter, ReportOptions
from wsfix.reporters.findings import StreamedArray
from wsfix.reporters.locations import relative_path

# Delimits a placeholder in a finding's text: JSON text written by `findings.dumps` holds no
# control character (they are escaped), so a NUL can only be ours.
MARK = "\0"
_HASH_DIGITS = 16


def digest(problem: Problem, path: str) -> str:
    """The hash part of a finding's fingerprint (16 hex digits); `path` is the path as reported
    (relative), so that the fingerprint does not depend on the checkout folder."""
    key = "\0".join((path, problem.code, problem.json_path, problem.value or ""))
    try:
        encoded = key.encode("utf-8", "surrogateescape")  # a file name's undecodable bytes, as they were
    except UnicodeEncodeError:  # another lone surrogate (a member named "\ud800" in a capture)
        encoded = key.encode("utf-8", "surrogatepass")
    return hashlib.sha256(encoded).hexdigest()[:_HASH_DIGITS]


def placeholder(problem: Problem, path: str) -> str:
    """What stands for a finding's fingerprint in its text until `Fingerprints.fill`."""
    return f"{MARK}{digest(problem, path)}:{problem.line}:{problem.column or 0}{MARK}"


class Fingerprints:
    MAX_KEYS = 10_000

    def __init__(self) -> None:
        self._path: str | None = None
        self._seen: dict[str, int] = {}

    def fill(self, text: str, path: str, shown: Callable[[str], str] | None = None) -> str:
        """`text`, the texts of consecutive findings of `path` (as for `digest`) in order, with
        each `placeholder` replaced by its fingerprint as `shown` writes it (by default, as it is).

        This runs in the one process where findings meet, once a finding: one loop, no call. A
        placeholder holds `<hash>:<line>:<column>`, which is the fingerprint itself past the
        bound, so its numbers are never read back."""
        parts = text.split(MARK)
        if path != self._path:
            self._path = path
            self._seen = {}
        seen = self._seen
        bound = self.MAX_KEYS
        for index in range(1, len(parts), 2):
            held = parts[index]
            found = held[:_HASH_DIGITS]
            count = seen.get(found)
            if count is not None:
                count += 1
            elif len(seen) < bound:
                count = 1
            else:  # `<hash>:<line>:<column>`, as the placeholder holds it
                parts[index] = held if shown is None else shown(held)
                continue
            seen[found] = count
            fingerprint = f"{found}:{count}"
            parts[index] = fingerprint if shown is None else shown(fingerprint)
        return "".join(parts)


class FingerprintedItems(Reporter):
    """A format whose findings are the items of a JSON array (`items`), each written by `text`
    (a `FindingText` holding a `placeholder`), with its fingerprint filled in as `shown` writes
    it: SARIF's results, GitLab's issues."""

    def __init__(
        self,
        out: TextIO,
        options: ReportOptions,
        items: StreamedArray,
        text: FindingText,
        shown: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(out, options)
        self._items = items
        self._text = text
        self._shown = shown
        self._fingerprints = Fingerprints()

    def add(self, problem: Problem) -> None:
        self.add_texts([self._text(problem)], problem.path, problem.fix is not None)

    def finding_text(self) -> FindingText:
        return self._text

    def add_texts(self, texts: list[str], path: str, fixable: int) -> None:
        if texts:
            relative = relative_path(path, self.options.base_dir)
            # Filled in the items' text as the array writes it: its separators hold no placeholder.
            filled = self._fingerprints.fill(self._items.separator.join(texts), relative, self._shown)
            self._items.add_joined(filled, len(texts))
