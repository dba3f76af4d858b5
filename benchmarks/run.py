"""Benchmark wsfix against its baselines, in one invocation, on generated captures.

    python benchmarks/run.py                       # 1,000,000 lines, 10% broken, plus a clean copy
    python benchmarks/run.py --lines 200000 --repeat 5 --jobs 2
    python benchmarks/run.py --memory 10M,1G       # also: peak RSS of check/repair on both sizes

Every measured command runs in a fresh subprocess: the time is the wall time of the whole process
(interpreter start-up and imports included, for the baselines as for wsfix), and the peak RSS is
read from `os.wait4` (the largest of the process and its reaped children, e.g. --jobs workers),
both by a small launcher process.
Each figure is the median of --repeat runs. Ratios are to the validation floor measured in the same
invocation on the same file: a bare loop of `WebSocketMessage.__pydantic_validator__.validate_json`.

The table is Markdown, ready for the README. Run it on a quiet machine (`uptime`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import parse_size, write_capture  # noqa: E402

# The baselines: each a bare Python loop over the capture's lines, in its own process.
_LOOP = """
import sys
{setup}
with open(sys.argv[1], "rb") as f:
    for line in f:
        try:
            {call}
        except {errors}:
            pass
"""
# The imports of the loops that validate with the model (the floor's start-up: broken_floor.py).
MODEL_IMPORTS = "from pydantic import ValidationError\nfrom wsfix.schema import WebSocketMessage\n"
BASELINES = {
    "read lines": _LOOP.format(setup="", call="pass", errors="Exception"),
    "orjson.loads per line": _LOOP.format(
        setup="import orjson\nloads = orjson.loads", call="loads(line)", errors="orjson.JSONDecodeError"
    ),
    "validation floor (validate_json per line)": _LOOP.format(
        setup=MODEL_IMPORTS + "validate = WebSocketMessage.__pydantic_validator__.validate_json",
        call="validate(line)",
        errors="ValidationError",
    ),
    "json.loads + model_validate": _LOOP.format(
        setup=MODEL_IMPORTS + "import json\nvalidate = WebSocketMessage.model_validate",
        call="validate(json.loads(line))",
        errors="(ValidationError, ValueError)",
    ),
}
FLOOR = "validation floor (validate_json per line)"


@dataclass
class Measure:
    name: str
    lines: int
    seconds: float  # median wall time
    rss_mb: float  # median peak RSS
    note: str = ""
    rounds: tuple[float, ...] = ()  # wall time in each round, in order


# Runs one command and reports its wall time and peak RSS. A small launcher, because Linux
# carries a parent's peak RSS over into its child at exec time: measured from this process, every
# figure would be at least this process's own peak.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


# Every process runs as on a user's machine: with its bytecode cache, with buffered output.
CHILD_ENV = {
    name: value for name, value in os.environ.items() if name not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")
}


def run_process(argv: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit status) of one fresh process running `argv`."""
    launched = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, *argv], capture_output=True, text=True, check=True, env=CHILD_ENV
    )
    seconds, peak_kb, status = launched.stdout.split()
    return float(seconds), int(peak_kb) / 1024, int(status)


@dataclass
class Command:
    name: str
    argv: list[str]
    lines: int
    ok: tuple[int, ...] = (0,)
    note: str = ""


def measure_all(commands: list[Command], repeat: int) -> list[Measure]:
    """Run every command `repeat` times, round-robin (so that a busy spell on the machine slows
    all of them alike), and keep the median time and RSS of each. Every other round runs them in
    the reverse order, so that of two commands compared (this code and the previous, a capture
    with capture times and without) neither always runs first, nor always after the same one."""
    times: dict[str, list[float]] = {command.name: [] for command in commands}
    peaks: dict[str, list[float]] = {command.name: [] for command in commands}
    for round_number in range(repeat):
        for command in commands if round_number % 2 == 0 else reversed(commands):
            elapsed, peak, code = run_process(command.argv)
            if code not in command.ok:
                raise SystemExit(f"{command.name}: exit status {code} from {' '.join(command.argv)}")
            times[command.name].append(elapsed)
            peaks[command.name].append(peak)
            print(f"  round {round_number + 1}: {command.name}: {elapsed:.3f} s, {peak:.0f} MB", file=sys.stderr)
    return [
        Measure(
            command.name,
            command.lines,
            statistics.median(times[command.name]),
            statistics.median(peaks[command.name]),
            command.note,
            tuple(times[command.name]),
        )
        for command in commands
    ]


