"""HAR against JSON Lines: the same messages, checked and repaired, at several sizes (linearity).

    python benchmarks/har.py --sizes 10M,100M --broken 1.0 --rounds 3

For each size, the generated capture's messages are written once as JSON Lines and once as a
Chrome-style HAR (`log.entries[0]._webSocketMessages[]`, pretty-printed as DevTools saves it, each
message's `data` a JSON string); `wsfix check` and `wsfix repair` run on both in fresh processes,
alternating, and the median wall times and peak RSS are printed with the HAR's speed as a fraction
of the JSON Lines speed. Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import parse_size, write_capture  # noqa: E402
from run import capture_time, run_process, wsfix  # noqa: E402


def write_har(messages: Path, target: Path) -> int:
    """A HAR holding each line of `messages` as a sent text message; the number of messages."""
    count = 0
    with open(messages, "rb") as source, open(target, "w", encoding="utf-8") as out:
        out.write(
            '{\n  "log": {\n    "version": "1.2",\n    "creator": {"name": "WebInspector", "version": "537.36"},\n'
        )
        out.write('    "entries": [\n      {\n        "_resourceType": "websocket",\n')
        out.write('        "request": {"method": "GET", "url": "wss://example.test/socket"},\n')
        out.write('        "_webSocketMessages": [\n')
        for index, line in enumerate(source):
            text = line.rstrip(b"\r\n").decode("utf-8", "replace")
            # Seen when it was sent, as a browser records it: its own time (so that the HAR's messages
            # have no more findings than the same lines as JSON Lines, which have no capture time).
            entry = {"type": "send", "time": float(capture_time(line)), "opcode": 1, "data": text}
            out.write(("          " if index == 0 else ",\n          ") + json.dumps(entry))
            count += 1
        out.write("\n        ]\n      }\n    ]\n  }\n}\n")
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda text: [parse_size(part) for part in text.split(",")], default="10M")
    parser.add_argument("--broken", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "wsfix-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"command: python benchmarks/har.py {' '.join(sys.argv[1:])}")
    print()
    print("| capture | messages | MB | check s | check × JSONL | repair s | repair × JSONL | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        lines = args.workdir / f"har-{size}-{args.broken:g}.jsonl"
        if not lines.exists():
            with open(lines, "wb") as out:
                write_capture(out, size=size, broken=args.broken, seed=args.seed)
        har = lines.with_suffix(".har")
        count = write_har(lines, har)
        out = args.workdir / "har-repaired"
        times: dict[tuple[str, str], list[float]] = {}
        peaks: dict[str, float] = {}
        for _ in range(args.rounds):
            for name, path in (("jsonl", lines), ("har", har)):
                for verb in ("check", "repair"):
                    argv = (
                        wsfix("check", str(path), "--no-progress", "--jobs", "1", "--output-format", "concise")
                        if verb == "check"
                        else wsfix(
                            "repair", "--in", str(path), "--out", str(out), "--force", "--no-progress", "--jobs", "1"
                        )
                    )
                    seconds, peak, _ = run_process(argv)
                    times.setdefault((name, verb), []).append(seconds)
                    peaks[name] = max(peaks.get(name, 0.0), peak)
        median = {key: statistics.median(value) for key, value in times.items()}
        for name, path in (("jsonl", lines), ("har", har)):
            check, repair = median[name, "check"], median[name, "repair"]
            print(
                f"| {name} | {count:,} | {path.stat().st_size / 1e6:,.0f} | {check:.2f} | "
                f"{median['jsonl', 'check'] / check:.2f} | {repair:.2f} | {median['jsonl', 'repair'] / repair:.2f} | "
                f"{peaks[name]:.0f} |"
            )
        out.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
