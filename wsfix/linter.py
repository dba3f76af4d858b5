"""lint: one record (a line of bytes) in, its problems out.

The hot path rests on one strict validation call per record, against a *probe* of the schema's
model (see `probe.py`): its top-level float-seconds timestamps (the default schema's `timestamp`)
must be plausible epoch seconds, every other field is as the model has it. Strict mode refuses
every shape lax mode quietly converts, so a record the probe accepts has nothing to report there;
one it rejects for those timestamps alone carries each bad value in pydantic's error, as parsed.
Only the rest get the full analysis: pydantic's lax verdict (what the backend does), the raw bytes
of each timestamp, and the conversion core's reading of them. Where most records are refused, the
values are read with those timestamps untyped, and the probe's verdict decided from them
(`Linter.lint_chunk`): an error raised and taken apart per record costs more than the validation.

Fields deeper in the message (`data.trades[*].time`) or with another target (whole milliseconds,
`datetime`) keep their types in the probe, and the values strict validation makes of them get a
range check (`probe.DeepField`); a schema with none of them pays nothing for them.

`lint_chunk` lints many records at once, validating them all first and analysing the rejected
ones after, and works out only as much of each timestamp problem as its caller needs (`FULL`,
`FIXES`, `COUNTS`).

Which rule a finding belongs to, its message and its fix are the rules' decisions (`wsfix.rules`):
this module finds the records and values to ask about, and names no rule.

No I/O, no printing; select/ignore is applied by the caller.
"""

from __future__ import annotations

import collections
import io
import itertools
import operator
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, cast

from pydantic import RootModel, TypeAdapter, ValidationError
from pydantic_core import SchemaValidator, core_schema, from_json

from wsfix import jsontext, rules
from wsfix.fields import TimestampField
from wsfix.paths import Concrete, Path, concrete, format_path, matches
from wsfix.probe import DeepField, build_probe, plausible_range, split_fields
from wsfix.problems import Fix, Problem, Rule
from wsfix.schema import Schema
from wsfix.settings import DEFAULT_MAX_RECORD_MEMORY
from wsfix.timestamps import Form, Policy, Reading, classify, render, rereading

_NO_PROBLEMS: tuple[Problem, ...] = ()
_LINE_OF = operator.itemgetter(1)  # a problem's line number
_TOO_LARGE = object()  # a record over the size limit: not parsed
_BOM = b"\xef\xbb\xbf"
_UNKNOWN = object()
_NOT_A_TIMESTAMP = object()
# The fix of a problem made only to be counted (COUNTS without a counter: a record's problems,
# counted by `SegmentLinter`): it says that the problem has one, not where.
_COUNTED_FIX = Fix(0, 0, "")
_PROBE = object()  # in `lint_chunk`: a record whose outcome only the probe's validation says
_ACCEPTED = object()  # the probe accepts the record
_ABSENT = object()  # a key the record does not have
_NULL = Form.NULL  # a module constant: `Form.NULL` is a slow lookup on Python 3.11
_new = tuple.__new__  # builds a named tuple without running its Python-level __new__
_rule_for = rules.rule_for
_noted = rules.noted
# Forms for which pydantic's lax float gives one verdict whatever the value's content (an ISO string
# never parses as a float, an int always does), so the verdict is asked once and remembered.
_UNIFORM_FORMS = frozenset(Form) - {Form.UNPARSEABLE, Form.NON_FINITE}
# Errors for a whole record that say it is not the JSON object the model takes.
_NOT_AN_OBJECT = frozenset({"model_type", "dict_type", "model_attributes_type"})

# How much of each problem `lint_chunk` works out. Most of a problem is only there to be shown; a
# repair needs the fixes, and a table past its last row only counts.
FULL = 2  # everything
FIXES = 1  # for top-level seconds fields: line, field, code and fix (and a repeated key's note);
# no column, value or pydantic type. Every other problem is complete.
COUNTS = 0  # no problems: how many of each code, with a fix or not
# Readings of the top-level timestamp values kept, per kind (strings, integers): a capture
# often repeats its wrong values (0, "", a date), and a reading is exact for its value.
_READINGS_KEPT = 4096
_VALUE_TEXT_LIMIT = 2000  # `jsontext.value_text` cuts a value as written past this many characters


class ChunkFindings(NamedTuple):
    """What `Linter.lint_chunk` found in a chunk of a capture."""

    lines: int  # records in the chunk
    problems: list[Problem]  # in order: line, then column, then code (none for COUNTS)
    starts: dict[int, int]  # line number -> byte offset in the chunk, for each record with problems
    # COUNTS: the number of problems per (code, whether it has a fix); else None
    counted: collections.Counter[tuple[str, bool]] | None = None


def _parsed(line: bytes) -> object:
    """The record's JSON value, or None if it is not JSON after all."""
    try:
        return from_json(line)
    except ValueError:
        return None


def _json_location(
    document: object, loc: tuple[Any, ...], missing: bool
) -> tuple[Concrete, tuple[Concrete, Any] | None]:
    """The place in the record's JSON (`document`) of a pydantic error at `loc`, and the union
    member it is an error of, as (where that union is, the member's tag or name), or None.

    pydantic puts steps of its own into a location: a union member's tag (`trade.time`) or class
    name (`Trade.time`), a validator's name. They are the steps the JSON does not have.
    """
    where: list[str | int] = []
    member = None
    value = document
    for index, step in enumerate(loc):
        in_object = isinstance(value, dict) and isinstance(step, str) and step in value
        in_array = isinstance(value, list) and isinstance(step, int) and -1 < step < len(value)
        if in_object or in_array:
            value = value[step]  # type: ignore[index]
        elif missing and index == len(loc) - 1:
            value = None  # the key pydantic wanted and the record lacks
        else:
            if member is None:
                member = (tuple(where), step)
            continue
        where.append(step)
    return tuple(where), member


class _Fast(NamedTuple):
    """A top-level seconds field, as the probe's errors name it."""

    field: TimestampField
    where: Concrete  # its path
    key: str  # its JSON key
    nullable: bool


# What `Linter._verdict` says of a value to be placed in its record: its rule, whether its
# problem has a fix, and the rereading that forbids one (`timestamps.rereading`).
_Verdict = tuple[Rule, bool, Reading | None]


