"""What write-behind (`wsfix.output.AtomicFile`) does to `wsfix repair`'s time: an A/B in one run.

    python benchmarks/write_behind.py [--lines 1000000] [--broken 0.1] [--rounds 5] [--workdir DIR]

Runs `wsfix repair --in CAPTURE --out F --force` at --jobs 1 and 2, each in a fresh process, the
variants interleaved round by round, with write-behind

- none: write, then fsync (the kernel writes everything at the fsync);
- start: every 8 MiB, the kernel is asked to start writing what came since (POSIX_FADV_DONTNEED);
- start+drop: as start, and the stretch before, written by then, is dropped from memory (wsfix).

The variants are made by replacing `AtomicFile._write_behind` in the measured process. Prints the
median wall time, and the system time of the process and its workers. Linux only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import capture  # noqa: E402

# The measured process: wsfix's command line with `_write_behind` replaced as `mode` says.
_VARIANT = """
import contextlib, os, sys
import wsfix.cli, wsfix.output
mode = sys.argv.pop(1)

def start_only(self):
    self.stream.flush()
    with contextlib.suppress(OSError):
        os.posix_fadvise(self.stream.fileno(), self._handed_over, self._written - self._handed_over,
                         os.POSIX_FADV_DONTNEED)
    self._handed_over = self._written

if mode == "none":
    wsfix.output.AtomicFile._write_behind = lambda self: None
elif mode == "start":
    wsfix.output.AtomicFile._write_behind = start_only
sys.argv[0] = "wsfix"
wsfix.cli.main()
"""
VARIANTS = ("none", "start", "start+drop")


def run_once(argv: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"exit status {os.waitstatus_to_exitcode(status)} from {' '.join(argv)}")
    return time.perf_counter() - start, usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--broken", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workdir", default=".")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    source = capture(workdir, args.lines, args.broken, args.seed)
    out = workdir / "write-behind-repaired.jsonl"
    env_free = {
        key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")
    }
    os.environ.clear()
    os.environ.update(env_free)
    runs: dict[tuple[int, str], list[tuple[float, float]]] = {}
    for round_number in range(args.rounds):
        for jobs in (1, 2):
            for variant in VARIANTS:
                measured = run_once(
                    [
                        sys.executable,
                        "-P",
                        "-c",
                        _VARIANT,
                        variant,
                        "repair",
                        "--in",
                        str(source),
                        "--out",
                        str(out),
                        "--force",
                        "--no-progress",
                        "--jobs",
                        str(jobs),
                    ]
                )
                runs.setdefault((jobs, variant), []).append(measured)
                print(f"  round {round_number + 1}: --jobs {jobs} {variant}: {measured[0]:.3f} s", file=sys.stderr)
    out.unlink(missing_ok=True)
    print(f"wsfix repair of {source.name}, median of {args.rounds} rounds")
    print("| --jobs | write-behind | wall s | system s |\n|---:|---|---:|---:|")
    for (jobs, variant), measured in runs.items():
        print(
            f"| {jobs} | {variant} | {statistics.median(w for w, _ in measured):.3f} "
            f"| {statistics.median(s for _, s in measured):.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
