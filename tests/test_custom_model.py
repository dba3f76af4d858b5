"""A user model with timestamps at five kinds of path (issue 4, "Must show" 1).

`tests/sample_models.py:Order`: `header.sent_at` (nested model), `trades[*].time` (list of models),
`timestamp` (optional float), `E` (int of milliseconds, `--timestamp-field E:ms`) and `created_at`
(`datetime`). `schema` lists the five with their targets; `check` finds a bad value planted at
each; `repair` writes each exactly and changes no other byte. Expected values are worked out by
hand: 2025-09-08T16:50:01Z is 1757350201 s (20339 days since 1970 * 86400 + 60601 s).
"""

from __future__ import annotations

from pathlib import Path

import pytest

MODEL = f"{Path(__file__).parent / 'sample_models.py'}:Order"
MODEL_ARGS = ("--model", MODEL, "--timestamp-field", "E:ms")

CLEAN = (
    b'{"type":"fill","header":{"source":"ws-7","sent_at":1757350201.5},'
    b'"trades":[{"price":"10.5","time":1757350201.25},{"price":"10.6","time":1757350201.75}],'
    b'"timestamp":1757350202,"E":1757350201447,"created_at":"2025-09-08T16:50:01.447Z"}\n'
)

# path -> (the clean value, the planted bad value, code, the value repair writes)
PLANTED = {
    "header.sent_at": (b"1757350201.5", b'"2025-09-08T16:50:01.5Z"', "WS101", b"1757350201.5"),
    "trades[1].time": (b"1757350201.75", b"1757350201750", "WS104", b"1757350201.75"),
    "timestamp": (b"1757350202", b'"2025-09-08T16:50:02"', "WS102", b"1757350202.0"),
    "E": (b"1757350201447", b'"2025-09-08T16:50:01.447Z"', "WS110", b"1757350201447"),
    "created_at": (b'"2025-09-08T16:50:01.447Z"', b'"2025-09-08T16:50:01.447"', "WS112", b'"2025-09-08T16:50:01.447Z"'),
}


def plant(record: bytes, path: str, value: bytes) -> bytes:
    """`record` with the value at `path` (each written once in CLEAN) replaced."""
    clean = PLANTED[path][0]
    key = path.rsplit(".", 1)[-1].encode()
    anchor = b'"%s":%s' % (key, clean)
    assert record.count(anchor) == 1
    return record.replace(anchor, b'"%s":%s' % (key, value))


def planted_everywhere() -> bytes:
    record = CLEAN
    for path, (_, bad, _, _) in PLANTED.items():
        record = plant(record, path, bad)
    return record


def test_schema_lists_the_five_paths_with_their_targets(cli):
    result = cli("schema", *MODEL_ARGS)
    assert result.exit_code == 0, result.output
    rows = [line.split(None, 1)[0] for line in result.stdout.splitlines()[2:-1]]  # the last: how it is checked
    assert rows == ["header.sent_at", "trades[*].time", "timestamp", "created_at", "E"]
    table = result.stdout
    for path, target in [
        ("header.sent_at", "epoch seconds (float)"),
        ("trades[*].time", "epoch seconds (float)"),
        ("timestamp", "epoch seconds (float)"),
        ("created_at", "RFC 3339 date-time, UTC (...Z)"),
        ("E", "epoch milliseconds (integer)"),
    ]:
        line = next(line for line in table.splitlines() if line.split(None, 1)[0] == path)
        assert target in line, line


def test_clean_record_has_no_findings(cli, capture_file):
    result = cli("check", capture_file(CLEAN), *MODEL_ARGS, "--output-format", "concise")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("path", list(PLANTED), ids=list(PLANTED))
def test_check_finds_the_planted_value(cli, capture_file, path):
    _, bad, code, _ = PLANTED[path]
    record = plant(CLEAN, path, bad)
    result = cli("check", capture_file(record), *MODEL_ARGS, "--output-format", "concise")
    assert result.exit_code == 1, result.output
    findings = result.stdout.splitlines()[:-1]
    column = record.index(bad) + 1  # ASCII: bytes are characters
    assert len(findings) == 1, findings
    assert findings[0].split(":", 3)[1:3] == ["1", str(column)]
    assert f" {code} [error] {path}: " in findings[0] or f" {code} [warning] {path}: " in findings[0]
    assert findings[0].endswith("[*]")


@pytest.mark.parametrize("path", list(PLANTED), ids=list(PLANTED))
def test_repair_fixes_the_planted_value_and_nothing_else(cli, capture_file, tmp_path, path):
    _, bad, _, repaired = PLANTED[path]
    out = tmp_path / "fixed.jsonl"
    result = cli("repair", "--in", capture_file(plant(CLEAN, path, bad)), "--out", str(out), *MODEL_ARGS)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == plant(CLEAN, path, repaired)


def test_all_five_in_one_record(cli, capture_file, tmp_path):
    record = planted_everywhere()
    source = capture_file(record + CLEAN)
    result = cli("check", source, *MODEL_ARGS, "--output-format", "concise")
    assert [line.split(" ", 4)[1:4:2] for line in result.stdout.splitlines()[:-1]] == [
        [code, f"{path}:"] for path, (_, _, code, _) in PLANTED.items()
    ]
    out = tmp_path / "fixed.jsonl"
    result = cli("repair", "--in", source, "--out", str(out), *MODEL_ARGS)
    assert result.exit_code == 0, result.output
    expected = CLEAN
    for path, (_, _, _, repaired) in PLANTED.items():
        expected = plant(expected, path, repaired)
    assert out.read_bytes() == expected + CLEAN
    assert "Repaired 5 values on 1 of 2 lines" in result.stdout
    again = cli("check", str(out), *MODEL_ARGS)
    assert again.exit_code == 0, again.output


def test_missing_required_nested_timestamp_is_reported(cli, capture_file):
    record = CLEAN.replace(b',"time":1757350201.75', b"")
    result = cli("check", capture_file(record), *MODEL_ARGS, "--output-format", "concise")
    assert result.stdout.splitlines()[:-1] == [
        f"{capture_file(record)}:1:1: WS108 [error] trades[1].time: required timestamp is missing"
    ]
