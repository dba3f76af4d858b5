"""Linting and repairing captures inside a Dask pipeline with `wsfix.lint_lines`.

Run: python examples/dask_pipeline.py   (needs the dask extra: pip install "wsfix[dask]")

Each partition of the bag is one whole file (`blocksize=None`), so the line numbers are the
file's. The same functions work on a cluster (`dask.distributed.Client("tcp://scheduler:8786")`,
then `.compute()` without `scheduler=`) and on object storage (`db.read_text("s3://bucket/*.jsonl.gz",
...)` with the cloud extra). In PySpark the same function goes to `mapPartitions`:

    rdd = spark.sparkContext.textFile("s3a://bucket/captures/one.jsonl")  # lines without their \\n
    codes = rdd.mapPartitions(lambda lines: [p.code for p in lint_lines(lines).problems]).collect()
"""

from __future__ import annotations

import os

import dask.bag as db

from wsfix import lint_lines

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURE = os.path.join(HERE, "agent-session.jsonl")
REPAIRED = os.path.join(HERE, "agent-session.repaired.jsonl")


def findings(rows: list[tuple[str, str]]) -> list[str]:
    """A partition of (line, path) rows -> one `file:line: code` text per finding."""
    rows = list(rows)
    if not rows:
        return []
    path = rows[0][1]
    found = lint_lines((line for line, _ in rows), path=path)
    return [f"{os.path.basename(problem.path)}:{problem.line}: {problem.code}" for problem in found.problems]


def repaired(lines: list[str]) -> list[str | bytes]:
    """A partition of lines -> the same lines repaired (each as it was when it needed nothing)."""
    result = lint_lines(lines, repair=True).repaired
    assert result is not None
    return result


if __name__ == "__main__":
    # scheduler="sync" keeps the example quick; leave it out to use Dask's processes or a cluster.
    bag = db.read_text(CAPTURE, blocksize=None, include_path=True)
    for text in bag.map_partitions(findings).compute(scheduler="sync"):
        print(text)
    lines = db.read_text(CAPTURE, blocksize=None).map_partitions(repaired).compute(scheduler="sync")
    with open(REPAIRED, encoding="utf-8", newline="") as stream:
        expected = stream.read()
    print(f"{len(lines)} lines; the same as wsfix repair writes: {''.join(map(str, lines)) == expected}")
