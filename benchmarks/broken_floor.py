"""What a capture whose every line is broken costs at the least, beside the validation floor.

    python benchmarks/generate.py --lines 200000 --broken 1 -o broken.jsonl
    python benchmarks/broken_floor.py broken.jsonl [--rounds 5]
    python benchmarks/broken_floor.py broken.jsonl --runs concise,json,sarif,repair [--jobs 2]

Times three loops over the capture's lines, in one process, alternating, start-up left out:

* the validation floor (`run.py`'s): `validate_json` of the default model, its error caught;
* the least pass of wsfix's design that can say what is wrong with a broken timestamp, as
  `Linter.lint_chunk` takes a capture whose records are mostly refused: wsfix's own validation
  call that reads the timestamp's value with every other field checked (`Probe.read_values`),
  the probe's verdict on the value (a number inside the plausible window passes: lax pydantic
  takes `"1.5"`, `true` and milliseconds as seconds), the value's reading by the conversion core
  (`timestamps.classify`), and where the member starts in the line (`bytes.find`), kept in a
  tuple. No fix, no message, no column, no tally, no report, no output;
* the least pass with the fix: as the least pass, and for a value that has an instant, what any
  finding with a fix needs besides (a repair, and every report that writes each finding in full):
  where the value sits in the line (`jsontext.last_member`) and the number a repair writes
  (`timestamps.render`), kept in a tuple. Still no message, no column, no rule, no report;
* the same in stages: the records of each piece (as many as `lint_chunk` takes at a time) read
  first, then their values' readings, then the spans, then the numbers, each a loop over the
  piece's values, as `Linter._timestamp_values` works them out. The work is the same; taken
  one value at a time through every call, the code of each call is cold again when the next
  value reaches it.

Prints the microseconds a line of each (median of the rounds) and each pass's speed as a
fraction of the floor's: `wsfix check --jobs 1` on such a capture does all of the least pass and
more, and pays its start-up besides, so it cannot reach a larger fraction of the floor in one
process; `wsfix repair`, and `check` with a format that writes every finding (all but the table
and `github`), do all of the least pass with the fix (staged, the cheapest order measured). Run
it with the Python that has wsfix installed (`pip install .`).

With `--runs`, it also times whole runs in this process, start-up left out: `wsfix check
--output-format NAME --jobs 1` of the capture, its report written to /dev/null (`repair`: a
repaired copy written to a temporary folder). That is all the work `--jobs N` shares among its
processes but their start-up and the trips of chunks and results between them, so `--jobs N`
cannot beat that work split evenly after wsfix's start-up. It times both start-ups as whole
processes (the floor's imports; `wsfix check` of a one-line file), and prints, for each run, the
most `--jobs N` could reach: the floor as a whole process (its start-up and loop) against wsfix's
start-up plus a `N`th of the run's work. Below 0.5 there, no split of this work reaches half the
floor's speed; it takes less work per line.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError
from run import MODEL_IMPORTS  # benchmarks/ is not a package: run.py sits beside this script

from wsfix import cli
from wsfix.jsontext import last_member
from wsfix.linter import Linter
from wsfix.probe import plausible_range
from wsfix.reporters import REPORTERS, ReportOptions, build_reporter
from wsfix.run import RepairTarget, check_captures, repair_capture
from wsfix.schema import WebSocketMessage
from wsfix.settings import Settings
from wsfix.timestamps import Reading, classify, render


def floor(lines: list[bytes]) -> None:
    validate = WebSocketMessage.__pydantic_validator__.validate_json
    for line in lines:
        try:  # noqa: SIM105 - the floor's loop as run.py times it: no context manager a line
            validate(line)
        except ValidationError:
            pass


def _reader() -> tuple[Callable[..., dict[str, object]], float, float]:
    """wsfix's own validation call that reads the timestamp values, and the probe's window.

    Each loop below reads, and sorts out, each record inline, in the same words: a function
    called a record would add its call to what is timed."""
    settings = Settings()
    read = Linter(settings.schema, settings.policy, settings.max_record_memory).read_values
    assert read is not None
    low, high = plausible_range(settings.policy)
    return read, low, high


def least_pass(lines: list[bytes]) -> list[tuple[int, Reading | None]]:
    read, low, high = _reader()
    found: list[tuple[int, Reading | None]] = []
    add = found.append
    for line in lines:
        try:
            value = read(line, strict=True).get("timestamp")
        except Exception:  # noqa: BLE001 - not JSON, or refused for more: not this loop's case
            continue
        cls = value.__class__
        if (cls is float or cls is int) and low <= value < high:
            continue  # the probe takes it
        if value is not None:
            reading = classify(value) if cls is str or cls is int else None
            add((line.find(b'"timestamp"'), reading))
    return found


def least_pass_with_fix(lines: list[bytes]) -> list[tuple[tuple[int, int] | None, str]]:
    read, low, high = _reader()
    found: list[tuple[tuple[int, int] | None, str]] = []
    add = found.append
    for line in lines:
        try:
            value = read(line, strict=True).get("timestamp")
        except Exception:  # noqa: BLE001 - as in least_pass
            continue
        cls = value.__class__
        if (cls is float or cls is int) and low <= value < high:
            continue
        if cls is str or cls is int:
            seconds = classify(value)[1]
            if seconds is not None:
                add((last_member(line, "timestamp")[0], render(seconds)))
    return found


# Records a piece: about as many as `lint_chunk` lints at a time (`capture.PIECE_BYTES` of
# records of about 290 bytes).
PIECE_RECORDS = 450


def least_pass_with_fix_staged(lines: list[bytes]) -> list[tuple[tuple[int, int] | None, str]]:
    read, low, high = _reader()
    found: list[tuple[tuple[int, int] | None, str]] = []
    for at in range(0, len(lines), PIECE_RECORDS):
        refused: list[tuple[bytes, object]] = []
        for line in lines[at : at + PIECE_RECORDS]:
            try:
                value = read(line, strict=True).get("timestamp")
            except Exception:  # noqa: BLE001 - as in least_pass
                continue
            cls = value.__class__
            if (cls is float or cls is int) and low <= value < high:
                continue
            if cls is str or cls is int:
                refused.append((line, value))
        instants = [classify(value)[1] for _, value in refused]
        fixed = [(line, seconds) for (line, _), seconds in zip(refused, instants, strict=True) if seconds is not None]
        spans = [last_member(line, "timestamp")[0] for line, _ in fixed]
        numbers = [render(seconds) for _, seconds in fixed]
        found += zip(spans, numbers, strict=True)
    return found


# --- whole runs, and the most --jobs N could make of them ------------------------------------

RUNS = ("full", *(name for name in REPORTERS if name != "full"), "repair")


def whole_run(capture: Path, name: str, scratch: Path) -> Callable[[], object]:
    """A whole `check --output-format NAME --jobs 1` of `capture` in this process (`repair`: a
    repair into `scratch`), as the command line runs it but for its start-up."""
    settings = Settings()
    if name == "repair":
        target = RepairTarget(str(scratch / "repaired.jsonl"))

        def repair() -> object:
            return repair_capture(str(capture), target, settings, jobs=1)

        return repair

    def check() -> object:
        with open(os.devnull, "w", encoding="utf-8") as out:
            return check_captures([str(capture)], settings, build_reporter(name, out, ReportOptions()), jobs=1)

    return check


# The floor's imports, as run.py's floor process makes them before its loop.
_FLOOR_START = "import sys\n" + MODEL_IMPORTS


def startups(scratch: Path, rounds: int) -> tuple[float, float]:
    """Median wall seconds of the floor's start-up and of `wsfix check` of a one-line file, each
    a whole process, alternating."""
    one = scratch / "one-line.jsonl"
    one.write_bytes(b'{"type":"ping","timestamp":1757350201.5}\n')
    commands = ([sys.executable, "-c", _FLOOR_START], [sys.executable, "-m", "wsfix", "check", str(one)])
    times: list[list[float]] = [[], []]
    for round_number in range(rounds):
        for index in (0, 1) if round_number % 2 == 0 else (1, 0):
            start = time.perf_counter()
            ran = subprocess.run(
                commands[index], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=scratch
            )
            times[index].append(time.perf_counter() - start)
            if ran.returncode != 0:
                raise SystemExit(f"{' '.join(commands[index])} failed ({ran.returncode}): {ran.stderr.strip()}")
    return statistics.median(times[0]), statistics.median(times[1])


def best_split(floor_whole: float, startup: float, work: float, jobs: int) -> float:
    """The most `--jobs N` can reach, × floor: the floor as a whole process (`floor_whole`
    seconds) against wsfix's start-up and then `work` seconds split evenly over `jobs`."""
    return floor_whole / (startup + work / jobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("capture", type=Path, help="a JSON Lines capture (every line broken, for the point)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--runs", default="", help=f"whole runs to time besides, comma-separated, of: {', '.join(RUNS)}"
    )
    parser.add_argument("--jobs", type=int, default=2, help="the processes of the best split (default 2)")
    args = parser.parse_args(argv)
    runs = [name for name in args.runs.split(",") if name]
    unknown = [name for name in runs if name not in RUNS]
    if unknown:
        parser.error(f"unknown run {unknown[0]!r}: choose from {', '.join(RUNS)}")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    lines = args.capture.read_bytes().splitlines()
    if not lines:
        print(f"{args.capture}: no lines", file=sys.stderr)
        return 2
    loops: dict[str, Callable[[list[bytes]], object]] = {
        "validation floor": floor,
        "least pass": least_pass,
        "least pass with the fix": least_pass_with_fix,
        "least pass with the fix, staged": least_pass_with_fix_staged,
    }
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        loops.update({f"whole run: {name}": _whole(whole_run(args.capture, name, scratch)) for name in runs})
        times = _timed(loops, lines, args.rounds)
        floor_start, wsfix_start = startups(scratch, args.rounds) if runs else (0.0, 0.0)
    per_line = {name: statistics.median(seconds) / len(lines) * 1e6 for name, seconds in times.items()}
    print(f"{args.capture} ({len(lines):,} lines), median of {args.rounds} rounds, start-up left out:")
    for name, micros in per_line.items():
        print(f"  {name}: {micros:.2f} µs a line")
    for name in ("least pass", "least pass with the fix", "least pass with the fix, staged"):
        ratio = per_line["validation floor"] / per_line[name]
        print(f"  {name} × floor: {ratio:.2f} (its speed as a fraction of the floor's)")
    if runs:
        floor_whole = floor_start + statistics.median(times["validation floor"])
        print(
            f"start-up, whole processes (median of {args.rounds}): the floor's {floor_start * 1000:.0f} ms, "
            f"wsfix check of one line {wsfix_start * 1000:.0f} ms; the floor as a whole process: {floor_whole:.2f} s"
        )
        print(f"the most --jobs {args.jobs} could reach (wsfix's start-up, then the run's work split evenly), × floor:")
        for name in runs:
            work = statistics.median(times[f"whole run: {name}"])
            print(f"  {name}: {best_split(floor_whole, wsfix_start, work, args.jobs):.2f}")
    return 0


def _whole(run: Callable[[], object]) -> Callable[[list[bytes]], object]:
    """`run` as a loop (the lines are its capture's), with the garbage collector's thresholds
    that the command line sets (`cli._collect_less_often`) while it runs."""

    def loop(_lines: list[bytes]) -> object:
        before = gc.get_threshold()
        cli._collect_less_often()
        try:
            return run()
        finally:
            gc.set_threshold(*before)

    return loop


def _timed(
    loops: dict[str, Callable[[list[bytes]], object]], lines: list[bytes], rounds: int
) -> dict[str, list[float]]:
    """Wall seconds of each loop over `lines`, each round in turn, alternating the order."""
    times: dict[str, list[float]] = {name: [] for name in loops}
    for round_number in range(rounds):
        order = list(loops.items()) if round_number % 2 == 0 else list(loops.items())[::-1]
        for name, loop in order:
            start = time.perf_counter()
            loop(lines)
            times[name].append(time.perf_counter() - start)
    return times


if __name__ == "__main__":
    raise SystemExit(main())
