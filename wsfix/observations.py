"""Capture-time evidence, gathered: each timestamp value of a record that has a capture time, as
an `evidence.Observation` of the record's group, and the clock-skew findings (WS120) it gives.

Only records with a capture time pay for any of this (a HAR message, a log line with a leading
timestamp, `--capture-time`); JSON Lines without it never get here. The values are those the
linter's one validation already made of the record (`Linter.lint_values`): a clean record is not
parsed a second time, and a clean float is taken as it is (the probe let it pass as plausible
epoch seconds, so it denotes itself). A record the probe refused (one with findings, the rare
kind) is parsed once more for its values. Every other value goes through the conversion core.

Each value is read as wsfix reads it, and would repair it: a time without a UTC offset in the
run's zone (its `wall` reading is kept too, for zone inference); a number in the unit its
magnitude says, or `--unit` (the other units' readings are worked out only for a value far from
its capture time: unit evidence). Under the magnitude's unit, unit evidence cannot arise for a
capture time in 2000-2100: a value that another unit puts near such a time has that unit's
magnitude, and is read in it. It speaks up where the unit is given: `--unit ms` over seconds.
The findings of a record with a capture time carry it, and their value's skew, in
`Problem.evidence`.

No I/O, no printing.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic_core import from_json

from wsfix import jsontext
from wsfix.evidence import Observation
from wsfix.fields import TimestampField
from wsfix.linter import Linter
from wsfix.paths import ITEMS, MEMBERS, Concrete, Path, concrete, format_path
from wsfix.problems import ClockEvidence, Problem
from wsfix.rules import clock_skew
from wsfix.segments import Record
from wsfix.timestamps import UTC_ZONE, Form, Policy, Unit, classify

# Observations by group (None: the capture as a whole), each group's in file order.
Observations = dict[str | None, list[Observation]]
_new = tuple.__new__  # an Observation per value: without its Python-level __new__


def merge(into: Observations, more: Observations | None, line_offset: int = 0) -> None:
    """Add `more` (observations of later records) to `into`, keeping file order per group; their
    line numbers shifted by `line_offset` (a worker counts a chunk's lines from 1)."""
    if not more:
        return
    for group, observations in more.items():
        if line_offset:
            observations = [o._replace(line=o.line + line_offset) for o in observations]
        into.setdefault(group, []).extend(observations)


class Observer:
    """Lints records that have a capture time, gathering their observations on the way."""

    def __init__(self, linter: Linter, max_skew: float) -> None:
        self.linter = linter
        self.policy = policy = linter.policy
        self.max_skew = max_skew
        self._fields = linter.schema.timestamp_fields
        # A top-level float seconds field the probe checks: its clean values are plain seconds.
        self._plain = frozenset(
            field for field in self._fields if field.top_level and field.target.is_seconds and policy.unit is None
        )
        self._wall_policy = Policy(UTC_ZONE, policy.unit, None)

    def lint(self, record: Record, path: str, found: Observations) -> tuple[Problem, ...]:
        """The problems of `record` (which has a message and a capture time), its WS120 findings
        included, each carrying its value's evidence; its observations go to `found`."""
        line = record.message
        captured = record.captured
        assert line is not None and captured is not None
        problems, validated = self.linter.lint_values(line, record.line, path)
        values = self.linter.timestamp_values(validated) if validated is not None else self._parsed_values(line)
        group = found.get(record.group)
        if group is None:
            group = found[record.group] = []
        add = group.append
        skews: dict[str, float | None] = {}
        skewed: list[Problem] = []
        plain, policy, max_skew, label = self._plain, self.policy, self.max_skew, record.label
        for field, where, value in values:
            name = field.name if where is field.path else format_path(where)
            if value.__class__ is float and field in plain and validated is not None:
                add(_new(Observation, (record.line, name, captured, value, None, "s", (), label)))
                skew: float | None = value - captured
                zone, number, out_of_range = None, True, False
            else:
                reading = classify(value, policy)
                instant = reading.seconds
                unit = reading.unit.label if reading.unit is not None else None
                wall = classify(value, self._wall_policy).seconds if reading.zone is not None else None
                add(_new(Observation, (record.line, name, captured, instant, wall, unit, (), label)))
                skew = None if instant is None else instant - captured
                zone, number, out_of_range = reading.zone, unit is not None, reading.out_of_range
            skews[name] = skew
            if skew is not None and not -max_skew <= skew <= max_skew:
                # A value outside the window has its own finding (WS109): this one only adds a unit.
                problem = self._skewed(record, path, where, name, value, skew, zone, number, out_of_range)
                if problem is not None:
                    skewed.append(problem)
        if not problems and not skewed:
            return problems
        evidenced = [
            problem._replace(evidence=ClockEvidence(captured, skews[problem.json_path]))
            if problem.json_path in skews
            else problem._replace(evidence=ClockEvidence(captured, None))
            for problem in problems
        ]
        if skewed:
            evidenced += skewed
            evidenced.sort(key=Problem.sort_key)
        return tuple(evidenced)

    def _skewed(
        self,
        record: Record,
        path: str,
        where: Path,
        name: str,
        value: object,
        skew: float,
        naive_zone: str | None,
        number: bool,
        only_with_unit: bool,
    ) -> Problem | None:
        """The WS120 finding of a value `skew` seconds from its record's capture time (in record
        terms: `segments.record_problems` moves it into the file), or None if it cannot be found
        in the record's bytes, or `only_with_unit` and no other unit puts it near."""
        line = record.message
        captured = record.captured
        assert line is not None and captured is not None
        if len(where) == 1 and isinstance(where[0], str):
            span, _ = jsontext.last_member(line, where[0])  # pydantic reads the last of a repeated key
        else:
            span = jsontext.find_span(line, concrete(where))
        if span is None:
            return None
        better = self._better_unit(value, captured) if number else None
        if better is None and only_with_unit:
            return None
        start, end = span
        return Problem(
            path,
            record.line,
            jsontext.column_of(line, start),
            name,
            clock_skew.RULE.code,
            clock_skew.describe(skew, captured, naive_zone, better),
            jsontext.value_text(line[start:end]),
            evidence=ClockEvidence(captured, skew),
        )

    def _better_unit(self, value: object, captured: float) -> tuple[Unit, float] | None:
        """The unit that puts a number within the tolerance of its capture time, and how far it
        then is (the nearest such unit), or None: unit evidence."""
        best = None
        for unit in Unit:
            reading = classify(value, Policy(self.policy.naive_zone, unit, None))
            if reading.seconds is None or reading.form not in _NUMBERS:
                return None  # not a number: no unit reads it
            off = reading.seconds - captured
            if abs(off) <= self.max_skew and (best is None or abs(off) < abs(best[1])):
                best = (unit, off)
        return best

    def _parsed_values(self, line: bytes) -> Iterator[tuple[TimestampField, Path, object]]:
        """The timestamp values of a record the probe refused, parsed from its text."""
        try:
            document = from_json(line)
        except ValueError:
            return
        for field in self._fields:
            for where, value in _walk(document, field.path, 0, ()):
                if value is not None:
                    yield field, (field.path if where == field.path else where), value


_NUMBERS = frozenset({Form.NUMBER, Form.NUMERIC_STRING})


def _walk(value: object, steps: Path, index: int, prefix: Concrete) -> Iterator[tuple[Concrete, object]]:
    """(concrete path, value) of each value at `steps` in a parsed JSON document."""
    if index == len(steps):
        yield prefix, value
        return
    step = steps[index]
    if isinstance(value, dict):
        if step is MEMBERS:
            for key, item in value.items():
                yield from _walk(item, steps, index + 1, (*prefix, key))
        elif isinstance(step, str) and step in value:
            yield from _walk(value[step], steps, index + 1, (*prefix, step))
    elif isinstance(value, list):
        if step is ITEMS:
            for position, item in enumerate(value):
                yield from _walk(item, steps, index + 1, (*prefix, position))
        elif isinstance(step, int) and step < len(value):
            yield from _walk(value[step], steps, index + 1, (*prefix, step))
