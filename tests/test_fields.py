"""Field paths, timestamp field discovery through models, and loading models named on the
command line (`--model`, `wsfix schema`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import AwareDatetime, BaseModel, NaiveDatetime

from tests import sample_models
from tests.conftest import lint_bytes
from wsfix.errors import UsageError
from wsfix.fields import DATETIME, SECONDS, FieldSpec, Target, discover_fields
from wsfix.models import build_schema, load_model
from wsfix.paths import ITEMS, MEMBERS, format_path, matches, parse_path
from wsfix.schema import SCHEMAS, Schema
from wsfix.timestamps import Unit

MODELS = Path(__file__).parent / "sample_models.py"


# --- paths -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        pytest.param("timestamp", ("timestamp",), id="key"),
        pytest.param("data.trades[*].time", ("data", "trades", ITEMS, "time"), id="items"),
        pytest.param("books.*.ts", ("books", MEMBERS, "ts"), id="members"),
        pytest.param("[*].time", (ITEMS, "time"), id="top-level-array"),
        pytest.param('payload["odd.key"]', ("payload", "odd.key"), id="quoted-key"),
        pytest.param("a[3].b", ("a", 3, "b"), id="index"),
        pytest.param("BTC-USD.t", ("BTC-USD", "t"), id="hyphen"),
    ],
)
def test_parse_path(text, steps):
    assert parse_path(text) == steps
    assert format_path(steps) == text


@pytest.mark.parametrize("text", ["", ".a", "a..b", "a[", "a[x]", "a.[*]", 'a["unterminated]'])
def test_parse_path_refuses(text):
    with pytest.raises(ValueError):
        parse_path(text)


keys = st.text(max_size=8)
steps = st.lists(st.one_of(keys, st.integers(0, 99), st.just(ITEMS), st.just(MEMBERS)), min_size=1, max_size=5)


@given(steps)
def test_any_path_reads_back_as_itself(path):
    assert parse_path(format_path(path)) == tuple(path)


@pytest.mark.parametrize(
    ("pattern", "concrete", "expected"),
    [
        (("data", ITEMS, "time"), ("data", 3, "time"), True),
        (("data", ITEMS, "time"), ("data", "3", "time"), False),
        (("books", MEMBERS, "ts"), ("books", "BTC-USD", "ts"), True),
        (("books", MEMBERS, "ts"), ("books", 0, "ts"), False),
        (("a",), ("a", "b"), False),
    ],
)
def test_matches(pattern, concrete, expected):
    assert matches(pattern, concrete) is expected


# --- discovery -----------------------------------------------------------------------------------


def fields_of(model, *declared, pattern=None):
    specs = [FieldSpec.parse(text) for text in declared]
    kwargs = {"pattern": pattern} if pattern else {}
    return [
        (f.name, f.target, f.required, f.nullable, f.found_by) for f in discover_fields(model, declared=specs, **kwargs)
    ]


def test_discovery_walks_nested_models_lists_and_types():
    assert fields_of(sample_models.Order, "E:ms") == [
        ("header.sent_at", SECONDS, True, False, "name"),
        ("trades[*].time", SECONDS, True, False, "name"),
        ("timestamp", SECONDS, False, True, "name"),
        ("created_at", DATETIME, True, False, "type datetime"),
        ("E", Target(Unit.MS, integer=True), True, False, "--timestamp-field"),
    ]


def test_discovery_through_aliases_dicts_and_root_models():
    assert fields_of(sample_models.Aliased) == [
        ("eventTime", SECONDS, True, False, "name"),
        ("books.*.time", SECONDS, True, False, "name"),
    ]
    assert fields_of(sample_models.Ticks) == [("[*].time", SECONDS, True, False, "name")]


class Mixed(BaseModel):
    created: AwareDatetime
    local: NaiveDatetime  # a repair to ...Z would be refused there: not a timestamp field
    flag_at: bool = False
    name_time: str = ""
    count: int = 0
    seen_ts: Optional[int] = None
    when: dt.datetime | None = None
    payload: dict[str, Any] = {}
    series: tuple[float, ...] = ()
    child: Optional[Mixed] = None


def test_discovery_keeps_numbers_named_like_times_and_datetimes():
    assert fields_of(Mixed) == [
        ("created", DATETIME, True, False, "type datetime"),
        ("seen_ts", Target(Unit.S, integer=True), False, True, "name"),
        ("when", DATETIME, False, True, "type datetime"),
    ]  # `child` is a Mixed again: a recursive model is not walked a second time


def test_pattern_and_declared_paths_into_untyped_parts():
    assert fields_of(Mixed, "payload.sent:ms", "series[*]", pattern="count") == [
        ("created", DATETIME, True, False, "type datetime"),
        ("count", Target(Unit.S, integer=True), False, False, "name"),
        ("when", DATETIME, False, True, "type datetime"),
        ("payload.sent", Target(Unit.MS, integer=True), False, True, "--timestamp-field"),
        ("series[*]", SECONDS, True, False, "--timestamp-field"),
    ]


@pytest.mark.parametrize(
    ("declared", "fragment"),
    [
        pytest.param("nope", "nope: the model has no nope", id="missing"),
        pytest.param("created:ms", "is a datetime field: it takes RFC 3339 text, not a unit", id="unit-on-datetime"),
        pytest.param("name_time", "is str, not a number or a datetime", id="string-field"),
        pytest.param("series[3]", "name every list item with [*]", id="index"),
        pytest.param("E:hours", "unknown unit", id="bad-unit"),
    ],
)
def test_declared_fields_are_checked(declared, fragment):
    with pytest.raises(ValueError, match=fragment.replace("[", r"\[").replace("*", r"\*")):
        fields_of(Mixed, declared)


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_builtin_schemas_declare_what_discovery_finds(name):
    schema = SCHEMAS[name]
    assert discover_fields(schema.model) == schema.timestamp_fields


def test_dict_of_models_and_aliases_are_linted():
    schema = Schema("aliased", sample_models.Aliased, discover_fields(sample_models.Aliased))
    data = (
        b'{"eventTime":"2025-09-08T16:50:01Z","books":{"BTC-USD":{"price":"1","time":1757350201447},'
        b'"ETH-USD":{"price":"2","time":1757350201.5}}}\n'
    )
    assert [(p.code, p.json_path, p.fix.replacement) for p in lint_bytes(data, schema=schema)] == [
        ("WS101", "eventTime", "1757350201.0"),
        ("WS104", "books.BTC-USD.time", "1757350201.447"),
    ]


def test_root_model_arrays_are_linted():
    schema = Schema("ticks", sample_models.Ticks, discover_fields(sample_models.Ticks))
    data = b'[{"price":"1","time":1757350201.5},{"price":"2","time":"2025-09-08T16:50:01Z"}]\n'
    assert [(p.code, p.json_path, p.column) for p in lint_bytes(data, schema=schema)] == [
        ("WS101", "[1].time", data.index(b'"2025') + 1)
    ]


# --- loading models ------------------------------------------------------------------------------


def test_load_model_from_a_file_and_a_module(monkeypatch, tmp_path):
    assert load_model(f"{MODELS}:Order").__name__ == "Order"
    package = tmp_path / "myapp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "from pydantic import BaseModel\n\n\nclass Outer:\n    class Event(BaseModel):\n        ts: float\n"
    )
    monkeypatch.chdir(tmp_path)
    assert load_model("myapp.models:Outer.Event").__qualname__ == "Outer.Event"


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        pytest.param("Order", "expected MODULE:CLASS", id="no-colon"),
        pytest.param("no_such_module_x:Order", "cannot import no_such_module_x: ModuleNotFoundError", id="no-module"),
        pytest.param("{models}:Missing", "has no Missing", id="no-class"),
        pytest.param("{models}:NOT_A_MODEL", "NOT_A_MODEL is an int, not a Pydantic model class", id="not-a-model"),
        pytest.param("{models}:BaseModel", "pydantic's BaseModel itself", id="basemodel"),
        pytest.param("missing/models.py:Order", "no such file", id="no-file"),
    ],
)
def test_load_model_failures_are_usage_errors(spec, fragment):
    with pytest.raises(UsageError, match=fragment):
        load_model(spec.format(models=MODELS))


def test_a_failing_model_file_is_one_line(cli, tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("import sys\nraise RuntimeError('no database\\nconfigured')\n")
    result = cli("schema", "--model", f"{broken}:Event")
    assert result.exit_code == 2
    assert result.stderr == (
        f"wsfix: error: --model '{broken}:Event': cannot load {broken}: RuntimeError: no database configured\n"
    )


def test_pydantic_v1_models_are_refused(tmp_path):
    old = tmp_path / "old.py"
    old.write_text("from pydantic.v1 import BaseModel\n\n\nclass Event(BaseModel):\n    ts: float\n")
    with pytest.raises(UsageError, match="Pydantic v1 model; wsfix needs Pydantic v2"):
        load_model(f"{old}:Event")


def test_build_schema_options():
    assert build_schema() is SCHEMAS["websocket-message"]
    assert build_schema("error-message") is SCHEMAS["error-message"]
    with pytest.raises(UsageError, match="use either --schema or --model"):
        build_schema("error-message", f"{MODELS}:Order")
    with pytest.raises(
        UsageError, match="unknown schema 'nope': expected one of websocket-message, server-message, error-message"
    ):
        build_schema("nope")
    with pytest.raises(UsageError, match="--timestamp-field"):
        build_schema(None, f"{MODELS}:Order", ["header.nope"])
    with pytest.raises(UsageError):
        build_schema(None, None, (), "(unclosed")
    extended = build_schema("websocket-message", None, ["payload.sent_at:ms"])
    assert [f.name for f in extended.timestamp_fields] == ["timestamp", "payload.sent_at"]


# --- wsfix schema ---------------------------------------------------------------------------------


def test_schema_command_on_a_builtin(cli):
    result = cli("schema", "--schema", "server-message")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Schema server-message: ServerMessage (reconstructed): type (MessageType), data, timestamp "
        "(float, required, epoch seconds), message_id, thread_id",
        "  Field      Type   Required  Target (what repair writes)  Found by",
        "  timestamp  float  yes       epoch seconds (float)        name",
        "Checked by: the fast probe: the model's fields as a typed dict, timestamp typed strictly in pydantic",
    ]


def test_schema_command_without_fields(cli):
    result = cli("schema", "--model", f"{MODELS}:Header", "--timestamp-pattern", "nothing")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].startswith("No timestamp fields found")


def test_check_with_a_bad_model_exits_2(cli, capture_file):
    result = cli("check", capture_file(b"{}\n"), "--model", f"{MODELS}:Nope")
    assert result.exit_code == 2 and "has no Nope" in result.stderr
