"""Differential test: the model is the oracle (issue 13, "Differential testing").

Models are generated from a grammar of the features real backends use, as Python source (the
way a backend writes them), and records for each; wsfix's verdict on a record is compared with
what the model itself does with it: validate, then read every timestamp back from the instance.

The grammar: a top-level timestamp field `sent_at` (float, int seconds or datetime; optional
or required; `Strict()`; `ge` and `le` constraints; a before/after/wrap field validator; reached by its
name, an alias, `AliasChoices`, an `AliasPath`, or an `alias_generator` with `populate_by_name`,
`validate_by_name` or `validate_by_alias=False`), a strict model, `extra` forbid/ignore/allow, a
before or after model validator, a `RootModel` around it all, an integer field of epoch milliseconds (declared
`ems:ms`), and one container of sub-models each with a timestamp `time`: a nested model, a list, a
tuple, a dict, or a union of two tagged members (plain, a
`discriminator` tag, or a callable `Discriminator`). Records: each timestamp written under one of
the keys pydantic reads (or a key it does not), with a value from the rule catalog's forms
(plausible seconds, integer seconds, ms/us/ns, numeric and ISO/naive/date/RFC 2822 strings,
booleans, null, empty and unparseable strings, out-of-range and non-finite-looking numbers,
objects, arrays), and a `type` the model validator may refuse.

Properties, for every record:
* nothing reported => the model accepts it and every timestamp it reads is plausible;
* the model refuses it => something is reported; one cause, one finding (never a WS004 and a
  timestamp rule at the same place);
* a record whose every finding has a fix: repaired, wsfix finds nothing fixable in it, and the
  model accepts it with plausible timestamps, or (a model validator runs only once every field
  is valid, so it may refuse the record only once repaired) wsfix reports why it does not.

In CI (the derandomised `wsfix` profile): EXAMPLES models with RECORDS records each (200 x 6 =
1,200 records, about 2 s). `HYPOTHESIS_PROFILE=explore` raises the number of models to the profile's budget.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import math
import sys
import types
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from wsfix.fields import FieldSpec, discover_fields
from wsfix.linter import FIXES, Linter
from wsfix.schema import Schema
from wsfix.timestamps import DEFAULT_POLICY, DEFAULT_WINDOW, Unit, inferred_range

EXAMPLES = max(200, settings().max_examples)
RECORDS = 6
_counter = itertools.count()

# --- the grammar -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    kind: str  # float, int, datetime
    optional: bool
    strict: bool
    bounded: bool  # ge: plausible seconds the model refuses
    validator: str | None  # before, after (refuses late values), wrap


@dataclass(frozen=True)
class Spec:
    top: Leaf
    naming: str  # plain, alias, choices, path, generator
    by_name: str  # for alias/generator: none, populate, validate, name-only
    strict_model: bool
    extra: str
    model_validator: str | None  # before (on the raw data), after
    container: str  # none, nested, list, tuple, dict, union, tagged, callable
    inner: Leaf
    root: bool
    millis: bool  # an `ems: int` of epoch milliseconds, declared `--timestamp-field ems:ms`
    keys: tuple[tuple[str, ...], ...] = field(default=())  # the places pydantic reads sent_at from


leaves = st.builds(
    Leaf,
    kind=st.sampled_from(["float", "int", "datetime"]),
    optional=st.booleans(),
    strict=st.booleans(),
    bounded=st.booleans(),
    validator=st.sampled_from([None, None, "before", "after", "wrap"]),
)
specs = st.builds(
    Spec,
    top=leaves,
    naming=st.sampled_from(["plain", "alias", "choices", "path", "generator"]),
    by_name=st.sampled_from(["none", "populate", "validate", "name-only"]),
    strict_model=st.booleans(),
    extra=st.sampled_from(["ignore", "forbid", "allow"]),
    model_validator=st.sampled_from([None, "before", "after"]),
    container=st.sampled_from(["none", "nested", "list", "tuple", "dict", "union", "tagged", "callable"]),
    inner=leaves,
    root=st.booleans(),
    millis=st.booleans(),
)


def _annotation(leaf: Leaf) -> str:
    text = leaf.kind
    if leaf.strict:
        text = f"Annotated[{text}, Strict()]"
    return f"Optional[{text}]" if leaf.optional else text


def _field(name: str, leaf: Leaf, alias: str = "") -> str:
    arguments = ["None"] if leaf.optional else []
    if alias:
        arguments.append(alias)
    if leaf.bounded and leaf.kind != "datetime":
        arguments += ["ge=1_600_000_000", "le=4_000_000_000_000"]
    line = f"    {name}: {_annotation(leaf)}"
    return f"{line} = Field({', '.join(arguments)})" if arguments else line


_LATE = {"float": "3_000_000_000", "int": "3_000_000_000", "datetime": "_dt.datetime(2080, 1, 1, tzinfo=_dt.UTC)"}


def _validator(name: str, leaf: Leaf) -> list[str]:
    if leaf.validator is None:
        return []
    if leaf.validator == "wrap":
        body = ["    def check_" + name + "(cls, value, handler):", "        return handler(value)"]
    elif leaf.validator == "before":
        body = ["    def check_" + name + "(cls, value):", "        return value"]
    else:
        late = _LATE[leaf.kind]
        body = [
            "    def check_" + name + "(cls, value):",
            "        naive = isinstance(value, _dt.datetime) and value.tzinfo is None  # not comparable",
            f"        if value is not None and not naive and value >= {late}:",
            "            raise ValueError('too late')",
            "        return value",
        ]
    return [f"    @field_validator({name!r}, mode={leaf.validator!r})", "    @classmethod", *body]


def source(spec: Spec) -> tuple[str, Spec]:
    """The models' Python source (the top one is `Top`), and `spec` with the keys of sent_at."""
    lines = [
        "import datetime as _dt",
        "from datetime import datetime",
        "from typing import Annotated, Any, Literal, Optional, Union",
        "from pydantic import AliasChoices, AliasPath, BaseModel, ConfigDict, Discriminator, Field, RootModel, "
        "Strict, Tag, field_validator, model_validator",
        "from pydantic.alias_generators import to_camel",
        "",
    ]
    inner = spec.inner
    for name, tag in (("Sub", None), ("A", "a"), ("B", "b")):
        lines.append(f"class {name}(BaseModel):")
        if tag:
            lines.append(f"    kind: Literal[{tag!r}]")
        lines.append(_field("time", inner))
        lines.extend(_validator("time", inner))
        lines.append("")
    config = {"extra": repr(spec.extra)}
    if spec.strict_model:
        config["strict"] = "True"
    alias = ""
    keys: list[tuple[str, ...]] = []
    if spec.naming == "alias":
        alias, keys = "alias='sentAt'", [("sentAt",)]
    elif spec.naming == "choices":
        alias, keys = "validation_alias=AliasChoices('sent_at', 'ts')", [("sent_at",), ("ts",)]
    elif spec.naming == "path":
        alias, keys = "validation_alias=AliasPath('meta', 'sent_at')", [("meta", "sent_at")]
    elif spec.naming == "generator":
        config["alias_generator"] = "to_camel"
        keys = [("sentAt",)]
    else:
        keys = [("sent_at",)]
    if spec.naming in ("alias", "generator"):
        if spec.by_name == "populate":
            config["populate_by_name"] = "True"
        elif spec.by_name in ("validate", "name-only"):
            config["validate_by_name"] = "True"
        if spec.by_name == "name-only":
            config["validate_by_alias"] = "False"
            keys = []
        if spec.by_name != "none":
            keys.append(("sent_at",))
    container = {
        "none": None,
        "nested": "Sub",
        "list": "list[Sub]",
        "tuple": "tuple[Sub, ...]",
        "dict": "dict[str, Sub]",
        "union": "Union[A, B]",
        "tagged": "Annotated[Union[A, B], Field(discriminator='kind')]",
        "callable": "Annotated[Union[Annotated[A, Tag('a')], Annotated[B, Tag('b')]], Discriminator(_kind)]",
    }[spec.container]
    lines += [
        "def _kind(value):",
        "    return value.get('kind') if isinstance(value, dict) else getattr(value, 'kind', None)",
        "",
        "class Message(BaseModel):",
        f"    model_config = ConfigDict({', '.join(f'{k}={v}' for k, v in config.items())})",
        "    type: str",
        _field("sent_at", spec.top, alias),
    ]
    if container:
        lines.append(f"    body: Optional[{container}] = None")
    if spec.millis:
        lines.append("    ems: Optional[int] = None")
    lines.extend(_validator("sent_at", spec.top))
    if spec.model_validator == "after":
        lines += [
            "    @model_validator(mode='after')",
            "    def known(self):",
            "        if self.type == 'legacy':",
            "            raise ValueError('legacy messages are refused')",
            "        return self",
        ]
    elif spec.model_validator == "before":
        lines += [
            "    @model_validator(mode='before')",
            "    @classmethod",
            "    def known(cls, data):",
            "        if isinstance(data, dict) and data.get('type') == 'legacy':",
            "            raise ValueError('legacy messages are refused')",
            "        return data",
        ]
    lines += ["", "class Top(RootModel[Message]):" if spec.root else "class Top(Message):", "    pass", ""]
    return "\n".join(lines), Spec(**{**spec.__dict__, "keys": tuple(keys)})


