"""lint: one record (a line of bytes) in, its problems out.

The hot path is built around one fact: a record that passes pydantic's *strict* validation can only
be wrong in the magnitude or finiteness of its timestamps, because strict mode refuses the strings,
booleans and other shapes lax mode quietly converts. So a valid record costs one `validate_json`
call and a range comparison; only the rest get the full analysis: pydantic's lax verdict (what the
backend does), the raw bytes of each timestamp, and the conversion core's reading of them.

No I/O, no printing; select/ignore is applied by the caller.
"""

from __future__ import annotations

import math
import re
from operator import attrgetter
from typing import Any

from pydantic import TypeAdapter, ValidationError

from wsfix import jsontext, rules
from wsfix.problems import Fix, Problem
from wsfix.schema import Schema, TimestampField
from wsfix.timestamps import Form, Policy, Unit, classify, render

_NO_PROBLEMS: tuple[Problem, ...] = ()
_JSON_POSITION = re.compile(r"line (\d+) column (\d+)")
_TOP_LEVEL_KIND = {ord("["): "an array", ord('"'): "a string", ord("n"): "null", ord("t"): "a boolean",
                   ord("f"): "a boolean"}


class Linter:
    """Lints records against one schema under one conversion policy."""

    def __init__(self, schema: Schema, policy: Policy) -> None:
        self.schema = schema
        self.policy = policy
        self._validate_json = schema.model.__pydantic_validator__.validate_json
        self._fields = schema.timestamp_fields
        self._field_names = frozenset(field.name for field in self._fields)
        self._getters = tuple(attrgetter(field.name) for field in self._fields)
        annotations = {name: info.annotation for name, info in schema.model.model_fields.items()}
        # pydantic's lax verdict on one timestamp value, as the backend's field would give it.
        self._field_adapters = {field.name: TypeAdapter(annotations[field.name]) for field in self._fields}
        # A strictly valid number inside [low, high) is plausible epoch seconds: nothing to report.
        if policy.unit not in (None, Unit.S):
            self._low, self._high = math.inf, -math.inf  # every number needs converting
        else:
            window = policy.window
            self._low = max(window.start, -1e11) if window else math.nextafter(-1e11, 0)
            self._high = min(window.end, 1e11) if window else 1e11

    def lint(self, line: bytes, line_no: int, path: str) -> tuple[Problem, ...]:
        """Problems of one record, sorted by column then code. `line` may end in \\n or \\r\\n."""
        try:
            message = self._validate_json(line, strict=True)
        except ValidationError as error:
            return self._analyse(line, line_no, path, error)
        low, high = self._low, self._high
        for getter in self._getters:
            value = getter(message)
            if value is not None and not low <= value < high:
                return self._analyse(line, line_no, path, None, message.model_fields_set)
        return _NO_PROBLEMS

    # --- the full analysis, for records that fail the fast path -------------------------------

    def _analyse(self, line: bytes, line_no: int, path: str, strict_error: ValidationError | None,
                 fields_set: set[str] | None = None) -> tuple[Problem, ...]:
        """`fields_set`: the fields present, when strict validation succeeded and says so."""
        present: dict[str, bool | None] = {}
        if strict_error is not None:
            errors = strict_error.errors(include_url=False, include_context=False)
            first = errors[0]
            if first["type"] == "json_invalid":
                return (self._record_problem(line, line_no, path, first),)
            if not first["loc"]:
                return (self._not_an_object(line, line_no, path, first),)
            problems = [self._schema_problem(line, line_no, path, error) for error in
                        self._lax_errors(line, errors)]
            for error in errors:
                if len(error["loc"]) == 1 and error["loc"][0] in self._field_names:
                    present[error["loc"][0]] = error["type"] != "missing"
        else:
            problems = []
            assert fields_set is not None
            present = {name: name in fields_set for name in self._field_names}
        for field in self._fields:
            problem = self._timestamp_problem(line, line_no, path, field, present.get(field.name))
            if problem is not None:
                problems.append(problem)
        problems.sort(key=Problem.sort_key)
        return tuple(problems)

    def _lax_errors(self, line: bytes, strict_errors: list[Any]) -> list[Any]:
        """Lax errors outside the timestamp fields: the backend's own schema violations."""
        if all(error["loc"][0] in self._field_names for error in strict_errors):
            return []  # strict accepted every other field, so lax does too
        try:
            self._validate_json(line)
        except ValidationError as error:
            return [e for e in error.errors(include_url=False)
                    if not e["loc"] or e["loc"][0] not in self._field_names]
        return []

    def _record_problem(self, line: bytes, line_no: int, path: str, error: Any) -> Problem:
        if not line.strip(b" \t\r\n"):
            return Problem(path, line_no, None, "", rules.BLANK_LINE, "blank line")
        column = _json_error_column(line, error["msg"])
        reason = error["msg"].removeprefix("Invalid JSON: ")
        if line.startswith(b"\xef\xbb\xbf"):
            reason = f"the line starts with a UTF-8 byte order mark; {reason}"
        return Problem(path, line_no, column, "", rules.INVALID_JSON, f"not valid JSON: {reason}",
                       pydantic_type="json_invalid")

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
        message = _shorten_pydantic_message(error)
        return Problem(path, line_no, column, _json_path(loc), rules.SCHEMA_VIOLATION, message,
                       value=value, pydantic_type=error["type"])

    def _timestamp_problem(self, line: bytes, line_no: int, path: str, field: TimestampField,
                           present: bool | None) -> Problem | None:
        """`present`: whether pydantic saw the field at the top level; None when it cannot tell."""
        if present:
            span = jsontext.member_span(line, field.name)
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
        token = line[start:end]
        try:
            value = jsontext.token_value(token)
        except ValueError:
            return None
        reading = classify(value, self.policy)
        if reading.form is Form.NULL and not field.required:
            return None
        rule = rules.rule_for(reading)
        if rule is None:
            return None
        assert rule.describe is not None
        fix = None
        if rule.fixable and reading.seconds is not None and reading.reason is None:
            fix = Fix(start, end, render(reading.seconds))
        return Problem(path, line_no, jsontext.column_of(line, start), field.name, rule.code,
                       rule.describe(reading), value=jsontext.value_text(token),
                       pydantic_type=self._lax_type(field, token), fix=fix)

    def _lax_type(self, field: TimestampField, token: bytes) -> str | None:
        try:
            self._field_adapters[field.name].validate_json(token)
        except ValidationError as error:
            return error.errors(include_url=False)[0]["type"]  # type: ignore[no-any-return]
        return None


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
