"""Timestamp fields of a Pydantic model: where they are, and what form a repair writes there.

`discover_fields` walks a model through nested models, lists, tuples, dicts and unions (not sets,
whose items cannot be traced back to their bytes), and keeps:

* `float` and `int` fields (optional or not) whose name looks like a time: the target is epoch
  seconds, a float for `float` fields, an integer for `int` ones. A name is read as its words
  (`name_words`: snake_case, camelCase, PascalCase, kebab-case alike), so `createdAt`,
  `serverTimestamp` and `edited_timestamp` are all found; the pattern (`NAME_PATTERN`, or
  `--timestamp-pattern`) must match the whole name as written or its words in lower case joined
  by `_` (`createdAt` is `created_at`). Either the Python name or the JSON key may match;
* `datetime` fields (also pydantic's `AwareDatetime`, `PastDatetime`, `FutureDatetime`), whatever
  their name: the target is an RFC 3339 date-time in UTC (`...Z`);
* fields declared with a `FieldSpec` (`--timestamp-field data.trades[*].time:ms`): any path the
  model has, also into untyped parts (`dict[str, Any]`, `Any`); a unit other than `s` makes the
  target an integer count of that unit.

A fixed-length tuple (`tuple[float, str, int, int]`, a NamedTuple) is a JSON array whose
positions are fields of their own, written with index steps (`trades[*][0]`): the model says
each position's type, and a NamedTuple its name, by which it is found like any field.

A recursive model is walked once, not again inside itself: declare paths into its repetitions.
A `TimestampField` is a path pattern (with `[*]` and `.*` wildcards) plus its target, whether the
model requires it, whether it takes null, and its annotation (for pydantic's own verdict on a
value). No I/O; no importing of user code (see `models.py`).
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, NamedTuple, cast

from pydantic import AliasChoices, AliasPath, BaseModel, RootModel, Strict

from wsfix.paths import ITEMS, MEMBERS, Concrete, Path, format_path, parse_path
from wsfix.timestamps import Reading, Unit, render, render_count, render_rfc3339

# Matched against a name's words joined by `_` (and the name as written): a last word `timestamp`,
# `time` or `ts`, or `at` after another word (`created_at`, `createdAt`, `sent-at`).
NAME_PATTERN = r"(.+_)?(timestamp|time|ts)|.+_at"

# A word: an upper-case run not followed by lower case (`HTTP` in `HTTPDate`), a capitalised or
# lower-case run, or digits. `_`, `-`, `.`, spaces and the like only separate words.
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def name_words(name: str) -> tuple[str, ...]:
    """The words of a field name in lower case: `serverTimestamp`, `server_timestamp`,
    `ServerTimestamp` and `server-timestamp` are all `("server", "timestamp")`."""
    return tuple(word.lower() for word in _WORD.findall(name))


def name_matches(pattern: re.Pattern[str], name: str) -> bool:
    """Whether `pattern` matches all of `name` as written or all of its words joined by `_`."""
    return pattern.fullmatch(name) is not None or pattern.fullmatch("_".join(name_words(name))) is not None


class Target(NamedTuple):
    """What a repair writes into a field: epoch seconds as a float (the default), an integer
    count of `unit`, or (`unit` None) an RFC 3339 date-time in UTC."""

    unit: Unit | None = Unit.S
    integer: bool = False

    @property
    def label(self) -> str:
        if self.unit is None:
            return "RFC 3339 date-time, UTC (...Z)"
        return f"epoch {self.unit.word} ({'integer' if self.integer else 'float'})"

    @property
    def is_seconds(self) -> bool:
        return self.unit is Unit.S and not self.integer

    def render(self, reading: Reading) -> str | None:
        """The JSON text a repair writes for `reading`, or None when this target cannot hold its
        instant exactly (a fraction of a millisecond for an integer millisecond field, a year past
        9999 for a date-time). Except for float seconds, `reading` must come from
        `classify(..., exact=True)`."""
        if reading.seconds is None:
            return None
        if self.is_seconds:
            return render(reading.seconds)
        assert reading.exact is not None, "classify(..., exact=True) gives targets their digits"
        if self.unit is None:
            text = render_rfc3339(reading.exact)
            return None if text is None else f'"{text}"'
        return render_count(reading.exact, self.unit)


SECONDS = Target()
DATETIME = Target(None)


@dataclass(frozen=True)
class TimestampField:
    """A timestamp field: `path` (a pattern; see `wsfix.paths`), its `target`, whether the model
    requires it (so a missing key is a finding) and whether it takes null."""

    path: Path
    target: Target = SECONDS
    required: bool = False
    nullable: bool = True
    annotation: Any = field(default=Any, compare=False)  # as the model declares it
    found_by: str = "declared"  # why it is a timestamp field, for `wsfix schema`

    @functools.cached_property
    def name(self) -> str:
        # Asked for every finding: worked out once (a frozen dataclass still has a __dict__).
        return format_path(self.path)

    @property
    def top_level(self) -> bool:
        return len(self.path) == 1 and isinstance(self.path[0], str)

    @property
    def type_text(self) -> str:
        return _type_text(self.annotation)


class FieldSpec(NamedTuple):
    """A `--timestamp-field` declaration: a path and an optional unit (`data.E:ms`)."""

    path: Path
    unit: Unit | None = None

    @classmethod
    def parse(cls, text: str) -> FieldSpec:
        """`PATH` or `PATH:UNIT` (s, ms, us, ns); a key holding a colon is written quoted,
        `["a:b"]`. Raises ValueError saying what is wrong."""
        unit = None
        head, colon, tail = text.rpartition(":")
        if colon and re.fullmatch(r"\s*[a-zA-Zµμ]+\s*", tail):  # a key with a colon is quoted
            unit = Unit.parse(tail)
            text = head
        return cls(parse_path(text.strip()), unit)


def discover_fields(
    model: type[BaseModel], pattern: str = NAME_PATTERN, declared: Sequence[FieldSpec] = ()
) -> tuple[TimestampField, ...]:
    """The timestamp fields of `model`: found by name and type, then the declared ones (which win
    over a found field at the same path). Raises ValueError for a declared path the model does
    not have or that cannot hold a timestamp."""
    names = re.compile(pattern)
    found: dict[Path, TimestampField] = {}
    for leaf in _leaves(model):
        if leaf.kind == "datetime":
            by = "type datetime"
        elif leaf.kind in ("float", "int") and any(name_matches(names, name) for name in leaf.names):
            by = "name"
        else:
            continue
        found.setdefault(leaf.path, _field(leaf, None, by))
    for spec in declared:
        leaf = _resolve(model, spec.path)
        found[spec.path] = _field(leaf, spec.unit, "--timestamp-field")
    return tuple(found.values())


# --- walking the model ---------------------------------------------------------------------


class _Leaf(NamedTuple):
    path: Path
    kind: str  # "float", "int", "datetime", "any" (untyped) or "other"
    annotation: Any
    required: bool
    nullable: bool
    names: tuple[str, ...]  # the Python name and the JSON key of the innermost field


def _field(leaf: _Leaf, unit: Unit | None, found_by: str) -> TimestampField:
    path_text = format_path(leaf.path)
    if leaf.kind == "datetime":
        if unit is not None:
            raise ValueError(f"{path_text} is a datetime field: it takes RFC 3339 text, not a unit")
        target = DATETIME
    elif leaf.kind in ("float", "int", "any"):
        unit = unit or Unit.S
        # A unit other than seconds is declared for integer counts (`E:ms`, JavaScript's Date.now()).
        target = Target(unit, integer=leaf.kind == "int" or unit is not Unit.S)
    else:
        raise ValueError(
            f"{path_text} is {_type_text(leaf.annotation)}, not a number or a datetime: it cannot be a timestamp field"
        )
    return TimestampField(leaf.path, target, leaf.required, leaf.nullable, leaf.annotation, found_by)


def _leaves(model: type[BaseModel]) -> Iterator[_Leaf]:
    yield from _annotation_leaves(model, (), True, (), ())


def _annotation_leaves(
    annotation: Any, path: Path, required: bool, names: tuple[str, ...], seen: tuple[type, ...]
) -> Iterator[_Leaf]:
    members, nullable = _union_members(annotation)
    kinds = {_leaf_kind(member) for member in members}
    if members and (kinds <= {"float", "int"} or kinds == {"datetime"}):
        kind = "float" if "float" in kinds else kinds.pop()
        yield _Leaf(path, kind, annotation, required, nullable, names)
        return
    for member in members:
        if isinstance(member, type) and issubclass(member, BaseModel):
            if member in seen:  # a recursive model is walked once, not again inside itself
                continue
            for keys, attr, info in _model_fields(member):
                annotation = _as_validated(member, info)
                for key in keys:
                    last = key[-1]
                    yield from _annotation_leaves(
                        annotation,
                        (*path, *key),
                        # one of several keys may be absent: pydantic's own `missing` error tells
                        info.is_required() and len(keys) == 1,
                        (attr,) if last == attr or not isinstance(last, str) else (attr, last),
                        (*seen, member),
                    )
            continue
        positions = _tuple_positions(member)
        if positions is not None:
            # A fixed tuple is a JSON array of that many values: each position is a field of its
            # own (`trades[*][0]`), named when the tuple is a NamedTuple (which may be recursive).
            if member in seen:
                continue
            inside = (*seen, member) if isinstance(member, type) else seen
            for index, (name, item) in enumerate(positions):
                yield from _annotation_leaves(item, (*path, index), True, (name,) if name else (), inside)
            continue
        inner = _container_item(member)
        if inner is not None:
            step, item = inner
            yield from _annotation_leaves(item, (*path, step), True, names, seen)


def _resolve(model: type[BaseModel], path: Path) -> _Leaf:
    """The leaf at a declared path; raises ValueError when the model has no such field."""
    annotation: Any = model
    required, names = True, cast(tuple[str, ...], ())
    for depth, step in enumerate(path):
        members, _ = _union_members(annotation)
        found: tuple[Any, bool, tuple[str, ...]] | None = None
        for member in members:
            if member is Any or member is object:
                return _Leaf(path, "any", Any, False, True, names)
            if isinstance(member, type) and issubclass(member, BaseModel):
                for keys, attr, info in _model_fields(member):
                    if (step,) in keys:
                        named = (attr, step) if isinstance(step, str) else (attr,)
                        found = (_as_validated(member, info), info.is_required() and len(keys) == 1, named)
                        break
            elif (positions := _tuple_positions(member)) is not None:
                if isinstance(step, int) and step < len(positions):  # a fixed tuple has every position
                    name, item = positions[step]
                    found = (item, True, (name,) if name else ())
            else:
                inner = _container_item(member)
                if inner is not None and (
                    inner[0] is step
                    or (inner[0] is MEMBERS and isinstance(step, str))
                    or (inner[0] is ITEMS and isinstance(step, int))
                ):
                    # every element, or every member, is there; one key of a dict or one index of
                    # a list need not be
                    found = (inner[1], step is inner[0], names)
            if found is not None:
                break
        if found is None:
            for member in members:
                if isinstance(member, type) and issubclass(member, BaseModel):
                    for keys, attr, _ in _model_fields(member):
                        if step == attr:  # a Python name the model does not read from JSON
                            places = " or ".join(format_path(key) for key in keys)
                            raise ValueError(
                                f"{format_path(path)}: the model reads {attr} from {places}, not {attr}: "
                                "declare the path as records have it"
                            )
            raise ValueError(
                f"{format_path(path)}: {format_path(path[:depth]) or 'the model'} has no "
                f"{format_path(path[depth : depth + 1])} (it is {_type_text(annotation)})"
            )
        annotation, required, names = found
    members, nullable = _union_members(annotation)
    if any(member is Any or member is object for member in members):
        return _Leaf(path, "any", annotation, required, True, names)
    kinds = {_leaf_kind(member) for member in members}
    if kinds <= {"float", "int"} and members:
        kind = "float" if "float" in kinds else "int"
    else:
        kind = kinds.pop() if len(kinds) == 1 else "other"
    return _Leaf(path, kind, annotation, required, nullable, names)


def _model_fields(model: type[BaseModel]) -> Iterator[tuple[tuple[Concrete, ...], str, Any]]:
    """(the places pydantic reads it from, Python name, FieldInfo) of each field of a model that
    is not a RootModel (see `field_keys`)."""
    if not model.__pydantic_complete__:
        model.model_rebuild()
    for attr, info in model.model_fields.items():
        yield field_keys(model, attr, info), attr, info


def field_keys(model: type[BaseModel], attr: str, info: Any) -> tuple[Concrete, ...]:
    """Every place in a JSON object (one key, or an `AliasPath`'s steps) pydantic may read field
    `attr` of `model` from, in the order it tries them: its validation alias, each of its
    `AliasChoices`, its alias (also from an `alias_generator`), then its Python name where the
    model validates by name (`populate_by_name`, `validate_by_name`) or by nothing else."""
    config = model.model_config
    keys: list[Concrete] = []
    if config.get("validate_by_alias", True):
        alias = info.validation_alias if info.validation_alias is not None else info.alias
        for choice in alias.choices if isinstance(alias, AliasChoices) else [alias]:
            if isinstance(choice, str):
                keys.append((choice,))
            elif isinstance(choice, AliasPath):
                keys.append(tuple(choice.path))
    if not keys or config.get("validate_by_name") or config.get("populate_by_name"):
        keys.append((attr,))
    return tuple(dict.fromkeys(keys))


def _as_validated(model: type[BaseModel], info: Any) -> Any:
    """A field's annotation with what else decides pydantic's verdict on its values: its
    constraints and `Strict()` (`info.metadata`), and a strict model's strictness."""
    extra = list(info.metadata)
    if model.model_config.get("strict") and not any(isinstance(item, Strict) for item in extra):
        extra.append(Strict())
    return Annotated[(info.annotation, *extra)] if extra else info.annotation


_DATETIME_LIKE = ("AwareDatetime", "PastDatetime", "FutureDatetime")


def _leaf_kind(annotation: Any) -> str:
    if annotation is float:
        return "float"
    if annotation is int:
        return "int"
    if isinstance(annotation, type):
        if issubclass(annotation, bool):
            return "other"
        if issubclass(annotation, _dt.datetime):
            return "datetime"
        if annotation.__module__ == "pydantic.types" and annotation.__name__ in _DATETIME_LIKE:
            return "datetime"
        if issubclass(annotation, float):
            return "float"
        if issubclass(annotation, int) and not issubclass(annotation, Mapping):
            return "int"
    return "other"


def _union_members(annotation: Any, _roots: tuple[type, ...] = ()) -> tuple[list[Any], bool]:
    """The alternatives of a (possibly Optional, possibly Annotated) annotation, without None,
    and whether None is one of them."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        members: list[Any] = []
        nullable = False
        for arg in typing.get_args(annotation):
            inner, inner_nullable = _union_members(arg, _roots)
            members.extend(inner)
            nullable = nullable or inner_nullable or arg is type(None)
        return members, nullable
    if annotation is None or annotation is type(None):
        return [], True
    if isinstance(annotation, type) and issubclass(annotation, RootModel) and annotation not in _roots:
        # A RootModel is its root value in JSON: no key of its own.
        if not annotation.__pydantic_complete__:
            annotation.model_rebuild()
        return _union_members(annotation.model_fields["root"].annotation, (*_roots, annotation))
    return [annotation], False


# Not sets: a set keeps no order, so its items cannot be traced back to their bytes.
_SEQUENCES = (list, Sequence, typing.Sequence)
_MAPPINGS = (dict, Mapping, typing.Mapping)


def _tuple_positions(annotation: Any) -> list[tuple[str | None, Any]] | None:
    """(name or None, type) of each position of a fixed-length tuple (`tuple[float, str]`, a
    NamedTuple), or None for any other annotation (`tuple[float, ...]` is a sequence)."""
    if isinstance(annotation, type) and issubclass(annotation, tuple) and hasattr(annotation, "_fields"):
        try:
            hints = typing.get_type_hints(annotation, include_extras=True)
        except (NameError, TypeError, AttributeError):  # a name its module cannot resolve: untyped
            hints = {}
        return [(name, hints.get(name, Any)) for name in annotation._fields]
    if typing.get_origin(annotation) is tuple:
        args = typing.get_args(annotation)
        if args and not (len(args) == 2 and args[1] is Ellipsis) and args != ((),):
            return [(None, arg) for arg in args]
    return None


def _container_item(annotation: Any) -> tuple[Any, Any] | None:
    """(ITEMS, item type) for a list-like annotation, (MEMBERS, value type) for a dict-like one."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in _SEQUENCES or annotation is list:
        return ITEMS, args[0] if args else Any
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return ITEMS, args[0]
    if origin in _MAPPINGS or annotation is dict:
        return MEMBERS, args[1] if len(args) == 2 else Any
    return None


def _type_text(annotation: Any) -> str:
    members, nullable = _union_members(annotation)
    texts = [getattr(member, "__name__", None) if isinstance(member, type) else None for member in members]
    text = " | ".join(t if t else repr(m).replace("typing.", "") for t, m in zip(texts, members, strict=True))
    return f"{text or 'None'}{' | None' if nullable and members else ''}"
