"""The finding types every layer shares: `Problem`, its `Fix`, the `Edit` a repair applies,
`Severity`, a `Rule`'s catalog entry, and how many problems a report `Wanted` in full.

Plain frozen data: no I/O, no parsing, no conversion.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from wsfix.timestamps import Reading


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    # Members are singletons compared by identity, so identity is a valid hash, and C-fast (Enum's
    # own __hash__ is Python code, paid by reporters counting findings per severity).
    __hash__ = object.__hash__


# The problems a report shows from now on, which must be worked out in full; past them, a chunk's
# are only counted. None: all of them; a number: the next so many (a table's rows); a number per
# severity: the next so many of each (GitHub's annotations, so many errors and so many warnings).
Wanted = int | Mapping[Severity, int] | None


class Fix(NamedTuple):
    """Replace bytes `start:end` of the record (0-based, end exclusive) with `replacement`."""

    start: int
    end: int
    replacement: str


class Edit(NamedTuple):
    """Replace bytes `start:end` of a segment (0-based, end exclusive) with `replacement`: what a
    repair applies. `line` is the 1-based line of the file the bytes sit on (counted from the
    segment's first line), for the repair's summary and its diff."""

    line: int
    start: int
    end: int
    replacement: bytes


# Ends the message of a finding about a key the record repeats: pydantic reads the last one only,
# and so do wsfix's findings and fixes.
REPEATED_KEY_NOTE = " (the key appears {count} times; pydantic reads the last one, reported here)"


class ClockEvidence(NamedTuple):
    """A finding's value beside its record's capture time (see `wsfix.evidence`)."""

    captured: float  # when the capture saw the record, epoch seconds
    skew: float | None  # the value's instant minus `captured`, seconds (None: it denotes no instant)


class Problem(NamedTuple):
    """One finding (a named tuple: immutable, cheap to make, and picklable for worker processes).
    `line` and `column` are 1-based as users see them; `column` counts characters.

    `json_path` is the field (`timestamp`, `payload.user`), empty for the record itself; `value` is
    the field's JSON text exactly as written (None for record-level problems); `pydantic_type` is the
    error type pydantic's lax validation (what the backend runs) gives the value, None when it
    accepts it. `record` names the record where a line number alone does not (a HAR message:
    `entry 3, message 17 (send)`); `line` and `column` still point into the file. `evidence`
    sets the value beside its record's capture time, where the capture has one.
    """

    path: str
    line: int
    column: int | None
    json_path: str
    code: str
    message: str
    value: str | None = None
    pydantic_type: str | None = None
    fix: Fix | None = None
    record: str | None = None
    # How many times the record names the field's key (pydantic reads the last; more than one:
    # the message says so too).
    repeated: int = 1
    evidence: ClockEvidence | None = None

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line, self.column or 0, self.code)

    @property
    def on_repeated_key(self) -> bool:
        """Whether the problem is about a key the record repeats (pydantic reads the last)."""
        return self.repeated > 1


def to_rows(problems: Sequence[Problem]) -> list[tuple[Any, ...]]:
    """`problems` as plain tuples, their `Fix` and `ClockEvidence` too: the form in which they
    cross from a worker process to its parent (`from_rows` makes them problems again).

    pickle writes and reads a plain tuple in C, a named tuple through Python code (its
    `__getnewargs__`, then its `__new__`): per problem of a broken capture, measured 2.7 µs to
    write and 1.3 µs to read as named tuples, 1.2 µs and 1.4 µs as rows made and unmade.
    """
    return [
        (*problem[:8], problem[8] and (*problem[8],), *problem[9:11], problem[11] and (*problem[11],))
        for problem in problems
    ]


def from_rows(rows: Sequence[tuple[Any, ...]]) -> list[Problem]:
    """The problems `to_rows` made rows of, equal to them and of the same types."""
    new = tuple.__new__  # a named tuple's own constructor is Python code; this runs per problem
    return [
        new(Problem, (*row[:8], row[8] and new(Fix, row[8]), *row[9:11], row[11] and new(ClockEvidence, row[11])))
        for row in rows
    ]


class Example(NamedTuple):
    """A record that triggers the rule, and what `wsfix repair` makes of it (None: left as is).

    `field` names the model field the example assumes (`created_at: datetime`) when it is not the
    default schema's `timestamp`."""

    bad: str
    repaired: str | None
    field: str | None = None


class Rule(NamedTuple):
    """A catalog entry. Timestamp rules claim readings through `claims`; record rules have none.

    `explanation` is the user documentation `wsfix rule CODE` prints; `fix` says what a repair
    does, or None when the rule has no automatic fix.
    """

    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str
    example: Example
    fix: str | None = None
    claims: Callable[[Reading], bool] | None = None
    describe: Callable[[Reading], str] | None = None

    @property
    def family(self) -> str:
        """`records` (WS0xx: the record itself) or `timestamps` (WS1xx: a timestamp value)."""
        return "timestamps" if self.code.startswith("WS1") else "records"

    @property
    def fixable(self) -> bool:
        return self.fix is not None
