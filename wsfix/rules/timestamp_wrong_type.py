"""A timestamp of a JSON type that cannot hold a time: boolean, object, array, or null where required.

pydantic's lax float accepts `true` as 1.0 (1970-01-01T00:00:01Z); objects and arrays fail with
`float_type`. Null is fine for an optional timestamp and a finding only where the schema requires
one.

No automatic fix.
"""

from wsfix.problems import Example, Rule, Severity
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
