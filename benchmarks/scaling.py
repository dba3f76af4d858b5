"""The machine's own ceiling for `--jobs 2`: the validation floor's loop run alone, then twice at
once in two processes. On two real cores the pair takes as long as one; hyper-threads, a shared
cache or a busy host make it take longer, and no program can go faster on two processes than
`2 × alone / pair` times one.

    python benchmarks/scaling.py CAPTURE [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

LOOP = """
import sys
from wsfix.schema import WebSocketMessage
validate = WebSocketMessage.__pydantic_validator__.validate_json
for line in open(sys.argv[1], "rb"):
    try:
        validate(line)
    except ValueError:
        pass
"""


def timed(count: int, path: str) -> float:
    """Wall seconds until `count` copies of the loop, started together, have all ended."""
    start = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-c", LOOP, path]) for _ in range(count)]
    for process in processes:
        process.wait()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    alone, pair = [], []
    for _ in range(args.rounds):  # interleaved, so that load changes hit both alike
        alone.append(timed(1, args.capture))
        pair.append(timed(2, args.capture))
    one, two = statistics.median(alone), statistics.median(pair)
    print(
        f"one loop {one:.2f} s; two at once {two:.2f} s; ceiling for two processes "
        f"{2 * one / two:.2f}x one (median of {args.rounds})"
    )


if __name__ == "__main__":
    main()
