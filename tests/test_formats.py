"""Capture formats: detection, prefixed log lines, gzip in and out, standard input, envelopes
("Must show" 4), and the refusals of each format."""

from __future__ import annotations

import gc
import gzip
import io

import pytest

from wsfix.capture import CaptureStream
from wsfix.config import CommandLine, load
from wsfix.formats import detect, har
from wsfix.formats.har import Har
from wsfix.formats.prefixed import json_start
from wsfix.segment_linter import SegmentLinter

ISO = b'"2025-09-08T16:50:01.447585Z"'
ESCAPED_ISO = b'\\"2025-09-08T16:50:01.447585Z\\"'  # the same value inside a JSON string
FIXED = b"1757350201.447585"
JSONL = b'{"type":"ping","timestamp":' + ISO + b'}\n{"type":"pong","timestamp":1757350202}\n'
PREFIXED = (
    b'2025-09-08 16:50:01,447 INFO ws recv: {"type":"ping","timestamp":' + ISO + b"}\n"
    b"2025-09-08 16:50:01,512 INFO ws connected to wss://example.test/socket\n"
    b'1757350202.118783: {"type":"pong","timestamp":1757350202}\r\n'
    b'wss://example.test <- 1757350203.02: [{"ignored": true}] trailing words\n'
    b'[worker-1] send {"type":"ping","timestamp":1757350203000}\n'
)
HAR = (
    b'{"log": {"version": "1.2", "entries": [{"_webSocketMessages": [\n'
    b'  {"type": "send", "time": 1757350201.5, "opcode": 1, "data": "{\\"type\\":\\"ping\\",'
    b'\\"timestamp\\":\\"2025-09-08T16:50:01.447585Z\\"}"},\n'
    b'  {"type": "receive", "time": 1757350201.6, "opcode": 1, "data": "hello"},\n'
    b'  {"type": "receive", "time": 1757350201.7, "opcode": 2, "data": "AAEC"}\n]}]}}\n'
)


def column(data: bytes, line_no: int, needle: bytes) -> int:
    """The 1-based column of `needle` in line `line_no` of ASCII `data`, worked out from the data."""
    return data.split(b"\n")[line_no - 1].index(needle) + 1


# --- detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        pytest.param("c.jsonl", PREFIXED, "jsonl", id="jsonl-by-name-wins"),
        pytest.param("c.ndjson.gz", b"", "jsonl", id="ndjson-gz-by-name"),
        pytest.param("c.har", b"", "har", id="har-by-name"),
        pytest.param("C.HAR.GZ", b"", "har", id="har-gz-by-name"),
        pytest.param("capture", HAR, "har", id="har-by-content"),
        pytest.param("capture", b'\xef\xbb\xbf{\n  "log" : {}}', "har", id="har-with-bom"),
        pytest.param("capture.log", PREFIXED, "prefixed", id="prefixed-by-content"),
        pytest.param(
            "COINBASE.ws.28.0", b'wss://x <-> 1618677816.8\n1618677817.0: {"a":1}\n', "prefixed", id="cryptofeed"
        ),
        pytest.param("-", JSONL, "jsonl", id="stdin-jsonl"),
        pytest.param("-", b'not json at all\n{"a":1}\n', "jsonl", id="garbage-line-is-still-jsonl"),
        pytest.param(
            "-", b'{"a":1}\nx {"a":2}\n{"a":\n{"a":3}\n', "jsonl", id="one-prefixed-line-among-json-lines-is-jsonl"
        ),
        pytest.param("-", b'x {"a":1}\n{"a":2}\ny {"a":3}\n', "prefixed", id="mostly-prefixed-is-prefixed"),
        pytest.param("capture", b'{"log":1}\n{"log":2}\n', "har", id="log-key-first-reads-as-har"),
        pytest.param("capture", b"", "jsonl", id="empty"),
    ],
)
def test_detect(name, head, expected):
    assert detect(name, head) == expected


