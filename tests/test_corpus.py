"""Real captures by others (tests/data, see tests/NOTICE): cryptofeed's prefixed logs and a HAR.

"Must show" 2: the COINBASE excerpt, checked and repaired with a model whose `time` is a float:
every ISO `time` becomes the exact epoch seconds, computed here independently (calendar.timegm
plus a Fraction, rounded once by float()), and no other byte changes. "Must show" 3: mitmproxy's
HAR goes through repair to a HAR that `json.load` reads, in which only the repaired messages'
`data` strings differ.
"""

from __future__ import annotations

import calendar
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
COINBASE = DATA / "cryptofeed" / "COINBASE.ws.28.0.excerpt"
HAR = DATA / "har" / "mitmproxy-websocket.har"
MODELS = Path(__file__).parent / "sample_models.py"
ISO_TIME = re.compile(rb'"time":"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d+)Z"')


def expected_seconds(match: re.Match[bytes]) -> bytes:
    """The epoch seconds an ISO `time` denotes, without wsfix: calendar.timegm and a Fraction."""
    year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
    fraction = match[7].decode()
    exact = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) + Fraction(
        int(fraction), 10 ** len(fraction)
    )
    return repr(float(exact)).encode()


# --- cryptofeed COINBASE ---------------------------------------------------------------------


def test_coinbase_check_reports_every_iso_time(cli):
    data = COINBASE.read_bytes()
    times = len(ISO_TIME.findall(data))
    assert times == 383  # 389 messages; only the 3 subscribe and 3 subscriptions ones have no time
    result = cli("check", str(COINBASE), "--model", f"{MODELS}:CoinbaseMessage", "--output-format", "concise")
    assert result.exit_code == 1, result.output
    findings = result.stdout.splitlines()[:-1]
    assert len(findings) == times
    assert all(" WS101 [error] time: ISO 8601 string where epoch seconds are expected [*]" in f for f in findings)
    assert result.stdout.splitlines()[-1].startswith(
        "Checked 389 lines in 1 file (read as prefixed log lines, by their content; skipped 1 without a JSON "
        "message): 383 errors, 0 warnings; 383 fixable"
    )


def test_coinbase_repair_converts_every_time_exactly_and_nothing_else(cli, tmp_path):
    original = COINBASE.read_bytes()
    out = tmp_path / "coinbase.fixed"
    result = cli("repair", "--in", str(COINBASE), "--out", str(out), "--model", f"{MODELS}:CoinbaseMessage")
    assert result.exit_code == 0, result.output
    repaired = out.read_bytes()
    old_lines, new_lines = original.split(b"\n"), repaired.split(b"\n")
    assert len(old_lines) == len(new_lines)
    converted = 0
    for old, new in zip(old_lines, new_lines, strict=True):
        match = ISO_TIME.search(old)
        if match is None:
            assert new == old
            continue
        expected = old[: match.start()] + b'"time":' + expected_seconds(match) + old[match.end() :]
        assert new == expected
        converted += 1
    assert converted == 383
    again = cli("check", str(out), "--model", f"{MODELS}:CoinbaseMessage")
    assert again.exit_code == 0, again.output


def test_coinbase_prefixes_and_connection_lines_survive(cli, tmp_path):
    out = tmp_path / "coinbase.fixed"
    cli("repair", "--in", str(COINBASE), "--out", str(out), "--model", f"{MODELS}:CoinbaseMessage")
    lines = out.read_bytes().split(b"\n")
    assert lines[0] == b"wss://ws-feed.pro.coinbase.com <-> 1618677816.8434298"
    assert lines[1].startswith(b"wss://ws-feed.pro.coinbase.com <- 1618677817.020616: {")


# --- other cryptofeed captures: formats and unit forms ------------------------------------------


def test_binance_envelope_with_millisecond_field_is_clean(cli):
    result = cli(
        "check",
        str(DATA / "cryptofeed" / "BINANCE.ws.1.0.excerpt"),
        "--message-path",
        "data",
        "--model",
        f"{MODELS}:BinanceEvent",
        "--timestamp-field",
        "E:ms",
        "--output-format",
        "concise",
    )
    assert result.exit_code == 0, result.output
    # line 1 is the connection (no JSON); every other line wraps its event in `data`
    assert result.stdout.startswith(
        "Checked 59 lines in 1 file (read as prefixed log lines, by their content; skipped 1 without a JSON "
        "message): no problems."
    )