# Another interpreter whose installed wsfix is the code to compare with (`--compare`), or None.
PREVIOUS: str | None = None

# What an interpreter runs wsfix with, printed as JSON: the versions of Python and of wsfix's
# run-time dependencies, and whether wsfix is installed editable (`pip install -e`), whose import
# hook costs every process a few milliseconds of start-up.
_ENVIRONMENT = """
import importlib.metadata as metadata, json, platform, sys
def version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
try:
    url = json.loads(metadata.distribution("wsfix").read_text("direct_url.json") or "{}")
except metadata.PackageNotFoundError:
    url = {}
print(json.dumps({
    "python": platform.python_version(),
    **{name: version(name) for name in sys.argv[1:]},
    "editable install": bool(url.get("dir_info", {}).get("editable")),
}))
"""
DEPENDENCIES = ("pydantic", "pydantic-core", "orjson", "typer", "rich")


def environment(python: str) -> dict[str, object]:
    """What `python` runs wsfix with (see `_ENVIRONMENT`)."""
    found = subprocess.run(
        [python, "-P", "-c", _ENVIRONMENT, *DEPENDENCIES], capture_output=True, text=True, check=True, env=CHILD_ENV
    )
    environment: dict[str, object] = json.loads(found.stdout)
    return environment


def environments_differ(this: dict[str, object], previous: dict[str, object]) -> str | None:
    """How the environments of this code and of the previous code differ, or None. Compared, two
    such environments time the difference of their dependencies too: measured, this code
    installed editable in an environment with an older pydantic (2.13) ran a clean `check --jobs
    2` 0.97x as fast as the previous code in a fresh venv, and 1.03x when installed like it."""
    differences = [
        f"{key}: {this.get(key)} here, {previous.get(key)} there" for key in this if this[key] != previous.get(key)
    ]
    return "; ".join(differences) or None


def wsfix(*args: str, python: str | None = None) -> list[str]:
    # -P: the installed wsfix, never a source tree in the current folder (run from a checkout,
    # `-m` would import that, uncompiled).
    return [python or sys.executable, "-P", "-m", "wsfix", *args]


def with_previous(commands: list[Command]) -> list[Command]:
    """Each wsfix command, followed by the same command run by the previous code (`--compare`)."""
    if PREVIOUS is None:
        return commands
    paired = []
    for command in commands:
        paired.append(command)
        if command.name.startswith("wsfix "):
            argv = [PREVIOUS, *command.argv[1:]] if command.argv[0] == sys.executable else command.argv
            paired.append(Command(f"previous: {command.name}", argv, command.lines, command.ok, command.note))
    return paired


def capture(workdir: Path, lines: int, broken: float, seed: int) -> Path:
    """A generated capture, made once per (lines, broken, seed) and kept in `workdir`."""
    path = workdir / f"capture-{lines}-{broken:g}-{seed}.jsonl"
    if not path.exists():
        print(f"generating {path} ...", file=sys.stderr)
        partial = path.with_suffix(".partial")
        with open(partial, "wb") as out:
            write_capture(out, lines=lines, broken=broken, seed=seed)
        partial.rename(path)
    return path


# Every output format but the table (`full`, the default): the plain `wsfix check` rows are its.
OUTPUT_FORMATS = ("concise", "json", "jsonl", "sarif", "github", "gitlab", "junit")


# A log line's leading time is when the capture saw it: here the line's own timestamp as written
# (the last plain one for a line whose timestamp is broken), so that clean lines stay clean.
_STAMP = re.compile(rb'"timestamp":(\d{10}(?:\.\d+)?)[,}]')
_last_stamp = [b"1757350201.118783"]


def capture_time(line: bytes) -> bytes:
    """When the capture saw `line`: its own plain timestamp, or the last one seen before it."""
    found = _STAMP.search(line)
    if found is not None:
        _last_stamp[0] = found.group(1)
    return _last_stamp[0]


def prefixed_line(line: bytes) -> bytes:
    """A capture line as cryptofeed logs it: `<capture time>: {...}` (capture times present)."""
    if not line.strip():
        return line
    return capture_time(line) + b": " + line