@pytest.mark.parametrize(
    ("line", "start"),
    [
        pytest.param(b'{"a":1}\n', 0, id="plain-json"),
        pytest.param(b'1618677817.118783: {"a":[1]}\n', 19, id="epoch-prefix"),
        pytest.param(b'[INFO] [ws] recv: {"a":1}\r\n', 18, id="brackets-in-prefix"),
        pytest.param(b't: [1, {"a": 2}]  \n', 3, id="array"),
        pytest.param(b"wss://host <-> 1618677816.84\n", None, id="no-json"),
        pytest.param(b'recv: {"a":1} and more\n', None, id="text-after-json"),
        pytest.param(b'recv: {"a":\n', 6, id="truncated-is-a-record-to-report"),
        pytest.param(
            b'1626993367.875267: {"type":"agent_response","payload":{"timestamp":"2025-09-08T16:50:01Z","text":"x"}\n',
            19,
            id="cut-short-is-not-its-inner-object",
        ),
        pytest.param(b'[INFO] {"a":[1,\n', 7, id="cut-short-after-a-bracketed-prefix"),
        pytest.param(b'recv [12]: {"a":1}\n', 11, id="complete-bracket-in-prefix"),
        pytest.param(b"\n", None, id="blank"),
        pytest.param(b'x: {"a":NaN}\n', 3, id="nan-literal-as-pydantic-reads-it"),
    ],
)
def test_json_start(line, start):
    assert json_start(line) == start


def test_json_start_gives_up_on_hostile_lines():
    assert json_start(b"[" * 100_000 + b"x]\n") is None


# --- prefixed logs ------------------------------------------------------------------------------


def test_prefixed_log_check_and_repair(cli, capture_file, tmp_path):
    source = capture_file(PREFIXED, "app.log")
    result = cli("check", source, "--output-format", "concise")
    assert result.stdout.splitlines() == [
        f"{source}:1:{column(PREFIXED, 1, ISO)}: WS101 [error] timestamp: ISO 8601 string where epoch seconds are "
        "expected [*]",
        f"{source}:5:{column(PREFIXED, 5, b'1757350203000')}: WS104 [warning] timestamp: epoch milliseconds where "
        "seconds are expected [*]",
        "Checked 3 lines in 1 file (read as prefixed log lines, by their content; skipped 2 without a JSON "
        "message): 1 error, 1 warning; 2 fixable with wsfix repair. Naive times read as UTC.",
    ]
    out = tmp_path / "app.fixed.log"
    result = cli("repair", "--in", source, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == PREFIXED.replace(ISO, FIXED).replace(b"1757350203000", b"1757350203.0")


# One line with text before its JSON, among JSON Lines with two invalid lines: the same findings
# whether the name says JSON Lines or only the content can tell (standard input).
DETECTION_TRAP = (
    b'{"type":"ping","timestamp":1757350201.5}\n'
    b'worker-1 {"type":"ping","timestamp":1757350202.5}\n'
    b"connection reset\n"
    b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}\n'
    b'{"type":"ping",\n'
    b'{"type":"ping","timestamp":1757350203.5}\n'
)


def test_detection_never_hides_a_line(cli, capture_file):
    named = capture_file(DETECTION_TRAP, "det.jsonl")
    by_name = cli("check", named, "--output-format", "concise")
    by_content = cli("check", "-", "--output-format", "concise", input=DETECTION_TRAP)
    codes = [line.split(": ")[1].split()[0] for line in by_name.stdout.splitlines()[:-1]]
    assert codes == ["WS001", "WS001", "WS101", "WS001"]  # lines 2, 3, 4 and 5, worked out by hand
    assert by_content.stdout.replace("-:", named + ":") == by_name.stdout
    assert "by their content" not in by_content.stdout  # read as JSON Lines, as the name would say


CUT_SHORT = (
    b'1626993367.875267: {"type":"agent_response","payload":{"timestamp":"2025-09-08T16:50:01Z","text":"x"}\n'
    b'1757350202.5: {"type":"ping","timestamp":"2025-09-08T16:50:02Z"}\n'
)


def test_prefixed_record_cut_short_is_reported_and_copied_unchanged(cli, capture_file, tmp_path):
    source = capture_file(CUT_SHORT, "cut.log")
    result = cli("check", source, "--format", "prefixed", "--output-format", "concise")
    lines = result.stdout.splitlines()
    assert [line.split(": ")[1].split()[0] for line in lines[:-1]] == ["WS001", "WS101"]
    assert lines[0].startswith(f"{source}:1:")
    assert "payload.timestamp" not in result.stdout
    out = tmp_path / "fixed.log"
    repaired = cli("repair", "--in", source, "--out", str(out), "--format", "prefixed")
    assert repaired.exit_code == 1  # the cut-short record stays a finding
    first, second = out.read_bytes().splitlines(keepends=True)
    assert first == CUT_SHORT.splitlines(keepends=True)[0]
    assert second == b'1757350202.5: {"type":"ping","timestamp":1757350202.0}\n'


