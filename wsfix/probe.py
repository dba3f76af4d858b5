"""The probe: the validator behind the linter's one validation call per record.

It is the schema's model with its top-level float-seconds timestamp fields (`fast` fields, by
attribute) typed as a strict float within the plausible range, null allowed where the model allows
it; every other field keeps the model's type. A record it accepts (strictly) has nothing to report
in those fields; one it rejects for them alone carries each bad value in pydantic's error.

Without deeper timestamp fields, the validated message is never looked at, so the probe validates
the model's fields as a typed dict (`unbuilt_validator`): the same checks, field validators and
errors, without building an instance, filling in defaults, or building objects of anything
(`dict[str, Any]` members, often most of a message's bytes). That is about half the time of the
model's own validator. With deeper fields, the model itself validates, and a second, *loose* probe
(the fast fields typed `Any`) shows the deeper values of a record whose fast fields were refused.
Without them, the same typed dict with the fast fields typed `Any` (`Probe.read_values`) reads a
record's timestamp values where most records are refused, so that the linter decides the probe's
verdict on them without an error raised per record.

Every other timestamp field (below the top level, or of another target: whole epoch units, a
`datetime`) keeps its type, so strict validation has already refused any value of the wrong JSON
type; what it lets through (a float, an int, an aware or naive datetime) still needs a range check,
which `DeepField.fine` does on the validated message without converting anything. A value that is
not fine gets the linter's full analysis from its raw bytes.

What the fast probe cannot mirror exactly goes through the model's own validator instead (slower,
never wrong; `validation_path` says which for `wsfix schema`): a field read from more than one key
(`AliasChoices`, an alias and the Python name with `populate_by_name`/`validate_by_name`), an
`AliasPath`, a field with constraints or field validators, and every field below the top level
(union members included) are checked on the values the model made of them; a model that does
more than validate its fields, or reads fields by name, is not validated as a typed dict.

Every validator is built here, up front: never mid-run, where a signal could arrive while pydantic
builds one (it would wrap what the signal raises into an error of its own). No I/O; no conversion
(the window's bounds come from the conversion core).
"""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any, Final, NamedTuple, Optional

from pydantic import BaseModel, Field, RootModel, Strict, create_model
from pydantic_core import SchemaValidator

from wsfix.fields import TimestampField, field_keys
from wsfix.paths import ITEMS, MEMBERS, Concrete, Step, Wildcard
from wsfix.timestamps import Policy, Unit, inferred_range

Validate = Callable[..., Any]


class Probe(NamedTuple):
    validate: Validate  # `validate_json`, called with strict=True on every record
    validate_model: Validate  # the same checks through the model: for records that are not objects
    validate_loose: Validate | None  # the fast fields typed `Any`; only with deeper fields
    # The typed dict of `validate` with the fast fields typed `Any`: their values, with every
    # other field checked as `validate` checks it. None where `validate` is not a typed dict, or
    # with deeper fields. For captures whose records are mostly refused (see `Linter.lint_chunk`).
    read_values: Validate | None = None


def plausible_range(policy: Policy) -> tuple[float, float]:
    """[low, high): the numbers the probe lets pass as plausible epoch seconds (nothing to report).
    Empty when the policy reads numbers in another unit: every number needs converting."""
    if policy.unit not in (None, Unit.S):
        return 1.0, 0.0
    low, high = inferred_range(Unit.S)
    window = policy.window
    if window is None:
        return low, high
    return max(window.start, low), min(window.end, high)


def split_fields(
    model: type[BaseModel], fields: Sequence[TimestampField]
) -> tuple[tuple[tuple[TimestampField, str], ...], tuple[TimestampField, ...]]:
    """(fast, deep): the top-level float-seconds fields the probe types itself, as (field,
    attribute), and every other field. A field pydantic may read from more than one key
    (`AliasChoices`, a name as well as an alias) is never fast: which key a record used, and
    so which error location, is the model's lookup to decide, so it is checked on the values
    the model made."""
    attributes: dict[str, str] = {}
    if not issubclass(model, RootModel):
        validated = _validated_fields(model)
        for attr, info in model.model_fields.items():
            keys = field_keys(model, attr, info)
            if (
                len(keys) == 1
                and len(keys[0]) == 1
                and isinstance(keys[0][0], str)
                and attr not in validated
                and all(isinstance(item, Strict) for item in info.metadata)
            ):
                attributes[keys[0][0]] = attr
    fast = tuple(
        (field, attributes[field.path[0]])
        for field in fields
        if field.top_level and field.target.is_seconds and field.path[0] in attributes
    )
    fast_fields = {field for field, _ in fast}
    return fast, tuple(field for field in fields if field not in fast_fields)


