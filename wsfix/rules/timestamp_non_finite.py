"""A timestamp that is NaN, Infinity, or a number too large for a float.

Python's `json.dumps` writes `NaN` and `Infinity` literals, which are not JSON; pydantic's parser
accepts them anyway, and its float also accepts the strings `"nan"` and `"inf"`, and reads a
number like `1e400` as infinity. The message then validates, holding no time at all.

No automatic fix: the value says nothing about when the message was sent.
"""

from wsfix.problems import Example, Rule, Severity
from wsfix.timestamps import Form

RULE = Rule(
    code="WS107",
    name="timestamp-non-finite",
    severity=Severity.ERROR,
    summary="NaN, Infinity or an overflowing number as timestamp",
    explanation=__doc__,
    example=Example(bad='{"type":"ping","timestamp":NaN}', repaired=None),
    claims=lambda r: r.form is Form.NON_FINITE,
    describe=lambda r: str(r.reason),
)
