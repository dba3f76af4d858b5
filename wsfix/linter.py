"""lint: one record (a line of bytes) in, its problems out.

The hot path rests on one validation call per record, against a *probe* of the schema's model: the
same model with its timestamp fields typed `Any`, validated strictly. Strict mode refuses every
shape lax mode quietly converts, so when the probe accepts a record, the record can only be wrong
in its timestamps, whose raw JSON values the probe hands back as parsed: a finite number of
plausible epoch seconds needs nothing more. Only the rest get the full analysis: pydantic's lax
verdict (what the backend does), the raw bytes of each timestamp, and the conversion core's
reading of them.

No I/O, no printing; select/ignore is applied by the caller.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, NamedTuple, Optional

from pydantic import Field, TypeAdapter, ValidationError, create_model
from typing_extensions import NotRequired, TypedDict  # pydantic needs these on Python 3.11

from wsfix import jsontext, rules
from wsfix.problems import Fix, Problem
from wsfix.schema import Schema, TimestampField
from wsfix.timestamps import Form, Policy, Unit, classify, render

_NO_PROBLEMS: tuple[Problem, ...] = ()
_UNKNOWN = object()
_new = tuple.__new__  # builds a named tuple without running its Python-level __new__
_JSON_POSITION = re.compile(r"line (\d+) column (\d+)")
_TOP_LEVEL_KIND = {ord("["): "an array", ord('"'): "a string", ord("n"): "null", ord("t"): "a boolean",
                   ord("f"): "a boolean"}
# Forms for which pydantic's lax float gives one verdict whatever the value's content (an ISO string
# never parses as a float, an int always does), so the verdict is asked once and remembered.
_NULL = Form.NULL  # a module constant: `Form.NULL` is a slow lookup on Python 3.11
_NO_SPAN = (0, 0)
_NOT_A_TIMESTAMP = object()
_member_span = jsontext.member_span  # module globals: one lookup less per bad value
_rule_for = rules.rule_for
_UNIFORM_FORMS = frozenset(Form) - {Form.UNPARSEABLE, Form.NON_FINITE}


# How much of each timestamp problem `lint_chunk` works out. Most of a problem is only there to be
# shown; a repair needs the fixes, and a table past its last row only counts. Records with other
# problems (invalid JSON, schema violations) always get everything.
FULL = 2  # everything
FIXES = 1  # line, field, code and fix; no column, message, value or pydantic type
COUNTS = 0  # line, field and code; `fix` is HAS_FIX or None
HAS_FIX = Fix(0, 0, "")  # in COUNTS problems: "a fix exists", not the fix


class ChunkFindings(NamedTuple):
    """What `Linter.lint_chunk` found in a chunk of a capture."""

    lines: int  # records in the chunk
    problems: list[Problem]  # in order: line, then column, then code
    starts: dict[int, int]  # line number -> byte offset in the chunk, for each record with problems


class Linter:
    """Lints records against one schema under one conversion policy."""

    def __init__(self, schema: Schema, policy: Policy) -> None:
        self.schema = schema
        self.policy = policy
        model = schema.model
        self._validate_lax = model.__pydantic_validator__.validate_json
        self._fields = schema.timestamp_fields
        self._names = tuple(field.name for field in self._fields)
        self._by_name = {field.name: field for field in self._fields}
        # A number inside [low, high) is plausible epoch seconds: nothing to report.
        if policy.unit not in (None, Unit.S):
            low, high = 1.0, 0.0  # an empty range: every number needs converting
        else:
            window = policy.window
            low = max(window.start, math.nextafter(-1e11, 0)) if window else math.nextafter(-1e11, 0)
            high = min(window.end, 1e11) if window else 1e11
        plausible = Annotated[float, Field(strict=True, ge=low, lt=high, allow_inf_nan=False)]
        probe = create_model(  # type: ignore[call-overload]
            f"{model.__name__}Probe", __base__=model,
            **{field.name: (plausible, ...) if field.required else (Optional[plausible], None)
               for field in self._fields})
        self._validate_probe = probe.__pydantic_validator__.validate_json
        # For records the probe rejects for more than their timestamps: which timestamp members
        # the top level has, and their values, from one parse (the full scanner would otherwise
        # look for each, member by member).
        self._validate_members = TypeAdapter(TypedDict(  # type: ignore[operator]
            f"{model.__name__}Timestamps", {name: NotRequired[Any] for name in self._names})).validate_json
        annotations = {name: info.annotation for name, info in model.model_fields.items()}
        # pydantic's lax verdict on one timestamp value, as the backend's field would give it.
        self._field_adapters: dict[str, TypeAdapter[Any]] = {
            field.name: TypeAdapter(annotations[field.name])  # type: ignore[arg-type]
            for field in self._fields}
        self._float_fields = frozenset(
            name for name, adapter in self._field_adapters.items()
            if adapter.core_schema.get("type") == "float"
            or adapter.core_schema.get("schema", {}).get("type") == "float")
        self._lax_type_cache: dict[tuple[str, Form, type], str | None] = {}
        self._message_cache: dict[tuple[str, str, str], str] = {}

    def lint(self, line: bytes, line_no: int, path: str) -> tuple[Problem, ...]:
        """Problems of one record, sorted by column then code. `line` may end in \\n or \\r\\n."""
        try:
            self._validate_probe(line, strict=True)
        except ValidationError as error:
            errors = error.errors(include_url=False, include_context=False)
            found = self._timestamps_only(line, line_no, path, errors)
            return found if found is not None else self._analyse_invalid(line, line_no, path, errors)
        except Exception:  # noqa: BLE001 - a model validator choking on a timestamp value
            return self._analyse_unknown(line, line_no, path)
        return _NO_PROBLEMS

    def iter_problems(self, records: Iterable[bytes], path: str, first_line: int = 1,
                      ) -> Iterator[Problem]:
        """The problems of a capture's records (each with its end of line), in order."""
        lint = self.lint
        for line_no, line in enumerate(records, first_line):
            yield from lint(line, line_no, path)

    def lint_chunk(self, data: bytes, path: str, first_line: int = 1, detail: int = FULL) -> ChunkFindings:
        """The records of `data` (whole lines; the last may lack its \\n) and their problems, in
        order: the same problems as `lint` gives each record. `detail` (FULL, FIXES, COUNTS)
        says how much of each timestamp problem to work out.

        The first loop runs once per record of every capture: a valid record costs one
        validation call and nothing else, and a rejected one only a note of its error.
        The rejected records are analysed afterwards, together: interleaved with the validation
        calls, the analysis in Python ran at half its speed (its code and data cold each time).
        Records are cut one at a time as the loop reaches them (`BytesIO` splits at \\n only, as
        JSON Lines does): cut all at once first, each would be cold by the time it is validated.
        """
        validate = self._validate_probe
        records = io.BytesIO(data)
        tell = records.tell
        rejected: list[tuple[int, bytes, int, ValidationError | None]] = []
        note = rejected.append
        line_no = first_line - 1
        for line_no, line in enumerate(records, first_line):  # noqa: B007 - counted below
            try:
                validate(line, strict=True)
            except ValidationError as error:
                note((line_no, line, tell(), error))
            except Exception:  # noqa: BLE001 - as in lint()
                note((line_no, line, tell(), None))
        problems: list[Problem] = []
        add = problems.extend
        starts: dict[int, int] = {}
        timestamps_only = self._timestamps_only
        found: tuple[Problem, ...] | None
        for number, line, end, rejection in rejected:
            if rejection is None:
                found = self._analyse_unknown(line, number, path)
            else:
                errors = rejection.errors(include_url=False, include_context=False)
                found = timestamps_only(line, number, path, errors, detail)
                if found is None:
                    found = self._analyse_invalid(line, number, path, errors)
            if found:
                add(found)
                starts[number] = end - len(line)
        # The errors' tracebacks refer to this frame, which refers to them: a cycle that only the
        # garbage collector would break. Break it now.
        rejected.clear()
        return ChunkFindings(line_no - first_line + 1, problems, starts)

    # --- the full analysis, for records that fail the fast path -------------------------------

    def _timestamps_only(self, line: bytes, line_no: int, path: str, errors: list[Any],
                         detail: int = FULL) -> tuple[Problem, ...] | None:
        """The problems of a record the probe rejects for its timestamps alone, or None if it
        rejects more (then only the full analysis can tell). `errors`: the probe's, without URLs
        or contexts.

        The probe is the model with its timestamps required to be plausible epoch seconds, so
        such a record is valid but for them, and each error carries the value pydantic parsed.
        """
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

    def _timestamp_error(self, line: bytes, line_no: int, path: str, error: Any,
                         detail: int) -> object:
        """The problem (or None) behind one probe error, or `_NOT_A_TIMESTAMP` if the error is
        about another field."""
        loc = error["loc"]
        field = self._by_name.get(loc[0]) if len(loc) == 1 else None
        if field is None:
            return _NOT_A_TIMESTAMP
        if error["type"] == "missing":
            return self._timestamp_problem(line, line_no, path, field, False)
        # pydantic's own parse is exact for strings and integers; a float token is re-read from
        # the bytes as a Decimal, since the float may already be rounded.
        value = error["input"]
        known = value if value.__class__ is str or value.__class__ is int else _UNKNOWN
        return self._timestamp_problem(line, line_no, path, field, True, known, detail)

    def _analyse_invalid(self, line: bytes, line_no: int, path: str, errors: list[Any]) -> tuple[Problem, ...]:
        """A record the probe rejects for more than its timestamps; `errors` are the probe's."""
        first = errors[0]
        if first["type"] == "json_invalid":
            return (self._record_problem(line, line_no, path, first),)
        if not first["loc"]:
            return (self._not_an_object(line, line_no, path, first),)
        return self._analyse_unknown(line, line_no, path)

    def _analyse_unknown(self, line: bytes, line_no: int, path: str) -> tuple[Problem, ...]:
        """A JSON object the probe rejects: pydantic's lax errors, then every timestamp found."""
        problems = []
        try:
            self._validate_lax(line)
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                loc = detail["loc"]
                if not loc or loc[0] not in self._names:
                    problems.append(self._schema_problem(line, line_no, path, detail))
        except Exception as error:  # noqa: BLE001 - a broken model validator is the model's fault
            problems.append(Problem(path, line_no, None, "", rules.SCHEMA_VIOLATION,
                                    f"the model's validation raised {type(error).__name__}: {error}"))
        try:
            members = self._validate_members(line)
        except Exception:  # noqa: BLE001 - not an object after all: let the exact scanner tell
            members = None
        for field in self._fields:
            if members is None:
                problem = self._timestamp_problem(line, line_no, path, field, None, _UNKNOWN)
            elif field.name in members:
                value = members[field.name]
                known = value if value.__class__ is str or value.__class__ is int else _UNKNOWN
                problem = self._timestamp_problem(line, line_no, path, field, True, known)
            else:
                problem = self._timestamp_problem(line, line_no, path, field, False)
            if problem is not None:
                problems.append(problem)
        problems.sort(key=Problem.sort_key)
        return tuple(problems)

    def _record_problem(self, line: bytes, line_no: int, path: str, error: Any) -> Problem:
        if not line.strip(b" \t\r\n"):
            return Problem(path, line_no, None, "", rules.BLANK_LINE, "blank line")
        reason = error["msg"].removeprefix("Invalid JSON: ")
        if line.startswith(b"\xef\xbb\xbf"):
            reason = f"the line starts with a UTF-8 byte order mark; {reason}"
        return Problem(path, line_no, _json_error_column(line, error["msg"]), "", rules.INVALID_JSON,
                       f"not valid JSON: {reason}", pydantic_type="json_invalid")

    def _not_an_object(self, line: bytes, line_no: int, path: str, error: Any) -> Problem:
        start = line[:64].lstrip(b" \t\r\n")[:1]
        kind = _TOP_LEVEL_KIND.get(start[0], "a number") if start else "nothing"
        return Problem(path, line_no, jsontext.column_of(line, line.index(start)), "",
                       rules.NOT_AN_OBJECT, f"the record is {kind}, not a JSON object",
                       pydantic_type=error["type"])

    def _schema_problem(self, line: bytes, line_no: int, path: str, error: Any) -> Problem:
        loc = tuple(error["loc"])
        if error["type"] == "missing":
            span = None
        elif len(loc) == 1:
            span = jsontext.member_span(line, loc[0])  # pydantic saw the key at the top level
        else:
            span = jsontext.find_span(line, loc)
        column = jsontext.column_of(line, span[0]) if span else None
        value = jsontext.value_text(line[span[0]:span[1]], 200) if span else None
        # Shortening an enum's message parses its list of values: done once per distinct message.
        key = (error["type"], error["msg"], str(error.get("ctx", {}).get("expected", "")))
        message = self._message_cache.get(key)
        if message is None:
            message = _shorten_pydantic_message(error)
            if len(self._message_cache) < 1024:
                self._message_cache[key] = message
        return Problem(path, line_no, column, _json_path(loc), rules.SCHEMA_VIOLATION,
                       message, value=value, pydantic_type=error["type"])

    def _timestamp_problem(self, line: bytes, line_no: int, path: str, field: TimestampField,
                           present: bool | None, value: object = None, detail: int = FULL,
                           ) -> Problem | None:
        """`present`: whether pydantic saw the field at the top level; None when it cannot tell.
        `value`: the field's JSON value if already parsed exactly, else `_UNKNOWN`.

        Runs for every bad timestamp: tuples are made with `tuple.__new__` (a named tuple's own
        constructor is Python code), and only what `detail` asks for is worked out.
        """
        if present:
            # Counting needs no bytes when pydantic has parsed the value exactly.
            span = _member_span(line, field.name) if detail != COUNTS or value is _UNKNOWN else _NO_SPAN
        elif present is None:
            span = jsontext.find_span(line, (field.name,))
        else:
            span = None
        if span is None:
            if field.required:
                return Problem(path, line_no, None, field.name, rules.timestamp_wrong_type.RULE.code,
                               "required timestamp is missing", pydantic_type="missing")
            return None
        start, end = span
        if value is _UNKNOWN:
            try:
                value = jsontext.token_value(line[start:end])
            except ValueError:
                return None
        reading = classify(value, self.policy)
        form = reading[0]
        if form is _NULL and not field.required:
            return None
        rule = _rule_for(reading)
        if rule is None:
            return None
        seconds = reading[1]
        fixable = seconds is not None and reading[2] is None and rule.fix is not None
        if detail == COUNTS:
            return _new(Problem, (path, line_no, None, field.name, rule.code, "", None, None,
                                  HAS_FIX if fixable else None))
        fix = _new(Fix, (start, end, render(seconds))) if fixable else None  # type: ignore[arg-type]
        if detail == FIXES:
            return _new(Problem, (path, line_no, None, field.name, rule.code, "", None, None, fix))
        assert rule.describe is not None
        token = line[start:end]
        return _new(Problem, (path, line_no, jsontext.column_of(line, start), field.name, rule.code,
                              rule.describe(reading), jsontext.value_text(token),
                              self._lax_type(field.name, token, form, value), fix))

    def _lax_type(self, name: str, token: bytes, form: Form, value: object) -> str | None:
        """The error type pydantic's lax validation gives this value in this field (None: accepted)."""
        key = (name, form, value.__class__)
        verdict = self._lax_type_cache.get(key, _UNKNOWN)
        if verdict is not _UNKNOWN:
            return verdict  # type: ignore[return-value]
        try:
            self._field_adapters[name].validate_json(token)
            verdict = None
        except ValidationError as error:
            verdict = error.errors(include_url=False)[0]["type"]
        if name in self._float_fields and form in _UNIFORM_FORMS:
            self._lax_type_cache[key] = verdict  # type: ignore[assignment]
        return verdict  # type: ignore[return-value]


def _json_error_column(line: bytes, message: str) -> int | None:
    """The 1-based character column of a pydantic JSON error (it gives line and byte column)."""
    position = _JSON_POSITION.search(message)
    if position is None:
        return None
    if position[1] != "1" or message.startswith("Invalid JSON: EOF"):
        return jsontext.column_of(line, len(line.rstrip(b"\r\n")))  # at the end of the record
    return jsontext.column_of(line, max(int(position[2]) - 1, 0))


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _shorten_pydantic_message(error: Any) -> str:
    # An enum's message lists every allowed value (51 for MessageType): name a few and the count.
    if error["type"] == "enum":
        allowed = _QUOTED.findall(error.get("ctx", {}).get("expected", ""))
        if len(allowed) > 4:
            return f"Input should be one of {len(allowed)} values ({', '.join(allowed[:3])}, ...)"
    message: str = error["msg"]
    return message if len(message) <= 160 else f"{message[:157]}..."


def _json_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for step in loc:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            parts.append(f".{step}" if parts else str(step))
    return "".join(parts)