def build(spec: Spec) -> tuple[type[BaseModel], Spec]:
    text, spec = source(spec)
    # A module of its own, registered as an imported one is: pydantic looks a generic model's
    # module up in sys.modules when it is parametrized at module level (`RootModel[Message]`).
    module = types.ModuleType(f"generated_{next(_counter)}")
    sys.modules[module.__name__] = module
    # dont_inherit: without this module's `from __future__ import annotations`, as a backend's
    # module would be (its annotations evaluated here, where its names are)
    try:
        exec(compile(text, "<generated model>", "exec", dont_inherit=True), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module.Top, spec


# --- records ---------------------------------------------------------------------------------

VALUES: list[Any] = [
    1757350201.25,
    1757350201,
    1757350201447,
    1757350201447123,
    1757350201447123456,
    "1757350201",
    "1757350201447",
    "2025-09-08T16:50:01Z",
    "2025-09-08T16:50:01.5+02:00",
    "2025-09-08T16:50:01",
    "2025-09-08",
    "Mon, 08 Sep 2025 16:50:01 +0000",
    True,
    None,
    "",
    "soon",
    -5,
    1e300,
    0,
    {"a": 1},
    [1],
    3500000000,
    1500000000,
]
values = st.sampled_from(VALUES)


@st.composite
def records(draw: Any, spec: Spec) -> bytes:
    message: dict[str, Any] = {"type": draw(st.sampled_from(["ping", "ping", "ping", "legacy", 5]))}
    places = [*spec.keys, ("sent_at",), ("sentAt",), ("ts",), ()]
    place = draw(st.sampled_from(places))
    if place:
        target = message
        for step in place[:-1]:
            target = target.setdefault(step, {})
        target[place[-1]] = draw(values)
    if draw(st.booleans()):
        message["note"] = "x"
    if spec.millis and draw(st.booleans()):
        message["ems"] = draw(st.sampled_from([1757350201447, *VALUES]))
    if spec.container != "none" and draw(st.booleans()):

        def sub() -> dict[str, Any]:
            item: dict[str, Any] = {}
            if spec.container in ("union", "tagged", "callable"):
                item["kind"] = draw(st.sampled_from(["a", "b"]))
            if draw(st.integers(0, 4)):
                item["time"] = draw(values)
            return item

        if spec.container in ("list", "tuple"):
            message["body"] = [sub() for _ in range(draw(st.integers(0, 2)))]
        elif spec.container == "dict":
            message["body"] = {"k": sub()}
        else:
            message["body"] = sub()
    return json.dumps(message).encode()


# --- the oracle --------------------------------------------------------------------------------

_LOW, _HIGH = inferred_range(Unit.S)


def _plausible(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, _dt.datetime):
        return value.tzinfo is not None and DEFAULT_WINDOW.start <= value.timestamp() < DEFAULT_WINDOW.end
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return math.isfinite(value) and max(_LOW, DEFAULT_WINDOW.start) <= value < min(_HIGH, DEFAULT_WINDOW.end)
    return False


def oracle(model: type[BaseModel], record: bytes) -> tuple[bool, bool]:
    """(the model accepts the record, every timestamp it reads is plausible)."""
    try:
        instance = model.model_validate_json(record)
    except ValidationError:
        return False, False
    message = getattr(instance, "root", instance)
    read = []
    if "sent_at" in message.model_fields_set:
        read.append(message.sent_at)
    body = getattr(message, "body", None)
    subs = list(body) if isinstance(body, (list, tuple)) else list(body.values()) if isinstance(body, dict) else [body]
    read += [sub.time for sub in subs if sub is not None and "time" in sub.model_fields_set]
    millis = getattr(message, "ems", None)
    if millis is not None and "ems" in message.model_fields_set:
        low, high = DEFAULT_WINDOW.start * 1000, DEFAULT_WINDOW.end * 1000
        if not (isinstance(millis, int) and low <= millis < high):
            return True, False
    return True, all(_plausible(value) for value in read)


def repaired(record: bytes, problems: tuple[Any, ...]) -> bytes:
    out, position = [], 0
    for fix in sorted(problem.fix for problem in problems):
        out += [record[position : fix.start], fix.replacement.encode()]
        position = fix.end
    return b"".join([*out, record[position:]])


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=specs, data=st.data())
def test_wsfix_agrees_with_the_model(spec: Spec, data: Any) -> None:
    model, spec = build(spec)
    declared = [FieldSpec.parse("ems:ms")] if spec.millis else []
    linter = Linter(Schema("generated", model, discover_fields(model, declared=declared)), DEFAULT_POLICY)
    for _ in range(RECORDS):
        record = data.draw(records(spec))
        problems = linter.lint(record, 1, "capture.jsonl")
        # the paths `check` and `repair` take
        assert linter.lint_chunk(record + b"\n", "capture.jsonl").problems == list(problems)
        repair_pass = linter.lint_chunk(record + b"\n", "capture.jsonl", detail=FIXES).problems
        assert [(p.code, p.fix) for p in repair_pass] == [(p.code, p.fix) for p in problems]
        accepted, plausible = oracle(model, record)
        described = [(problem.code, problem.json_path, problem.message) for problem in problems]
        event(f"model {'accepts' if accepted else 'refuses'}, {'plausible' if plausible else 'implausible'}")
        event(f"wsfix reports {sorted({problem.code for problem in problems}) or 'nothing'}")
        if not problems:
            assert accepted and plausible, record
        if not accepted:
            assert problems, record
        schema_paths = {p.json_path for p in problems if p.code == "WS004"}
        timestamp_paths = {p.json_path for p in problems if p.code.startswith("WS1")}
        assert not schema_paths & timestamp_paths, (record, described)
        if problems and all(problem.fix is not None for problem in problems):
            fixed = repaired(record, problems)
            again = linter.lint(fixed, 1, "capture.jsonl")
            assert not [problem for problem in again if problem.fix is not None], (fixed, again)
            # A model validator runs only once every field is valid: what it refuses shows
            # only after the repair, and is then reported (without a fix).
            assert oracle(model, fixed) == (True, True) or again, (record, fixed, described)