def untimed_line(line: bytes) -> bytes:
    """The same line after a prefix that holds no time: the same work, without capture times. The
    prefix is as long as a capture time's on average (18 bytes), so both captures are the same size."""
    return b"ws recv (feed A): " + line if line.strip() else line


def enveloped_line(line: bytes) -> bytes:
    body = line.rstrip(b"\r\n")
    return b'{"received_at":1757350201.5,"data":' + body + b"}" + line[len(body) :] if body else line


def converted(path: Path, make: Callable[[bytes], bytes], name: str) -> Path:
    """`path` with each line rewritten by `make`, made once and kept beside it."""
    target = path.with_name(f"{path.stem}-{name.replace(' ', '-')}.log")
    if not target.exists():
        partial = target.with_suffix(".partial")
        with open(path, "rb") as source, open(partial, "wb") as out:
            for line in source:
                out.write(make(line))
        partial.rename(target)
    return target


def count_lines(path: Path) -> int:
    with open(path, "rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))


def bench_capture(
    path: Path,
    jobs: int,
    repeat: int,
    workdir: Path,
    schema_sample: int,
    output_formats: tuple[str, ...] = (),
    extra: tuple[str, ...] = (),
) -> list[Measure]:
    """The baselines and wsfix on `path`; `output_formats`: also `check --output-format F` for each,
    with `--jobs 1` and `--jobs N`; `extra`: options given to every wsfix command (`--format
    prefixed`)."""
    lines = count_lines(path)
    print(f"{path.name}: {lines:,} lines, {path.stat().st_size / 1e6:.0f} MB", file=sys.stderr)
    commands = [Command(name, [sys.executable, "-c", code, str(path)], lines) for name, code in BASELINES.items()]
    out = workdir / "repaired.jsonl"
    wsfix_commands = []
    for job_count in dict.fromkeys((1, jobs)):
        wsfix_commands.append(
            Command(
                f"wsfix check --jobs {job_count}",
                wsfix("check", str(path), *extra, "--jobs", str(job_count), "--no-progress"),
                lines,
                ok=(0, 1),
            )
        )
    for output_format in output_formats:
        for job_count in dict.fromkeys((1, jobs)):
            wsfix_commands.append(
                Command(
                    f"wsfix check --output-format {output_format} --jobs {job_count}",
                    wsfix(
                        "check",
                        str(path),
                        *extra,
                        "--output-format",
                        output_format,
                        "--jobs",
                        str(job_count),
                        "--no-progress",
                    ),
                    lines,
                    ok=(0, 1),
                )
            )
    for job_count in dict.fromkeys((1, jobs)):
        wsfix_commands.append(
            Command(
                f"wsfix repair --jobs {job_count}",
                wsfix(
                    "repair",
                    "--in",
                    str(path),
                    "--out",
                    str(out),
                    "--force",
                    *extra,
                    "--jobs",
                    str(job_count),
                    "--no-progress",
                ),
                lines,
                ok=(0, 1),
            )
        )
    commands += with_previous(wsfix_commands)
    results = measure_all(commands, repeat)
    out.unlink(missing_ok=True)
    results.insert(len(BASELINES), check_jsonschema(path, workdir, schema_sample, repeat))
    return results


def capture_time_cost(without: Path, with_times: Path, jobs: int, repeat: int, lines: int) -> str:
    """What capture times cost: the clean capture as prefixed log lines whose prefix is a capture
    time, against the same lines after a prefix of the same length without one, each wsfix
    command on both files in the same round (one right after the other), so that the machine's
    drift touches both alike; the ratio per round and of the medians."""
    commands = []
    for path, label in ((without, "without"), (with_times, "with")):
        for command in ("check", "repair"):
            for job_count in dict.fromkeys((1, jobs)):
                out = ("--out", str(path.with_suffix(".repaired")), "--force") if command == "repair" else ()
                source = ("--in", str(path)) if command == "repair" else (str(path),)
                argv = wsfix(command, *source, *out, "--format", "prefixed", "--jobs", str(job_count), "--no-progress")
                commands.append(Command(f"wsfix {command} --jobs {job_count} [{label}]", argv, lines, ok=(0, 1)))
    # Interleaved: each command on one file, then on the other, round after round.
    half = len(commands) // 2
    interleaved = [command for pair in zip(commands[:half], commands[half:], strict=True) for command in pair]
    results = {result.name: result for result in measure_all(interleaved, repeat)}
    for path in (without, with_times):
        path.with_suffix(".repaired").unlink(missing_ok=True)
    rows = [
        f"**{lines:,} clean lines as prefixed log lines, with capture times in the prefix / without** "
        f"(speed; each command on both files in every round)",
        "",
        "| run | without s | with s | with / without | per round, lowest first |",
        "|---|---:|---:|---:|---|",
    ]
    for command in commands[:half]:
        name = command.name.removesuffix(" [without]")
        alone, timed = results[command.name], results[f"{name} [with]"]
        per_round = sorted(a / b for a, b in zip(alone.rounds, timed.rounds, strict=True))
        rows.append(
            f"| {name} | {alone.seconds:.2f} | {timed.seconds:.2f} | {alone.seconds / timed.seconds:.2f}× | "
            f"{', '.join(f'{ratio:.2f}' for ratio in per_round)} |"
        )
    return "\n".join(rows)


def check_jsonschema(path: Path, workdir: Path, sample: int, repeat: int) -> Measure:
    """check-jsonschema (if installed) on `sample` lines, one document per file as it expects."""
    name = "check-jsonschema"
    tool = shutil.which("check-jsonschema") or shutil.which("check-jsonschema", path=os.path.dirname(sys.executable))
    if tool is None:
        return Measure(name, 0, 0.0, 0.0, "not installed: skipped")
    from wsfix.schema import WebSocketMessage

    folder = Path(tempfile.mkdtemp(dir=workdir, prefix="documents-"))
    try:
        schema = folder / "schema.json"
        schema.write_text(json.dumps(WebSocketMessage.model_json_schema()))
        documents = []
        with open(path, "rb") as stream:
            for index, line in enumerate(stream):
                if index >= sample:
                    break
                document = folder / f"{index}.json"
                document.write_bytes(line)
                documents.append(str(document))
        [result] = measure_all(
            [
                Command(
                    name,
                    [tool, "--schemafile", str(schema), *documents],
                    len(documents),
                    ok=(0, 1),
                    note=f"{len(documents):,} lines, one file each",
                )
            ],
            repeat,
        )
    finally:
        shutil.rmtree(folder)
    # Its rounds are not the floor's (it runs apart, on its own sample): none to pair with them.
    return dataclasses.replace(result, rounds=())


def startup(workdir: Path, repeat: int) -> tuple[float, float, float]:
    """Median wall times of the import baseline, of the typer + pydantic floor
    (`startup_floor.py`: no wsfix code) and of `wsfix check`, each on a one-line file."""
    one = workdir / "one-line.jsonl"
    one.write_bytes(b'{"type":"ping","timestamp":1757350201.5}\n')
    commands = (
        [sys.executable, "-c", "import typer, rich, orjson; from pydantic import BaseModel"],
        [sys.executable, str(Path(__file__).with_name("startup_floor.py")), str(one)],
        wsfix("check", str(one)),
    )
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):  # interleaved, so that load changes hit all alike
        for command, acc in zip(commands, times, strict=True):
            acc.append(run_process(command)[0])
    base, floor, check = (statistics.median(acc) for acc in times)
    return base, floor, check