def test_prefixed_format_can_be_forced(cli, capture_file):
    source = capture_file(PREFIXED, "app.jsonl")  # the name says jsonl; the option wins
    assert cli("check", source, "--format", "jsonl").exit_code == 1
    result = cli("check", source, "--format", "prefixed", "--output-format", "concise")
    assert "Checked 3 lines in 1 file (skipped 2 without a JSON message)" in result.stdout


# --- gzip ---------------------------------------------------------------------------------------


def test_gzip_in_and_out(cli, capture_file, tmp_path):
    source = capture_file(gzip.compress(JSONL), "capture.jsonl.gz")
    check = cli("check", source, "--output-format", "concise")
    assert check.stdout.splitlines()[0] == (
        f"{source}:1:{column(JSONL, 1, ISO)}: WS101 [error] timestamp: ISO 8601 string where epoch seconds are "
        "expected [*]"
    )
    out = tmp_path / "fixed.jsonl.gz"
    assert cli("repair", "--in", source, "--out", str(out)).exit_code == 0
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    assert gzip.decompress(out.read_bytes()) == JSONL.replace(ISO, FIXED)
    plain = tmp_path / "fixed.jsonl"
    assert cli("repair", "--in", source, "--out", str(plain)).exit_code == 0
    assert plain.read_bytes() == JSONL.replace(ISO, FIXED)  # not .gz: written uncompressed


def test_gzip_prefixed_log_is_detected_inside_the_compression(cli, capture_file, tmp_path):
    source = capture_file(gzip.compress(PREFIXED), "app.log.gz")
    out = tmp_path / "app.log.gz"
    result = cli("repair", "--in", source, "--out", str(out) + ".new.gz")
    assert result.exit_code == 0, result.output
    fixed = gzip.decompress((tmp_path / "app.log.gz.new.gz").read_bytes())
    assert fixed == PREFIXED.replace(ISO, FIXED).replace(b"1757350203000", b"1757350203.0")


def test_gzip_in_place_stays_gzip(cli, capture_file):
    source = capture_file(gzip.compress(JSONL), "capture.jsonl.gz")
    assert cli("repair", "--in", source, "--in-place", "--backup-suffix", "").exit_code == 0
    with open(source, "rb") as stream:
        assert gzip.decompress(stream.read()) == JSONL.replace(ISO, FIXED)


def test_gzip_repair_output_is_reproducible(cli, capture_file, tmp_path):
    source = capture_file(gzip.compress(JSONL), "capture.jsonl.gz")
    first, second = tmp_path / "a" / "fixed.gz", tmp_path / "b" / "fixed.gz"
    first.parent.mkdir()
    second.parent.mkdir()
    cli("repair", "--in", source, "--out", str(first))
    cli("repair", "--in", source, "--out", str(second))
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x1f\x8bnot really gzip", id="bad-header"),
        pytest.param(gzip.compress(JSONL * 50)[:40], id="truncated"),
    ],
)
def test_corrupt_gzip_is_one_line_error(cli, capture_file, data):
    result = cli("check", capture_file(data, "broken.gz"))
    assert result.exit_code == 2
    assert result.stderr.startswith("wsfix: error: ") and "not a valid gzip file" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_capture_stream_head_does_not_consume():
    stream = CaptureStream(io.BytesIO(gzip.compress(JSONL)), "x")
    assert stream.head(10) == JSONL[:10]
    assert stream.head() == JSONL
    assert stream.read(5) + stream.read() == JSONL
    assert stream.compressed


# --- standard input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected", "values"),
    [
        pytest.param(JSONL, JSONL.replace(ISO, FIXED), 1, id="jsonl"),
        pytest.param(gzip.compress(JSONL), JSONL.replace(ISO, FIXED), 1, id="gzip"),
        pytest.param(
            PREFIXED, PREFIXED.replace(ISO, FIXED).replace(b"1757350203000", b"1757350203.0"), 2, id="prefixed"
        ),
        pytest.param(HAR, HAR.replace(ESCAPED_ISO, FIXED), 1, id="har"),
    ],
)
def test_stdin_to_stdout(cli, data, expected, values):
    result = cli("repair", "--in", "-", "--out", "-", input=data)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == expected
    assert result.stderr.startswith(f"Repaired {values} value{'s' if values > 1 else ''} on {values} of ")


