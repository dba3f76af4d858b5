"""Fingerprints of findings that stay the same from run to run, for SARIF and GitLab.

A fingerprint is a hash of the finding's path, code, field and value as written, plus which
occurrence of that hash it is within its file: identical findings on different lines stay
distinct, and lines inserted elsewhere in the capture change nothing. Memory is bounded: past
`MAX_KEYS` distinct hashes in one file, a new hash takes the finding's line and column instead of
an occurrence number (still unique and the same on every run over the same capture).
"""

from __future__ import annotations

import hashlib

from wsfix.problems import Problem


class Fingerprints:
    MAX_KEYS = 10_000

    def __init__(self) -> None:
        self._path: str | None = None
        self._seen: dict[str, int] = {}

    def of(self, problem: Problem, path: str) -> str:
        """`<16 hex digits>:<occurrence>` (or `:<line>:<column>` past the bound); `path` is the
        path as reported (relative), so the fingerprint does not depend on the checkout folder."""
        if path != self._path:
            self._path = path
            self._seen = {}
        key = "\0".join((path, problem.code, problem.json_path, problem.value or ""))
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        count = self._seen.get(digest)
        if count is None and len(self._seen) >= self.MAX_KEYS:
            return f"{digest}:{problem.line}:{problem.column or 0}"
        count = (count or 0) + 1
        self._seen[digest] = count
        return f"{digest}:{count}"