def memory(workdir: Path, sizes: list[int], jobs: int, seed: int) -> list[tuple[str, list[float]]]:
    """Peak RSS (MB) of check and repair at --jobs 1 and N on captures of each size."""
    files = []
    for size in sizes:
        path = workdir / f"memory-{size}-{seed}.jsonl"
        if not path.exists():
            print(f"generating {path} ...", file=sys.stderr)
            with open(path, "wb") as out:
                write_capture(out, size=size, broken=0.1, seed=seed)
        files.append(path)
    out = workdir / "repaired.jsonl"
    rows = []
    for job_count in dict.fromkeys((1, jobs)):
        for command in ("check", "check --output-format concise", "repair"):
            peaks = []
            for path in files:
                if command == "repair":
                    argv = wsfix("repair", "--in", str(path), "--out", str(out), "--force")
                else:
                    argv = wsfix(*command.split(), str(path))
                _, peak, _ = run_process([*argv, "--jobs", str(job_count), "--no-progress"])
                peaks.append(peak)
                print(f"  {command} --jobs {job_count} {path.name}: {peak:.0f} MB", file=sys.stderr)
            rows.append((f"wsfix {command} --jobs {job_count}", peaks))
    out.unlink(missing_ok=True)
    return rows


def against_previous(results: list[Measure]) -> str:
    """Each wsfix row's speed against the previous code's (`--compare`): the ratio of the medians,
    and the ratios within each round (the previous code runs right after this code's command, so
    a drift of the machine's speed touches both alike)."""
    by_name = {result.name: result for result in results}
    parts = []
    for result in results:
        previous = by_name.get(f"previous: {result.name}")
        if previous is not None:
            paired = sorted(before / now for before, now in zip(previous.rounds, result.rounds, strict=True))
            parts.append(
                f"{result.name.removeprefix('wsfix ')} {previous.seconds / result.seconds:.2f}× "
                f"(per round, lowest first: {', '.join(f'{ratio:.2f}' for ratio in paired)})"
            )
    return "**this code / previous code** (speed): " + "; ".join(parts) if parts else ""


