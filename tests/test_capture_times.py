"""Capture times and groups per record (issue 15, step 1): a HAR message's `time`, a log line's
leading timestamp, `--capture-time PATH`, `--group-by PATH`; and the options that go with them."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wsfix.capture import CaptureStream
from wsfix.config import AUTO_ZONE, CommandLine, load, parse_duration
from wsfix.errors import UsageError
from wsfix.formats.prefixed import PrefixedLines, json_start
from wsfix.formats.timed import prefix_instant
from wsfix.run import choose_format
from wsfix.settings import Settings

HAR = (
    b'{"log": {"version": "1.2", "entries": [\n'
    b'{"request": {"url": "wss://a.test/feed?api_key=secret#x"}, "_webSocketMessages": [\n'
    b'  {"type": "send", "time": 1757350201.5, "opcode": 1, "data": "{\\"timestamp\\":1757350201.4}"},\n'
    b'  {"type": "receive", "time": "bad", "opcode": 1, "data": "{\\"timestamp\\":1757350201.4}"}\n'
    b"]},\n"
    b'{"_webSocketMessages": [{"type": "receive", "time": 1757350209, "opcode": 1, "data": "hello"}]}\n'
    b"]}}\n"
)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        pytest.param(b"1618678132.831468: ", 1618678132.831468, id="cryptofeed-received"),
        pytest.param(b"wss://ws.bitstamp.net/ <- 1641343691.067583: ", 1641343691.067583, id="cryptofeed-sent"),
        pytest.param(
            b"wss://stream.binance.com:9443/stream?streams=x@depth@100ms <- 1633998511.159679: ",
            1633998511.159679,
            id="port-and-stream-names-are-not-times",
        ),
        pytest.param(b"2025-09-08 16:50:01,447 INFO ws recv: ", 1757350201.447, id="logging-date-read-as-utc"),
        pytest.param(b"2025-09-08T16:50:01.447+02:00 recv ", 1757343001.447, id="date-with-offset"),
        pytest.param(b"1757350201447 ", 1757350201.447, id="milliseconds-by-magnitude"),
        pytest.param(b"[worker-1] send ", None, id="no-time"),
        pytest.param(b"123456789012345678901: ", None, id="too-long-a-number"),
        pytest.param(b"900000000: ", None, id="before-the-window"),
        pytest.param(b"", None, id="no-prefix"),
    ],
)
def test_prefix_capture_time(prefix, expected):
    assert prefix_instant(prefix) == expected


def records(data: bytes, settings: Settings, path: str = "capture") -> list:
    stream = CaptureStream(io.BytesIO(data), path)
    capture_format = choose_format(settings, path, stream)
    return [record for segment in capture_format.segments(stream, path) for record in segment.records]


def test_har_message_time_and_connection_group():
    found = [(r.label, r.captured, r.group) for r in records(HAR, Settings(capture_format="har"))]
    assert found == [
        ("entry 1, message 1 (send)", 1757350201.5, "entry 1 (wss://a.test/feed)"),
        ("entry 1, message 2 (receive)", None, "entry 1 (wss://a.test/feed)"),
        ("entry 2, message 1 (receive)", 1757350209.0, "entry 2"),
    ]


def test_prefixed_lines_carry_their_prefix_time():
    data = b'1757350201.5: {"a":1}\nconnected\n{"a":2}\n2025-09-08 16:50:02 x {"a":3}\n'
    found = [(r.line, r.captured) for r in records(data, Settings(capture_format="prefixed"))]
    assert found == [(1, 1757350201.5), (2, None), (3, None), (4, 1757350202.0)]


def _searched(line: bytes) -> tuple[int | None, float | None]:
    """Where a line's message starts and its capture time, by the general rule alone: the
    first candidate the rest parses from (`json_start`), the prefix's last time."""
    start = json_start(line)
    return start, (prefix_instant(line[:start]) if start else None)


def _read(line: bytes) -> tuple[int | None, float | None]:
    """The same, as a timed prefixed log's records give them (one read of a number prefix)."""
    fmt = PrefixedLines()
    fmt.capture_times = True
    (record,) = fmt.records_of(line, 1)
    return (record.layers[0].start if record.layers else None), record.captured


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(b'1618678132.831468: {"a":1}\n', (19, 1618678132.831468), id="receipt-time"),
        pytest.param(b'1618678132.5: {"a":{"b":1}\n', (14, 1618678132.5), id="cut-short-starts-there"),
        pytest.param(b'1618678132.5: {x} {"a":1}\n', (18, 1618678132.5), id="first-candidate-not-json"),
        pytest.param(b'1618678132831: {"a":1}\n', (15, 1618678132.831), id="milliseconds-searched"),
        pytest.param(b' 1618678132.5 : {"a":1}\n', (16, 1618678132.5), id="spaces-around-the-number"),
        pytest.param(b'nan: {"a":1}\n', (5, None), id="nan-is-no-time"),
        pytest.param(b'1e9: {"a":1}\n', (5, 1e9), id="float-spelling"),
        pytest.param(b"1618678132.5: [1,2]\n", (14, 1618678132.5), id="array-searched"),
        pytest.param(b"1618678132.5: {\n", (14, 1618678132.5), id="only-a-brace"),
        pytest.param(b"1618678132.5: hello\n", (None, None), id="no-json"),
    ],
)
def test_a_number_prefix_is_read_once_as_searched(line, expected):
    assert _searched(line) == expected
    assert _read(line) == expected


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.one_of(
        st.text(alphabet="0123456789.:_e+- {[xn", max_size=24),
        # A receipt time in the window (2000-2100), as written or spelled otherwise, then a separator.
        st.builds(
            lambda number, spelling, separator: spelling.format(number) + separator,
            st.floats(946684800, 4102444799.999),
            st.sampled_from(["{}", "{:.6f}", " {} ", "{:e}", "{:.0f}000"]),
            st.sampled_from([": ", ":", " : ", ": x ", ": : "]),
        ),
    ),
    message=st.sampled_from(['{"a":1}', '{"a":', "[1]", "{x}", '{"a":1} {"b":2}', "", "{"]),
)
def test_a_number_prefix_read_once_agrees_with_the_search(prefix, message):
    line = (prefix + message + "\n").encode()
    assert _read(line) == _searched(line)