def test_stdin_check(cli):
    result = cli("check", "-", "--output-format", "concise", input=gzip.compress(PREFIXED))
    assert result.stdout.splitlines()[0] == (
        f"-:1:{column(PREFIXED, 1, ISO)}: WS101 [error] timestamp: ISO 8601 string where epoch seconds are expected [*]"
    )


# --- HAR ------------------------------------------------------------------------------------------


def test_har_binary_and_text_messages_are_counted_not_linted(cli, capture_file):
    source = capture_file(HAR, "small.har")
    result = cli("check", source, "--output-format", "concise")
    assert result.stdout.splitlines() == [
        f"{source}:2:{column(HAR, 2, ESCAPED_ISO)}: WS101 [error] entry 1, message 1 (send): timestamp: ISO "
        "8601 string where epoch seconds are expected [*]",
        "Checked 1 message in 1 file (skipped 2 without a JSON message): 1 error, 0 warnings; 1 fixable "
        "with wsfix repair. Naive times read as UTC.",
    ]


def test_har_diff_shows_the_changed_file_line(cli, capture_file):
    source = capture_file(HAR, "small.har")
    result = cli("repair", "--in", source, "--dry-run", "--diff")
    lines = result.stdout.splitlines()
    # Line 2 of 5 changed: a hunk of the whole file, with the line as it reads in the file.
    old_line = HAR.decode().split("\n")[1]
    assert lines[2:] == [
        "@@ -1,5 +1,5 @@",
        " " + HAR.decode().split("\n")[0],
        "-" + old_line,
        "+" + old_line.replace('\\"2025-09-08T16:50:01.447585Z\\"', "1757350201.447585"),
        *(" " + line for line in HAR.decode().split("\n")[2:5]),
    ]
    assert lines[5].endswith('"data": "{\\"type\\":\\"ping\\",\\"timestamp\\":1757350201.447585}"},')


def test_har_records_are_set_aside_from_the_collector_while_the_segment_is_out():
    before = gc.get_threshold()
    gc.set_threshold(10_000, 10, 100)  # as the command line sets them
    try:
        segments = Har().segments(CaptureStream(io.BytesIO(HAR), "small.har"), "small.har")
        next(segments)
        assert gc.get_freeze_count() > 0
        # Only the youngest generation is collected meanwhile, at Python's default pace; the
        # older ones' thresholds are out of reach.
        assert gc.get_threshold()[0] == 700
        assert min(gc.get_threshold()[1:]) >= 1 << 30
        segments.close()
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == (10_000, 10, 100)
    finally:
        gc.set_threshold(*before)


def test_har_leaves_objects_a_program_froze_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        segments = Har().segments(CaptureStream(io.BytesIO(HAR), "small.har"), "small.har")
        next(segments)
        segments.close()
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def _read_messages(data: bytes) -> list[tuple[object, ...]]:
    """What the records of a HAR say, each message's `data` string as raw and decoded bytes and
    where they map (a record holds no comparable StringMap)."""
    [segment] = Har().segments(CaptureStream(io.BytesIO(data), "m.har"), "m.har")
    assert segment.records is not None
    found: list[tuple[object, ...]] = []
    for record in segment.records:
        layers = [
            (
                layer.start,
                layer.string.raw,
                layer.string.decoded,
                [layer.string.to_raw(offset) for offset in range(len(layer.string.decoded) + 1)],
            )
            for layer in record.layers
            if layer.string is not None
        ]
        found.append((record.line, record.message, layers, record.label, record.captured, record.group))
    return found


def _har(*messages: bytes, between: bytes = b",\n  ") -> bytes:
    return b'{"log": {"entries": [{"_webSocketMessages": [\n  ' + between.join(messages) + b"\n]}]}}\n"


_TEXT = b'{\\"type\\":\\"ping\\",\\"timestamp\\":\\"2025-09-08T16:50:01Z\\"}'


