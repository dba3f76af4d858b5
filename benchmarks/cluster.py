"""`wsfix check` (and `repair`) on a Dask LocalCluster against `--jobs 1` and `--jobs 2`, in one run, on
a generated capture set (several files, half of them gzip'd), with the per-task overhead and what
those figures make of a daily audit of a terabyte on N workers.

    python benchmarks/cluster.py                       # 1 GB in 4 files, 3 rounds, local:2
    python benchmarks/cluster.py --size 200M --files 8 --rounds 5 --workers 2

Every command runs in a fresh process (wall time, start-up and the cluster's start included). The
reports of every run must be byte-identical (JSON output, sha256 compared), and so must the repaired
copies: a difference stops the benchmark. Needs the dask extra (`pip install ".[dask]"`). Run it on
a quiet machine (`uptime`).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate, parse_size  # noqa: E402

TERABYTE = 10**12
TASK_BYTES = 64 << 20  # wsfix.cluster.CLUSTER_CHUNK_BYTES: one task per range of this size


def write_set(folder: Path, size: int, files: int) -> list[Path]:
    """`files` captures of about size / files bytes each; every other one gzip'd."""
    paths = []
    for number in range(files):
        gzipped = number % 2 == 1
        path = folder / f"capture-{number}.jsonl{'.gz' if gzipped else ''}"
        with gzip.open(path, "wb", compresslevel=1) if gzipped else open(path, "wb") as out:
            batch: list[bytes] = []
            for line in generate(size=size // files, broken=0.1, seed=number + 1):
                batch.append(line)
                if len(batch) == 4096:
                    out.write(b"".join(batch))
                    batch.clear()
            out.write(b"".join(batch))
        paths.append(path)
    return paths


def wsfix(*args: str) -> list[str]:
    return [sys.executable, "-P", "-m", "wsfix", *args, "--no-progress"]


def timed(command: list[str]) -> tuple[float, str]:
    """Wall time and the sha256 of standard output."""
    start = time.perf_counter()
    ran = subprocess.run(command, capture_output=True)
    elapsed = time.perf_counter() - start
    if ran.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)}: exit status {ran.returncode}: {ran.stderr.decode().strip()}")
    return elapsed, hashlib.sha256(ran.stdout).hexdigest()


def task_overhead(workers: int, tasks: int, folder: Path) -> tuple[float, float]:
    """(Dask's own cost of a no-op task, wsfix's cost of a task for a one-line capture over
    reading it here), in ms, on a LocalCluster of `workers` processes started here (its start is
    not counted)."""
    from distributed import Client, LocalCluster

    tiny = []
    for number in range(tasks):
        path = folder / f"tiny-{number}.jsonl"
        path.write_bytes(b'{"type":"ping","timestamp":1757350201}\n')
        tiny.append(str(path))
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None, silence_logs=50) as cluster,
        Client(cluster) as client,
    ):
        client.gather(client.map(abs, range(workers * 4)))  # warm
        start = time.perf_counter()
        client.gather(client.map(abs, range(tasks)))
        noop = (time.perf_counter() - start) / tasks
        address = cluster.scheduler_address
        # The slope between 2 captures and `tasks`: the start-up and the connection are fixed costs.
        few, _ = timed(wsfix("check", *tiny[:2], "--dask", address))  # (also: the workers build their linter)
        few, _ = timed(wsfix("check", *tiny[:2], "--dask", address))
        many, _ = timed(wsfix("check", *tiny, "--dask", address))
    few_here, _ = timed(wsfix("check", *tiny[:2], "--jobs", "1"))
    many_here, _ = timed(wsfix("check", *tiny, "--jobs", "1"))
    extra = (many - few) - (many_here - few_here)
    return noop * 1000, max(extra, 0.0) / (tasks - 2) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("1G"), help="the set's size (default 1G)")
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="the LocalCluster's processes (default 2)")
    parser.add_argument("--tasks", type=int, default=200, help="one-line captures for the per-task overhead")
    args = parser.parse_args(argv)
    if args.tasks < 3:
        parser.error("--tasks: 3 or more")
    with tempfile.TemporaryDirectory(prefix="wsfix-cluster-") as name:
        folder = Path(name)
        captures = [str(path) for path in write_set(folder, args.size, args.files)]
        stored = sum(Path(path).stat().st_size for path in captures)
        print(f"{args.files} captures, {args.size / 1e6:,.0f} MB of lines ({stored / 1e6:,.0f} MB stored)")
        runs = {
            "--jobs 1": ["--jobs", "1"],
            "--jobs 2": ["--jobs", "2"],
            f"--dask local:{args.workers}": ["--dask", f"local:{args.workers}"],
        }
        times: dict[str, list[float]] = {label: [] for label in runs}
        digests = set()
        for _ in range(args.rounds):
            for label, extra in runs.items():
                elapsed, digest = timed(wsfix("check", *captures, "--output-format", "json", *extra))
                times[label].append(elapsed)
                digests.add(digest)
        if len(digests) != 1:
            raise SystemExit("the reports differ between runs")
        repaired = set()
        for extra in runs.values():
            out = folder / "repaired.jsonl"
            digest = hashlib.sha256()
            for capture in captures:
                timed(wsfix("repair", "--in", capture, "--out", str(out), "--force", "-q", *extra))
                digest.update(out.read_bytes())
            repaired.add(digest.hexdigest())
        if len(repaired) != 1:
            raise SystemExit("the repaired copies differ between runs")
        print("\n| wsfix check (json) | median s | MB/s | × --jobs 1 |\n|---|---:|---:|---:|")
        base = statistics.median(times["--jobs 1"])
        for label, values in times.items():
            median = statistics.median(values)
            print(f"| {label} | {median:.2f} | {args.size / median / 1e6:,.1f} | {base / median:.2f} |")
        print("\nreports and repaired copies byte-identical across the runs: yes")
        noop, per_task = task_overhead(args.workers, args.tasks, folder)
        print(f"per task: Dask {noop:.2f} ms (a no-op), wsfix {per_task:.1f} ms (a one-line capture, over --jobs 1)")
        cluster_median = statistics.median(times[f"--dask local:{args.workers}"])
        per_worker = args.size / cluster_median / args.workers  # bytes/s, start-up included: pessimistic
        tasks = TERABYTE // TASK_BYTES
        print(f"\n1 TB a day, {per_worker / 1e6:,.1f} MB/s per worker, {tasks:,} tasks of 64 MB:")
        print("| workers | hours | worker-hours |\n|---:|---:|---:|")
        for workers in (1, 10, 100, 1000):
            seconds = TERABYTE / per_worker / workers + tasks * per_task / 1000 / workers
            print(f"| {workers} | {seconds / 3600:.2f} | {seconds * workers / 3600:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
