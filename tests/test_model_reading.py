"""wsfix reads a user's model as pydantic reads it (issue 13 items 1-5): no silent false negatives.

Each row is a record and a model from `tests/backend_models.py`, and the findings wsfix gives it as
(column, field, code, pydantic error type). The rule held: a record with no findings is one the
model accepts with plausible epoch seconds in every timestamp field (checked here against the
model itself), and one cause gives one finding. 2025-09-08T16:50:01Z is 1757350201 s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from tests import backend_models as models
from wsfix.fields import discover_fields
from wsfix.linter import Linter
from wsfix.schema import Schema
from wsfix.timestamps import DEFAULT_POLICY

MODELS_FILE = Path(__file__).parent / "backend_models.py"


def lint(model: type[BaseModel], record: bytes) -> list[tuple[int | None, str, str, str | None]]:
    linter = Linter(Schema(model.__name__, model, discover_fields(model)), DEFAULT_POLICY)
    problems = linter.lint(record, 1, "capture.jsonl")
    chunk = linter.lint_chunk(record + b"\n", "capture.jsonl").problems
    assert chunk == list(problems)  # the chunked hot path finds the same
    return [(p.column, p.json_path, p.code, p.pydantic_type) for p in problems]


def accepted(model: type[BaseModel], record: bytes) -> bool:
    try:
        model.model_validate_json(record)
    except ValidationError:
        return False
    return True


CASES = [
    # 1. an alias generator with populate_by_name / validate_by_name: the Python name is read too
    pytest.param(
        models.CamelEvent,
        b'{"type":"ping","sent_at":"2025-09-08T16:50:01Z"}',
        [(26, "sent_at", "WS101", "float_parsing")],
        id="camel-by-name-iso",
    ),
    pytest.param(
        models.CamelEvent,
        b'{"type":"ping","sent_at":1757350201447}',
        [(26, "sent_at", "WS104", None)],
        id="camel-by-name-ms",
    ),
    pytest.param(
        models.CamelEvent,
        b'{"type":"ping","sentAt":1757350201447}',
        [(25, "sentAt", "WS104", None)],
        id="camel-by-alias-ms",
    ),
    pytest.param(models.CamelEvent, b'{"type":"ping","sent_at":1757350201.5}', [], id="camel-by-name-clean"),
    pytest.param(
        models.ByNameEvent,
        b'{"type":"ping","sent_at":"1757350201"}',
        [(26, "sent_at", "WS103", None)],
        id="validate-by-name-numeric-string",
    ),
    # 2. AliasChoices: every choice is checked; AliasPath: its steps are the field's path
    pytest.param(
        models.ChoicesEvent,
        b'{"type":"ping","timestamp":1757350201447}',
        [(28, "timestamp", "WS104", None)],
        id="choices-second-ms",
    ),
    pytest.param(
        models.ChoicesEvent,
        b'{"type":"ping","timestamp":true}',
        [(28, "timestamp", "WS108", None)],
        id="choices-second-true",
    ),
    pytest.param(
        models.ChoicesEvent, b'{"type":"ping","ts":true}', [(21, "ts", "WS108", None)], id="choices-first-true"
    ),
    pytest.param(models.ChoicesEvent, b'{"type":"ping","timestamp":1757350201}', [], id="choices-clean"),
    pytest.param(
        models.NestedAliasEvent,
        b'{"type":"ping","meta":{"events":[{"at":1757350201447}]}}',
        [(40, "meta.events[0].at", "WS104", None)],
        id="alias-path-ms",
    ),
    pytest.param(
        models.NestedAliasEvent,
        b'{"type":"ping","meta":{"events":[{"at":"2025-09-08T16:50:01Z"}]}}',
        [(40, "meta.events[0].at", "WS101", "float_parsing")],
        id="alias-path-iso",
    ),
    pytest.param(
        models.NestedAliasEvent,
        b'{"type":"ping","meta":{"events":[{"at":1757350201}]}}',
        [],
        id="alias-path-clean",
    ),
    # 3. timestamps in union members: one finding per cause, no errors of the members not taken
    pytest.param(
        models.TaggedFeed,
        b'{"type":"trade","time":"2025-09-08T16:50:01Z"}',
        [(24, "time", "WS101", "float_parsing")],
        id="tagged-union-iso",
    ),
    pytest.param(
        models.CallableFeed,
        b'{"type":"quote","time":1757350201447}',
        [(24, "time", "WS104", None)],
        id="callable-discriminator-ms",
    ),
    pytest.param(
        models.PlainFeed,
        b'{"type":"trade","time":"2025-09-08T16:50:01Z"}',
        [(24, "time", "WS101", "float_parsing")],
        id="plain-union-iso",
    ),
    pytest.param(
        models.Envelope,
        b'{"channel":"t","data":[{"type":"quote","time":1757350201},{"type":"trade","time":"1757350201"}]}',
        [(82, "data[1].time", "WS103", None)],  # the column of "1757350201" in "trade"
        id="union-in-list-numeric-string",
    ),
    pytest.param(
        models.TaggedFeed,
        b'{"type":"quote","bid":"x","time":1757350201}',
        [(23, "bid", "WS004", "float_parsing")],
        id="tagged-union-other-field",
    ),
    pytest.param(
        models.TaggedFeed,
        b'{"type":"trade","time":-1e300}',
        [(24, "time", "WS109", None)],
        id="tagged-union-out-of-range",
    ),
    pytest.param(
        models.BoundedEvent,
        b'{"type":"ping","timestamp":1500000000}',
        [(28, "timestamp", "WS004", "greater_than_equal")],
        id="constraint-on-plausible-seconds",
    ),
    pytest.param(
        models.BoundedEvent,
        b'{"type":"ping","sent_at":2100000000}',
        [(26, "sent_at", "WS004", "value_error")],
        id="field-validator-on-plausible-seconds",
    ),
    pytest.param(
        models.BoundedEvent,
        b'{"type":"ping","timestamp":1757350201447}',
        [(28, "timestamp", "WS104", None)],
        id="constraint-and-ms-one-finding",
    ),
    pytest.param(models.BoundedEvent, b'{"type":"ping","timestamp":1757350201}', [], id="constraint-clean"),
    # 4. a model validator that refuses a record, a root list given an object: WS004 in their words
    pytest.param(
        models.CheckedEvent,
        b'{"type":"legacy","timestamp":1757350201}',
        [(1, "", "WS004", "value_error")],
        id="model-validator",
    ),
    pytest.param(
        models.Batch,
        b'{"type":"trade","time":1757350201}',
        [(1, "", "WS004", "list_type")],
        id="root-list-given-object",
    ),
    pytest.param(models.CheckedEvent, b"42", [(1, "", "WS002", "model_type")], id="not-an-object-still-ws002"),
    # 5. strict models and Strict() fields: pydantic's verdict is the strict one
    pytest.param(
        models.StrictEvent,
        b'{"type":"x","timestamp":"1757350201"}',
        [(25, "timestamp", "WS103", "float_type")],
        id="strict-model-numeric-string",
    ),
    pytest.param(
        models.StrictEvent,
        b'{"type":"x","timestamp":true}',
        [(25, "timestamp", "WS108", "float_type")],
        id="strict-model-true",
    ),
    pytest.param(
        models.StrictEvent,
        b'{"type":"x","timestamp":"2025-09-08T16:50:01Z"}',
        [(25, "timestamp", "WS101", "float_type")],
        id="strict-model-iso",
    ),
    pytest.param(
        models.StrictFieldEvent,
        b'{"type":"x","timestamp":"1757350201"}',
        [(25, "timestamp", "WS103", "float_type")],
        id="strict-field-numeric-string",
    ),
    pytest.param(
        models.StrictFieldEvent,
        b'{"type":"x","timestamp":true}',
        [(25, "timestamp", "WS108", "float_type")],
        id="strict-field-true",
    ),
]


@pytest.mark.parametrize(("model", "record", "expected"), CASES)
def test_findings_as_the_model_reads_the_record(model: Any, record: bytes, expected: list[Any]) -> None:
    assert lint(model, record) == expected
    if not expected:
        assert accepted(model, record)


def test_a_lax_model_takes_what_its_strict_twin_refuses() -> None:
    # The same values give pydantic's lax verdict in a lax model: accepted, or float_parsing.
    lax = [
        lint(models.CheckedEvent, b'{"type":"x","timestamp":"1757350201"}'),
        lint(models.CheckedEvent, b'{"type":"x","timestamp":true}'),
        lint(models.CheckedEvent, b'{"type":"x","timestamp":"2025-09-08T16:50:01Z"}'),
    ]
    assert lax == [
        [(25, "timestamp", "WS103", None)],
        [(25, "timestamp", "WS108", None)],
        [(25, "timestamp", "WS101", "float_parsing")],
    ]


def test_repair_of_a_union_member_exits_0_and_checks_clean(cli, capture_file, tmp_path) -> None:
    source = capture_file(
        b'{"type":"trade","time":"2025-09-08T16:50:01Z"}\n'
        b'{"type":"quote","time":1757350201447,"bid":1.5}\n'
        b'{"type":"trade","time":1757350201.25}\n'
    )
    for model in ("TaggedFeed", "PlainFeed", "CallableFeed"):
        out = tmp_path / f"{model}.jsonl"
        args = ("--model", f"{MODELS_FILE}:{model}")
        result = cli("repair", "--in", source, "--out", str(out), *args)
        assert result.exit_code == 0, result.output
        assert out.read_bytes() == (
            b'{"type":"trade","time":1757350201.0}\n'
            b'{"type":"quote","time":1757350201.447,"bid":1.5}\n'
            b'{"type":"trade","time":1757350201.25}\n'
        )
        again = cli("check", str(out), *args)
        assert again.exit_code == 0, again.output


@pytest.mark.parametrize(
    ("model", "path"),
    [
        pytest.param(
            "StrictEvent",
            "the fast probe: the model's fields as a typed dict, timestamp typed strictly in pydantic",
            id="fast",
        ),
        pytest.param(
            "CheckedEvent",
            "the fast probe through the model's own validator, timestamp typed strictly in pydantic",
            id="fast-model-validator",
        ),
        pytest.param(
            "CamelEvent",
            "the model's own validator, strictly; sentAt, sent_at read back from the validated model; "
            "a record it refuses is checked as the model checks it (lax)",
            id="by-name",
        ),
        pytest.param(
            "TaggedFeed",
            "the model's own validator, strictly; time read back from the validated model; ",
            id="union",
        ),
    ],
)
def test_schema_says_how_records_are_checked(cli, model: str, path: str) -> None:
    result = cli("schema", "--model", f"{MODELS_FILE}:{model}")
    assert result.exit_code == 0, result.output
    assert f"Checked by: {path}" in result.stdout


@pytest.mark.parametrize(
    ("model", "declared", "expected"),
    [
        pytest.param("CamelEvent", "sentAt", ["sentAt", "sent_at"], id="alias-of-a-by-name-field"),
        pytest.param("CamelEvent", "sent_at", ["sentAt", "sent_at"], id="name-of-a-by-name-field"),
    ],
)
def test_a_declared_path_is_one_the_model_reads(cli, model: str, declared: str, expected: list[str]) -> None:
    result = cli("schema", "--model", f"{MODELS_FILE}:{model}", "--timestamp-field", declared)
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()[2:-1]] == expected


def test_a_declared_python_name_the_model_does_not_read_says_where_it_reads_it(cli) -> None:
    strict = cli("schema", "--model", f"{MODELS_FILE}:AliasOnlyEvent", "--timestamp-field", "sent_at")
    assert strict.exit_code == 2
    assert strict.stderr.strip() == (
        "wsfix: error: --timestamp-field sent_at: the model reads sent_at from sentAt, not sent_at: "
        "declare the path as records have it"
    )
