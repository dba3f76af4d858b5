"""Where a wsfix run spends its processor time: the parent process and its workers, apart.

    python benchmarks/cpu_split.py [--rounds 3] -- repair --in capture.jsonl --out fixed.jsonl --force --jobs 2

Each round runs the wsfix command line given after `--` in a fresh process and prints its wall
time, the parent's user and system time, and its workers' (every worker has ended and been waited
for when wsfix leaves). With two CPUs and two workers, whatever the parent spends while the workers
run is taken from them: this shows how much that is. Run it with the Python that has wsfix
installed (`pip install .`).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

# Runs in the measured process: wsfix leaves through os._exit (skipping Python's teardown), so
# the figures are read there, in the parent only (forked workers leave through it too).
_CHILD = """
import os, resource, sys, time
start = time.perf_counter()
parent = os.getpid()
leave = os._exit

def report_and_leave(code):
    if os.getpid() == parent:
        own = resource.getrusage(resource.RUSAGE_SELF)
        workers = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(time.perf_counter() - start, own.ru_utime, own.ru_stime, workers.ru_utime, workers.ru_stime,
              file=sys.stderr)
    leave(code)

os._exit = report_and_leave
sys.argv = ["wsfix", *sys.argv[1:]]
from wsfix.cli import main
main()
"""


def measure(command: list[str]) -> list[float]:
    """(wall, parent user, parent system, workers user, workers system) seconds of one run."""
    ran = subprocess.run(
        [sys.executable, "-P", "-c", _CHILD, *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    figures = ran.stderr.strip().splitlines()[-1].split() if ran.stderr.strip() else []
    if ran.returncode not in (0, 1) or len(figures) != 5:
        raise SystemExit(f"wsfix {' '.join(command)} failed ({ran.returncode}): {ran.stderr.strip()}")
    return [float(figure) for figure in figures]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="wsfix's arguments, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a wsfix command line after --")
    runs = []
    for round_number in range(args.rounds):
        wall, user, system, workers_user, workers_system = measure(command)
        runs.append((wall, user + system, workers_user + workers_system))
        print(
            f"round {round_number + 1}: wall {wall:.3f} s; parent {user:.3f} s user + {system:.3f} s system; "
            f"workers {workers_user:.3f} s user + {workers_system:.3f} s system"
        )
    wall, parent, workers = (statistics.median(run[index] for run in runs) for index in range(3))
    print(
        f"median of {args.rounds}: wall {wall:.3f} s; parent {parent:.3f} s; workers {workers:.3f} s "
        f"(wsfix {' '.join(command)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
