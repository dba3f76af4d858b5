"""wsfix inside a data pipeline: lint (and repair) an iterable of lines, as a partition of a Dask bag
or a Spark RDD is, and get the findings and the repaired lines back as values.

    import dask.bag as db
    from wsfix import lint_lines

    # blocksize=None: one partition per file, so that line numbers are the file's.
    bag = db.read_text("s3://bucket/captures/2026-12-*/*.jsonl.gz", blocksize=None, include_path=True)
    problems = bag.map_partitions(
        lambda rows: lint_lines((line for line, _ in rows), path=rows[0][1] if rows else "").problems
    ).compute()

    # PySpark: rdd.mapPartitions(lambda lines: lint_lines(lines, path="...").problems); with
    # repair=True, .repaired is the partition's lines repaired, one for one.

The lines are JSON Lines records, one per line, as `read_text` gives them (with their `\\n`) or
as Spark's `textFile` does (without): a repaired line keeps the type (str or bytes) and the end of
line its original had. A partition that does not start its file gives line numbers counted from
`first_line` (a pipeline that cuts files into blocks knows no better; whole files know).

Built on the command line's own pieces (`SegmentLinter`, the capture formats, the splice): the
findings and the repaired bytes are those `wsfix check` and `wsfix repair` give for the same lines.
No I/O, no printing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NamedTuple

from wsfix.formats import CaptureFormat
from wsfix.problems import Problem
from wsfix.repair import RepairTally, splice
from wsfix.segment_linter import SegmentLinter
from wsfix.settings import Settings

__all__ = ["LintedLines", "lint_lines"]


class LintedLines(NamedTuple):
    """What `lint_lines` found: the selected problems in order (line, then column), and, if asked
    for, the lines repaired (one for each line given, each as it was when nothing changed) and
    the repair's tally."""

    problems: list[Problem]
    repaired: list[str | bytes] | None = None
    tally: RepairTally | None = None


def lint_lines(
    lines: Iterable[str | bytes],
    path: str = "<lines>",
    first_line: int = 1,
    settings: Settings | None = None,
    repair: bool = False,
) -> LintedLines:
    """Lint `lines` (JSON Lines records; str or bytes, with or without their `\\n`) as lines
    `first_line`… of the capture `path` under `settings` (default: the default schema and policy,
    every rule; see `wsfix.config.build_settings` for settings as the command line makes them).
    With `repair`, also the repaired lines. Raises ValueError for a capture format that is not
    line-based (a HAR)."""
    settings = settings if settings is not None else Settings()
    given = list(lines)
    texts = [line.encode() if isinstance(line, str) else bytes(line) for line in given]
    # Each record on its own line, whatever the pipeline kept of the end of line.
    ended = [text if text.endswith(b"\n") else text + b"\n" for text in texts]
    data = b"".join(ended)
    linter = _linter(settings)
    segment = _capture_format(settings).segment_of(data, first_line)
    starts_file = first_line == 1
    problems = linter.check(segment, path, starts_file=starts_file).problems
    if not repair:
        return LintedLines(problems)
    repaired = linter.repair(segment, path, starts_file)
    if not repaired.edits:
        return LintedLines(problems, list(given), repaired.tally)
    # A fix replaces a value inside a record: it never adds or removes a \n.
    new_lines = b"".join(splice(data, repaired.edits)).split(b"\n")[:-1]
    result: list[str | bytes] = []
    for original, text, new in zip(given, texts, new_lines, strict=True):
        if text.endswith(b"\n"):
            new += b"\n"
        result.append(new.decode() if isinstance(original, str) else new)
    return LintedLines(problems, result, repaired.tally)


@functools.lru_cache(maxsize=4)
def _linter(settings: Settings) -> SegmentLinter:
    # Built once per process and settings (pydantic builds validators: it takes a moment), then
    # used for every partition the process is given.
    return SegmentLinter(settings)


def _capture_format(settings: Settings) -> CaptureFormat:
    from wsfix import formats

    name = "jsonl" if settings.capture_format == formats.AUTO else settings.capture_format
    capture_format = formats.build_format(name)
    if not capture_format.line_based:
        raise ValueError(f"lint_lines reads line-based captures; {name} is not one")
    if settings.message_path:
        from wsfix.formats.envelope import Enveloped

        capture_format = Enveloped(capture_format, settings.message_path)
    return capture_format