@pytest.mark.parametrize(
    ("data", "reads"),
    [
        pytest.param(HAR, 1, id="small"),
        pytest.param(
            _har(b'{"type": "send", "time": 1.5, "opcode": 1, "data": "' + _TEXT + b'"}'), 1, id="as-browsers"
        ),
        pytest.param(_har(b'{"data":"' + _TEXT + b'","type":"send","time":1.5}', between=b","), 1, id="data-first"),
        pytest.param(_har(b'{ "data" : "' + _TEXT + b'" , "opcode" : 1 }'), 1, id="spaces"),
        pytest.param(_har(b'{"opcode": 1, "data": "{\\"t\\":\\"caf\\u00e9\\"}"}'), 1, id="u-escape-in-data"),
        pytest.param(_har(b'{"opcode": 1, "data": "{\\"t\\":\\"a\\/b\\"}"}'), 1, id="slash-escape-in-data"),
        pytest.param(_har('{"opcode": 1, "data": "{\\"t\\":\\"café\\"}"}'.encode()), 1, id="utf-8-in-data"),
        pytest.param(_har(b'{"opcode": 1, "data": "{\\"t\\":\\"\\ud800\\"}"}'), 1, id="lone-surrogate"),
        pytest.param(_har(b'{"opcode": 1, "data": "{\\"t\\":\\"a\\\\\\\\b\\"}"}'), 1, id="escaped-backslash"),
        pytest.param(_har(b'{"opcode": 1, "data": "[1]", "data": "' + _TEXT + b'"}'), 0, id="repeated-data"),
        pytest.param(_har(b'{"d\\u0061ta": "[1]", "data": "' + _TEXT + b'"}'), 0, id="escaped-key"),
        pytest.param(_har(b'{"type": "data", "data": "' + _TEXT + b'"}'), 1, id="data-as-a-value"),
        pytest.param(_har(b'{"meta": {"a": [1]}, "data": "' + _TEXT + b'"}'), 0, id="nested-member"),
        pytest.param(_har(b'{"opcode": 1, "data": null}', b'{"data": "' + _TEXT + b'"}'), 0, id="null-data"),
        pytest.param(_har(b'{"opcode": 1}', b'{"data": "' + _TEXT + b'"}'), 0, id="no-data"),
        pytest.param(_har(b"17", b'{"data": "' + _TEXT + b'"}'), 0, id="not-an-object"),
        pytest.param(_har(b'{"opcode": 2, "data": "AAEC"}', b'{"data": "not json"}'), 1, id="binary-and-text"),
        pytest.param(b'{"log": {"entries": [{"_webSocketMessages": []}, {"_webSocketMessages": {}}]}}', 1, id="empty"),
        pytest.param(
            b'{"log": {"entries": [{"_webSocketMessages": [{"data": "[1]"}]}, '
            b'{"request": {"url": "wss://a.test/?k=1"}, "_webSocketMessages": [{"data": "[2]"}, {"data": "[3]"}]}]}}',
            2,
            id="two-entries",
        ),
    ],
)
def test_har_messages_read_beside_the_document_are_the_scanner_s(data, reads, monkeypatch):
    """The array reader (har._ArrayReader: two short matches and a comparison a message) reads
    each message as the scanner does, or leaves the array to it; `reads`: the arrays it reads."""
    read_arrays = []
    reader = har._ArrayReader.__call__

    def reading(self, text, start, where):
        end = reader(self, text, start, where)
        if end is not None:
            read_arrays.append(where)
        return end

    monkeypatch.setattr(har._ArrayReader, "__call__", reading)
    read = _read_messages(data)
    assert len(read_arrays) == reads
    monkeypatch.setattr(har._ArrayReader, "__call__", lambda self, text, start, where: None)
    assert read == _read_messages(data)


@pytest.mark.parametrize(
    ("data", "given", "expected"),
    [
        pytest.param(b'"hello"', {}, (0, 1, []), id="text"),
        pytest.param(b'"{\\"type\\":\\"ping\\""', {}, (0, 1, []), id="json-cut-short"),
        pytest.param(b'"caf\\ud800"', {}, (0, 1, []), id="text-with-a-lone-surrogate"),
        pytest.param(b'"{\\"type\\":\\"\\ud800\\"}"', {}, (1, 0, ["WS001"]), id="json-with-a-lone-surrogate"),
        pytest.param(b'"[1]"', {}, (1, 0, ["WS002"]), id="json-not-an-object"),
        pytest.param(b'"{\\"type\\":\\"ping\\",\\"timestamp\\":\\"x\\"}"', {}, (1, 0, ["WS106"]), id="json"),
        pytest.param(b'"hello"', {"naive_tz": "auto"}, (0, 1, []), id="text-auto"),
        pytest.param(b'"[1]"', {"naive_tz": "auto"}, (1, 0, ["WS002"]), id="json-auto"),
    ],
)
@pytest.mark.parametrize("timed", [pytest.param(True, id="timed"), pytest.param(False, id="without-time")])
def test_har_text_that_is_not_json_is_counted_not_linted(data, given, expected, timed):
    """A HAR's text message is known to be JSON or not only when linted (Record.may_be_text):
    text that is not JSON is counted as a record without JSON, and JSON damaged by a byte that is
    not UTF-8 is linted (WS001), with a capture time or without, in either pass."""
    time = b'"time": 1757350201.5, ' if timed else b""
    har_data = b'{"log": {"entries": [{"_webSocketMessages": [{' + time + b'"opcode": 1, "data": ' + data + b"}]}]}}"
    settings = load(CommandLine(capture_format="har", **given)).settings
    [segment] = Har().segments(CaptureStream(io.BytesIO(har_data), "t.har"), "t.har")
    linter = SegmentLinter(settings)
    if settings.naive_auto:
        linter.naive_offsets = {}
    checked = linter.check(segment, "t.har")
    assert (checked.records, checked.skipped, [problem.code for problem in checked.problems]) == expected


