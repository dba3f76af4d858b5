"""An RFC 2822 / HTTP date string where epoch seconds are expected.

`"Mon, 08 Sep 2025 16:50:01 GMT"` (an HTTP `Date` header, JavaScript's `toUTCString()`) fails
pydantic with `float_parsing`. Read as RFC 5322 defines it, obsolete syntax included: an optional
weekday (checked against the date), comments (`-0700 (PDT)`), 2- and 3-digit years (`25` is 2025,
`99` is 1999), optional seconds, a numeric zone or a name (UT, GMT, EST, EDT, CST, CDT, MST, MDT,
PST, PDT; UTC and Z too). Other military zone letters are refused: RFC 5322 says their offset is
unknown, so they do not say which instant they mean.

Fix (safe): the exact epoch seconds.
"""

from wsfix.problems import Example, Rule, Severity
from wsfix.timestamps import Form

RULE = Rule(
    code="WS105",
    name="timestamp-date-string",
    severity=Severity.ERROR,
    summary="RFC 2822 / HTTP date string where epoch seconds are expected",
    explanation=__doc__,
    example=Example(
        bad='{"type":"ping","timestamp":"Mon, 08 Sep 2025 16:50:01 GMT"}',
        repaired='{"type":"ping","timestamp":1757350201.0}',
    ),
    fix="exact epoch seconds of the date",
    claims=lambda r: r.form is Form.DATE_STRING and not r.out_of_range,
    describe=lambda r: "RFC 2822 date string where epoch seconds are expected",
)