def _validated_fields(model: type[BaseModel]) -> set[str]:
    """The fields of `model` that a field validator of its own looks at (`"*"`: all of them).

    Such a field, or one with constraints (`ge`, `le`), is not fast: a value it refuses may be
    plausible epoch seconds, and the probe's error about it would pass for a timestamp's."""
    names: set[str] = set()
    for decorator in model.__pydantic_decorators__.field_validators.values():
        names.update(decorator.info.fields)
    return set(model.model_fields) if "*" in names else names


def validation_path(model: type[BaseModel], fields: Sequence[TimestampField]) -> str:
    """How records of `model` are checked, in a sentence for `wsfix schema`."""
    fast, deep = split_fields(model, fields)
    typed = ", ".join(field.name for field, _ in fast)
    if not deep:
        if unbuilt_validator(_derived(model, {})) is not None:
            how = "the fast probe: the model's fields as a typed dict"
        else:  # model validators, a custom __init__, a root model, an alias read by name too
            how = "the fast probe through the model's own validator"
        return f"{how}, {typed or 'no timestamps'} typed strictly in pydantic"
    read_back = ", ".join(field.name for field in deep)
    return (
        "the model's own validator, strictly"
        + (f", {typed} typed strictly in pydantic" if typed else "")
        + f"; {read_back} read back from the validated model; "
        "a record it refuses is checked as the model checks it (lax)"
    )


def build_probe(
    model: type[BaseModel], fast: Sequence[tuple[TimestampField, str]], policy: Policy, deeper: bool
) -> Probe:
    """The probe of `model` whose `fast` fields (field, attribute) must hold plausible seconds;
    `deeper`: whether the schema has other timestamp fields, whose values the linter looks at."""
    low, high = plausible_range(policy)
    plausible = Annotated[float, Field(strict=True, ge=low, lt=high, allow_inf_nan=False)]
    constrained = {}
    loose = {}
    for field, attribute in fast:
        info = copy.copy(model.model_fields[attribute])  # keeps the alias and the default
        constrained[attribute] = (Optional[plausible] if field.nullable else plausible, info)
        loose_info = copy.copy(info)
        loose_info.metadata = []  # Any takes no constraint (`Strict()`, `ge`)
        loose[attribute] = (Any, loose_info)
    probe = _derived(model, constrained)
    validate_model = probe.__pydantic_validator__.validate_json
    if deeper:
        return Probe(validate_model, validate_model, _derived(model, loose).__pydantic_validator__.validate_json)
    unbuilt = unbuilt_validator(probe)
    if unbuilt is None or not fast:
        return Probe(unbuilt or validate_model, validate_model, None)
    return Probe(unbuilt, validate_model, None, unbuilt_validator(probe, frozenset(loose)))


def _derived(model: type[BaseModel], overrides: dict[str, Any]) -> type[BaseModel]:
    if not overrides:
        return model
    return create_model(f"{model.__name__}Probe", __base__=model, **overrides)


# What `unbuilt_validator` knows how to carry over from a model's fields to a typed dict: any
# other key (a new pydantic feature) keeps the model's own validator.
_FIELDS_KEYS = frozenset(
    {
        "type",
        "fields",
        "model_name",
        "computed_fields",
        "strict",
        "extras_schema",
        "extra_behavior",
        "ref",
        "metadata",
        "serialization",
    }
)
_FIELD_KEYS = frozenset(
    {
        "type",
        "schema",
        "validation_alias",
        "serialization_alias",
        "serialization_exclude",
        "serialization_exclude_if",
        "frozen",
        "metadata",
    }
)
_PLAIN_DEFAULT_KEYS = frozenset(
    {
        "type",
        "schema",
        "default",
        "default_factory",
        "default_factory_takes_data",
        "copy_default",
        "ref",
        "metadata",
        "serialization",
    }
)


_ANY_OBJECT: Final = {"type": "typed-dict", "fields": {}, "extra_behavior": "ignore"}