def _many_messages() -> bytes:
    """A HAR of 11 messages: 6 with a broken timestamp (one of them seen an hour after it says), 2
    clean, a binary one and two texts that are not JSON (one cut short)."""
    broken = b'{\\"type\\":\\"ping\\",\\"timestamp\\":\\"2025-09-08T16:50:0%dZ\\"}'
    clean = b'{\\"type\\":\\"pong\\",\\"timestamp\\":1757350201.5}'
    messages = [b'{"type": "send", "time": 1757350201.5, "opcode": 1, "data": "' + broken % n + b'"}' for n in range(5)]
    messages.insert(2, b'{"type": "send", "time": 1757350201.5, "opcode": 1, "data": "' + clean + b'"}')
    messages.insert(4, b'{"type": "receive", "time": 1757350201.6, "opcode": 1, "data": "hello"}')
    messages.insert(5, b'{"type": "receive", "time": 1757350201.7, "opcode": 2, "data": "AAEC"}')
    messages.append(b'{"type": "send", "time": 1757350201.5, "opcode": 1, "data": "' + clean + b'"}')
    messages.append(b'{"type": "send", "time": 1757353801.5, "opcode": 1, "data": "' + broken % 9 + b'"}')
    messages.append(b'{"type": "send", "time": 1757350201.5, "opcode": 1, "data": "{\\"type\\": 1"}')
    return _har(*messages)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(("--output-format", "json"), id="json"),
        pytest.param(("--output-format", "full", "--max-rows", "4"), id="table-past-its-rows"),
        pytest.param(("--output-format", "full", "--max-rows", "4", "--naive-tz", "auto"), id="auto"),
        pytest.param(("--output-format", "concise", "--select", "WS101"), id="selected"),
    ],
)
def test_har_checked_in_parts_reports_what_it_reports_whole(cli, capture_file, monkeypatch, options):
    """A HAR's records are checked a part at a time (SegmentLinter.check_in_parts): findings,
    their order, the table's count of those it does not show, and the summary are the same as
    with the whole HAR in one part."""
    from wsfix import segment_linter

    source = capture_file(_many_messages(), "many.har")
    whole = cli("check", source, *options)
    monkeypatch.setattr(segment_linter, "RECORDS_PER_PART", 3)
    parts = cli("check", source, *options)
    assert (parts.exit_code, parts.stdout) == (whole.exit_code, whole.stdout)
    assert whole.exit_code == 1
    if options[1] == "json":  # the six broken timestamps and the one an hour late, counted by hand
        assert whole.stdout.count('"code":"WS101"') == 6
        assert whole.stdout.count('"code":"WS120"') == 1
    if options[1] == "full":
        assert "3 more findings not shown" in whole.stdout  # 7 findings, 4 rows
    if options[1] != "json":
        assert "Checked 8 messages in 1 file (skipped 3 without a JSON message)" in whole.stdout