def test_binance_millisecond_field_declared_in_seconds_is_a_unit_finding(cli):
    path = DATA / "cryptofeed" / "BINANCE.ws.1.0.excerpt"
    result = cli(
        "check",
        str(path),
        "--message-path",
        "data",
        "--model",
        f"{MODELS}:BinanceEvent",
        "--timestamp-field",
        "E:s",
        "--output-format",
        "concise",
    )
    findings = result.stdout.splitlines()[:-1]
    assert findings and all(
        " WS110 [error] E: epoch milliseconds where whole epoch seconds are expected" in f for f in findings
    )
    assert all(not f.endswith("[*]") for f in findings)  # 1633998512068 ms is no whole second


def test_bitstamp_numeric_strings_in_seconds_and_microseconds(cli, tmp_path):
    path = DATA / "cryptofeed" / "BITSTAMP.ws.1.0.excerpt"
    args = ("--message-path", "data", "--model", f"{MODELS}:BitstampBook", "--timestamp-field", "microtimestamp")
    result = cli("check", str(path), *args, "--output-format", "concise")
    lines = result.stdout.splitlines()[:-1]
    timestamps = [line for line in lines if " timestamp: " in line]
    micro = [line for line in lines if " microtimestamp: " in line]
    assert timestamps and all(" WS103 " in line for line in timestamps)
    assert micro and all(
        " WS104 [warning] microtimestamp: numeric string of epoch microseconds" in line for line in micro
    )
    out = tmp_path / "bitstamp.fixed"
    cli("repair", "--in", str(path), "--out", str(out), *args)
    first = next(line for line in out.read_bytes().split(b"\n") if b"microtimestamp" in line)
    # "1641343691" -> 1641343691.0; "1641343691244908" us -> 1641343691.244908 s
    assert b'"timestamp":1641343691.0,"microtimestamp":1641343691.244908,' in first


def test_okx_millisecond_strings_in_a_list(cli, tmp_path):
    path = DATA / "cryptofeed" / "OKX.ws.1.0.excerpt"
    args = ("--model", f"{MODELS}:OkxMessage", "--timestamp-field", "data[*].ts:ms")
    result = cli("check", str(path), *args, "--output-format", "concise")
    findings = result.stdout.splitlines()[:-1]
    assert len(findings) == len(re.findall(rb'"ts":"\d+"', path.read_bytes())) == 31
    assert all(
        " WS110 [error] data[0].ts: numeric string of epoch milliseconds where whole epoch milliseconds "
        "are expected [*]" in line
        for line in findings
    )
    out = tmp_path / "okx.fixed"
    cli("repair", "--in", str(path), "--out", str(out), *args)
    assert out.read_bytes() == re.sub(rb'"ts":"(\d+)"', rb'"ts":\1', path.read_bytes())


def test_kraken_arrays_and_a_big_integer_parse_as_prefixed(cli):
    result = cli("check", str(DATA / "cryptofeed" / "KRAKEN.ws.48.0"), "--output-format", "concise")
    lines = result.stdout.splitlines()
    # the systemStatus message's connectionID is above 2**64 and still read as JSON (WS004, no type)
    assert any(":3:" in line and " WS004 [error] type: " in line for line in lines)
    arrays = [line for line in lines if " WS002 " in line]
    assert arrays and all("the record is an array" in line for line in arrays)


# --- mitmproxy HAR ---------------------------------------------------------------------------

