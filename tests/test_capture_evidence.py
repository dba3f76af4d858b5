"""Capture-time evidence end to end (issue 15, must show 1 and 2): the generated HAR (a browser
in America/Los_Angeles writing naive local times across the 2025-11-02 DST change, a UTC `Z`
connection, a garbage one) through check, repair --naive-tz auto and wsfix clocks; the shipped
cryptofeed samples; workers gather the same evidence as one process."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

from tests.capture_generator import generate
from wsfix.config import CommandLine, load
from wsfix.reporters import ReportOptions, build_reporter
from wsfix.run import check_captures

DATA = Path(__file__).parent / "data"
MODELS = Path(__file__).parent / "sample_models.py"
CLOCK_MODELS = Path(__file__).parent / "clock_models.py"
LOCAL, UTC, GARBAGE = (
    "entry 1 (wss://sender1.example/socket)",
    "entry 2 (wss://sender2.example/socket)",
    ("entry 3 (wss://sender3.example/socket)"),
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    data, messages = generate()
    path = tmp_path_factory.mktemp("har") / "browser.har"
    path.write_bytes(data)
    return path, messages


def test_check_names_the_offsets_and_the_zone(cli, generated):
    path, messages = generated
    result = cli("check", str(path), "--output-format", "concise")
    assert result.exit_code == 1
    summary = result.stdout.splitlines()[-1]
    local = sum(message.kind == "local" for message in messages)
    assert summary.endswith(
        "Naive times read as UTC; capture times suggest America/Los_Angeles (-07:00, then -08:00 from "
        "2025-11-02T09:00:00Z; also America/Ensenada, America/Santa_Isabel, America/Tijuana and 5 more) "
        f"for {local} of them ({LOCAL}): --naive-tz auto."
    ), summary


def test_check_reports_the_local_clock_seven_or_eight_hours_behind(cli, generated):
    path, messages = generated
    result = cli("check", str(path), "--output-format", "concise", "--select", "WS120")
    local = [
        line.split("timestamp: ")[1] for line in result.stdout.splitlines() if ": WS120 [warning] entry 1," in line
    ]
    assert len(local) == sum(message.kind == "local" for message in messages)
    assert {text.split(" behind its capture time")[0] for text in local} == {"7 h 00 min", "8 h 00 min"}
    assert all(text.endswith("(a time without UTC offset, read as UTC)") for text in local)
    findings = json.loads(cli("check", str(path), "--output-format", "json", "--select", "WS120").stdout)["findings"]
    assert all(f["skew"] is not None and f["capture_time"].endswith("Z") for f in findings)


def test_repair_auto_writes_every_value_to_its_exact_instant(cli, generated, tmp_path):
    path, messages = generated
    out = tmp_path / "fixed.har"
    result = cli("repair", "--in", str(path), "--out", str(out), "--naive-tz", "auto")
    assert result.exit_code == 1  # the garbage connection's naive values stay findings
    original, repaired = json.loads(path.read_bytes()), json.loads(out.read_bytes())
    kinds = {"local": 0, "utc": 0, "garbage": 0}
    for message in messages:
        data = repaired["log"]["entries"][message.entry - 1]["_webSocketMessages"][message.index - 1]["data"]
        before = original["log"]["entries"][message.entry - 1]["_webSocketMessages"][message.index - 1]["data"]
        if message.truth_us is None:
            assert data == before  # garbage: byte for byte as written
        else:
            value = json.loads(data)["timestamp"]
            # The exact instant, rounded once: integer microseconds over 10**6, true division.
            assert repr(value) == repr(message.truth_us / 1_000_000), message
        kinds[message.kind] += 1
    assert all(kinds.values())
    summary = result.stdout.splitlines()[0]
    assert summary.startswith(f"Repaired {kinds['local'] + kinds['utc']} values on ")
    assert summary.endswith(
        "Naive times read per sender in the zone its capture times show (--naive-tz auto): America/Los_Angeles "
        "(-07:00, then -08:00 from 2025-11-02T09:00:00Z; also America/Ensenada, America/Santa_Isabel, "
        f"America/Tijuana and 5 more) for {kinds['local']} of {LOCAL}; {GARBAGE}: none inferred (naive times jump "
        "between offsets (+03:30 -> +06:30 -> +08:15 -> +04:45 -> -02:45 -> +07:00 -> ...)), "
        f"{kinds['garbage']} left as written."
    ), summary


def test_repair_auto_changes_only_the_repaired_values(cli, generated, tmp_path):
    path, messages = generated
    out = tmp_path / "fixed.har"
    cli("repair", "--in", str(path), "--out", str(out), "--naive-tz", "auto")
    before, after = path.read_bytes().split(b"\n"), out.read_bytes().split(b"\n")
    changed = [old for old, new in zip(before, after, strict=True) if old != new]
    assert len(changed) == sum(message.truth_us is not None for message in messages)
    assert all(b'\\"timestamp\\":\\"' in line for line in changed)


def test_auto_check_says_why_the_garbage_connection_is_left(cli, generated):
    path, _ = generated
    result = cli("check", str(path), "--naive-tz", "auto", "--output-format", "json")
    findings = json.loads(result.stdout)["findings"]
    garbage = [f for f in findings if f["line"] and f["code"] == "WS102" and "no zone" in f["message"]]
    assert garbage and all(
        f["message"].endswith("its sender's capture times give it no zone (--naive-tz auto): left as written")
        and not f["fix"]["applies"]
        for f in garbage
    )
    assert not [f for f in findings if f["code"] == "WS120"]  # every sender judged in its own zone


def test_clocks_json_per_connection(cli, generated):
    path, messages = generated
    result = cli("clocks", str(path), "--output-format", "json")
    assert result.exit_code == 1  # as check: findings
    [capture] = json.loads(result.stdout)["captures"]
    local, utc, garbage = capture["groups"]
    assert [g["group"] for g in capture["groups"]] == [LOCAL, UTC, GARBAGE]
    assert local["zone"] == "America/Los_Angeles" and "America/Tijuana" in local["zones"]
    assert [o["offset"] for o in local["offsets"]] == ["-07:00", "-08:00"]
    assert local["offsets"][0]["until"] == "2025-11-02T09:00:00Z"
    assert utc["naive"] == 0 and utc["offsets"] == [] and abs(utc["median_skew"]) < 0.5
    assert garbage["zone"] is None and garbage["reason"].startswith("naive times jump between offsets")
    assert sum(g["messages"] for g in capture["groups"]) == len(messages)


def test_clocks_table(cli, generated):
    path, _ = generated
    result = cli("clocks", str(path), "--color", "never")
    assert "America/Los_An" in result.stdout and "-7 h 00 min" in result.stdout
    assert "value behind capture time" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("Checked 309 messages in 1 file")


def test_clocks_without_capture_times_says_so(cli, capture_file):
    path = capture_file(b'{"type":"ping","timestamp":1757350201.0}\n')
    result = cli("clocks", path)
    assert result.exit_code == 0
    assert "no capture times found" in result.stderr


def test_auto_refuses_standard_input(cli):
    result = cli("check", "-", "--naive-tz", "auto", input=b'{"type":"ping","timestamp":1.0}\n')
    assert result.exit_code == 2
    assert result.stderr == (
        "wsfix: error: --naive-tz auto reads a capture twice: not standard input (save it to a file first)\n"
    )


def test_auto_without_capture_times_converts_no_naive_value(cli, capture_file, tmp_path):
    data = b'{"type":"ping","timestamp":"2025-09-08T09:50:01"}\n{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}\n'
    path = capture_file(data)
    out = tmp_path / "out.jsonl"
    cli("repair", "--in", path, "--out", str(out), "--naive-tz", "auto")
    assert out.read_bytes() == data.replace(b'"2025-09-08T16:50:01Z"', b"1757350201.0")


# --- the shipped cryptofeed samples: their clocks against the capture machine's -------------

SAMPLES = [
    pytest.param("COINBASE.ws.28.0.excerpt", ["--model", f"{MODELS}:CoinbaseMessage"], 383, id="coinbase"),
    pytest.param(
        "BINANCE.ws.1.0.excerpt",
        ["--message-path", "data", "--model", f"{MODELS}:BinanceEvent", "--timestamp-field", "E:ms"],
        47,
        id="binance",
    ),
    pytest.param(
        "BITSTAMP.ws.1.0.excerpt",
        ["--message-path", "data", "--model", f"{MODELS}:BitstampBook", "--timestamp-field", "microtimestamp"],
        78,
        id="bitstamp",
    ),
    pytest.param(
        "OKX.ws.1.0.excerpt", ["--model", f"{MODELS}:OkxMessage", "--timestamp-field", "data[*].ts:ms"], 31, id="okx"
    ),
    pytest.param(
        "KRAKEN.ws.48.0",
        ["--model", f"{CLOCK_MODELS}:KrakenMessage", "--timestamp-field", "[1][*][2]"],
        10,
        id="kraken",
    ),
]


@pytest.mark.parametrize(("name", "args", "values"), SAMPLES)
def test_cryptofeed_clocks_are_within_the_default_tolerance(cli, name, args, values):
    path = str(DATA / "cryptofeed" / name)
    result = cli("check", path, *args, "--select", "WS120", "--output-format", "concise")
    assert result.exit_code == 0, result.output
    [group] = json.loads(cli("clocks", path, *args, "--output-format", "json").stdout)["captures"][0]["groups"]
    assert group["values"] == values
    assert abs(group["median_skew"]) < 10  # the exchanges' clocks: seconds at most from the capture machine's


@pytest.mark.parametrize("name", ["COINBASE.ws.28.0.excerpt"])
def test_a_tight_tolerance_reports_the_late_messages(cli, name):
    path = str(DATA / "cryptofeed" / name)
    args = ["--model", f"{MODELS}:CoinbaseMessage", "--select", "WS120", "--max-skew", "0.1"]
    findings = json.loads(cli("check", path, *args, "--output-format", "json").stdout)["findings"]
    assert findings and all(abs(f["skew"]) > 0.1 for f in findings)


# --- workers gather the same evidence, in the same order ------------------------------------


def test_workers_gather_the_same_evidence(tmp_path):
    start = dt.datetime(2025, 9, 8, 9, 50, 1, 400000)  # at -07:00, 0.1 s before its capture time
    written = [(1757350201 + n, (start + dt.timedelta(seconds=n)).isoformat()) for n in range(0, 3000, 7)]
    lines = [f'{at}.5: {{"type":"ping","timestamp":"{wall}"}}\n'.encode() for at, wall in written]
    path = tmp_path / "capture.log"
    path.write_bytes(b"".join(lines))
    settings = load(CommandLine(capture_format="prefixed", naive_tz="-07:00")).settings

    def run(jobs):
        found = {}
        reporter = build_reporter("json", io.StringIO(), ReportOptions())
        summary = check_captures([str(path)], settings, reporter, jobs=jobs, chunk_bytes=4096, senders=found)
        return summary, found

    one, by_one = run(1)
    two, by_two = run(2)
    [one_sender], [two_sender] = by_one[str(path)], by_two[str(path)]
    assert one_sender.gathered.naive == two_sender.gathered.naive
    assert list(one_sender.gathered.skews) == list(two_sender.gathered.skews)
    assert one_sender.gathered.naive[-1].line == len(lines)  # a worker's lines renumbered into the file's
    assert by_one[str(path)][0].inference == by_two[str(path)][0].inference
    assert by_one[str(path)][0].inference.offsets[0].seconds == -25200
    assert one.evidence is None and two.evidence is None  # read in -07:00, as the evidence says


# --- the benchmark's capture-time case: the same clean lines, with and without capture times ---


def test_benchmark_capture_time_lines_stay_clean(cli, tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        import generate
        import run as bench
    finally:
        sys.path.pop(0)
    clean = b"".join(generate.generate(lines=400, broken=0.0, seed=3))
    timed, untimed = tmp_path / "timed.log", tmp_path / "untimed.log"
    timed.write_bytes(b"".join(bench.prefixed_line(line) for line in io.BytesIO(clean)))
    untimed.write_bytes(b"".join(bench.untimed_line(line) for line in io.BytesIO(clean)))
    for path in (timed, untimed):
        result = cli("check", str(path), "--format", "prefixed", "--output-format", "concise")
        assert result.exit_code == 0, result.output
    [capture] = json.loads(cli("clocks", str(timed), "--format", "prefixed", "--output-format", "json").stdout)[
        "captures"
    ]
    assert capture["groups"][0]["values"] == 400  # every line has its capture time
    assert cli("clocks", str(untimed), "--format", "prefixed", "--output-format", "json").stdout.count('"groups"') == 0


def test_the_note_names_five_senders_and_counts_the_others(cli, capture_file):
    # Twelve senders, each writing naive local times at -07:00 (0.2 s before their capture time).
    lines = []
    for n in range(60):
        captured = 1757350201 + 60 * n
        wall = (dt.datetime(2025, 9, 8, 9, 50, 1) + dt.timedelta(seconds=60 * n)).isoformat()
        lines.append(f'{{"at":{captured}.2,"user":{n % 12},"m":{{"type":"ping","timestamp":"{wall}"}}}}\n')
    path = capture_file("".join(lines).encode())
    args = ("--capture-time", "at", "--group-by", "user", "--message-path", "m", "--output-format", "concise")
    summary = cli("check", path, *args).stdout.splitlines()[-1]
    assert summary.count("capture times suggest -07:00 for 5 of them") == 5
    assert summary.endswith("; and 7 more senders (wsfix clocks shows each): --naive-tz auto.")


def test_har_capture_time_and_group_from_the_message(cli, capture_file):
    # --capture-time and --group-by read inside each HAR message's text (over its `time`, its entry).
    data = (
        b'{"log": {"entries": [{"_webSocketMessages": [\n'
        b'  {"type": "receive", "time": 1.0, "opcode": 1, "data": "{\\"type\\":\\"ping\\",\\"timestamp\\":'
        b'1757375401.5,\\"seen\\":1757350201.5,\\"who\\":\\"a\\"}"},\n'
        b'  {"type": "receive", "time": 1.0, "opcode": 1, "data": "{\\"type\\":\\"ping\\",\\"timestamp\\":'
        b'1757350202.5,\\"seen\\":1757350202.5,\\"who\\":\\"b\\"}"}\n'
        b"]}]}}\n"
    )
    path = capture_file(data, "c.har")
    args = ("--capture-time", "seen", "--group-by", "who")
    result = cli("check", path, *args, "--output-format", "concise")
    [finding] = result.stdout.splitlines()[:-1]
    assert "WS120 [warning] entry 1, message 1 (receive): timestamp: 7 h 00 min ahead" in finding
    groups = json.loads(cli("clocks", path, *args, "--output-format", "json").stdout)["captures"][0]["groups"]
    assert [(g["group"], g["messages"]) for g in groups] == [("who=a", 1), ("who=b", 1)]
