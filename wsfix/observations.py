"""Capture-time evidence, gathered: each timestamp value of a record that has a capture time, as
an `evidence.Observation` of the record's group, and the clock-skew findings (WS120) it gives.

Only records with a capture time pay for any of this (a HAR message, a log line with a leading
timestamp, `--capture-time`); JSON Lines without it never get here. The values are those the
linter's one validation already made of the record (`Linter.lint_values`): a clean record is not
parsed a second time, and a clean float is taken as it is (the probe let it pass as plausible
epoch seconds, so it denotes itself). A record the probe refused (one with findings) has its
value read from the probe's error where the error says it (a schema of one plain field, refused
for that field's value alone), else it is parsed once more for its values. Every other value goes
through the conversion core.

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

import array
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import ValidationError
from pydantic_core import from_json

from wsfix import jsontext
from wsfix.evidence import Observation
from wsfix.fields import TimestampField
from wsfix.linter import FULL, MOST_PER_BYTE, Linter, Refused
from wsfix.paths import ITEMS, MEMBERS, Concrete, Path, concrete, format_path
from wsfix.problems import ClockEvidence, Problem
from wsfix.rules import clock_skew
from wsfix.segments import Record, is_json
from wsfix.timestamps import UTC_ZONE, Form, Policy, Unit, classify

# Skews a group keeps: past this many, every other one is dropped and the stride doubles, so a
# group of any size keeps an even sample of at most this many (8 MiB), all of a small group's.
KEPT_SKEWS = 1 << 20


class Gathered:
    """The evidence of one group, kept small: the skews of its values (8 bytes each; an even
    sample, every `stride`-th, past `KEPT_SKEWS`), and an `Observation` for each naive value
    only (what zone inference and `--naive-tz auto` read).

    `records` counts its records with a capture time, `dated` its values that denote an instant
    (whose skews are sampled), `undated` those that denote none (garbage, or a naive time no zone
    reads). Picklable: workers send it back with their chunk.
    """

    __slots__ = ("dated", "naive", "records", "skews", "stride", "undated")

    def __init__(self) -> None:
        self.records = 0
        self.skews = array.array("d")
        self.naive: list[Observation] = []
        self.undated = 0
        self.dated = 0  # counted when merged (`extend`); until then, every skew is kept
        self.stride = 1

    def __getstate__(self) -> tuple[int, array.array[float], list[Observation], int, int, int]:
        return self.records, self.skews, self.naive, self.undated, self.dated, self.stride

    def __setstate__(self, state: tuple[int, array.array[float], list[Observation], int, int, int]) -> None:
        self.records, self.skews, self.naive, self.undated, self.dated, self.stride = state

    @property
    def values(self) -> int:
        """Its values: those that denote an instant and those that do not."""
        return self.offered + self.undated

    @property
    def offered(self) -> int:
        """Its values that denote an instant (whose skews it samples). Until merged, a part keeps
        every skew, and counts them so."""
        return self.dated if self.stride > 1 or self.dated else len(self.skews)

    def extend(self, later: Gathered, line_offset: int = 0) -> None:
        """Add `later`, the evidence of later records, its line numbers shifted by `line_offset`.
        The sample stays even: the skews kept are those of every `stride`-th value."""
        offered, stride = self.offered, self.stride
        skews = later.skews
        if later.stride > 1:  # a part over KEPT_SKEWS itself (a chunk never is): its sample, thinned
            stride = max(stride, later.stride)
            step = stride // later.stride
            self.skews.extend(skews[::step] if step > 1 else skews)
        elif stride > 1:
            self.skews.extend(skews[(-offered) % stride :: stride])
        else:
            self.skews.extend(skews)
        self.dated = offered + later.offered
        while len(self.skews) > KEPT_SKEWS:
            self.skews = self.skews[::2]
            stride *= 2
        self.stride = stride
        self.records += later.records
        self.undated += later.undated
        if line_offset:
            self.naive.extend(o._replace(line=o.line + line_offset) for o in later.naive)
        else:
            self.naive.extend(later.naive)


# The evidence by group (None: the capture as a whole), each group's in file order.
Observations = dict[str | None, Gathered]
_new = tuple.__new__  # an Observation per naive value: without its Python-level __new__
_NO_GROUP = object()  # no group yet (None is a group: the capture as a whole)
_NOT_JSON = "json_invalid"  # pydantic's error for a message it cannot parse


def merge(into: Observations, more: Observations | None, line_offset: int = 0) -> None:
    """Add `more` (the evidence of later records) to `into`; its line numbers shifted by
    `line_offset` (a worker counts a chunk's lines from 1)."""
    if not more:
        return
    for group, gathered in more.items():
        mine = into.get(group)
        if mine is None:
            mine = into[group] = Gathered()
        mine.extend(gathered, line_offset)


class Observer:
    """Lints records that have a capture time, gathering their evidence on the way."""

    def __init__(self, linter: Linter, max_skew: float) -> None:
        self.linter = linter
        self.policy = policy = linter.policy
        self.max_skew = max_skew
        self._fields = linter.schema.timestamp_fields
        # Each field with its key, where it is a top-level one (else None).
        self._keys = tuple((field, field.path[0] if field.top_level else None) for field in self._fields)
        # Top-level float seconds fields the probe checks (by attribute): a clean record's value
        # there is a float the probe let pass as plausible epoch seconds, which denotes itself.
        self._plain = tuple(
            (attr, field) for field, attr in linter.fast_fields if field.target.is_seconds and policy.unit is None
        )
        self._plain_fields = frozenset(field for _, field in self._plain)
        # Whether a clean record's timestamp values are all in `_plain` (the fast path).
        self._all_plain = len(self._plain) == len(self._fields) and not linter.deep_fields
        # The one plain field of most schemas (the default's `timestamp`): `lint` inlines it.
        self._single = self._plain[0][0] if self._all_plain and len(self._plain) == 1 else None
        self._validate = linter.probe_validate
        # Records shorter than this cannot be over the memory limit (see `linter.record_memory`).
        self._small = linter.max_record_memory // MOST_PER_BYTE - 1
        self._wall_policy = Policy(UTC_ZONE, policy.unit, None)
        self._utc_wall = policy.naive_zone == UTC_ZONE  # naive times read as UTC: wall and instant are one

    def linting(self, found: Observations, detail: int = FULL) -> Callable[[Record, str], tuple[Problem, ...] | None]:
        """A function linting any record (that has a message): one without a capture time as the
        linter does, one with it as `lint` does (`detail` likewise), its evidence going to `found`. For the schemas of
        one plain field (the default's `timestamp`), a record too small to be over the memory
        limit is validated inline, and a clean one near its capture time handled there: one
        validation call, one subtraction, one append; a refused one goes to `lint` with the
        probe's error. It runs for every record, so what it needs is bound here once.

        Where the linter expects most records to be refused (`Linter.expect_refusals`, which
        `SegmentLinter` sets from each segment it lints), the function is `_judging`'s instead."""
        if self.linter.expect_refusals and self.linter.read_values is not None and self._single is not None:
            return self._judging(found, detail)
        validate, max_skew, lint = self._validate, self.max_skew, self.lint
        single, small = self._single, self._small
        lint_alone = self.linter.lint
        low, get = -max_skew, found.get
        # The group of the last record observed inline, its evidence and where its skews go:
        # consecutive records are nearly always of one group (a whole file, a HAR connection).
        last_group: object = _NO_GROUP
        last: Gathered | None = None
        add_skew: Callable[[float], None] | None = None

        def lint_record(record: Record, path: str) -> tuple[Problem, ...] | None:
            nonlocal last_group, last, add_skew
            # Unpacked at once: one step where reading three fields by name takes three (the
            # field order is pinned by tests/test_field_order.py).
            number, line, _, _, captured, group, may_be_text = record
            if captured is None:
                if may_be_text and not is_json(line):  # type: ignore[arg-type]
                    return None
                return lint_alone(line, number, path)  # type: ignore[arg-type]
            if single is not None and len(line) < small:  # type: ignore[arg-type]
                try:
                    validated = validate(line, strict=True)
                except ValidationError as error:  # refused: `lint` says why, without validating again
                    return lint(record, path, found, error, detail)
                except Exception:  # noqa: BLE001 - as in Linter.lint
                    return lint(record, path, found)
                if validated.__class__ is dict:
                    if group is not last_group or last is None:
                        last = get(group)  # None until `lint` has seen the group
                        last_group = group
                        if last is None:
                            return lint(record, path, found)
                        add_skew = last.skews.append  # a part's array is never replaced (see `extend`)
                    value = validated.get(single)
                    if value.__class__ is float:
                        skew = value - captured
                        if low <= skew <= max_skew:
                            last.records += 1
                            add_skew(skew)  # type: ignore[misc]
                            return ()
                    elif value is None:  # no timestamp (or null): a record with no value
                        last.records += 1
                        return ()
            return lint(record, path, found)

        return lint_record

    def _judging(self, found: Observations, detail: int) -> Callable[[Record, str], tuple[Problem, ...] | None]:
        """`linting`'s function where most records are expected to be refused: each record's
        values are read and judged, as `Linter.lint_chunk` does then (`Linter.refusal`), so no
        error is raised, and one value refused goes to `_lint_refused`. A record the probe
        accepts (rare here) takes the long way, through `lint`."""
        lint, lint_refused, small = self.lint, self._lint_refused, self._small
        linter = self.linter
        lint_alone, read, refusal = linter.lint, linter.read_values, linter.refusal
        assert read is not None

        def lint_record(record: Record, path: str) -> tuple[Problem, ...] | None:
            number, line, _, _, captured, _, may_be_text = record
            if captured is None:
                if may_be_text and not is_json(line):  # type: ignore[arg-type]
                    return None
                return lint_alone(line, number, path)  # type: ignore[arg-type]
            if len(line) < small:  # type: ignore[arg-type]
                try:
                    outcome = refusal(read(line, strict=True))
                except Exception:  # noqa: BLE001 - refused for more, or not JSON: `lint` says why
                    return lint(record, path, found)
                if outcome.__class__ is Refused:
                    return lint_refused(record, path, found, outcome, detail)
            return lint(record, path, found)

        return lint_record

    def _lint_refused(
        self, record: Record, path: str, found: Observations, refused: Refused, detail: int
    ) -> tuple[Problem, ...] | None:
        """As `lint`, for a record of a schema of one plain field that the probe refuses for that
        field's value alone, as `Linter.refusal` found from the record's values (no error to take
        apart)."""
        line = record.message
        assert line is not None
        problems = self.linter.refused_alone(line, record.line, path, refused, detail)
        if problems is None:  # only the probe's own errors tell, as `linting` would have had them
            try:
                self._validate(line, strict=True)
            except ValidationError as error:
                return self.lint(record, path, found, error, detail)
            except Exception:  # noqa: BLE001 - as in Linter.lint
                pass
            return self.lint(record, path, found)
        gathered = found.get(record.group)
        if gathered is None:
            gathered = found[record.group] = Gathered()
        gathered.records += 1
        return self._refused_value(record, path, gathered, problems, refused.value, detail)

    def lint(
        self,
        record: Record,
        path: str,
        found: Observations,
        refused: ValidationError | None = None,
        detail: int = FULL,
    ) -> tuple[Problem, ...] | None:
        """The problems of `record` (which has a message and a capture time), its WS120 findings
        included, each carrying its value's evidence; its evidence goes to `found`. `refused`:
        the probe's error, where the caller has validated the record already; then `detail`
        (FULL, or FIXES: what a repair needs) is how much of its problems to work out. None: the message
        is text that is not JSON (`Record.may_be_text`), found out only where the probe could
        not parse it.

        A clean record of plain float fields takes a path of its own, a subtraction and an
        append per value (and `linting` inlines the commonest case).
        """
        line = record.message
        captured = record.captured
        assert line is not None and captured is not None
        errors = None
        if refused is None:
            if record.may_be_text and not is_json(line):
                return None
            problems, validated = self.linter.lint_values(line, record.line, path)
        else:
            errors = refused.errors(include_url=False, include_context=False)
            if record.may_be_text and errors[0]["type"] == _NOT_JSON and not is_json(line):
                return None
            problems, validated = self.linter.refused(line, record.line, path, refused, errors, detail), None
        gathered = found.get(record.group)
        if gathered is None:
            gathered = found[record.group] = Gathered()
        gathered.records += 1
        if errors is not None and self._single is not None:
            return self._refused(record, path, gathered, problems, errors, detail)
        if not problems and self._all_plain and validated.__class__ is dict:
            skews, max_skew = gathered.skews, self.max_skew
            mark = len(skews)
            for attr, _ in self._plain:
                value = validated.get(attr)
                if value is None:
                    continue
                if value.__class__ is not float:
                    break
                skew = value - captured
                if skew > max_skew or skew < -max_skew:
                    break  # a finding to make: the general path makes it
                skews.append(skew)
            else:
                return problems
            del skews[mark:]
        return self._lint_slowly(record, path, gathered, problems, validated)

    def _refused(
        self,
        record: Record,
        path: str,
        gathered: Gathered,
        problems: tuple[Problem, ...],
        errors: list[Any],
        detail: int,
    ) -> tuple[Problem, ...]:
        """`lint`'s end for a record the probe refused (`errors`: its error's), in a schema of one
        plain field. An error about that field's value, the only one, carries the value as
        parsed (the last of a repeated key, as a parser reads it): nearly every record with
        findings is then not parsed a second time, and a value near its capture time takes a
        short way here (the reading is the one the linter just made; a naive one's wall clock is
        its instant where naive times are read as UTC). A repair's problems (`detail` FIXES) are
        not given the evidence, which a repair never shows."""
        field = self._fields[0]
        if len(errors) != 1:
            return self._lint_slowly(record, path, gathered, problems, None)
        first = errors[0]
        loc = first["loc"]
        if len(loc) != 1 or loc[0] != field.path[0] or first["type"] == "missing":
            return self._lint_slowly(record, path, gathered, problems, None)
        return self._refused_value(record, path, gathered, problems, first["input"], detail)

    def _refused_value(
        self,
        record: Record,
        path: str,
        gathered: Gathered,
        problems: tuple[Problem, ...],
        value: object,
        detail: int,
    ) -> tuple[Problem, ...]:
        """`_refused`'s end, once the one value refused (`value`, as parsed) is known."""
        field = self._fields[0]
        if value is None:
            return self._lint_slowly(record, path, gathered, problems, None, ())
        captured = record.captured
        assert captured is not None
        _, instant, _, unit, zone, _, _ = self.linter.reading_of(value)
        skew = None if instant is None else instant - captured
        if (skew is not None and not -self.max_skew <= skew <= self.max_skew) or (
            zone is not None and not self._utc_wall
        ):  # a finding of its own to make (WS120), or a wall clock to read again
            return self._lint_slowly(record, path, gathered, problems, None, ((field, field.path, value),))
        if zone is not None:  # naive, read as UTC: the wall clock it shows is its instant
            label = None if unit is None else unit.label
            observation = (record.line, field.name, captured, instant, instant, label, (), record.label)
            gathered.naive.append(_new(Observation, observation))
        if skew is None:
            gathered.undated += 1
        else:
            gathered.skews.append(skew)
        if not problems or detail != FULL:
            return problems
        evidence = _new(ClockEvidence, (captured, skew))
        other = evidence if skew is None else _new(ClockEvidence, (captured, None))  # another field's finding
        name = field.name
        # `evidence` is a problem's last field, [3] its json_path (tests/test_field_order.py).
        return tuple([_new(Problem, (*found[:-1], evidence if found[3] == name else other)) for found in problems])

    def _lint_slowly(
        self,
        record: Record,
        path: str,
        gathered: Gathered,
        problems: tuple[Problem, ...],
        validated: object,
        values: Iterable[tuple[TimestampField, Path, object]] | None = None,
    ) -> tuple[Problem, ...]:
        """Every value of the record, through the conversion core (what the fast path leaves).
        `values`: the record's timestamp values, where known (else read from `validated`, or
        the record parsed again)."""
        line = record.message
        captured = record.captured
        assert line is not None and captured is not None
        if values is None:
            values = self.linter.timestamp_values(validated) if validated is not None else self._parsed_values(line)
        skews: dict[str, float | None] = {}
        skewed: list[Problem] = []
        max_skew, label, reading_of = self.max_skew, record.label, self.linter.reading_of
        utc_wall = self.policy.naive_zone == UTC_ZONE
        plain = self._plain_fields
        add = gathered.skews.append
        for field, where, value in values:
            name = field.name if where is field.path else format_path(where)
            if value.__class__ is float and field in plain and validated is not None:
                skew: float | None = value - captured
                zone, number, out_of_range = None, True, False
            else:
                reading = reading_of(value)
                instant = reading.seconds
                number = reading.unit is not None
                skew = None if instant is None else instant - captured
                zone, out_of_range = reading.zone, reading.out_of_range
                if zone is not None:
                    # The wall clock it shows, read as UTC: its instant, where naive times are.
                    wall = instant if utc_wall else classify(value, self._wall_policy).seconds
                    unit = reading.unit.label if number else None  # type: ignore[union-attr]
                    gathered.naive.append(
                        _new(Observation, (record.line, name, captured, instant, wall, unit, (), label))
                    )
            if skew is None:
                gathered.undated += 1
            else:
                add(skew)
            skews[name] = skew
            if skew is not None and not -max_skew <= skew <= max_skew:
                # A value outside the window has its own finding (WS109): this one only adds a unit.
                problem = self._skewed(record, path, where, name, value, skew, zone, number, out_of_range)
                if problem is not None:
                    skewed.append(problem)
        if not problems and not skewed:
            return problems
        # `evidence` is a problem's last field (tests/test_field_order.py): set without _replace,
        # which costs three times as much, for every finding of a capture with capture times.
        evidenced = [
            _new(Problem, (*problem[:-1], _new(ClockEvidence, (captured, skews.get(problem[3])))))  # [3]: json_path
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
        by_key = document.__class__ is dict
        for field, key in self._keys:
            if key is not None:  # a top-level field (the commonest): no walk
                value = document.get(key) if by_key else None
                if value is not None:
                    yield field, field.path, value
                continue
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