def test_har_parts_add_up_to_the_segment(monkeypatch):
    """The parts' lines add up to the segment's, their records and skipped ones to its."""
    from wsfix import segment_linter

    data = _many_messages()
    settings = load(CommandLine(capture_format="har")).settings
    linter = SegmentLinter(settings)
    [segment] = Har().segments(CaptureStream(io.BytesIO(data), "t.har"), "t.har")
    whole = linter.check(segment, "t.har")
    monkeypatch.setattr(segment_linter, "RECORDS_PER_PART", 3)
    [segment] = Har().segments(CaptureStream(io.BytesIO(data), "t.har"), "t.har")  # records are read once
    parts = list(linter.check_in_parts(segment, "t.har", lambda: None))
    assert len(parts) == 4  # 11 records, 3 a part
    assert [part.lines for part in parts] == [0, 0, 0, data.count(b"\n")]
    assert sum(part.records for part in parts) == whole.records == 8
    assert sum(part.skipped for part in parts) == whole.skipped == 3
    assert [problem for part in parts for problem in part.problems] == whole.problems


def test_har_records_are_made_a_part_at_a_time(monkeypatch):
    """A HAR's records are made as its parts are linted, not all before (`Segment.records`): none
    when the segment comes, and when the first part's findings come, that part's and the next's
    (made first, to know whether the first is the last)."""
    from wsfix import segment_linter

    made = []
    make = har._record

    def counted(*args):  # type: ignore[no-untyped-def]
        made.append(args[5:7])  # (entry, index)
        return make(*args)

    monkeypatch.setattr(har, "_record", counted)
    monkeypatch.setattr(segment_linter, "RECORDS_PER_PART", 3)
    settings = load(CommandLine(capture_format="har")).settings
    [segment] = Har().segments(CaptureStream(io.BytesIO(_many_messages()), "t.har"), "t.har")
    assert made == []
    parts = SegmentLinter(settings).check_in_parts(segment, "t.har", lambda: None)
    next(parts)
    assert len(made) == 6
    assert len(list(parts)) == 3
    assert len(made) == 11  # each once
    assert len(set(made)) == 11


def test_har_with_a_repeated_key_reads_the_messages_the_parser_reads(cli, capture_file):
    # The scan reads each byte once; a key named twice on the way (here the message list) sends it
    # back to the walk that chooses, as a parser does, the last.
    shadowed = HAR.replace(
        b'"_webSocketMessages": [', b'"_webSocketMessages": [{"opcode": 1, "data": "[]"}], "_webSocketMessages": [', 1
    )
    source = capture_file(shadowed, "shadowed.har")
    result = cli("check", source, "--output-format", "concise")
    assert result.stdout.splitlines()[0] == (
        f"{source}:2:{column(shadowed, 2, ESCAPED_ISO)}: WS101 [error] entry 1, message 1 (send): timestamp: ISO "
        "8601 string where epoch seconds are expected [*]"
    )


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        pytest.param(b'{"log": {"entries": [}', "not a HAR file: not valid JSON", id="invalid-json"),
        pytest.param(b'{"log": {"pages": []}}', "no log.entries list", id="no-entries"),
        pytest.param(b"[1, 2]", "no log.entries list", id="array"),
    ],
)
def test_not_a_har_is_one_line_error(cli, capture_file, data, fragment):
    result = cli("check", capture_file(data, "x.har"))
    assert result.exit_code == 2
    assert fragment in result.stderr and len(result.stderr.splitlines()) == 1


# --- envelopes ------------------------------------------------------------------------------------

ENVELOPES = (
    b'{"seq":1,"data":{"type":"ping","timestamp":' + ISO + b"}}\n"
    b'{"seq":2,"data":"{\\"type\\":\\"pong\\",\\"note\\":\\"caf\\u00e9\\\\n\\",\\"timestamp\\":'
    b'\\"2025-09-08T16:50:01.447585Z\\"}"}\n'
    b'{"seq":3,"note":"no data here"}\n'
    b'{"seq":4,"data":"not json"}\n'
    b'{"seq":5,"data":42}\n'
    b"not json at all\n"
)


def test_envelope_object_and_string_messages(cli, capture_file, tmp_path):
    source = capture_file(ENVELOPES, "envelopes.jsonl")
    result = cli("check", source, "--message-path", "data", "--output-format", "concise")
    lines = result.stdout.splitlines()
    assert [line.split(": ", 2)[:2] for line in lines[:-1]] == [
        [f"{source}:1:{column(ENVELOPES, 1, ISO)}", "WS101 [error] timestamp"],
        [f"{source}:2:{column(ENVELOPES, 2, ESCAPED_ISO)}", "WS101 [error] timestamp"],
        [f"{source}:6:2", "WS001 [error] not valid JSON at column 2"],  # where pydantic stops: "n" may begin null
    ]
    assert lines[-1].startswith("Checked 3 lines in 1 file (skipped 3 without a JSON message)")
    out = tmp_path / "fixed.jsonl"
    cli("repair", "--in", source, "--out", str(out), "--message-path", "data")
    assert out.read_bytes() == ENVELOPES.replace(ISO, FIXED).replace(b'\\"2025-09-08T16:50:01.447585Z\\"', FIXED)


