"""What a rule's judge returns, and the notes that end a finding's message whatever its rule.

Not a rule (the leading underscore): the rule modules share these, and `wsfix.rules` hands them to
the linter. No I/O, no decisions.
"""

from __future__ import annotations

from typing import NamedTuple

from wsfix.problems import REPEATED_KEY_NOTE, Rule
from wsfix.timestamps import Reading, render


class Verdict(NamedTuple):
    """A rule's decision about one timestamp value: the rule, the message, and the JSON text a
    repair writes in the value's place (None: no fix)."""

    rule: Rule
    message: str
    fix: str | None


def not_repaired_note(written: str, again: Reading) -> str:
    """Why a value is not repaired: `written` in its place would be read as `again` (see
    `wsfix.timestamps.rereading`), and a second repair would convert it again."""
    assert again.seconds is not None and again.unit is not None
    return (
        f"; not repaired: written as {written}, it would read as epoch {again.unit.word} "
        f"({render(again.seconds)} s) and be converted again"
    )


def noted(message: str, repeated: int) -> str:
    """`message`, saying which of a repeated key's values it is about (pydantic reads the last)."""
    return message + REPEATED_KEY_NOTE.format(count=repeated) if repeated > 1 else message
