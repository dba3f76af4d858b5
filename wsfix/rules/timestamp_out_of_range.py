"""A timestamp that converts, but to an instant outside the plausible window.

The window is 2000-01-01 to 2100-01-01 UTC by default (`--window START..END`, or `none`). `0`,
`-1`, `"1970-01-01T00:00:00Z"`, or a "millisecond" value that lands in 1973 are more likely
sentinels, defaults or a wrong unit than real times, so this rule replaces the form's own rule.
Numbers too large for any unit (|v| >= 1e20) are reported here as well.

No automatic fix: the value is not repaired, a person must look.
"""

from wsfix.problems import Example, Rule, Severity

RULE = Rule(
    code="WS109",
    name="timestamp-out-of-range",
    severity=Severity.WARNING,
    summary="Timestamp outside the plausible window (likely a sentinel or a wrong unit)",
    explanation=__doc__,
    example=Example(bad='{"type":"ping","timestamp":0}', repaired=None),
    claims=lambda r: r.out_of_range,
    describe=lambda r: f"{r.reason}: likely a sentinel or a wrong unit, not repaired",
)