def test_envelope_string_gets_an_escaped_replacement(cli, capture_file, tmp_path):
    """A datetime's repair is a JSON string: inside a string envelope its quotes are escaped."""
    model = tmp_path / "created.py"
    model.write_text(
        "from datetime import datetime\nfrom pydantic import BaseModel\n\n\n"
        "class Created(BaseModel):\n    created_at: datetime\n"
    )
    data = b'{"data":"{\\"created_at\\":\\"2025-09-08T16:50:01.447585\\"}"}\n'
    out = tmp_path / "fixed.jsonl"
    result = cli(
        "repair", "--in", capture_file(data), "--out", str(out), "--message-path", "data", "--model", f"{model}:Created"
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b'{"data":"{\\"created_at\\":\\"2025-09-08T16:50:01.447585Z\\"}"}\n'


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        pytest.param("data[*]", "names one place"),
        pytest.param("a..b", "unexpected"),
    ],
)
def test_bad_message_path_is_a_usage_error(cli, capture_file, value, fragment):
    result = cli("check", capture_file(JSONL), "--message-path", value)
    assert result.exit_code == 2 and fragment in result.stderr


def test_unknown_format_is_a_usage_error(cli, capture_file):
    result = cli("check", capture_file(JSONL), "--format", "xml")
    assert result.exit_code == 2
    assert "unknown capture format 'xml': expected one of auto, jsonl, har, prefixed" in result.stderr


def test_string_envelope_inside_a_har_message_is_escaped_twice(cli, capture_file, tmp_path):
    """A HAR message whose `data` member is itself JSON text: the repair lands two strings deep."""
    import json

    model = tmp_path / "created.py"
    model.write_text(
        "from datetime import datetime\nfrom pydantic import BaseModel\n\n\n"
        "class Created(BaseModel):\n    created_at: datetime\n"
    )
    inner = json.dumps({"created_at": "2025-09-08T16:50:01.447585"})
    message = json.dumps({"channel": "orders", "data": inner})
    har = json.dumps(
        {"log": {"entries": [{"_webSocketMessages": [{"type": "receive", "opcode": 1, "data": message}]}]}}, indent=2
    ).encode()
    out = tmp_path / "fixed.har"
    result = cli(
        "repair",
        "--in",
        capture_file(har, "nested.har"),
        "--out",
        str(out),
        "--message-path",
        "data",
        "--model",
        f"{model}:Created",
    )
    assert result.exit_code == 0, result.output
    repaired = json.loads(out.read_bytes())
    data = json.loads(repaired["log"]["entries"][0]["_webSocketMessages"][0]["data"])
    assert json.loads(data["data"]) == {"created_at": "2025-09-08T16:50:01.447585Z"}
    # only the value's bytes changed: the old text with the Z added, escaped twice
    assert out.read_bytes() == har.replace(b'447585\\\\\\"', b'447585Z\\\\\\"')


@pytest.mark.parametrize(
    ("name", "data", "args", "said"),
    [
        pytest.param("c.jsonl", JSONL, (), "JSON Lines (by its name)", id="jsonl-by-name"),
        pytest.param("c.log", PREFIXED, (), "prefixed log lines (by its content)", id="prefixed-by-content"),
        pytest.param("c.jsonl", PREFIXED, ("--format", "prefixed"), "prefixed log lines (--format)", id="forced"),
        pytest.param("capture", HAR, (), "a HAR file (by its content)", id="har-by-content"),
        pytest.param(
            "c.jsonl",
            JSONL,
            ("--message-path", "data"),
            "JSON Lines (by its name), each message at data",
            id="envelope",
        ),
    ],
)
def test_verbose_says_how_each_capture_is_read(cli, capture_file, name, data, args, said):
    """-v names the format each file was read in and what chose it (issue 17: detection must say)."""
    source = capture_file(data, name)
    for command in (("check", source), ("repair", "--in", source, "--dry-run")):
        result = cli(*command, *args, "-v")
        assert f"wsfix: {source}: read as {said}\n" in result.stderr, result.stderr
