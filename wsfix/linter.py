"""lint: one record (a line of bytes) in, its problems out.

The hot path rests on one validation call per record, against a *probe* of the schema's model: the
same model with its timestamp fields typed `Any`, validated strictly. Strict mode refuses every
shape lax mode quietly converts, so when the probe accepts a record, the record can only be wrong
in its timestamps, whose raw JSON values the probe hands back as parsed: a finite number of
plausible epoch seconds needs nothing more. Only the rest get the full analysis: pydantic's lax
verdict (what the backend does), the raw bytes of each timestamp, and the conversion core's
reading of them.

Only top-level float-seconds fields that take null (the default schema's `timestamp`) are typed
`Any` in the probe. Required non-null ones keep their type, so that strict validation refuses a
null there; fields deeper in the message (`data.trades[*].time`) or with another target (whole
milliseconds, `datetime`) keep their types, and the values strict validation makes of them get a
range check (`fieldvalues.py`); a record with none of them pays one `if`.

No I/O, no printing; select/ignore is applied by the caller.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import RootModel, TypeAdapter, ValidationError, create_model

from wsfix import jsontext, rules, verdicts
from wsfix.fields import TimestampField
from wsfix.fieldvalues import DeepField
from wsfix.paths import Concrete, concrete, format_path, matches
from wsfix.problems import REPEATED_KEY_NOTE, Fix, Problem
from wsfix.schema import Schema
from wsfix.timestamps import Form, Policy, Unit, classify, render

_NO_PROBLEMS: tuple[Problem, ...] = ()
_BOM = b"\xef\xbb\xbf"
_UNKNOWN = object()
_JSON_POSITION = re.compile(r"line (\d+) column (\d+)")
_TOP_LEVEL_KIND = {ord("["): "an array", ord('"'): "a string", ord("n"): "null", ord("t"): "a boolean",
                   ord("f"): "a boolean"}
# Forms for which pydantic's lax float gives one verdict whatever the value's content (an ISO string
# never parses as a float, an int always does), so the verdict is asked once and remembered.
_UNIFORM_FORMS = frozenset(Form) - {Form.UNPARSEABLE, Form.NON_FINITE}


class Linter:
    """Lints records against one schema under one conversion policy."""

    def __init__(self, schema: Schema, policy: Policy) -> None:
        self.schema = schema
        self.policy = policy
        model = schema.model
        self._validate_lax = model.__pydantic_validator__.validate_json
        self._fields = schema.timestamp_fields
        # Top-level float-seconds fields that take null: raw values from the probe (the fast
        # path, which lets None pass), by attribute.
        attributes = {} if issubclass(model, RootModel) else {
            (info.validation_alias if isinstance(info.validation_alias, str) else info.alias) or name: name
            for name, info in model.model_fields.items()}
        fast = [field for field in self._fields if field.top_level and field.target.is_seconds
                and field.nullable and field.path[0] in attributes]
        self._fast_fields = tuple((field, attributes[field.name]) for field in fast)
        self._names = tuple(attribute for _, attribute in self._fast_fields)
        # Every other field: checked on the values strict validation made of it.
        self._deep = tuple(DeepField(field, policy) for field in self._fields if field not in fast)
        overrides = {}
        for _, attribute in self._fast_fields:
            info = copy.copy(model.model_fields[attribute])  # keeps the alias and the default
            overrides[attribute] = (Any, info)
        probe = create_model(  # type: ignore[call-overload]
            f"{model.__name__}Probe", __base__=model, **overrides) if overrides else model
        self._validate_probe = probe.__pydantic_validator__.validate_json
        # pydantic's lax verdict on one timestamp value, as the backend's field would give it.
        self._field_adapters: dict[str, TypeAdapter[Any]] = {
            field.name: TypeAdapter(field.annotation) for field in self._fields}
        self._float_fields = frozenset(
            name for name, adapter in self._field_adapters.items()
            if adapter.core_schema.get("type") == "float"
            or adapter.core_schema.get("schema", {}).get("type") == "float")
        self._lax_type_cache: dict[tuple[str, Form, type], str | None] = {}
        # A number inside [low, high) is plausible epoch seconds: nothing to report.
        if policy.unit not in (None, Unit.S):
            self._low, self._high = math.inf, -math.inf  # every number needs converting
        else:
            window = policy.window
            self._low = max(window.start, math.nextafter(-1e11, 0)) if window else math.nextafter(-1e11, 0)
            self._high = min(window.end, 1e11) if window else 1e11

    def lint(self, line: bytes, line_no: int, path: str) -> tuple[Problem, ...]:
        """Problems of one record, sorted by column then code. `line` may end in \\n or \\r\\n."""
        try:
            message = self._validate_probe(line, strict=True)
        except ValidationError as error:
            return self._analyse_invalid(line, line_no, path, error)
        except Exception:  # noqa: BLE001 - a model validator choking on a raw timestamp value
            return self._analyse_unknown(line, line_no, path)
        low, high = self._low, self._high
        for name in self._names:
            value = getattr(message, name)
            if value is None or ((value.__class__ is float or value.__class__ is int)
                                 and low <= value < high):
                continue
            return self._analyse_valid(line, line_no, path, message)
        if self._deep and any(deep.suspicious(message) for deep in self._deep):
            return self._analyse_valid(line, line_no, path, message)
        return _NO_PROBLEMS

    def iter_problems(self, records: Iterable[bytes], path: str, first_line: int = 1,
                      ) -> Iterator[Problem]:
        """The problems of a capture's records, in order. The same checks as `lint`, with its
        fast path inlined: this loop runs once per record of every capture."""
        validate = self._validate_probe
        low, high = self._low, self._high
        names = self._names
        deep = self._deep
        for line_no, line in enumerate(records, first_line):
            try:
                message = validate(line, strict=True)
            except ValidationError as error:
                yield from self._analyse_invalid(line, line_no, path, error)
                continue
            except Exception:  # noqa: BLE001 - as in lint()
                yield from self._analyse_unknown(line, line_no, path)
                continue
            for name in names:
                value = getattr(message, name)
                if value is None or ((value.__class__ is float or value.__class__ is int)
                                     and low <= value < high):
                    continue
                yield from self._analyse_valid(line, line_no, path, message)
                break
            else:
                if deep and any(field.suspicious(message) for field in deep):
                    yield from self._analyse_valid(line, line_no, path, message)

    # --- the full analysis, for records that fail the fast path -------------------------------

    def _analyse_valid(self, line: bytes, line_no: int, path: str, message: Any) -> tuple[Problem, ...]:
        """A record the probe accepts: every non-timestamp field is valid; timestamps are suspect."""
        fields_set = message.model_fields_set
        problems = []
        for field, attribute in self._fast_fields:
            if attribute in fields_set:
                value = getattr(message, attribute)
                # pydantic's own parse is exact for strings and integers; a float token is re-read
                # from the bytes as a Decimal, since the float may already be rounded.
                known = value if value.__class__ is str or value.__class__ is int else _UNKNOWN
                span, repeated = jsontext.last_member(line, field.name)
                problem = self._timestamp_problem(line, line_no, path, field, concrete(field.path), span,
                                                  known, repeated)
                if problem is not None:
                    problems.append(problem)
        for deep in self._deep:
            for where, value in deep.values(message):
                if not deep.fine(value):
                    problem = self._timestamp_problem(line, line_no, path, deep.field, where,
                                                      jsontext.find_span(line, where))
                    if problem is not None:
                        problems.append(problem)
        if self._deep:
            problems.sort(key=Problem.sort_key)
        return tuple(problems)

    def _analyse_invalid(self, line: bytes, line_no: int, path: str,
                         probe_error: ValidationError) -> tuple[Problem, ...]:
        errors = probe_error.errors(include_url=False)
        first = errors[0]
        if first["type"] == "json_invalid":
            if line_no == 1 and line.startswith(_BOM):
                return self._lint_after_bom(line, path)
            return (self._record_problem(line, line_no, path, first),)
        if not first["loc"]:
            return (self._not_an_object(line, line_no, path, first),)
        return self._analyse_unknown(line, line_no, path)

    def _lint_after_bom(self, line: bytes, path: str) -> tuple[Problem, ...]:
        """The first record of a capture, after the UTF-8 byte order mark that starts the file.

        A BOM is an artifact of the file (some Windows tools write one), not part of the first
        message: JSON parsers may ignore it (RFC 8259, section 8.1), and the backend never sees it.
        So the record is linted without it, and nothing is reported about it. Columns count from
        after the BOM, as editors show them; fixes count its bytes, so that repair keeps it.
        """
        # Linted as line 0 so that a second BOM is not skipped too; its problems say line 1.
        problems = self.lint(line[len(_BOM):], 0, path)
        return tuple(
            problem._replace(line=1, fix=problem.fix and problem.fix._replace(
                start=problem.fix.start + len(_BOM), end=problem.fix.end + len(_BOM)))
            for problem in problems)

    def _analyse_unknown(self, line: bytes, line_no: int, path: str) -> tuple[Problem, ...]:
        """A JSON object the probe rejects: pydantic's lax errors, then every timestamp found."""
        missing: list[Concrete] = []
        located: set[Concrete] = set()  # where pydantic located an error in a timestamp field
        problems = []
        try:
            self._validate_lax(line)
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                loc = tuple(detail["loc"])
                field = self._field_at(loc)
                if field is None:
                    problems.append(self._schema_problem(line, line_no, path, detail))
                    continue
                where = loc[:len(field.path)]
                if detail["type"] == "missing":
                    missing.append(where)
                located.add(where)
        except Exception as error:  # noqa: BLE001 - a broken model validator is the model's fault
            problems.append(Problem(path, line_no, None, "", rules.SCHEMA_VIOLATION,
                                    f"the model's validation raised {type(error).__name__}: {error}"))
        for where in missing:
            problems.append(Problem(path, line_no, None, format_path(where),
                                    rules.timestamp_wrong_type.RULE.code,
                                    "required timestamp is missing", pydantic_type="missing"))
        for field in self._fields:
            if field.top_level:  # one member: the fast scanner when pydantic saw the key
                key = concrete(field.path)
                span, repeated = (jsontext.last_member(line, field.name) if key in located
                                  else jsontext.find_member(line, field.name))
                spans = [(key, span, repeated)] if span is not None else []
            else:
                spans = [(where, (start, end), 1) for where, start, end in jsontext.iter_spans(line, field.path)]
            for where, span, repeated in spans:
                problem = self._timestamp_problem(line, line_no, path, field, where, span, _UNKNOWN, repeated)
                if problem is not None:
                    problems.append(problem)
        problems.sort(key=Problem.sort_key)
        return tuple(problems)

    def _field_at(self, loc: tuple[Any, ...]) -> TimestampField | None:
        """The timestamp field a pydantic error location falls in (the value itself, or a union
        member's tag below it), or None."""
        for field in self._fields:
            if len(loc) >= len(field.path) and matches(field.path, loc[:len(field.path)]):
                return field
        return None

    def _record_problem(self, line: bytes, line_no: int, path: str, error: Any) -> Problem:
        if not line.strip(b" \t\r\n"):
            return Problem(path, line_no, None, "", rules.BLANK_LINE, "blank line")
        reason = error["msg"].removeprefix("Invalid JSON: ")
        if line.startswith(_BOM):
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
        repeated = 0
        if error["type"] == "missing":
            span = None
        elif len(loc) == 1:
            span, repeated = jsontext.last_member(line, loc[0])  # pydantic saw it at the top level
        else:
            span = jsontext.find_span(line, loc)
        column = jsontext.column_of(line, span[0]) if span else None
        value = jsontext.value_text(line[span[0]:span[1]], 200) if span else None
        return Problem(path, line_no, column, format_path(loc), rules.SCHEMA_VIOLATION,
                       _noted(_shorten_pydantic_message(error), repeated), value=value,
                       pydantic_type=error["type"])

    def _timestamp_problem(self, line: bytes, line_no: int, path: str, field: TimestampField,
                           where: Concrete, span: tuple[int, int] | None,
                           value: object = _UNKNOWN, repeated: int = 1) -> Problem | None:
        """The problem of the value of `field` at concrete path `where`, whose bytes are `span`
        (None: the key is absent). `value`: its JSON value if already parsed exactly; `repeated`:
        how many times the record names the key (pydantic reads the last, `span`)."""
        if span is None:
            if field.required:
                return Problem(path, line_no, None, format_path(where), rules.timestamp_wrong_type.RULE.code,
                               "required timestamp is missing", pydantic_type="missing")
            return None
        start, end = span
        token = line[start:end]
        if value is _UNKNOWN:
            try:
                value = jsontext.token_value(token)
            except ValueError:
                return None
        target = field.target
        if not target.is_seconds:
            return self._other_target_problem(line, line_no, path, field, where, start, token, value,
                                              repeated)
        reading = classify(value, self.policy)
        if reading.form is Form.NULL and field.nullable:
            return None
        rule = rules.rule_for(reading)
        if rule is None:
            return None
        assert rule.describe is not None
        fix = None
        if rule.fixable and reading.seconds is not None and reading.reason is None:
            fix = Fix(start, end, render(reading.seconds))
        json_path = field.name if where is field.path else format_path(where)
        return Problem(path, line_no, jsontext.column_of(line, start), json_path, rule.code,
                       _noted(rule.describe(reading), repeated), jsontext.value_text(token),
                       self._lax_type(field, token, reading.form, value), fix)

    def _other_target_problem(self, line: bytes, line_no: int, path: str, field: TimestampField,
                              where: Concrete, start: int, token: bytes, value: object,
                              repeated: int) -> Problem | None:
        """A value in a field of whole epoch units or a `datetime` field (see `verdicts`)."""
        reading = classify(value, self.policy, exact=True)
        if reading.form is Form.NULL and field.nullable:
            return None
        lax_error, lax_value = self._lax_outcome(field, token)
        if field.target.unit is None:
            verdict = verdicts.judge_datetime(reading, field.target, self.policy, lax_error, lax_value)
        else:
            verdict = verdicts.judge_count(reading, field.target, token)
        if verdict is None:
            return None
        fix = Fix(start, start + len(token), verdict.fix) if verdict.fix is not None else None
        return Problem(path, line_no, jsontext.column_of(line, start), format_path(where),
                       verdict.rule.code, _noted(verdict.message, repeated), jsontext.value_text(token),
                       lax_error, fix)

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


def _noted(message: str, repeated: int) -> str:
    """`message`, saying which of a repeated key's values it is about (pydantic reads the last)."""
    return message + REPEATED_KEY_NOTE.format(count=repeated) if repeated > 1 else message


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
