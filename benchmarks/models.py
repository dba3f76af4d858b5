"""`wsfix check --model` on models of each kind, against each model's own validation floor, in one run.

    python benchmarks/models.py                        # 200,000 lines per capture, 3 rounds
    python benchmarks/models.py --lines 50000 --rounds 5 --only builtin,Camel,Feed

Each kind is a model written the way backends write them (defined below, loaded by wsfix through
`--model benchmarks/models.py:CLASS`; the built-in schema runs as wsfix's default). For each, two
captures of the same number of records shaped for that model are generated: one clean, one with
10% of the records holding a bad timestamp (the forms of `generate.DEFAULT_MIX` that are
timestamps). Before timing, `wsfix check` must report exactly the broken lines, one finding each
(and, when timed, exit 0 on the clean capture). Then `wsfix check --jobs 1` and the model's floor (a bare loop of
`Model.__pydantic_validator__.validate_json(line)`) run in fresh processes, round-robin across
every command of a capture size, and the median wall time of each is kept: "× floor" is wsfix's
speed over its own model's floor (both whole processes, start-up included). The path each model
takes is the last line of `wsfix schema` ("Checked by: ...").

Run it with wsfix installed (`pip install .`; an editable install slows every start-up), on a
quiet machine; the table is Markdown, ready for the README.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, Optional, Union

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, RootModel, field_validator
from pydantic.alias_generators import to_camel

MODELS_FILE = Path(__file__).resolve()
HERE = MODELS_FILE.parent

# The models. wsfix imports this file for `--model`, and so does each floor loop: the benchmark's
# own modules are imported in `main` only, to cost neither of them anything.


class Plain(BaseModel):
    """A float timestamp at the top level: the fast probe."""

    type: str
    payload: dict[str, Any] = {}
    timestamp: float
    message_id: Optional[str] = None
    user_id: Optional[str] = None
    thread_id: Optional[str] = None


class Camel(BaseModel):
    """FastAPI style: camelCase on the wire, snake_case in Python, both accepted."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    type: str
    payload: dict[str, Any] = {}
    sent_at: float
    message_id: Optional[str] = None
    user_id: Optional[str] = None
    thread_id: Optional[str] = None


class Choices(BaseModel):
    """One field fed by two producers that name it differently."""

    type: str
    payload: dict[str, Any] = {}
    ts: float = Field(validation_alias=AliasChoices("ts", "timestamp"))
    message_id: Optional[str] = None
    user_id: Optional[str] = None
    thread_id: Optional[str] = None


class StrictModel(BaseModel):
    model_config = ConfigDict(strict=True)

    type: str
    payload: dict[str, Any] = {}
    timestamp: float
    message_id: Optional[str] = None
    user_id: Optional[str] = None
    thread_id: Optional[str] = None


class Validated(BaseModel):
    """A field validator on the timestamp."""

    type: str
    payload: dict[str, Any] = {}
    timestamp: float
    message_id: Optional[str] = None
    user_id: Optional[str] = None
    thread_id: Optional[str] = None

    @field_validator("timestamp")
    @classmethod
    def positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("timestamp must be positive")
        return value


class Trade(BaseModel):
    type: Literal["trade"]
    symbol: str
    id: int
    price: str
    qty: str
    side: str
    time: float


class Quote(BaseModel):
    type: Literal["quote"]
    symbol: str
    bid: str
    ask: str
    time: float


class Feed(RootModel[Annotated[Union[Trade, Quote], Field(discriminator="type")]]):
    """A discriminated union, the timestamp inside its members."""


class Fill(BaseModel):
    price: str
    qty: str
    side: str
    time: float


class Fills(BaseModel):
    symbol: str
    trades: list[Fill]


class TradesEvent(BaseModel):
    """The timestamps at `data.trades[*].time`."""

    channel: str
    sequence: int
    data: Fills


class Kind(NamedTuple):
    title: str
    model: str | None  # a class of this file; None: the built-in schema, wsfix's default
    shape: str  # of its records: a key of `_RENAMES` (agent-chat messages) or a trades feed


KINDS = {
    kind.model or "builtin": kind
    for kind in (
        Kind("built-in schema (websocket-message)", None, "agent"),
        Kind("plain model, float timestamp", "Plain", "agent"),
        Kind("alias_generator + populate_by_name", "Camel", "camel"),
        Kind("AliasChoices", "Choices", "choices"),
        Kind("strict model", "StrictModel", "agent"),
        Kind("field validator on the timestamp", "Validated", "agent"),
        Kind("discriminated union, time in members", "Feed", "feed"),
        Kind("nested, data.trades[*].time", "TradesEvent", "fills"),
    )
}