# (message data as exported, the same message with a bad timestamp planted, what repair writes
# into the data string). Planted with escapes in the way: \n, \u00e9, \/ inside the string.
PLANTS = [
    (
        r'"{\"error\":\"Unknown api key\"}"',
        r'"{\"error\":\"Unknown api key\",\"timestamp\":\"2023-08-29T13:03:20.336985Z\"}"',
        r'"{\"error\":\"Unknown api key\",\"timestamp\":1693314200.336985}"',
    ),
    (
        r'"{\"error\":\"Missing apiKey\"}"',
        r'"{\"error\":\"Missing apiKey\",\n \"caf\u00e9\":\"a\/b\",\"timestamp\":\"2023-08-29T13:03:30.270521\"}"',
        r'"{\"error\":\"Missing apiKey\",\n \"caf\u00e9\":\"a\/b\",\"timestamp\":1693314210.270521}"',
    ),
]


def planted_har() -> bytes:
    text = HAR.read_text(encoding="utf-8")
    for exported, planted, _ in PLANTS:
        assert text.count(exported) >= 1
        text = text.replace(exported, planted, 1)
    return text.encode()


def test_har_messages_are_read_with_their_names(cli):
    result = cli("check", str(HAR), "--schema", "error-message", "--output-format", "concise")
    assert result.stdout.splitlines() == [
        f"{HAR}:155:1: WS108 [error] entry 1, message 1 (receive): timestamp: required timestamp is missing",
        f"{HAR}:294:1: WS108 [error] entry 2, message 1 (receive): timestamp: required timestamp is missing",
        f"{HAR}:442:1: WS108 [error] entry 3, message 1 (receive): timestamp: required timestamp is missing",
        "Checked 3 messages in 1 file (skipped 2 without a JSON message): 3 errors, 0 warnings; "
        "0 fixable with wsfix repair. Naive times read as UTC.",
    ]


def test_har_without_fixes_repairs_to_the_same_bytes(cli, tmp_path):
    out = tmp_path / "same.har"
    result = cli("repair", "--in", str(HAR), "--out", str(out), "--schema", "error-message")
    assert result.exit_code == 1  # the missing timestamps have no fix
    assert out.read_bytes() == HAR.read_bytes()


def test_har_round_trips_with_only_repaired_data_strings_changed(cli, capture_file, tmp_path):
    source = capture_file(planted_har(), "planted.har")
    # Columns counted by hand: 24 spaces and `"data": "` are 33 characters, then the escaped
    # message up to the value: 46 characters in entry 1, 71 in entry 2.
    check = cli("check", source, "--schema", "error-message", "--output-format", "concise")
    assert check.stdout.splitlines()[:2] == [
        f"{source}:155:79: WS101 [error] entry 1, message 1 (receive): timestamp: ISO 8601 string where epoch "
        "seconds are expected [*]",
        f"{source}:294:104: WS102 [error] entry 2, message 1 (receive): timestamp: ISO 8601 string without UTC "
        "offset where epoch seconds are expected; read as UTC [*]",
    ]
    out = tmp_path / "fixed.har"
    result = cli("repair", "--in", source, "--out", str(out), "--schema", "error-message")
    assert "Repaired 2 values on 2 of 3 messages" in result.stdout
    repaired = out.read_bytes()
    expected = planted_har().decode()
    for _, planted, fixed in PLANTS:
        expected = expected.replace(planted, fixed, 1)
    assert repaired == expected.encode()  # byte for byte: only the two values changed
    before, after = json.loads(planted_har()), json.load(out.open(encoding="utf-8"))
    changed = []
    for entry_before, entry_after in zip(before["log"]["entries"], after["log"]["entries"], strict=True):
        for message_before, message_after in zip(
            entry_before["_webSocketMessages"], entry_after["_webSocketMessages"], strict=True
        ):
            if message_before["data"] != message_after["data"]:
                changed.append(json.loads(message_after["data"])["timestamp"])
            message_before["data"] = message_after["data"]
    assert before == after  # everything but the data strings is equal
    assert changed == [1693314200.336985, 1693314210.270521]


@pytest.mark.parametrize("name", ["capture.har", "capture.har.gz", "capture"])
def test_har_is_detected(cli, capture_file, name):
    data = planted_har()
    if name.endswith(".gz"):
        import gzip

        data = gzip.compress(data)
    result = cli("check", capture_file(data, name), "--schema", "error-message", "--output-format", "concise")
    assert "Checked 3 messages in 1 file" in result.stdout