ENVELOPES = (
    b'{"received_at":"2025-09-08T16:50:02Z","user":7,"message":{"timestamp":1757350201.4,"seen":1757350203000}}\n'
    b'{"received_at":1757350204.25,"user":"x","message":{"timestamp":1757350201.4}}\n'
    b'{"message":{"timestamp":1757350201.4}}\n'
    b"not json\n"
)


@pytest.mark.parametrize(
    ("capture_time", "message_path", "expected"),
    [
        pytest.param("received_at", "message", [1757350202.0, 1757350204.25, None, None], id="envelope-field"),
        pytest.param("message.seen", "message", [1757350203.0, None, None, None], id="message-field-through-envelope"),
        pytest.param("message.seen", None, [1757350203.0, None, None, None], id="without-envelope"),
    ],
)
def test_capture_time_field(capture_time, message_path, expected):
    settings, _ = _settings(capture_time=capture_time, message_path=message_path, capture_format="jsonl")
    assert [r.captured for r in records(ENVELOPES, settings)] == expected


def test_group_by_names_each_sender():
    settings, _ = _settings(group_by="user", message_path="message", capture_format="jsonl")
    assert [r.group for r in records(ENVELOPES, settings)] == ["user=7", "user=x", "user=?", "user=?"]


def test_without_capture_options_json_lines_keep_their_fast_path():
    settings, _ = _settings(capture_format="jsonl")
    stream = CaptureStream(io.BytesIO(ENVELOPES), "c")
    segments = list(choose_format(settings, "c", stream).segments(stream, "c"))
    assert [segment.records for segment in segments] == [None]


def _settings(**given):
    loaded = load(CommandLine(**given))
    return loaded.settings, loaded


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        pytest.param("10m", 600.0, id="minutes"),
        pytest.param("90s", 90.0, id="seconds"),
        pytest.param("2h", 7200.0, id="hours"),
        pytest.param("600", 600.0, id="bare-seconds"),
        pytest.param("0.5", 0.5, id="fraction"),
        pytest.param(" 5 min ", 300.0, id="min-and-spaces"),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "10 minutes", "-5m", "1e3", "m"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError, match="length of time"):
        parse_duration(text)


def test_capture_options_reach_the_settings():
    settings, _ = _settings(capture_time="meta.seen", group_by="user_id", max_skew="90s", naive_tz="auto")
    assert settings.capture_time == ("meta", "seen")
    assert settings.group_by == ("user_id",)
    assert settings.max_skew == 90.0
    assert settings.naive_auto and settings.policy.naive_zone == (AUTO_ZONE, None, True)
    assert AUTO_ZONE == "auto"


def test_capture_options_default():
    settings, _ = _settings()
    found = (settings.capture_time, settings.group_by, settings.max_skew, settings.naive_auto)
    assert found == (None, None, 600.0, False)


def test_capture_options_from_the_configuration(tmp_path):
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.wsfix]\ncapture-time = "received_at"\ngroup-by = "user"\nmax-skew = "2h"\n')
    loaded = load(CommandLine(), config_path=str(config))
    assert (loaded.settings.capture_time, loaded.settings.group_by, loaded.settings.max_skew) == (
        ("received_at",),
        ("user",),
        7200.0,
    )
    config.write_text("[tool.wsfix]\nmax-skew = 30\n")
    assert load(CommandLine(), config_path=str(config)).settings.max_skew == 30.0


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        pytest.param({"max_skew": "soon"}, "--max-skew: expected a length of time", id="bad-skew"),
        pytest.param({"capture_time": "a[*].t"}, "--capture-time a[*].t: names one place", id="wildcard"),
        pytest.param({"group_by": "a."}, "--group-by", id="bad-path"),
    ],
)
def test_bad_capture_options_are_usage_errors(given, fragment):
    with pytest.raises(UsageError, match=fragment.replace("[", r"\[").replace("*", r"\*")):
        load(CommandLine(**given))