def table(title: str, results: list[Measure]) -> str:
    """The results as a Markdown table. "× floor" is the ratio of the medians; "per round" the
    lowest and highest ratio of a run to the floor of the same round: the machine's speed drifts
    within minutes (a whole round of the all-broken capture takes two), and the spread says how
    far that moved the figure."""
    floor = next(result for result in results if result.name == FLOOR)
    floor_rate = floor.lines / floor.seconds
    rows = [
        f"**{title}**",
        "",
        "| run | lines/s | × floor | per round | wall s | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        if not result.lines:
            rows.append(f"| {result.name} | — | — | — | — | — ({result.note}) |")
            continue
        rate = result.lines / result.seconds
        name = f"{result.name} ({result.note})" if result.note else result.name
        rows.append(
            f"| {name} | {rate:,.0f} | {rate / floor_rate:.2f} | {per_round(result, floor)} | "
            f"{result.seconds:.2f} | {result.rss_mb:.0f} |"
        )
    return "\n".join(rows)


def per_round(result: Measure, floor: Measure) -> str:
    """`lowest–highest` of `result`'s speed against the floor's in each round, or — where its
    rounds are not the floor's."""
    if not result.rounds or len(result.rounds) != len(floor.rounds):
        return "—"
    ratios = [
        (result.lines / seconds) / (floor.lines / floor_seconds)
        for seconds, floor_seconds in zip(result.rounds, floor.rounds, strict=True)
    ]
    return f"{min(ratios):.2f}–{max(ratios):.2f}"


def speedups(results: list[Measure], jobs: int) -> str:
    """`--jobs N` against `--jobs 1` for check and repair: the ratio of the medians, and the
    ratios within each round (both ran minutes apart at most: a drift of the machine's speed
    touches both alike)."""
    by_name = {result.name: result for result in results}
    parts = []
    for command in ("check", "repair"):
        one, many = by_name.get(f"wsfix {command} --jobs 1"), by_name.get(f"wsfix {command} --jobs {jobs}")
        if one is None or many is None or one is many:
            continue
        paired = sorted(alone / together for alone, together in zip(one.rounds, many.rounds, strict=True))
        parts.append(
            f"{command} {one.seconds / many.seconds:.2f}× (per round, lowest first: "
            f"{', '.join(f'{ratio:.2f}' for ratio in paired)})"
        )
    return f"**--jobs {jobs} / --jobs 1**: " + "; ".join(parts) if parts else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines per capture (default 1,000,000)")
    parser.add_argument("--broken", type=float, default=0.1, help="fraction of broken lines (default 0.1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="N for the --jobs N runs (default: the CPU count)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is shown")
    parser.add_argument(
        "--schema-sample", type=int, default=10_000, help="lines given to check-jsonschema (one file each; it is slow)"
    )
    parser.add_argument("--startup-repeat", type=int, default=20)
    parser.add_argument(
        "--memory",
        type=lambda text: [parse_size(part) for part in text.split(",")],
        default=None,
        help="sizes for the memory runs, e.g. 10M,1G (default: skipped)",
    )
    parser.add_argument(
        "--all-broken",
        action="store_true",
        help="also a capture where every line is broken, checked with every output format",
    )
    parser.add_argument(
        "--formats",
        action="store_true",
        help="also the captures as prefixed log lines and in an envelope (--message-path data)",
    )
    parser.add_argument(
        "--capture-times",
        action="store_true",
        help="also what capture times cost: the clean capture as prefixed log lines with and without a capture "
        "time in the prefix, both measured in every round",
    )
    parser.add_argument(
        "--compare",
        metavar="PYTHON",
        help="an interpreter whose installed wsfix is the previous code: every wsfix row runs with it too",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "wsfix-bench",
        help="where generated captures are kept between runs",
    )
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    global PREVIOUS
    PREVIOUS = args.compare
    if PREVIOUS is not None:
        differences = environments_differ(environment(sys.executable), environment(PREVIOUS))
        if differences is not None:
            parser.error(
                f"--compare: the two environments differ ({differences}); install each code in a venv of "
                "its own with the same dependencies, not editable (python -m venv DIR; DIR/bin/pip install "
                "CHECKOUT), and run this script with one venv's python and --compare the other's"
            )

    import pydantic

    print(f"command: python benchmarks/run.py {' '.join(argv if argv is not None else sys.argv[1:])}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f} at start; Python {platform.python_version()}, "
        f"pydantic {pydantic.VERSION}"
    )
    print()
    broken = capture(args.workdir, args.lines, args.broken, args.seed)
    clean = capture(args.workdir, args.lines, 0.0, args.seed)
    runs: list[tuple[str, Path, tuple[str, ...], tuple[str, ...]]] = [
        (f"{args.broken:.0%} broken", broken, (), ()),
        ("clean", clean, (), ()),
    ]
    if args.all_broken:
        every = capture(args.workdir, args.lines, 1.0, args.seed)
        runs.append(("every line broken", every, OUTPUT_FORMATS, ()))
    if args.formats:
        for name, make, extra in (
            ("prefixed log lines", prefixed_line, ("--format", "prefixed")),
            ("an envelope", enveloped_line, ("--message-path", "data")),
        ):
            for title, path in ((f"{args.broken:.0%} broken", broken), ("clean", clean)):
                runs.append((f"{title}, as {name}", converted(path, make, name), (), extra))
    paired = None
    if args.capture_times:
        paired = [
            converted(clean, make, name)
            for name, make in (
                ("prefixed log lines without capture times", untimed_line),
                ("prefixed log lines with capture times", prefixed_line),
            )
        ]
    for title, path, output_formats, extra in runs:
        results = bench_capture(path, args.jobs, args.repeat, args.workdir, args.schema_sample, output_formats, extra)
        size = path.stat().st_size
        print(
            table(f"{args.lines:,} lines, {title} ({size / 1e6:.0f} MB, {size / args.lines:.0f} bytes/line)", results)
        )
        print()
        if args.jobs > 1:
            print(speedups(results, args.jobs))
            print()
        if PREVIOUS is not None:
            print(against_previous(results))
            print()
    if paired is not None:
        print(capture_time_cost(*paired, args.jobs, args.repeat, args.lines))
        print()
    base, floor, check = startup(args.workdir, args.startup_repeat)
    print(
        f'**Start-up** (median of {args.startup_repeat}): `python -c "import typer, rich, orjson; '
        f'from pydantic import BaseModel"` {base * 1000:.0f} ms; `wsfix check one-line.jsonl` '
        f"{check * 1000:.0f} ms ({check / base:.2f}×); for comparison, a typer + pydantic "
        f"command with no wsfix code (`benchmarks/startup_floor.py`) {floor * 1000:.0f} ms "
        f"({floor / base:.2f}×)"
    )
    if args.memory:
        print()
        rows = memory(args.workdir, args.memory, args.jobs, args.seed)
        sizes = [f"{size / 1e6:,.0f} MB" for size in args.memory]
        print("**Peak RSS by input size** (MB, largest process)")
        print()
        print("| run | " + " | ".join(sizes) + " |")
        print("|---|" + "---:|" * len(sizes))
        for name, peaks in rows:
            print(f"| {name} | " + " | ".join(f"{peak:.0f}" for peak in peaks) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
