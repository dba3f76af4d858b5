"""Generate synthetic captures for the benchmarks: agent-chat WebSocket messages, one per line.

Messages look like `examples/agent-session.jsonl` (about 290 bytes on average): a type, a
payload (user text, agent chunks, tool calls, progress, heartbeats), a timestamp, ids. A chosen
fraction of the lines carry a bad timestamp, drawn from a weighted mix of the forms real clients
send (naive ISO from Python's `isoformat()`, `...Z` from JavaScript's `toISOString()`, epoch
milliseconds from `Date.now()`, numeric strings, NaN, ...). The same seed gives the same file.

    python benchmarks/generate.py --lines 1000000 --broken 0.1 --seed 1 -o capture.jsonl
    python benchmarks/generate.py --size 1G --broken 0.1 -o big.jsonl
    python benchmarks/generate.py --lines 1000 --mix naive-iso=1,ms=1 -o -

This is a tool for benchmarks and tests: it writes timestamps in many spellings, and it does so
with its own formatting (never by converting), so it is no second converter.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Iterator
from typing import BinaryIO

# Weights of the broken forms: roughly what a CI audit of mixed web, mobile and Python clients finds.
DEFAULT_MIX: dict[str, float] = {
    "naive-iso": 28,  # "2025-09-08T16:50:01.447585"            WS102
    "space-iso": 4,  # "2025-09-08 16:50:31"                   WS102
    "z-iso": 16,  # "2025-09-08T16:50:00.912Z"              WS101
    "offset-iso": 7,  # "2025-09-08T18:50:11.950+02:00"         WS101
    "ms": 16,  # 1757350204000                           WS104
    "us": 2,  # 1757350204000123                        WS104
    "ms-string": 4,  # "1757350210481"                         WS104 (the unit is the larger error)
    "numeric-string": 8,  # "1757350206.635"                        WS103
    "rfc2822": 3,  # "Mon, 08 Sep 2025 16:50:32 GMT"         WS105
    "nan": 3,  # NaN                                     WS107
    "date-only": 2,  # "2025-09-08"                            WS106
    "zero": 2,  # 0                                       WS109
    "boolean": 1,  # true                                    WS108
    "unknown-type": 2,  # "type":"agent_heartbeat"                WS004
    "invalid-json": 1,  # a line cut short                        WS001
    "blank": 1,  # an empty line                           WS003
}
FORMS = tuple(DEFAULT_MIX)

_START = 1757350200  # 2025-09-08T16:50:00Z
_WORDS = (
    "the",
    "orders",
    "region",
    "summary",
    "agent",
    "query",
    "rows",
    "export",
    "weekly",
    "total",
    "report",
    "data",
    "customer",
    "revenue",
    "latency",
    "chart",
    "pipeline",
    "table",
    "metric",
    "compare",
    "forecast",
    "last",
    "week",
    "by",
    "and",
    "for",
    "with",
    "growth",
    "EMEA",
    "APAC",
)
_TOOLS = ("sql_query", "csv_export", "http_fetch", "vector_search", "python_exec", "chart_render")
_AGENTS = ("unified_data_agent", "export_agent", "triage_agent", "research_agent")
_VALID_TYPES = (
    "user_message",
    "agent_response_chunk",
    "agent_response_chunk",
    "agent_thinking",
    "agent_progress",
    "tool_executing",
    "tool_completed",
    "heartbeat",
    "agent_started",
    "agent_completed",
    "start_agent",
    "agent_response",
)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high)))


def _payload(rng: random.Random, kind: str) -> str:
    if kind == "user_message":
        return f'{{"text":"{_text(rng, 14, 36).capitalize()}?","client":"web-2.14.{rng.randint(0, 9)}"}}'
    if kind in ("agent_response_chunk", "agent_response"):
        return (
            f'{{"chunk":"{_text(rng, 18, 40)}","index":{rng.randint(0, 400)},"run_id":"run_{rng.getrandbits(32):08x}"}}'
        )
    if kind == "agent_thinking":
        return f'{{"thought":"{_text(rng, 12, 26)}","run_id":"run_{rng.getrandbits(32):08x}"}}'
    if kind == "agent_progress":
        return (
            f'{{"step":{rng.randint(1, 6)},"of":6,"label":"{_text(rng, 3, 8)}",'
            f'"run_id":"run_{rng.getrandbits(32):08x}","percent":{rng.randint(0, 100)}}}'
        )
    if kind == "tool_executing":
        return (
            f'{{"tool":"{rng.choice(_TOOLS)}","args":{{"table":"{rng.choice(_WORDS)}",'
            f'"days":{rng.randint(1, 30)},"limit":{rng.randint(10, 5000)}}},'
            f'"call_id":"call_{rng.getrandbits(40):010x}"}}'
        )
    if kind == "tool_completed":
        return (
            f'{{"tool":"{rng.choice(_TOOLS)}","rows":{rng.randint(0, 99999)},'
            f'"elapsed_ms":{rng.randint(3, 9000)},"call_id":"call_{rng.getrandbits(40):010x}",'
            f'"status":"ok"}}'
        )
    if kind == "heartbeat":
        return f'{{"seq":{rng.randint(0, 99999)},"interval_ms":15000}}'
    return (
        f'{{"agent":"{rng.choice(_AGENTS)}","run_id":"run_{rng.getrandbits(32):08x}",'
        f'"user_request":"{_text(rng, 6, 14)}"}}'
    )


def _iso(seconds: float, digits: int) -> str:
    """A UTC wall time written as ISO 8601 without offset, with `digits` fraction digits."""
    whole = int(seconds)
    text = dt.datetime.fromtimestamp(whole, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{seconds - whole:.{digits}f}"[2:]
    return text


def bad_timestamp(rng: random.Random, form: str, seconds: float) -> str:
    """The JSON token of a bad timestamp of `form` near `seconds` (a ... form the linter must catch)."""
    if form == "naive-iso":
        return f'"{_iso(seconds, 6)}"'
    if form == "space-iso":
        return f'"{_iso(seconds, 0).replace("T", " ")}"'
    if form == "z-iso":
        return f'"{_iso(seconds, 3)}Z"'
    if form == "offset-iso":
        hours = rng.choice((0, 2, -7, 5))
        local = _iso(seconds + hours * 3600, 3)
        return f'"{local}{"+" if hours >= 0 else "-"}{abs(hours):02d}:00"'
    if form == "ms":
        return str(int(seconds * 1000))
    if form == "us":
        return str(int(seconds * 1_000_000))
    if form == "ms-string":
        return f'"{int(seconds * 1000)}"'
    if form == "numeric-string":
        return f'"{seconds:.3f}"'
    if form == "rfc2822":
        moment = dt.datetime.fromtimestamp(int(seconds), dt.UTC)
        return (
            f'"{_WEEKDAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} '
            f'{moment.year} {moment:%H:%M:%S} GMT"'
        )
    if form == "nan":
        return "NaN"
    if form == "date-only":
        return f'"{_iso(seconds, 0)[:10]}"'
    if form == "zero":
        return "0"
    if form == "boolean":
        return "true"
    raise ValueError(f"not a timestamp form: {form}")


def generate(
    lines: int | None = None,
    size: int | None = None,
    broken: float = 0.1,
    mix: dict[str, float] | None = None,
    seed: int = 1,
) -> Iterator[bytes]:
    """Yield the lines (bytes, each ending in \\n) of a capture: `lines` of them, or until `size`
    bytes are reached."""
    rng = random.Random(seed)
    weights = mix or DEFAULT_MIX
    forms, cumulative = list(weights), []
    total = 0.0
    for form in forms:
        if form not in DEFAULT_MIX:
            raise ValueError(f"unknown form {form!r}: expected one of {', '.join(FORMS)}")
        total += weights[form]
        cumulative.append(total)
    seconds = float(_START)
    user = f"user-{rng.getrandbits(24):06x}"
    thread = f"thread_{rng.getrandbits(24):06x}"
    written = count = 0
    while (lines is None or count < lines) and (size is None or written < size):
        count += 1
        seconds += rng.random() * 0.8
        if count % 500 == 0:  # a new session now and then
            user = f"user-{rng.getrandbits(24):06x}"
            thread = f"thread_{rng.getrandbits(24):06x}"
        kind = rng.choice(_VALID_TYPES)
        stamp = f"{seconds:.6f}".rstrip("0").rstrip(".") if rng.random() < 0.5 else f"{seconds:.3f}"
        form = None
        if rng.random() < broken:
            form = forms[_bisect(cumulative, rng.random() * total)]
            if form == "blank":
                line = b"\n"
                written += 1
                yield line
                continue
            if form == "unknown-type":
                kind = "agent_heartbeat"
            elif form != "invalid-json":
                stamp = bad_timestamp(rng, form, seconds)
        message_id = f',"message_id":"msg_{rng.getrandbits(48):012x}"' if rng.random() < 0.6 else ""
        text = (
            f'{{"type":"{kind}","payload":{_payload(rng, kind)},"timestamp":{stamp}'
            f'{message_id},"user_id":"{user}","thread_id":"{thread}"}}'
        )
        if form == "invalid-json":
            text = text[: rng.randint(20, len(text) - 2)]
        line = (text + "\n").encode()
        written += len(line)
        yield line


def _bisect(cumulative: list[float], point: float) -> int:
    for index, bound in enumerate(cumulative):
        if point < bound:
            return index
    return len(cumulative) - 1


def write_capture(out: BinaryIO, **options: object) -> int:
    """Write a generated capture to `out`; return its number of lines."""
    count = 0
    batch: list[bytes] = []
    for line in generate(**options):  # type: ignore[arg-type]
        batch.append(line)
        if len(batch) == 4096:
            out.write(b"".join(batch))
            count += len(batch)
            batch.clear()
    out.write(b"".join(batch))
    return count + len(batch)


def parse_size(text: str) -> int:
    """`500000`, `10M`, `1G`, `64K` (binary multiples) -> bytes."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def parse_mix(text: str) -> dict[str, float]:
    """`naive-iso=3,ms=1` -> {"naive-iso": 3.0, "ms": 1.0}."""
    mix = {}
    for item in text.split(","):
        name, _, weight = item.partition("=")
        mix[name.strip()] = float(weight or 1)
    return mix


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="forms: " + ", ".join(FORMS),
    )
    amount = parser.add_mutually_exclusive_group(required=True)
    amount.add_argument("--lines", type=int, help="number of lines")
    amount.add_argument("--size", type=parse_size, help="approximate size in bytes (K, M, G suffixes)")
    parser.add_argument("--broken", type=float, default=0.1, help="fraction of broken lines (default 0.1)")
    parser.add_argument(
        "--mix",
        type=parse_mix,
        default=None,
        help="weights of the broken forms, e.g. naive-iso=3,ms=1 (default: a realistic mix)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--out", default="-", help="output file; - for standard output")
    args = parser.parse_args(argv)
    options = dict(lines=args.lines, size=args.size, broken=args.broken, mix=args.mix, seed=args.seed)
    if args.out == "-":
        write_capture(sys.stdout.buffer, **options)
    else:
        with open(args.out, "wb") as out:
            write_capture(out, **options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
