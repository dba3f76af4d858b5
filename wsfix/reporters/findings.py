"""Pieces the machine formats share: a finding as JSON, its field as a JSONPath, ASCII-only JSON
text, a streamed JSON array, and a finding's text lines.

ASCII-only JSON keeps every character of a capture (written as a `\\uXXXX` escape) while no
control, bidirectional or otherwise invisible character reaches a terminal or a CI log; JSON's
own escaping makes payload text inert, so these formats do not apply `printable` to it. No I/O.
"""

from __future__ import annotations

import functools
import json
from json.encoder import encode_basestring_ascii
from typing import Any, TextIO

import orjson

from wsfix import rules
from wsfix.display import shorten
from wsfix.paths import Step, Wildcard, parse_path
from wsfix.problems import Problem
from wsfix.reporters import write_text
from wsfix.rules import clock_skew

# Each rule's name and severity (as written), by code: read for every finding, without the
# `Severity.value` property (Python code on an Enum).
RULE_FACTS: dict[str, tuple[str, str]] = {rule.code: (rule.name, rule.severity.value) for rule in rules.RULES}


@functools.lru_cache(maxsize=4096)  # a capture names few fields, in every finding: worked out once each
def json_path(field: str) -> str:
    """The RFC 9535 normalized path of a finding's field (`timestamp` -> `$['timestamp']`,
    `data.trades[3]` -> `$['data']['trades'][3]`); `$` for the message itself (an empty field).

    A normalized path names one value, only in bracket notation, member names in single quotes
    with `\\`, `\'` and control characters escaped (RFC 9535, section 2.7), so any JSONPath
    implementation reads it and two paths to the same value are the same text. The path is
    relative to the message the model validates (the line, the `--message-path` part, a HAR
    message's text), as the field is.
    """
    if not field:
        return "$"
    try:
        steps = parse_path(field)
    except ValueError:  # not written by wsfix.paths: name the member as it is
        steps = (field,)
    return "$" + "".join(_selector(step) for step in steps)


def _selector(step: Step) -> str:
    if isinstance(step, int):
        return f"[{step}]"
    if isinstance(step, Wildcard):  # not in a finding's path (those are concrete), but valid JSONPath
        return "[*]"
    return _normal_name(step)