def _lean(schema: Any) -> Any:
    """`schema`, or one that accepts and refuses exactly the same JSON with the same errors but
    makes less of it: an object of anything (`dict[str, Any]`, often most of a message's bytes)
    is checked to be an object, and its members are not built."""
    kind = schema.get("type")
    if (
        kind == "dict"
        and schema.keys() <= {"type", "keys_schema", "values_schema"}
        and schema.get("keys_schema", {"type": "str"}) == {"type": "str"}  # JSON keys are strings
        and schema.get("values_schema", {"type": "any"}) == {"type": "any"}
    ):
        return _ANY_OBJECT
    if kind == "nullable" and schema.keys() <= {"type", "schema"}:
        return {"type": "nullable", "schema": _lean(schema["schema"])}
    return schema


def unbuilt_validator(model: Any, untyped: frozenset[str] = frozenset()) -> Any:
    """`validate_json` for the fields of `model` as a typed dict: the same validation of every
    field (types, aliases, field validators, extra keys; the same errors at the same locations)
    without building an instance, filling in defaults or building objects of anything, which
    takes half the time. The fields named in `untyped` (attributes) take any value instead
    (`Probe.read_values`); the typed dict's keys are the attributes.

    Records that are not objects get another error type (`dict_type`, not `model_type`): the
    caller asks the model itself about those. None for a model that does more than validate its
    fields (model validators, a custom `__init__`, `model_post_init`, a root model), or whose
    schema holds anything this does not know: its own validator must run.
    """
    schema = model.__pydantic_core_schema__
    definitions = None
    if schema.get("type") == "definitions":
        definitions, schema = schema["definitions"], schema["schema"]
    if (
        schema.get("type") != "model"
        or schema.get("custom_init")
        or schema.get("root_model")
        or schema.get("post_init")
    ):
        return None
    model_fields = schema["schema"]
    if model_fields.get("type") != "model-fields" or not model_fields.keys() <= _FIELDS_KEYS:
        return None
    config = schema.get("config") or {}
    if config.get("validate_by_name") or config.get("validate_by_alias") is False:
        return None  # a typed dict reads each field by its alias alone
    fields = {}
    for name, field in model_fields["fields"].items():
        if not field.keys() <= _FIELD_KEYS or not isinstance(field.get("validation_alias", name), str):
            return None  # also `AliasChoices`, `AliasPath`: the model's own lookup is sure
        value = field["schema"]
        required = value.get("type") != "default"
        if not required and value.keys() <= _PLAIN_DEFAULT_KEYS:
            value = value["schema"]  # a default that is never validated: nothing to fill in
        elif name in untyped and not required:
            return None  # a default validated or made some other way: only the typed field says what
        value = {"type": "any"} if name in untyped else _lean(value)
        typed_field = {"type": "typed-dict-field", "schema": value, "required": required}
        if "validation_alias" in field:
            typed_field["validation_alias"] = field["validation_alias"]
        fields[name] = typed_field
    typed: dict[str, Any] = {"type": "typed-dict", "fields": fields}
    for key in ("strict", "extras_schema", "extra_behavior"):
        if key in model_fields:
            typed[key] = model_fields[key]
    if "extra_behavior" not in typed and "extra_fields_behavior" in config:  # a model reads it there
        typed["extra_behavior"] = config["extra_fields_behavior"]
    if typed.get("extra_behavior") == "forbid" and any(
        field.get("validation_alias", name) != name for name, field in fields.items()
    ):
        # Whether a forbidding model refuses a field's own name when the field has an alias has
        # changed between pydantic releases (2.13 takes it silently, 2.14 refuses it, as a typed
        # dict does): only the model's own validator is sure to say what the model says.
        return None
    if definitions is not None:
        typed = {"type": "definitions", "schema": typed, "definitions": definitions}
    try:
        return SchemaValidator(typed, config).validate_json  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a schema pydantic-core will not take this way: the model's own
        return None


# --- the fields the probe keeps typed: a range check of their validated values -------------------

# The magnitudes at which the conversion core reads a number in each unit (see timestamps.py).
_UNIT_RANGES = {unit: inferred_range(unit) for unit in Unit}
# pydantic reads numbers up to 2e10 as seconds and above as milliseconds; wsfix's own inference
# differs between the two, for instants in [2e7, 1e8) and [2e10, 1e11) seconds. A window clear of
# both lets an aware datetime inside it pass unexamined.
_WATERSHED_SAFE = (1e8, 2e10)


