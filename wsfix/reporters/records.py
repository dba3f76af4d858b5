"""The JSON shape of one finding, and ASCII-only JSON text: shared by the machine formats.

ASCII-only JSON keeps every character of a capture (written as a `\\uXXXX` escape) while no
control, bidirectional or otherwise invisible character reaches a terminal or a CI log; JSON's
own escaping makes payload text inert, so these formats do not apply `printable` to it. No I/O.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from wsfix import rules
from wsfix.problems import Problem


def finding(problem: Problem) -> dict[str, Any]:
    """A finding as the json and jsonl formats write it.

    `value` is the field's JSON text exactly as written (so `1757350204000` and `"2025-..."` keep
    their spelling), None for findings about a whole record; `fix.applies` says whether
    `wsfix repair` rewrites this value, and `fix.value` is what it writes.
    """
    rule = rules.BY_CODE[problem.code]
    fix = problem.fix
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "json_path": problem.json_path,
        "code": problem.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "message": problem.message,
        "value": problem.value,
        "pydantic_type": problem.pydantic_type,
        "fix": {"applies": fix is not None, "value": fix.replacement if fix is not None else None},
    }


def dumps(value: Any) -> str:
    """Compact JSON text of `value`, ASCII only."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:  # orjson refuses lone surrogates (from undecodable file names)
        text = ""
    if text and text.isascii() and text.isprintable():
        return text  # the common case, at orjson's speed
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))