_NAME_ESCAPES = {"\\": "\\\\", "'": "\\'", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _normal_name(name: str) -> str:
    """A name selector as RFC 9535's `normal-name-selector` writes it."""
    escaped = "".join(_NAME_ESCAPES.get(char) or (f"\\u{ord(char):04x}" if ord(char) < 0x20 else char) for char in name)
    return f"['{escaped}']"


def finding(problem: Problem) -> dict[str, Any]:
    """A finding as the json and jsonl formats write it.

    `json_path` is the field as an RFC 9535 normalized path (see `json_path`); `value` is the
    field's JSON text exactly as written (so `1757350204000` and `"2025-..."` keep their
    spelling), None for findings about a whole record; `fix.applies` says whether
    `wsfix repair` rewrites this value, and `fix.value` is what it writes. A finding in a record
    with a capture time also has `capture_time` and `skew` (see `evidence`).
    """
    # One unpacking and the rule's facts from a table: this runs for every finding.
    path, line, column, field, code, message, value, pydantic_type, fix, _, _, found_evidence = problem
    name, severity = RULE_FACTS[code]
    found = {
        "path": path,
        "line": line,
        "column": column,
        "json_path": json_path(field),
        "code": code,
        "name": name,
        "severity": severity,
        "message": message,
        "value": value,
        "pydantic_type": pydantic_type,
        "fix": {"applies": True, "value": fix[2]} if fix is not None else {"applies": False, "value": None},
    }
    if found_evidence is not None:
        found.update(evidence(problem))
    return found


def finding_json(problem: Problem) -> str:
    """A finding as one line of JSON text: `dumps(finding(problem))`, written member by member.

    This runs for every finding of a json or jsonl report: the members that repeat from finding
    to finding (the path; the field, rule and message) are written once each (`_head`,
    `_middle`), and the rest as `dumps` writes them. The same text: `dumps` writes a value the
    same wherever it stands, and no `##` can span two members (each ends and starts with JSON's
    own punctuation or a digit). tests/reporters/test_finding_json.py holds the two to that.
    """
    path, line, column, field, code, message, value, pydantic_type, fix, _, _, found_evidence = problem
    if found_evidence is not None:
        return dumps(finding(problem))
    written_fix = _NO_FIX if fix is None else f'{{"applies":true,"value":{dumps_string(fix[2])}}}'
    return (
        f'{_head(path)}{line},"column":{"null" if column is None else column}{_middle(field, code, message)}'
        f'{"null" if value is None else dumps_string(value)},"pydantic_type":{_pydantic_type(pydantic_type)},'
        f'"fix":{written_fix}}}'
    )


_NO_FIX = '{"applies":false,"value":null}'


@functools.lru_cache(maxsize=64)  # a report names few captures (a small cache: memory stays flat)
def _head(path: str) -> str:
    return f'{{"path":{dumps(path)},"line":'


@functools.lru_cache(maxsize=64)  # few kinds of finding: a small cache, so memory stays flat
def _middle(field: str, code: str, message: str) -> str:
    name, severity = RULE_FACTS[code]
    return (
        f',"json_path":{dumps(json_path(field))},"code":{dumps(code)},"name":{dumps(name)},'
        f'"severity":{dumps(severity)},"message":{dumps(message)},"value":'
    )


@functools.lru_cache(maxsize=64)
def _pydantic_type(pydantic_type: str | None) -> str:
    return dumps(pydantic_type)


def evidence(problem: Problem) -> dict[str, Any]:
    """A finding's value beside its record's capture time, for a finding that has one:
    `capture_time` (RFC 3339, UTC, to the millisecond) and `skew` (the value's instant minus
    it, in seconds to the millisecond: positive when the sender's clock is ahead; null when the
    value denotes no instant)."""
    found = problem.evidence
    assert found is not None
    skew = None if found.skew is None else round(found.skew, 3)
    return {"capture_time": clock_skew.instant_text(found.captured), "skew": skew}


def evidence_line(problem: Problem) -> str | None:
    """`captured: 2025-09-08T16:50:01.447Z (the value is 7 h 00 min ahead)`, or None."""
    found = problem.evidence
    if found is None:
        return None
    line = f"captured: {clock_skew.instant_text(found.captured)}"
    if found.skew is None:
        return line + " (the value denotes no instant)"
    if found.skew == 0:
        return line + " (the value is that instant)"
    direction = "ahead" if found.skew > 0 else "behind"
    return line + f" (the value is {clock_skew.duration(abs(found.skew))} {direction})"


def dumps_string(text: str) -> str:
    """`dumps(text)` for a string, in one C call: the standard library's ASCII JSON string
    escapes exactly what `dumps` does (DEL and every control character, as `\\uXXXX` but the
    usual five), in a sixth of the time."""
    written: str = encode_basestring_ascii(text)
    # `#` only ever appears inside JSON strings, where `\u0023` means the same character.
    return written.replace("##", "#\\u0023") if "##" in written else written


def dumps(value: Any) -> str:
    """Compact JSON text of `value`, ASCII only, with `##` written `#\\u0023`: the same JSON value,
    but no `##[command]` that a CI log (GitHub Actions, Azure Pipelines) would run."""
    try:
        raw = orjson.dumps(value)
    except TypeError:  # orjson refuses lone surrogates (from undecodable file names)
        raw = b""
    # orjson escapes every control character but DEL: its ASCII text is printable without it.
    if raw and raw.isascii() and b"\x7f" not in raw:
        if b"##" not in raw:
            return raw.decode()
        text = raw.decode()
    else:
        text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    # `#` only ever appears inside JSON strings, where `\u0023` means the same character.
    return text.replace("##", "#\\u0023") if "##" in text else text


def headline(problem: Problem) -> str:
    """`field: message`, or the message alone for a finding about a whole record (unescaped)."""
    return f"{problem.json_path}: {problem.message}" if problem.json_path else problem.message


def details(problem: Problem, value_width: int | None = None) -> list[str]:
    """The lines that describe a finding beyond its message: field, value as written (cut to
    `value_width` characters when given), pydantic's error type, fix. Unescaped: the caller
    escapes for its medium. A finding beside a capture time ends with it (`captured: ...`)."""
    lines = []
    if problem.json_path:
        lines.append(f"field: {problem.json_path}")
    if problem.value is not None:
        value = problem.value if value_width is None else shorten(problem.value, value_width)
        lines.append(f"value: {value}")
    if problem.pydantic_type:
        lines.append(f"pydantic: {problem.pydantic_type}")
    lines.append(f"fix: {problem.fix.replacement} (wsfix repair)" if problem.fix else "fix: none")
    captured = evidence_line(problem)
    if captured is not None:
        lines.append(captured)
    return lines


class StreamedArray:
    """A JSON array written one item per line as the items come: `[`, items, `]`.

    `start` is written before the `[` when the first item (or the end) comes, so a run that
    fails before reporting anything has written nothing.
    """

    def __init__(self, out: TextIO, start: str = "", indent: str = "  ", closing_indent: str = "") -> None:
        self._out = out
        self._start = start
        self._indent = indent
        self._separator = f",\n{indent}"
        self._closing_indent = closing_indent
        self._count = 0

    @property
    def separator(self) -> str:
        """What stands between two items' text."""
        return self._separator

    def add_all(self, items_json: list[str]) -> None:
        """Add each of `items_json` (a chunk's findings, or one), in one write."""
        if items_json:
            self.add_joined(self._separator.join(items_json), len(items_json))

    def add_joined(self, text: str, count: int) -> None:
        """Add `count` items (at least one), their text joined by `separator`, in one write."""
        write_text(self._out, self._separator + text if self._count else f"{self._start}[\n{self._indent}{text}")
        self._count += count

    def close(self) -> None:
        if self._count == 0:
            self._out.write(f"{self._start}[]")
        else:
            self._out.write(f"\n{self._closing_indent}]")
