"""A timestamp of a JSON type that cannot hold a time: boolean, object, array, or null where required.

pydantic's lax float accepts `true` as 1.0 (1970-01-01T00:00:01Z); objects and arrays fail with
`float_type`. Null is fine for an optional timestamp and a finding only where the schema requires
one.

No automatic fix.
"""

from __future__ import annotations

from wsfix.problems import Example, Problem, Rule, Severity
from wsfix.timestamps import Form

_WRONG_TYPES = frozenset({Form.BOOLEAN, Form.OBJECT, Form.ARRAY, Form.NULL, Form.OTHER, Form.DATETIME})

RULE = Rule(
    code="WS108",
    name="timestamp-wrong-type",
    severity=Severity.ERROR,
    summary="Boolean, object or array as timestamp (or null where one is required)",
    explanation=__doc__,
    example=Example(bad='{"type":"ping","timestamp":true}', repaired=None),
    claims=lambda r: r.form in _WRONG_TYPES,
    describe=lambda r: str(r.reason),
)


def missing(line_no: int, path: str, json_path: str) -> Problem:
    """The problem of a record without the required timestamp at `json_path`."""
    return Problem(path, line_no, None, json_path, RULE.code, "required timestamp is missing", pydantic_type="missing")