class Refused(NamedTuple):
    """One top-level seconds value the probe refuses, as `Linter.refusal` finds it (a class of
    its own: no other outcome noted in `lint_chunk`, or met by `observations.Observer`, passes
    for one)."""

    fast: _Fast
    value: object


class Linter:
    """Lints records against one schema under one conversion policy."""

    def __init__(self, schema: Schema, policy: Policy, max_record_memory: int = DEFAULT_MAX_RECORD_MEMORY) -> None:
        self.schema = schema
        self.policy = policy
        self.max_record_memory = max_record_memory
        model = schema.model
        self._validate_lax = model.__pydantic_validator__.validate_json
        self._fields = schema.timestamp_fields
        # Top-level float-seconds fields read from one key: checked by the probe itself, by JSON key.
        self._fast_fields, deep = split_fields(model, self._fields)
        self._fast_by_key = {
            field.name: _Fast(field, concrete(field.path), field.name, field.nullable) for field, _ in self._fast_fields
        }
        # How deep pydantic's error locations are sure to name keys of the record, as they are.
        self._plain_depth = 0 if issubclass(model, RootModel) else 1
        # Every other field: checked on the values strict validation made of it.
        self._deep = tuple(DeepField(field, policy) for field in deep)
        probe = build_probe(model, self._fast_fields, policy, deeper=bool(self._deep))
        self._validate_probe = probe.validate
        self._validate_model_probe = probe.validate_model
        self._validate_loose = probe.validate_loose
        # Where most records are refused, their top-level timestamp values are read instead, and
        # what the probe would say of each is decided from them (see `lint_chunk`, `refusal`).
        self.read_values = probe.read_values
        self._fast_keys = frozenset(self._fast_by_key)
        self._value_checks = tuple((attribute, self._fast_by_key[field.name]) for field, attribute in self._fast_fields)
        self._plausible = plausible_range(policy)
        # Whether the next records are expected to be mostly refused: set by each `lint_chunk`
        # from its own records, and by `observations.Observer` from each window of records it
        # lints. Either way the problems are the same; only their cost differs.
        self.expect_refusals = False
        # pydantic's lax verdict on one timestamp value, as the backend's field would give it.
        self._field_adapters: dict[str, TypeAdapter[Any]] = {
            field.name: TypeAdapter(field.annotation) for field in self._fields
        }
        self._float_fields = frozenset(
            name
            for name, adapter in self._field_adapters.items()
            if adapter.core_schema.get("type") == "float"
            or adapter.core_schema.get("schema", {}).get("type") == "float"
        )
        self._lax_type_cache: dict[tuple[str, Form, type], str | None] = {}
        self._str_readings: dict[str, Reading] = {}
        # Built here, as every validator: a signal must not arrive while pydantic builds one
        # mid-run (it would wrap what the signal raises into an error of its own).
        self._validate_top_keys = SchemaValidator(
            core_schema.typed_dict_schema(
                {
                    field.name: core_schema.typed_dict_field(core_schema.any_schema(), required=False)
                    for field in self._fields
                    if field.top_level
                }
            )
        ).validate_json
        self._int_readings: dict[int, Reading] = {}
        # A timestamp problem's message and pydantic's verdict, per kind of value (see `_timestamp_error`).
        self._described: dict[tuple[object, ...], tuple[str, object]] = {}

    def lint(self, line: bytes, line_no: int, path: str) -> tuple[Problem, ...]:
        """Problems of one record, sorted by column then code. `line` may end in \\n or \\r\\n.
        Line 1 may start with the file's byte order mark."""
        if (len(line) + 1) * _MOST_PER_BYTE > self.max_record_memory and record_memory(line) > self.max_record_memory:
            return (_too_large(line, line_no, self.max_record_memory, path),)
        try:
            message = self._validate_probe(line, strict=True)
        except ValidationError as error:
            return self.refused(line, line_no, path, error)
        except Exception:  # noqa: BLE001 - a model validator choking on a timestamp value
            return self._analyse_unknown(line, line_no, path)
        if self._deep and any(deep.suspicious(message) for deep in self._deep):
            return self._analyse_valid(line, line_no, path, message, False)
        return _NO_PROBLEMS

    def refused(
        self, line: bytes, line_no: int, path: str, error: ValidationError, errors: Any = None, detail: int = FULL
    ) -> tuple[Problem, ...]:
        """The problems of a record the probe refused with `error` (as `lint` gives them): for a
        caller that made the validation call itself (and `errors`: the error's, if it has them).
        `detail`: FULL, or FIXES (as for `lint_chunk`)."""
        if errors is None:
            errors = error.errors(include_url=False, include_context=False)
        found = self._timestamps_only(line, line_no, path, errors, detail)
        return found if found is not None else self._analyse_invalid(line, line_no, path, errors, line_no == 1)

    def refused_alone(
        self, line: bytes, line_no: int, path: str, refused: Refused, detail: int = FULL
    ) -> tuple[Problem, ...] | None:
        """The problems of a record the probe refuses for `refused` alone (`refusal` said so), as
        `refused` gives them; None where only the probe's own errors can tell (the value is not
        where the record's bytes were read to hold it). With `detail` COUNTS, problems to be
        counted: their code, and whether they have a fix (as `lint_chunk` counts them)."""
        problem = self._timestamp_value(line, line_no, path, refused.fast, refused.value, detail)
        if problem is _NOT_A_TIMESTAMP:
            return None
        return _NO_PROBLEMS if problem is None else (problem,)  # type: ignore[return-value]

    def lint_values(self, line: bytes, line_no: int, path: str) -> tuple[tuple[Problem, ...], object]:
        """As `lint`, and the message as the probe validated it (None where the probe refused
        it): capture-time evidence reads a record's timestamp values there (`timestamp_values`)
        instead of parsing the record a second time."""
        if (len(line) + 1) * _MOST_PER_BYTE > self.max_record_memory and record_memory(line) > self.max_record_memory:
            return self.lint(line, line_no, path), None
        try:
            message = self._validate_probe(line, strict=True)
        except ValidationError as error:  # refused: the rare records with findings
            return self.refused(line, line_no, path, error), None
        except Exception:  # noqa: BLE001 - as in lint()
            return self._analyse_unknown(line, line_no, path), None
        if self._deep and any(deep.suspicious(message) for deep in self._deep):
            return self._analyse_valid(line, line_no, path, message, False), message
        return _NO_PROBLEMS, message

    @property
    def probe_validate(self) -> Any:
        """The probe's `validate_json`, the one validation call per record (called strictly)."""
        return self._validate_probe

    @property
    def fast_fields(self) -> tuple[tuple[TimestampField, str], ...]:
        """The top-level float seconds fields the probe types itself, as (field, attribute)."""
        return self._fast_fields

    @property
    def deep_fields(self) -> tuple[DeepField, ...]:
        """Every other timestamp field, checked on the values strict validation made."""
        return self._deep

    def reading_of(self, value: object) -> Reading:
        """How this linter reads a timestamp value: the reading it made of it where it keeps one
        (a string or an integer it read lately: capture-time evidence asks about the values of a
        record just linted), else `classify`'s."""
        cls = value.__class__
        kept: dict[Any, Reading] | None = (
            self._str_readings if cls is str else self._int_readings if cls is int else None
        )
        if kept is not None:
            reading = kept.get(value)
            if reading is not None:
                return reading
        return classify(value, self.policy)

    def timestamp_values(self, message: object) -> Iterator[tuple[TimestampField, Path, object]]:
        """(field, path, value) of each timestamp value a message the probe validated
        holds, as validated (a float, an int, a datetime); absent keys and nulls are skipped. The
        path is concrete; a top-level field's is `field.path` itself."""
        by_key = message.__class__ is dict
        for field, attr in self._fast_fields:
            value = message.get(attr) if by_key else getattr(message, attr, None)  # type: ignore[attr-defined]
            if value is not None:
                yield field, field.path, value
        for deep in self._deep:
            for where, value in deep.values(message):
                if value is not None:
                    yield deep.field, where, value

    def lint_chunk(
        self, data: bytes, path: str, first_line: int = 1, detail: int = FULL, starts_file: bool | None = None
    ) -> ChunkFindings:
        """The records of `data` (whole lines; the last may lack its \\n) and their problems, in
        order: the same problems as `lint` gives each record. `detail` (FULL, FIXES, COUNTS)
        says how much of each timestamp problem to work out. `starts_file`: whether `data` is
        the start of the capture, where a byte order mark may stand (default: `first_line` is 1).

        The first loop runs once per record of every capture: a valid record costs one
        validation call and nothing else, and a rejected one only a note of its error.
        The rejected records are analysed afterwards, together: interleaved with the validation
        calls, the analysis in Python ran at half its speed (its code and data cold each time).
        For the same reason the values refused alone are worked out in stages, each over all of
        them (`_timestamp_values`).
        Records are cut one at a time as the loop reaches them (`BytesIO` splits at \\n only, as
        JSON Lines does): cut all at once first, each would be cold by the time it is validated.

        Where more than half the records of the last chunk were refused (`expect_refusals`), the
        first loop reads each record's top-level timestamp values instead (`Probe.read_values`),
        and `refusal` says from them what the probe would: a record refused for one value then
        raises nothing, and no error is taken apart (on 200,000 records all refused, measured:
        check 1.40 -> 1.27 s, repair 2.02 -> 1.83 s). A record refused for more, or for two
        values, is validated by the probe after all. The problems are the same either way
        (tests/test_refused_values.py).
        """
        validate = self._validate_probe
        records = io.BytesIO(data)
        tell = records.tell
        # (line number, record, its end in `data`, the probe's error, or the message to look into
        # further, or None for an exception that is not a validation error)
        noted: list[tuple[int, bytes, int, Any]] = []
        note = noted.append
        line_no = first_line - 1
        deep = self._deep
        limit = self.max_record_memory
        if (len(data) + 1) * _MOST_PER_BYTE > limit:  # a record may be over the limit: each is measured first
            for line_no, line in enumerate(records, first_line):
                if (len(line) + 1) * _MOST_PER_BYTE > limit and record_memory(line) > limit:
                    note((line_no, line, tell(), _TOO_LARGE))
                    continue
                try:
                    message = validate(line, strict=True)
                except ValidationError as error:
                    note((line_no, line, tell(), error))
                except Exception:  # noqa: BLE001 - as in lint()
                    note((line_no, line, tell(), None))
                else:
                    if deep and any(field.suspicious(message) for field in deep):
                        note((line_no, line, tell(), message))
        elif not deep and self.expect_refusals and self.read_values is not None:
            # Most records of the last chunk were refused (a client sending ISO strings in every
            # message): read each record's top-level timestamp values, which raises nothing for a
            # record refused for those alone, and decide from them what the probe would say. A
            # raised error and the error's list, taken apart, cost more than the validation.
            read, refusal = self.read_values, self.refusal
            for line_no, line in enumerate(records, first_line):
                try:
                    outcome = refusal(read(line, strict=True))
                except Exception:  # noqa: BLE001 - refused for more, or not JSON: the probe says why
                    note((line_no, line, tell(), _PROBE))
                else:
                    if outcome is not None:
                        note((line_no, line, tell(), outcome))
        elif not deep:
            for line_no, line in enumerate(records, first_line):
                try:
                    validate(line, strict=True)
                except ValidationError as error:
                    note((line_no, line, tell(), error))
                except Exception:  # noqa: BLE001 - as in lint()
                    note((line_no, line, tell(), None))
        else:
            for line_no, line in enumerate(records, first_line):
                try:
                    message = validate(line, strict=True)
                except ValidationError as error:
                    note((line_no, line, tell(), error))
                except Exception:  # noqa: BLE001 - as in lint()
                    note((line_no, line, tell(), None))
                else:
                    if any(field.suspicious(message) for field in deep):
                        note((line_no, line, tell(), message))
        problems: list[Problem] = []
        add, append = problems.extend, problems.append
        starts: dict[int, int] = {}
        counted: collections.Counter[tuple[str, bool]] | None = collections.Counter() if detail == COUNTS else None
        timestamps_only, refused_value = self._timestamps_only, self._refused_value
        one_by_one = self._validate_loose is None  # each error stands alone: no deeper fields
        bom_line = first_line if (first_line == 1 if starts_file is None else starts_file) else None
        found: tuple[Problem, ...] | None
        errors: list[Any] | None
        # What each noted record is: (line number, record, its end, outcome, the probe's errors
        # if they were asked for). A value refused alone is a `Refused`, whose problem is worked
        # out with the others' (`_timestamp_values`).
        decided: list[tuple[int, bytes, int, Any, list[Any] | None]] = []
        decide = decided.append
        refused: list[tuple[bytes, int, _Fast, object]] = []
        refuse = refused.append
        for number, line, end, outcome in noted:
            if outcome is _PROBE:  # its values read, and refused for more: as the loop above notes it
                outcome = self._probe_outcome(line)
                if outcome is _ACCEPTED:
                    continue
            errors = None
            if outcome.__class__ is ValidationError:  # first: every broken line's way
                errors = outcome.errors(include_url=False, include_context=False)
                if one_by_one and len(errors) == 1:  # nearly always: one bad timestamp
                    outcome = refused_value(errors[0]) or outcome
            if outcome.__class__ is Refused:  # one top-level seconds value refused, nothing else
                refuse((line, number, outcome.fast, outcome.value))
            decide((number, line, end, outcome, errors))
        refused_problems = iter(self._timestamp_values(refused, path, detail, counted))
        for number, line, end, outcome, errors in decided:
            if outcome.__class__ is Refused:
                problem = next(refused_problems)
                if problem is None:  # nothing to report, or counted already
                    continue
                if problem is not _NOT_A_TIMESTAMP:  # not COUNTS (counted already)
                    append(problem)  # type: ignore[arg-type]
                    starts[number] = end - len(line)
                    continue
                if errors is None:  # its values were read: the probe's own verdict tells
                    outcome = self._probe_outcome(line)
                    if outcome is _ACCEPTED:
                        continue
                    if isinstance(outcome, ValidationError):
                        errors = outcome.errors(include_url=False, include_context=False)
                    else:  # an exception that is not a validation error, as in lint()
                        found = self._analyse_unknown(line, number, path)
                if errors is not None:
                    found = self._analyse_invalid(line, number, path, errors, number == bom_line)
            elif errors is not None:
                found = timestamps_only(line, number, path, errors, detail)
                if found is None:
                    found = self._analyse_invalid(line, number, path, errors, number == bom_line)
            elif outcome is None:
                found = self._analyse_unknown(line, number, path)
            elif outcome is _TOO_LARGE:
                found = (_too_large(line, number, limit, path),)
            else:
                found = self._analyse_valid(line, number, path, outcome, False)
            if found:
                if counted is not None:
                    for problem in found:
                        counted[problem.code, problem.fix is not None] += 1
                    continue
                add(found)
                starts[number] = end - len(line)
        self.expect_refusals = len(noted) * 2 > line_no - first_line + 1
        # The errors' tracebacks refer to this frame, which refers to them (in `noted`, and the
        # last in `outcome`): a cycle that only the garbage collector would break, keeping the
        # piece's bytes and problems alive until its next full collection. Break it now.
        noted.clear()
        decided.clear()
        outcome = None
        return ChunkFindings(line_no - first_line + 1, problems, starts, counted)

    def lint_lines(
        self, records: Sequence[bytes], path: str, detail: int = FULL, starts_file: bool = False
    ) -> list[tuple[Problem, ...]] | None:
        """The problems of each of `records`, as `lint` gives each alone, but worked out together
        as `lint_chunk` works out a chunk's: the messages of prefixed log lines, of envelopes
        (`SegmentLinter._batched`; measured on 200,000 records all broken, `check` of the
        capture: 1.23x as fast as enveloped, 1.29x as prefixed lines). Each record is one line
        (a \\n, if any, only at its end); its problems' line numbers are its place in `records`,
        from 1. `detail`: FULL or FIXES (COUNTS gives FIXES). `starts_file`: the first record
        may start with the file's byte order mark (`lint` takes line 1 to).

        None where they cannot be linted so: a record holds a \\n, or the records are large
        enough that one might exceed the memory bound (`lint` measures each alone)."""
        # Each record ends in \n here: `lint` reads a record the same with or without it.
        data = b"".join([record if record[-1:] == b"\n" else record + b"\n" for record in records])
        if data.count(b"\n") != len(records) or (len(data) + 1) * _MOST_PER_BYTE > self.max_record_memory:
            return None
        found = self.lint_chunk(data, path, 1, FIXES if detail == COUNTS else detail, starts_file)
        each: list[tuple[Problem, ...]] = [_NO_PROBLEMS] * len(records)
        for number, problems in itertools.groupby(found.problems, _LINE_OF):
            each[number - 1] = tuple(problems)
        return each

    def refusal(self, values: dict[str, Any]) -> object:
        """What the probe says of a record whose top-level timestamp values are `values` (as
        `Probe.read_values` gives them: every other field as the probe checks it, and passed):
        None (it accepts the record), the one value it refuses (`Refused`), or `_PROBE` where only
        its own validation can say (two values refused: its errors and their order are its own).

        The probe types each as a strict float in the plausible window, null where the field
        allows it (`probe.build_probe`): a float or an integer inside the window passes (NaN
        compares as outside), as do a null it allows and an absent key (the validation of the
        values refuses a required one); anything else is refused. The probe compares an integer
        as a float; the window lies within ±1e11 seconds (`plausible_range`), where a float holds
        every integer exactly, so the comparison here is the same.
        """
        low, high = self._plausible
        refused = None
        for attribute, fast in self._value_checks:
            value = values.get(attribute, _ABSENT)
            cls = value.__class__
            if cls is float or cls is int:
                if low <= value < high:
                    continue
            elif value is _ABSENT or (value is None and fast.nullable):
                continue
            if refused is not None:
                return _PROBE
            refused = _new(Refused, (fast, value))
        return refused

    def _probe_outcome(self, line: bytes) -> object:
        """What the first loop of `lint_chunk` notes for a record: the probe's error, None for an
        exception that is not one, or `_ACCEPTED`."""
        try:
            self._validate_probe(line, strict=True)
        except ValidationError as error:
            return error
        except Exception:  # noqa: BLE001 - as in lint()
            return None
        return _ACCEPTED

    # --- the full analysis, for records that fail the fast path -------------------------------

    def _timestamps_only(
        self, line: bytes, line_no: int, path: str, errors: list[Any], detail: int
    ) -> tuple[Problem, ...] | None:
        """The problems of a record the probe rejects for its top-level timestamps alone, or None
        if it rejects more (then only the full analysis can tell). `errors`: the probe's.

        The probe is the model with those timestamps required to be plausible epoch seconds, so
        such a record is valid but for them, and each error carries the value pydantic parsed.
        """
        if self._validate_loose is not None:  # deeper fields too: their values are needed
            if any(self._refused_value(error) is None for error in errors):
                return None
            try:
                message = self._validate_loose(line, strict=True)
            except Exception:  # noqa: BLE001 - let the full analysis tell
                return None
            return self._analyse_valid(line, line_no, path, message, True)
        if detail == COUNTS:  # problems wanted after all (counted by the caller)
            detail = FIXES
        if len(errors) == 1:  # nearly always: one bad timestamp, and no list to build and sort
            problem = self._timestamp_error(line, line_no, path, errors[0], detail)
            if problem is _NOT_A_TIMESTAMP:
                return None
            return _NO_PROBLEMS if problem is None else (problem,)  # type: ignore[return-value]
        problems = []
        for error in errors:
            problem = self._timestamp_error(line, line_no, path, error, detail)
            if problem is _NOT_A_TIMESTAMP:
                return None
            if problem is not None:
                problems.append(problem)
        problems.sort(key=Problem.sort_key)  # type: ignore[arg-type]
        return tuple(problems)  # type: ignore[arg-type]

    def _timestamp_error(
        self,
        line: bytes,
        line_no: int,
        path: str,
        error: Any,
        detail: int,
        counted: collections.Counter[tuple[str, bool]] | None = None,
    ) -> object:
        """The problem (or None) behind one probe error, or `_NOT_A_TIMESTAMP` if the error is
        not about the value of a top-level seconds field (see `_timestamp_value`)."""
        refused = self._refused_value(error)
        if refused is None:
            return _NOT_A_TIMESTAMP
        return self._timestamp_value(line, line_no, path, refused.fast, refused.value, detail, counted)

    def _refused_value(self, error: Any) -> Refused | None:
        """The value a probe error refuses, where it is a top-level seconds field's; else None
        (another field, or a missing key, which the full analysis reports)."""
        loc = error["loc"]
        fast = self._fast_by_key.get(loc[0]) if len(loc) == 1 else None
        if fast is None or error["type"] == "missing":
            return None
        return _new(Refused, (fast, error["input"]))

    def _timestamp_value(
        self,
        line: bytes,
        line_no: int,
        path: str,
        fast: _Fast,
        value: object,
        detail: int,
        counted: collections.Counter[tuple[str, bool]] | None = None,
    ) -> object:
        """The problem (or None) of a value the probe refuses in top-level seconds field `fast`,
        or `_NOT_A_TIMESTAMP` if the record does not hold it where the field says: one value, as
        `_timestamp_values` works out many, with the same steps (a record linted alone, in a HAR
        or behind a prefix, pays for no stages)."""
        cls = value.__class__
        if cls is not str and cls is not int:
            return self._other_value((line, line_no, fast, value), path, detail, counted)
        reading = self._reading_of(value, cls)
        verdict = self._verdict(reading, path, line_no, fast, detail, counted)
        if verdict.__class__ is not tuple:
            return verdict  # None, or a problem only to be counted
        span, repeated = jsontext.last_member(line, fast.key)
        return self._placed(line, line_no, path, fast, value, reading, cast(_Verdict, verdict), span, repeated, detail)

    def _timestamp_values(
        self,
        refused: Sequence[tuple[bytes, int, _Fast, object]],
        path: str,
        detail: int,
        counted: collections.Counter[tuple[str, bool]] | None = None,
    ) -> list[object]:
        """For each (record, line number, field, value) the probe refuses, a value of a top-level
        seconds field: its problem (or None), or `_NOT_A_TIMESTAMP` if the record does not hold
        the value where the field says. With `counted` (COUNTS), each problem is counted there
        instead, and None given.

        Runs for nearly every rejected record of a chunk, in stages, each a loop over all the
        values: their readings, their rules, where each sits in its record, their problems.
        Taken one value at a time through every stage (as `_timestamp_value` takes a record
        linted alone), the same work took 7% (counts only) to 11% (full problems) longer on
        200,000 records all refused, and 5% to 18% longer where one in ten is: the code of each
        stage (the conversion core's, the byte scanner's) was cold again by the time the next
        value reached it. Each stage calls the same step as `_timestamp_value` does: a batch of
        one cost a record linted alone a tenth more (measured on a HAR).
        """
        found: list[object] = [None] * len(refused)
        # Stage 1: the readings of strings and integers (anything else is read from the bytes).
        reading_of = self._reading_of
        readings = [
            reading_of(value, cls) if (cls := value.__class__) is str or cls is int else None
            for _, _, _, value in refused
        ]
        # Stage 2: each value's rule, and whether its problem has a fix; those to be placed in
        # their records: (index, item, reading, its `_verdict`).
        verdict_of = self._verdict
        placed: list[tuple[int, tuple[bytes, int, _Fast, object], Reading, _Verdict]] = []
        for index, (item, reading) in enumerate(zip(refused, readings, strict=True)):
            if reading is None:
                found[index] = self._other_value(item, path, detail, counted)
                continue
            verdict = verdict_of(reading, path, item[1], item[2], detail, counted)
            if verdict.__class__ is tuple:
                placed.append((index, item, reading, cast(_Verdict, verdict)))
            else:
                found[index] = verdict
        if not placed:
            return found
        # Stage 3: where each value sits in its record.
        last_member = jsontext.last_member
        spans = [last_member(item[0], item[2].key) for _, item, _, _ in placed]
        # Stage 4: the problems.
        place = self._placed
        for (index, (line, line_no, fast, value), reading, verdict), (span, repeated) in zip(
            placed, spans, strict=True
        ):
            found[index] = place(line, line_no, path, fast, value, reading, verdict, span, repeated, detail)
        return found

    def _reading_of(self, value: Any, cls: type) -> Reading:
        """The reading of a string or an integer value, kept for the next time it is seen.
        pydantic's own parse is exact for both; a float token is re-read from the bytes as a
        Decimal instead (`_timestamp_problem`), since the float may already be rounded."""
        kept: dict[Any, Reading] = self._str_readings if cls is str else self._int_readings
        reading = kept.get(value)
        if reading is None:
            reading = classify(value, self.policy)
            if len(kept) >= _READINGS_KEPT:
                kept.clear()
            kept[value] = reading
        return reading

    def _verdict(
        self,
        reading: Reading,
        path: str,
        line_no: int,
        fast: _Fast,
        detail: int,
        counted: collections.Counter[tuple[str, bool]] | None,
    ) -> _Verdict | Problem | None:
        """(rule, whether the problem has a fix, the rereading that forbids one) of a reading to
        be placed in its record; else what its value's problem is: None (nothing to report, or
        counted in `counted`), or a problem only to be counted (COUNTS)."""
        rule = _rule_for(reading)  # a string or a number: never null
        if rule is None:
            return None
        seconds = reading[1]
        again = None
        fixable = seconds is not None and reading[2] is None and rule.fix is not None
        if fixable:
            again = rereading(seconds, self.policy)  # type: ignore[arg-type]
            fixable = again is None
        if counted is not None:
            counted[rule.code, fixable] += 1
            return None
        if detail == COUNTS:  # the caller counts the problem: its code, and whether it has a fix
            fix = _COUNTED_FIX if fixable else None
            return _new(Problem, (path, line_no, None, fast.key, rule.code, "", None, None, fix, None, 1, None))
        return (rule, fixable, again)

    def _placed(
        self,
        line: bytes,
        line_no: int,
        path: str,
        fast: _Fast,
        value: object,
        reading: Reading,
        verdict: _Verdict,
        span: tuple[int, int] | None,
        repeated: int,
        detail: int,
    ) -> object:
        """The problem of a value whose `_verdict` is `verdict`, found at `span` in its record
        (`_NOT_A_TIMESTAMP` where it is not there): as `_seconds_problem` makes it, inline (this
        is every broken line's work)."""
        if span is None:
            return _NOT_A_TIMESTAMP
        rule, fixable, again = verdict
        start, end = span
        seconds = reading[1]
        fix = _new(Fix, (start, end, render(seconds))) if fixable else None  # type: ignore[arg-type]
        if detail != FULL:  # FIXES: no message (a repair's tally reads `repeated`)
            return _new(Problem, (path, line_no, None, fast.key, rule.code, "", None, None, fix, None, repeated, None))
        # The message and pydantic's verdict are the same for every value of one kind, and
        # worked out once per kind.
        token = line[start:end]
        # A rule's description depends only on what a reading says besides its instant (form,
        # reason, unit, zone, range, whether it names one: tests/test_rules.py holds them to that).
        kind = (
            fast.key,
            value.__class__,
            reading[0],
            reading[2],
            reading[3],
            reading[4],
            reading[5],
            seconds is None,
        )
        described = self._described.get(kind)
        if described is None:
            assert rule.describe is not None
            lax: object = _UNKNOWN  # pydantic's verdict depends on the value itself: asked each time
            if fast.key in self._float_fields and reading[0] in _UNIFORM_FORMS:
                lax = self._lax_type(fast.field, token, reading[0], value)
            if len(self._described) >= _READINGS_KEPT:
                self._described.clear()
            described = self._described[kind] = (rule.describe(reading), lax)
        message, lax = described
        if lax is _UNKNOWN:
            lax = self._lax_type(fast.field, token, reading[0], value)
        if again is not None:
            message += rules.not_repaired_note(render(seconds), again)  # type: ignore[arg-type]
        if repeated > 1:
            message = _noted(message, repeated)
        text = token.decode("utf-8", "backslashreplace")
        return _new(
            Problem,
            (
                path,
                line_no,
                start + 1 if line.isascii() else jsontext.column_of(line, start),
                fast.key,
                rule.code,
                message,
                text if len(text) <= _VALUE_TEXT_LIMIT else jsontext.value_text(token),
                lax,
                fix,
                None,
                repeated,
                None,
            ),
        )

    def _other_value(
        self,
        item: tuple[bytes, int, _Fast, object],
        path: str,
        detail: int,
        counted: collections.Counter[tuple[str, bool]] | None,
    ) -> object:
        """`_timestamp_values` for a refused value that is neither a string nor an integer (a
        float, a boolean, null, an object, an array): read from the record's bytes."""
        line, line_no, fast, _ = item
        span, repeated = jsontext.last_member(line, fast.key)
        if span is None:
            return _NOT_A_TIMESTAMP
        problem = self._timestamp_problem(
            line, line_no, path, fast.field, fast.where, span, _UNKNOWN, repeated, FIXES if detail == COUNTS else detail
        )
        if counted is not None and problem is not None:
            counted[problem.code, problem.fix is not None] += 1
            return None
        return problem

    def _analyse_valid(
        self, line: bytes, line_no: int, path: str, message: Any, top_level: bool
    ) -> tuple[Problem, ...]:
        """A record valid but for its timestamps: the deeper ones are suspect, and (`top_level`)
        the top-level seconds ones too (`message` then comes from a probe typing them `Any`)."""
        problems = []
        if top_level:
            fields_set = message.model_fields_set
            for field, attribute in self._fast_fields:
                if attribute in fields_set:
                    value = getattr(message, attribute)
                    # As in `_timestamp_error`: strings and integers are parsed exactly.
                    known = value if value.__class__ is str or value.__class__ is int else _UNKNOWN
                    span, repeated = jsontext.last_member(line, field.name)
                    problem = self._timestamp_problem(
                        line, line_no, path, field, concrete(field.path), span, known, repeated
                    )
                    if problem is not None:
                        problems.append(problem)
        for deep in self._deep:
            for where, value in deep.values(message):
                if not deep.fine(value):
                    problem = self._timestamp_problem(
                        line, line_no, path, deep.field, where, jsontext.find_span(line, where)
                    )
                    if problem is not None:
                        problems.append(problem)
        problems.sort(key=Problem.sort_key)
        return tuple(problems)

    def _analyse_invalid(
        self, line: bytes, line_no: int, path: str, errors: list[Any], at_start: bool
    ) -> tuple[Problem, ...]:
        """A record the probe rejects for more than its timestamps; `errors` are the probe's.
        `at_start`: the record starts the capture (a byte order mark may stand there)."""
        first = errors[0]
        if first["type"] == "json_invalid":
            if at_start and line.startswith(_BOM):
                return self._lint_after_bom(line, path)
            return (rules.record_problem(line, line_no, path, first),)
        if not first["loc"]:
            if self._validate_probe is not self._validate_model_probe:  # the model's own error type
                try:
                    self._validate_model_probe(line, strict=True)
                except ValidationError as error:
                    first = error.errors(include_url=False, include_context=False)[0]
                except Exception:  # noqa: BLE001 - as in lint()
                    return self._analyse_unknown(line, line_no, path)
                else:
                    return self._analyse_unknown(line, line_no, path)
            if first["type"] in _NOT_AN_OBJECT:
                return (rules.record_problem(line, line_no, path, first),)
            # The record as a whole, but not for its JSON type: a model validator refused it, or
            # a root model takes something else (a list); the full analysis gives its own words.
            return self._analyse_unknown(line, line_no, path)
        return self._analyse_unknown(line, line_no, path, self._accepted_keys(errors))

    def _lint_after_bom(self, line: bytes, path: str) -> tuple[Problem, ...]:
        """The first record of a capture, after the UTF-8 byte order mark that starts the file.

        A BOM is an artifact of the file (some Windows tools write one), not part of the first
        message: JSON parsers may ignore it (RFC 8259, section 8.1), and the backend never sees it.
        So the record is linted without it, and nothing is reported about it. Columns count from
        after the BOM, as editors show them; fixes count its bytes, so that repair keeps it.
        """
        # Linted as line 0 so that a second BOM is not skipped too; its problems say line 1.
        problems = self.lint(line[len(_BOM) :], 0, path)
        return tuple(
            problem._replace(
                line=1,
                fix=problem.fix
                and problem.fix._replace(start=problem.fix.start + len(_BOM), end=problem.fix.end + len(_BOM)),
            )
            for problem in problems
        )

    def _accepted_keys(self, errors: list[Any]) -> frozenset[str]:
        """The keys of the top-level seconds fields whose values the probe accepted, where it
        gives `errors` for a record's fields (each located in one): those it does not name. No
        rule reports such a value (the first loop of `lint_chunk` reports nothing of a record the
        probe accepts), so the full analysis need not look for it."""
        if not self._plain_depth or not all(error["loc"] for error in errors):  # the record as a whole
            return frozenset()
        return self._fast_keys.difference([error["loc"][0] for error in errors])

    def _analyse_unknown(
        self, line: bytes, line_no: int, path: str, accepted: frozenset[str] = frozenset()
    ) -> tuple[Problem, ...]:
        """A JSON object the probe rejects: pydantic's lax errors, then every timestamp found
        but those of the top-level fields named in `accepted` (see `_accepted_keys`).

        One finding per cause: an error located in a timestamp field whose value a timestamp
        rule reports is that rule's finding alone; one whose value no rule reports (a constraint,
        a field validator) is reported as pydantic gives it. Of a union's members, when one is
        refused for its timestamps alone, the errors of the others are not reported: they are
        what pydantic tried before, not faults of the record.
        """
        errors: list[Any] = []
        problems = []
        try:
            self._validate_lax(line)
        except ValidationError as error:
            errors = error.errors(include_url=False)
        except Exception as error:  # noqa: BLE001 - a broken model validator is the model's fault
            problems.append(rules.model_failure(line_no, path, error))
        # A location of one step in a model (not a root model) is a key of the record: no parse.
        document = _parsed(line) if any(len(detail["loc"]) > self._plain_depth for detail in errors) else None
        # (error, its place in the JSON, the timestamp field there, the union member it is of)
        located_errors: list[tuple[Any, Concrete, TimestampField | None, tuple[Concrete, Any] | None]] = []
        missing: list[Concrete] = []
        located: set[Concrete] = set()  # where pydantic located an error in a timestamp field
        for detail in errors:
            loc = tuple(detail["loc"])
            if len(loc) > self._plain_depth:
                where, member = _json_location(document, loc, detail["type"] == "missing")
            else:
                where, member = loc, None
            field = self._field_at(where)
            if field is not None:
                where = where[: len(field.path)]
                if detail["type"] == "missing":
                    missing.append(where)
                located.add(where)
            located_errors.append((detail, where, field, member))
        for where in dict.fromkeys(missing):
            problems.append(rules.missing_timestamp(line_no, path, format_path(where)))
        reported: set[Concrete] = set(missing)  # the timestamp values a rule reports
        present: object = None  # the top-level timestamp keys the record has, once asked
        for field in self._fields:
            if field.top_level:  # one member: the fast scanner when the key is known to be there
                if field.name in accepted:  # refused for another field: its timestamp passed
                    continue
                key = concrete(field.path)
                if key not in located and present is None:
                    present = self._top_level_keys(line)
                if key in located or (present is not _UNKNOWN and field.name in present):  # type: ignore[operator]
                    span, repeated = jsontext.last_member(line, field.name)
                elif present is not _UNKNOWN:
                    span, repeated = None, 0
                else:
                    span, repeated = jsontext.find_member(line, field.name)
                spans = [(key, span, repeated)] if span is not None else []
            else:
                spans = [(where, (start, end), 1) for where, start, end in jsontext.iter_spans(line, field.path)]
            for where, span, repeated in spans:
                problem = self._timestamp_problem(line, line_no, path, field, where, span, _UNKNOWN, repeated)
                if problem is not None:
                    problems.append(problem)
                    reported.add(where)
        explained = [field is not None and where in reported for _, where, field, _ in located_errors]
        # The members of each union with errors, and those refused for reported timestamps alone.
        tried: dict[Concrete, set[Any]] = {}
        chosen: dict[Concrete, set[Any]] = {}
        for _, _, _, member in located_errors:
            if member is not None:
                tried.setdefault(member[0], set()).add(member[1])
                chosen.setdefault(member[0], set()).add(member[1])
        for (_, _, _, member), done in zip(located_errors, explained, strict=True):
            if member is not None and not done:
                chosen[member[0]].discard(member[1])
        for (detail, where, _, member), done in zip(located_errors, explained, strict=True):
            if member is not None:
                if done or (chosen[member[0]] and member[1] not in chosen[member[0]]):
                    continue
                if len(tried[member[0]]) == 1:  # the member the tag chose: its place in the record
                    detail = {**detail, "loc": where}
            elif done:
                continue
            problems.append(rules.field_problem(line, line_no, path, detail))
        problems.sort(key=Problem.sort_key)
        return tuple(problems)

    def _top_level_keys(self, line: bytes) -> object:
        """The keys of top-level timestamp fields the record has (a dict), or `_UNKNOWN` if
        pydantic cannot parse it as an object. One parse; the full scanner takes ten times longer."""
        try:
            return self._validate_top_keys(line)
        except Exception:  # noqa: BLE001 - not an object after all: the full scanner tells
            return _UNKNOWN

    def _field_at(self, loc: tuple[Any, ...]) -> TimestampField | None:
        """The timestamp field a pydantic error location falls in (the value itself, or a union
        member's tag below it), or None."""
        for field in self._fields:
            if len(loc) >= len(field.path) and matches(field.path, loc[: len(field.path)]):
                return field
        return None

    def _timestamp_problem(
        self,
        line: bytes,
        line_no: int,
        path: str,
        field: TimestampField,
        where: Concrete,
        span: tuple[int, int] | None,
        value: object = _UNKNOWN,
        repeated: int = 1,
        detail: int = FULL,
    ) -> Problem | None:
        """The problem of the value of `field` at concrete path `where`, whose bytes are `span`
        (None: the key is absent). `value`: its JSON value if already parsed exactly; `repeated`:
        how many times the record names the key (pydantic reads the last, `span`); `detail`: how
        much of the problem to work out (float seconds targets only; see FULL).

        Runs for every bad timestamp: tuples are made with `tuple.__new__` (a named tuple's own
        constructor is Python code).
        """
        if span is None:
            return rules.missing_timestamp(line_no, path, format_path(where)) if field.required else None
        start, end = span
        if value is _UNKNOWN:
            try:
                value = jsontext.token_value(line[start:end])
            except ValueError:
                return None
        if not field.target.is_seconds:
            return self._other_target_problem(
                line, line_no, path, field, where, start, line[start:end], value, repeated
            )
        reading = classify(value, self.policy)
        if reading[0] is _NULL and field.nullable:
            return None
        rule = _rule_for(reading)
        if rule is None:
            return None
        json_path = field.name if where is field.path else format_path(where)
        return self._seconds_problem(
            line, line_no, path, field, json_path, span, value, reading, rule, repeated, detail
        )

    def _seconds_problem(
        self,
        line: bytes,
        line_no: int,
        path: str,
        field: TimestampField,
        json_path: str,
        span: tuple[int, int],
        value: object,
        reading: Reading,
        rule: Any,
        repeated: int,
        detail: int,
    ) -> Problem:
        """The problem `rule` finds in `value`, read as `reading`, at bytes `span` of the record,
        in a float seconds field; with only as much worked out as `detail` asks (FULL or FIXES)."""
        start, end = span
        seconds = reading[1]
        fix = again = None
        if seconds is not None and reading[2] is None and rule.fix is not None:
            again = rereading(seconds, self.policy)
            if again is None:
                fix = _new(Fix, (start, end, render(seconds)))
        if detail != FULL:  # FIXES: no message (the repair's tally reads `repeated`)
            return _new(Problem, (path, line_no, None, json_path, rule.code, "", None, None, fix, None, repeated, None))
        token = line[start:end]
        message = rule.describe(reading)
        if again is not None:
            assert seconds is not None
            message += rules.not_repaired_note(render(seconds), again)
        return _new(
            Problem,
            (
                path,
                line_no,
                jsontext.column_of(line, start),
                json_path,
                rule.code,
                _noted(message, repeated),
                jsontext.value_text(token),
                self._lax_type(field, token, reading[0], value),
                fix,
                None,
                repeated,
                None,
            ),
        )

    def _other_target_problem(
        self,
        line: bytes,
        line_no: int,
        path: str,
        field: TimestampField,
        where: Concrete,
        start: int,
        token: bytes,
        value: object,
        repeated: int,
    ) -> Problem | None:
        """A value in a field of whole epoch units or a `datetime` field (see `rules.judge_target`)."""
        reading = classify(value, self.policy, exact=True)
        if reading.form is Form.NULL and field.nullable:
            return None
        lax_error, lax_value = self._lax_outcome(field, token)
        verdict = rules.judge_target(reading, field.target, token, self.policy, lax_error, lax_value)
        if verdict is None:
            return None
        fix = Fix(start, start + len(token), verdict.fix) if verdict.fix is not None else None
        return Problem(
            path,
            line_no,
            jsontext.column_of(line, start),
            format_path(where),
            verdict.rule.code,
            _noted(verdict.message, repeated),
            jsontext.value_text(token),
            lax_error,
            fix,
            repeated=repeated,
        )

    def _lax_outcome(self, field: TimestampField, token: bytes) -> tuple[str | None, object]:
        """(pydantic's error type, None) for a value its lax validation rejects in this field, else
        (None, the value it makes of it)."""
        try:
            return None, self._field_adapters[field.name].validate_json(token)
        except ValidationError as error:
            return error.errors(include_url=False)[0]["type"], None

    def _lax_type(self, field: TimestampField, token: bytes, form: Form, value: object) -> str | None:
        """The error type pydantic's lax validation gives this value in this field (None: accepted)."""
        key = (field.name, form, value.__class__)
        cacheable = field.name in self._float_fields and form in _UNIFORM_FORMS
        if cacheable and key in self._lax_type_cache:
            return self._lax_type_cache[key]
        try:
            self._field_adapters[field.name].validate_json(token)
            verdict = None
        except ValidationError as error:
            verdict = error.errors(include_url=False)[0]["type"]
        if cacheable:
            self._lax_type_cache[key] = verdict
        return verdict


# A parsed JSON value takes about this much memory, beyond its text (a Python object and a list
# slot; measured: an array of 25 million zeros took 1.9 GB in pydantic's validation).
_BYTES_PER_VALUE = 64
# The most `record_memory` can say per byte of a record (every byte a `,`: 65 per byte and 64): a
# record, or a chunk of records, of fewer than limit / this - 1 bytes cannot be over the limit,
# and is not measured.
_MOST_PER_BYTE = 2 + _BYTES_PER_VALUE
MOST_PER_BYTE = _MOST_PER_BYTE


def _values(line: bytes) -> int:
    return line.count(b",") + line.count(b"[") + line.count(b"{") + 1


def record_memory(line: bytes) -> int:
    """An estimate (from above) of the memory a record takes parsed: its size as stored and 64
    bytes per value it may hold (one per `,`, `[` and `{`, wherever they stand, and one more)."""
    return len(line) + _BYTES_PER_VALUE * _values(line)


def _too_large(line: bytes, line_no: int, limit: int, path: str) -> Problem:
    return rules.too_large(len(line), _values(line), record_memory(line), limit, line_no, path)