class DeepField:
    """One timestamp field checked on the values of a strictly validated message."""

    def __init__(self, field: TimestampField, policy: Policy) -> None:
        self.field = field
        self._steps = field.path
        target = field.target
        window = policy.window
        self._datetime = target.unit is None
        self._int_only = target.integer
        if self._datetime:
            self._low_dt, self._high_dt = _datetime_bounds(policy)
            return
        assert target.unit is not None
        scale = 10**target.unit.value
        if policy.unit is not None and policy.unit is not target.unit:
            self._low, self._high = math.inf, -math.inf  # every number needs converting
            return
        low, high = (-math.inf, math.inf) if policy.unit is not None else _UNIT_RANGES[target.unit]
        if window is not None:
            low, high = max(low, window.start * scale), min(high, window.end * scale)
        self._low, self._high = low, high

    def values(self, message: object) -> Iterator[tuple[Concrete, object]]:
        """(concrete path, value) of every value of this field the message holds (defaults that
        the message did not write are skipped)."""
        return _walk(message, self._steps, 0, ())

    def fine(self, value: object) -> bool:
        """Whether a strictly validated value needs no closer look."""
        if value is None:
            return self.field.nullable
        if self._datetime:
            return (
                value.__class__ is _dt.datetime and value.tzinfo is not None and self._low_dt <= value < self._high_dt
            )
        cls = value.__class__
        if cls is int or (cls is float and not self._int_only):
            return self._low <= value < self._high  # type: ignore[operator]
        return False

    def suspicious(self, message: object) -> bool:
        fine = self.fine
        return any(not fine(value) for _, value in self.values(message))


def _datetime_bounds(policy: Policy) -> tuple[_dt.datetime, _dt.datetime]:
    window = policy.window
    if (
        policy.unit is not None
        or window is None
        or not (_WATERSHED_SAFE[0] <= window.start and window.end <= _WATERSHED_SAFE[1])
    ):
        never = _dt.datetime.max.replace(tzinfo=_dt.UTC)
        return never, never  # every datetime gets a closer look
    return window.as_datetimes()


def _walk(
    value: object,
    steps: tuple[Step, ...],
    index: int,
    prefix: Concrete,
) -> Iterator[tuple[Concrete, object]]:
    if index == len(steps):
        yield prefix, value
        return
    if isinstance(value, RootModel):
        yield from _walk(value.root, steps, index, prefix)  # no key of its own in JSON
        return
    step = steps[index]
    if isinstance(value, BaseModel) and not isinstance(step, Wildcard):
        # Every key the attribute may have come from: of a field read by one of several keys
        # (`AliasChoices`, or by name too), each is a timestamp field of its own, and the
        # value is checked at each (the linter then finds which the record holds).
        fields_set = value.model_fields_set
        for key, attr in _attributes(type(value)).get(step, ()):
            if attr in fields_set and (len(key) == 1 or steps[index : index + len(key)] == key):
                yield from _walk(getattr(value, attr), steps, index + len(key), (*prefix, *key))
    elif isinstance(value, dict):
        if step is MEMBERS:
            for key, item in value.items():
                yield from _walk(item, steps, index + 1, (*prefix, key))
        elif isinstance(step, str) and step in value:
            yield from _walk(value[step], steps, index + 1, (*prefix, step))
    elif isinstance(value, (list, tuple)):
        if step is ITEMS:
            for position, item in enumerate(value):
                yield from _walk(item, steps, index + 1, (*prefix, position))
        elif isinstance(step, int) and step < len(value):  # one position: `trades[*][0]`
            yield from _walk(value[step], steps, index + 1, (*prefix, step))


@functools.cache
def _attributes(model: type[BaseModel]) -> dict[str | int, list[tuple[Concrete, str]]]:
    """(JSON key or `AliasPath` steps, Python attribute name) for every place pydantic reads a
    field of `model` from (see `fields.field_keys`), by its first step."""
    places: dict[str | int, list[tuple[Concrete, str]]] = {}
    for attr, info in model.model_fields.items():
        for key in field_keys(model, attr, info):
            places.setdefault(key[0], []).append((key, attr))
    return places
