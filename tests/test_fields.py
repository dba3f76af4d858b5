"""Field paths, timestamp field discovery through models, and loading models named on the
command line (`--model`, `wsfix schema`)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, NamedTuple, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import AwareDatetime, BaseModel, NaiveDatetime

from tests import sample_models
from tests.conftest import lint_bytes
from wsfix.errors import UsageError
from wsfix.fields import DATETIME, SECONDS, FieldSpec, Target, discover_fields, name_words
from wsfix.paths import ITEMS, MEMBERS, format_path, matches, parse_path
from wsfix.schema import SCHEMAS, MessageType, Schema
from wsfix.timestamps import Unit
from wsfix.user_model import build_schema, load_model

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
        pytest.param("trades[*][0]", ("trades", ITEMS, 0), id="position-of-every-item"),
        pytest.param("trades[0][0]", ("trades", 0, 0), id="position-of-one-item"),
        pytest.param("[*][0]", (ITEMS, 0), id="top-level-positions"),
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
        pytest.param("count[0]", "count[0]: count has no [0]", id="index-into-a-number"),
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


# --- names by their words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        pytest.param("created_at", ("created", "at"), id="snake"),
        pytest.param("createdAt", ("created", "at"), id="camel"),
        pytest.param("CreatedAt", ("created", "at"), id="pascal"),
        pytest.param("created-at", ("created", "at"), id="kebab"),
        pytest.param("CREATED_AT", ("created", "at"), id="upper-snake"),
        pytest.param("last_pin_timestamp", ("last", "pin", "timestamp"), id="three-words"),
        pytest.param("serverTimestamp", ("server", "timestamp"), id="camel-timestamp"),
        pytest.param("HTTPTimestamp", ("http", "timestamp"), id="acronym-first"),
        pytest.param("sentAtUTC", ("sent", "at", "utc"), id="acronym-last"),
        pytest.param("ts2", ("ts", "2"), id="digits"),
        pytest.param("__ts__", ("ts",), id="underscores-around"),
        pytest.param("E", ("e",), id="one-letter"),
    ],
)
def test_name_words(name, words):
    assert name_words(name) == words


class JsStyle(BaseModel):
    createdAt: float
    eventTime: Optional[float] = None
    sentAt: Optional[int] = None
    serverTimestamp: float = 0.0
    edited_timestamp: Optional[float] = None
    last_pin_timestamp: Optional[float] = None
    ts: float = 0.0
    # numbers whose names only contain a time word, or are not times at all
    timeout: float = 0.0
    timeZone: int = 0
    lifetime: float = 0.0
    attempts: int = 0
    stats: float = 0.0
    at: float = 0.0
    time_ms_total: float = 0.0


def test_default_pattern_finds_js_style_and_discord_names():
    assert [name for name, *_ in fields_of(JsStyle)] == [
        "createdAt",
        "eventTime",
        "sentAt",
        "serverTimestamp",
        "edited_timestamp",
        "last_pin_timestamp",
        "ts",
    ]


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        pytest.param("sent_at", ["sentAt"], id="words-form-matches-camel"),
        pytest.param("sentAt", ["sentAt"], id="as-written-still-matches"),
        pytest.param("server_.*|.*_pin_.*", ["serverTimestamp", "last_pin_timestamp"], id="words-inside"),
        pytest.param("time.*", ["timeout", "timeZone", "time_ms_total"], id="prefix"),
        pytest.param("[A-Z].*", [], id="as-written-case-matters"),
    ],
)
def test_timestamp_pattern_matches_a_name_as_written_or_by_its_words(pattern, found):
    assert [name for name, *_ in fields_of(JsStyle, pattern=pattern)] == found


class Binance(BaseModel):
    e: str
    E: int
    T: int


def test_a_pattern_written_for_names_as_written_keeps_matching():
    assert [name for name, *_ in fields_of(Binance, pattern="E|T")] == ["E", "T"]


def test_js_style_names_are_linted():
    schema = Schema("js", JsStyle, discover_fields(JsStyle))
    data = b'{"createdAt":1757350201447,"serverTimestamp":"2025-09-08T16:50:01Z","last_pin_timestamp":1757350201.5}\n'
    assert [(p.code, p.json_path, p.fix.replacement if p.fix else None) for p in lint_bytes(data, schema=schema)] == [
        ("WS104", "createdAt", "1757350201.447"),
        ("WS101", "serverTimestamp", "1757350201.0"),
    ]


# --- positions in arrays: index steps and fixed tuples ------------------------------------------


class Fill(NamedTuple):
    time: float
    side: str
    price: str


class Feed(BaseModel):
    trades: list[tuple[float, str, int, int]]  # [ns, side, price, qty], as exchange feeds send them
    fills: list[Fill] = []
    window: Optional[tuple[dt.datetime, dt.datetime]] = None
    series: tuple[float, ...] = ()


def test_fixed_tuple_positions_are_found_by_type_and_namedtuple_name():
    assert fields_of(Feed) == [
        ("fills[*][0]", SECONDS, True, False, "name"),  # Fill.time
        ("window[0]", DATETIME, True, False, "type datetime"),
        ("window[1]", DATETIME, True, False, "type datetime"),
    ]


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        pytest.param("trades[*][0]", ("trades[*][0]", SECONDS, True, False, "--timestamp-field"), id="every-item"),
        pytest.param(
            "trades[*][0]:ns",
            ("trades[*][0]", Target(Unit.NS, integer=True), True, False, "--timestamp-field"),
            id="ns",
        ),
        pytest.param("trades[0][0]", ("trades[0][0]", SECONDS, True, False, "--timestamp-field"), id="one-item"),
        pytest.param(
            "trades[*][3]", ("trades[*][3]", Target(Unit.S, integer=True), True, False, "--timestamp-field"), id="int"
        ),
        pytest.param("series[3]", ("series[3]", SECONDS, False, False, "--timestamp-field"), id="variadic-tuple"),
    ],
)
def test_declared_index_steps_take_the_type_of_that_position(declared, expected):
    assert expected in fields_of(Feed, declared)


@pytest.mark.parametrize(
    ("declared", "fragment"),
    [
        pytest.param("trades[*][1]", "trades[*][1] is str, not a number or a datetime", id="a-string-position"),
        pytest.param("trades[*][4]", "trades[*] has no [4] (it is tuple[float, str, int, int])", id="past-the-end"),
        pytest.param("trades[*].time", "trades[*] has no time", id="a-key-into-a-tuple"),
    ],
)
def test_declared_positions_the_model_does_not_have_are_refused(declared, fragment):
    with pytest.raises(ValueError, match=re.escape(fragment)):
        fields_of(Feed, declared)


FEED_LINE = (
    b'{"trades":[[1757350201447,"buy",1,2],["2025-09-08T16:50:01Z","sell",3,4]],'
    b'"fills":[["2025-09-08T16:50:01Z","buy","1"],[1757350201.5,"sell","2"]]}\n'
)
FIRST_TRADE = FEED_LINE.index(b"1757350201447")  # byte offsets of the values reported
SECOND_TRADE = FEED_LINE.index(b'"2025')
FIRST_FILL = FEED_LINE.index(b'"2025', FEED_LINE.index(b'"fills"'))


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        pytest.param(
            "trades[*][0]",
            [
                ("WS104", "trades[0][0]", FIRST_TRADE, "1757350201.447"),
                ("WS101", "trades[1][0]", SECOND_TRADE, "1757350201.0"),
                ("WS101", "fills[0][0]", FIRST_FILL, "1757350201.0"),
            ],
            id="every-item",
        ),
        pytest.param(
            "trades[0][0]",
            [
                ("WS104", "trades[0][0]", FIRST_TRADE, "1757350201.447"),
                ("WS004", "trades[1][0]", SECOND_TRADE, None),  # not declared: the model rejects it
                ("WS101", "fills[0][0]", FIRST_FILL, "1757350201.0"),
            ],
            id="one-item",
        ),
    ],
)
def test_positions_in_arrays_are_linted_and_repaired(declared, expected):
    schema = Schema("feed", Feed, discover_fields(Feed, declared=[FieldSpec.parse(declared)]))
    found = lint_bytes(FEED_LINE, schema=schema)
    assert [(p.code, p.json_path, p.fix.replacement if p.fix else None) for p in found] == [
        (code, where, fix) for code, where, _, fix in expected
    ]
    assert [p.column for p in found] == [start + 1 for _, _, start, _ in expected]


def test_a_declared_position_on_the_command_line(cli, capture_file, tmp_path):
    models = tmp_path / "feed.py"
    models.write_text(
        "from typing import NamedTuple\n"
        "from pydantic import BaseModel\n"
        "class Fill(NamedTuple):\n    time: float\n    side: str\n    price: str\n"
        "class Feed(BaseModel):\n    trades: list[tuple[float, str, int, int]]\n    fills: list[Fill] = []\n"
    )
    path = capture_file(FEED_LINE)
    result = cli("repair", "--in", path, "--model", f"{models}:Feed", "--timestamp-field", "trades[*][0]", "--out", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.encode() == (
        b'{"trades":[[1757350201.447,"buy",1,2],[1757350201.0,"sell",3,4]],'
        b'"fills":[[1757350201.0,"buy","1"],[1757350201.5,"sell","2"]]}\n'
    )


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
        "Allowed values of type: " + ", ".join(member.value for member in MessageType),
        "Checked by: the fast probe: the model's fields as a typed dict, timestamp typed strictly in pydantic",
    ]


def test_schema_command_without_fields(cli):
    result = cli("schema", "--model", f"{MODELS}:Header", "--timestamp-pattern", "nothing")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].startswith("No timestamp fields found")


def test_check_with_a_bad_model_exits_2(cli, capture_file):
    result = cli("check", capture_file(b"{}\n"), "--model", f"{MODELS}:Nope")
    assert result.exit_code == 2 and "has no Nope" in result.stderr


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        pytest.param("trades[*][0]", [("WS104", "trades[1][0]")], id="every-item"),
        pytest.param("trades[1][0]", [("WS104", "trades[1][0]")], id="that-item"),
        pytest.param("trades[0][0]", [], id="another-item"),
    ],
)
def test_positions_in_a_record_the_model_accepts_are_read_back(declared, expected):
    # The model takes 1757350201447 as a float: only reading the validated value back at that
    # position shows it is milliseconds.
    schema = Schema("feed", Feed, discover_fields(Feed, declared=[FieldSpec.parse(declared)]))
    line = b'{"trades":[[1757350201.5,"buy",1,2],[1757350201447,"buy",1,2]]}\n'
    assert [(p.code, p.json_path) for p in lint_bytes(line, schema=schema)] == expected


class Node(NamedTuple):
    time: float
    child: Optional[Node] = None


class Tree(BaseModel):
    root: Node


def test_a_recursive_namedtuple_is_walked_once():
    assert fields_of(Tree) == [("root[0]", SECONDS, True, False, "name")]