def model_options(kind: Kind) -> list[str]:
    """The options that give wsfix the model of `kind`."""
    return ["--model", f"{MODELS_FILE}:{kind.model}"] if kind.model else ["--schema", "websocket-message"]


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))
    from run import Command, measure_all, run_process, wsfix

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=200_000, help="lines per capture (default 200,000)")
    parser.add_argument("--broken", type=float, default=0.1, help="fraction of broken lines (default 0.1)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per figure; the median is shown")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--only", type=lambda text: text.split(","), default=list(KINDS), help=f"kinds, of {', '.join(KINDS)}"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "wsfix-bench-models",
        help="where the generated captures go (default $TMPDIR/wsfix-bench-models)",
    )
    args = parser.parse_args(argv)
    kinds = [KINDS[name] for name in args.only]
    args.workdir.mkdir(parents=True, exist_ok=True)

    paths = {}
    for kind in kinds:
        schema = subprocess.run(wsfix("schema", *model_options(kind)), capture_output=True, text=True, check=True)
        paths[kind] = schema.stdout.strip().splitlines()[-1].removeprefix("Checked by: ")

    rates: dict[tuple[Kind, float], tuple[float, float]] = {}  # (kind, broken) -> (wsfix, floor) lines/s
    for broken in (args.broken, 0.0):
        commands = []
        for number, kind in enumerate(kinds):
            path = args.workdir / f"{kind.shape}-{args.lines}-{broken:g}-{args.seed}.jsonl"
            broken_lines = write_capture(path, kind.shape, args.lines, broken, args.seed)
            check = wsfix("check", str(path), *model_options(kind), "--jobs", "1", "--no-progress")
            if broken_lines:  # a clean capture must exit 0 when timed
                _expect_findings(kind, check, broken_lines)
            floor = _FLOOR.format(
                setup=_LOAD.format(path=str(MODELS_FILE), name=kind.model) if kind.model else _BUILT_IN
            )
            commands.append(Command(f"{number} floor", [sys.executable, "-c", floor, str(path)], args.lines))
            commands.append(Command(f"{number} wsfix", check, args.lines, ok=(1,) if broken_lines else (0,)))
        results = {result.name: result for result in measure_all(commands, args.rounds)}
        for number, kind in enumerate(kinds):
            seconds = results[f"{number} wsfix"].seconds, results[f"{number} floor"].seconds
            rates[kind, broken] = (args.lines / seconds[0], args.lines / seconds[1])
    print(f"**{args.lines:,} lines per capture, median of {args.rounds}**\n")
    print(f"| model kind | checked by | clean lines/s | × floor | {args.broken:.0%} broken lines/s | × floor |")
    print("|---|---|---:|---:|---:|---:|")
    for kind in kinds:
        cells = [kind.title, short_path(paths[kind])]
        for broken in (0.0, args.broken):
            rate, floor_rate = rates[kind, broken]
            cells += [f"{rate:,.0f}", f"{rate / floor_rate:.2f}"]
        print("| " + " | ".join(cells) + " |")
    print("\nChecked by (`wsfix schema`, last line):\n")
    for kind, path in paths.items():
        print(f"* {kind.title}: {path}")
    # The start-up every wsfix figure includes (typer, pydantic, building the validators).
    one = args.workdir / "one-line.jsonl"
    one.write_bytes(b'{"type":"ping","timestamp":1757350201.5}\n')
    start = statistics.median(run_process(wsfix("check", str(one)))[0] for _ in range(args.rounds))
    print(f"\n`wsfix check` on a one-line file: {start * 1000:.0f} ms (median of {args.rounds}), in every wsfix figure")
    return 0


# The broken forms: those of `generate.py` that are timestamps.
_NOT_TIMESTAMPS = ("unknown-type", "invalid-json", "blank")
_VALID = re.compile(rb"17\d{8}(\.\d+)?")

_BUILT_IN = "from wsfix.schema import WebSocketMessage as Model"
_LOAD = """
import importlib.util
spec = importlib.util.spec_from_file_location("wsfix_bench_models", {path!r})
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
Model = module.{name}
"""
_FLOOR = """
import sys
from pydantic import ValidationError
{setup}
validate = Model.__pydantic_validator__.validate_json
with open(sys.argv[1], "rb") as f:
    for line in f:
        try:
            validate(line)
        except ValidationError:
            pass
"""


def short_path(path: str) -> str:
    """The path of `wsfix schema`'s sentence, in a few words."""
    if path.startswith("the fast probe: the model's fields as a typed dict"):
        return "fast probe (typed dict)"
    if path.startswith("the fast probe"):
        return "fast probe (model's validator)"
    return "model's own validator"


