"""The line is empty or holds only white space.

JSON Lines has one message per line; a blank line is not a message, and a reader that feeds each
line to `validate_json` gets `json_invalid` for it. Usually harmless (a trailing newline too
many, a concatenation seam), so it is a warning.

No automatic fix: `repair` copies the line unchanged, so line numbers stay the same between a
capture and its repaired copy.
"""

from __future__ import annotations

from wsfix.problems import Example, Problem, Rule, Severity

RULE = Rule(
    code="WS003",
    name="blank-line",
    severity=Severity.WARNING,
    summary="The line is empty or only white space",
    explanation=__doc__,
    example=Example(bad="   ", repaired=None),
)


def check(line: bytes, line_no: int, path: str) -> Problem | None:
    """The problem of a blank record (pydantic calls it `json_invalid`), or None."""
    if line.strip(b" \t\r\n"):
        return None
    return Problem(path, line_no, None, "", RULE.code, "blank line")
