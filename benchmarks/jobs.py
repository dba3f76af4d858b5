"""`wsfix check` (or `repair`) with `--jobs 1` and `--jobs N` on each capture given, alternating.

    python benchmarks/jobs.py CAPTURE... [--jobs 2] [--rounds 5] [--repair] [--option=--message-path=data]

Prints, per capture, the median wall time of each and their ratio, and the ratio within each
round (lowest first). Shorter than `run.py` (no baselines), for seeing how the speed-up of
`--jobs` grows with the size of the capture as the start-up weighs less. Run it with the Python
that has wsfix installed (`pip install .`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path


def wsfix_command(capture: Path, jobs: int, repair: bool, out: Path, options: Sequence[str] = ()) -> list[str]:
    # -P: the installed wsfix, never a source tree in the current folder.
    if repair:
        args = ["repair", "--in", str(capture), "--out", str(out), "--force"]
    else:
        args = ["check", str(capture)]
    return [sys.executable, "-P", "-m", "wsfix", *args, *options, "--jobs", str(jobs), "--no-progress"]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    ran = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if ran.returncode not in (0, 1):  # 1: findings
        raise SystemExit(f"{' '.join(command)}: exit status {ran.returncode}: {ran.stderr.strip()}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("captures", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="N (default: the CPU count)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repair", action="store_true", help="time wsfix repair instead of check")
    parser.add_argument(
        "--option", action="append", default=[], help="an option for wsfix (repeatable): --option=--message-path=data"
    )
    args = parser.parse_args(argv)
    verb = "repair" if args.repair else "check"
    with tempfile.TemporaryDirectory(prefix="wsfix-jobs-") as folder:
        out = Path(folder) / "repaired.jsonl"
        for capture in args.captures:
            one, many = [], []
            for _ in range(args.rounds):
                one.append(timed(wsfix_command(capture, 1, args.repair, out, args.option)))
                many.append(timed(wsfix_command(capture, args.jobs, args.repair, out, args.option)))
            ratios = sorted(alone / together for alone, together in zip(one, many, strict=True))
            print(
                f"{capture.name} ({capture.stat().st_size / 1e6:,.0f} MB): wsfix {verb} --jobs 1 "
                f"{statistics.median(one):.3f} s, --jobs {args.jobs} {statistics.median(many):.3f} s, "
                f"{statistics.median(one) / statistics.median(many):.2f}× (per round, lowest first: "
                f"{', '.join(f'{ratio:.2f}' for ratio in ratios)})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