# The agent-chat captures of `generate.py`, their timestamp key renamed for the model.
_RENAMES = {
    "agent": (),
    "camel": (
        (b'"timestamp":', b'"sentAt":'),
        (b'"message_id":', b'"messageId":'),
        (b'"user_id":', b'"userId":'),
        (b'"thread_id":', b'"threadId":'),
    ),
    "choices": ((b'"timestamp":', b'"ts":'),),  # every other line: both producers
}


def write_capture(path: Path, shape: str, lines: int, broken: float, seed: int) -> set[int]:
    """Write a capture of records of `shape`, `broken` of them with a bad timestamp, and return the
    numbers of those lines (1-based). The same seed gives the same file."""
    import generate

    mix = {form: weight for form, weight in generate.DEFAULT_MIX.items() if form not in _NOT_TIMESTAMPS}
    rng = random.Random(seed)
    forms, weights = list(mix), list(mix.values())
    broken_lines: set[int] = set()
    out = []
    if shape in _RENAMES:
        # The generator does not say which lines it broke: they are those whose timestamp is not
        # spelled as its valid ones are (plain seconds, ten digits and a fraction).
        for number, line in enumerate(generate.generate(lines=lines, broken=broken, mix=mix, seed=seed), 1):
            stamp = line[line.index(b'"timestamp":') + 12 :].split(b",", 1)[0].rstrip(b"}\n")
            if not _VALID.fullmatch(stamp):
                broken_lines.add(number)
            for old, new in _RENAMES[shape] if shape != "choices" or number % 2 else ():
                line = line.replace(old, new, 1)
            out.append(line)
    else:
        seconds = 1757350200.0
        for number in range(1, lines + 1):
            seconds += rng.random() * 0.05
            bad = rng.random() < broken
            if bad:
                broken_lines.add(number)
            out.append(_trades_line(rng, shape, seconds, forms, weights, bad) + b"\n")
    path.write_bytes(b"".join(out))
    return broken_lines


def _trades_line(
    rng: random.Random, shape: str, seconds: float, forms: list[str], weights: list[float], bad: bool
) -> bytes:
    """A record of a trades feed: one trade or quote (`feed`), or an event with 1-4 trades (`fills`),
    `bad`: one of its timestamps of a form drawn from `forms`."""
    import generate

    symbol = rng.choice(("BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"))
    price = f"{rng.uniform(10, 70000):.2f}"

    def stamp(delta: float) -> str:
        return f"{seconds + delta:.6f}"

    if shape == "feed":
        time = generate.bad_timestamp(rng, rng.choices(forms, weights)[0], seconds) if bad else stamp(0)
        if rng.random() < 0.5:
            return (
                f'{{"type":"trade","symbol":"{symbol}","id":{rng.getrandbits(40)},"price":"{price}",'
                f'"qty":"{rng.uniform(0, 5):.5f}","side":"{rng.choice(("buy", "sell"))}","time":{time}}}'
            ).encode()
        return (
            f'{{"type":"quote","symbol":"{symbol}","bid":"{price}","ask":"{float(price) + 0.01:.2f}","time":{time}}}'
        ).encode()
    count = rng.randint(1, 4)
    wrong = rng.randrange(count) if bad else -1
    trades = ",".join(
        f'{{"price":"{price}","qty":"{rng.uniform(0, 5):.5f}","side":"{rng.choice(("buy", "sell"))}","time":'
        + (
            generate.bad_timestamp(rng, rng.choices(forms, weights)[0], seconds)
            if index == wrong
            else stamp(index / 1000)
        )
        + "}"
        for index in range(count)
    )
    return (
        f'{{"channel":"trades","sequence":{rng.getrandbits(32)},"data":{{"symbol":"{symbol}","trades":[{trades}]}}}}'
    ).encode()


def _expect_findings(kind: Kind, check: list[str], broken_lines: set[int]) -> None:
    """wsfix must find exactly one problem on each broken line and none elsewhere: the figures are
    of a check that does what it says."""
    result = subprocess.run([*check, "--output-format", "jsonl"], capture_output=True, text=True)
    lines = sorted(json.loads(row)["line"] for row in result.stdout.splitlines())
    if result.returncode != (1 if broken_lines else 0) or lines != sorted(broken_lines):
        raise SystemExit(
            f"{kind.title}: wsfix check exited {result.returncode} with findings on lines {lines[:10]}..., "
            f"broken lines {sorted(broken_lines)[:10]}...: {result.stderr.strip()}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
