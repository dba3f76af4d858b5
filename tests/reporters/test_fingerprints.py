"""Fingerprints: a hash of what a finding is, and which occurrence of it it is in its file."""

from __future__ import annotations

import hashlib

from wsfix.problems import Problem
from wsfix.reporters.fingerprints import Fingerprints, placeholder


def _hash(path: str, code: str, field: str, value: str) -> str:
    return hashlib.sha256(f"{path}\0{code}\0{field}\0{value}".encode()).hexdigest()[:16]


def test_occurrences_then_line_and_column_past_the_bound(monkeypatch):
    monkeypatch.setattr(Fingerprints, "MAX_KEYS", 2)
    a = Problem("/abs/a.jsonl", 1, 5, "timestamp", "WS102", "naive", '"x"')
    b = a._replace(line=2, value='"y"')
    c = a._replace(line=3, column=None, value='"z"')  # a third distinct hash: past the bound
    again = a._replace(line=4)  # the first hash again: still numbered
    text = "|".join(f"[{placeholder(problem, 'a.jsonl')}]" for problem in (a, b, c, again))
    filled = Fingerprints().fill(text, "a.jsonl")
    ha, hb, hc = (_hash("a.jsonl", "WS102", "timestamp", value) for value in ('"x"', '"y"', '"z"'))
    assert filled == f"[{ha}:1]|[{hb}:1]|[{hc}:3:0]|[{ha}:2]"


def test_each_file_counts_on_its_own_and_shown_writes_the_fingerprint():
    problem = Problem("/abs/a.jsonl", 7, 2, "ts", "WS104", "ms", "1757350201000")
    fingerprints = Fingerprints()
    one = fingerprints.fill(placeholder(problem, "a.jsonl") * 2, "a.jsonl", str.upper)
    other = fingerprints.fill(placeholder(problem, "b.jsonl"), "b.jsonl")
    digest = _hash("a.jsonl", "WS104", "ts", "1757350201000")
    assert one == f"{digest.upper()}:1{digest.upper()}:2"
    assert other == f"{_hash('b.jsonl', 'WS104', 'ts', '1757350201000')}:1"
