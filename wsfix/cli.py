"""The command line: parse options into Settings, run check or repair, pick a reporter, exit.

The only module that exits or reads the command line. Tool failures (`WsfixError`) are caught in
one place, `_guarded`, and become one line on stderr and exit code 2.
"""

from __future__ import annotations

import enum
import functools
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any, Optional, TextIO, TypeVar

import typer

from wsfix import __version__
from wsfix.capture import STDIN, open_capture
from wsfix.display import printable
from wsfix.errors import OutputError, UsageError, WsfixError
from wsfix.settings import DEFAULT_MAX_ROWS, Settings
from wsfix.timestamps import DEFAULT_WINDOW, Policy, Unit, parse_naive_zone, parse_window


class ExitCode(enum.IntEnum):
    OK = 0  # no findings; or, for repair, every finding fixed
    FINDINGS = 1  # findings remain
    ERROR = 2  # usage or I/O error: wsfix itself could not do the job


HELP = """Find and exactly repair bad timestamps in captured WebSocket message logs (JSON Lines).

Examples:

  wsfix check capture.jsonl

  wsfix check logs/*.jsonl --naive-tz America/Los_Angeles --all

  wsfix repair --in capture.jsonl --out fixed.jsonl

  wsfix repair --in capture.jsonl --in-place --diff
"""

app = typer.Typer(help=HELP, add_completion=False, no_args_is_help=True,
                  pretty_exceptions_enable=False, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]})


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wsfix {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
) -> None:
    """Find and exactly repair bad timestamps in captured WebSocket message logs."""


F = TypeVar("F", bound=Callable[..., Any])


def _guarded(command: F) -> F:
    """Turn the command's return value into the exit code and tool failures into exit 2."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
        except WsfixError as error:
            _error(str(error))
            raise typer.Exit(ExitCode.ERROR) from None
        except KeyboardInterrupt:
            _error("interrupted")
            raise typer.Exit(130) from None
        raise typer.Exit(int(code))

    return run  # type: ignore[return-value]


def _error(message: str) -> None:
    sys.stderr.write(f"wsfix: error: {printable(message)}\n")
    sys.stderr.flush()


# --- options shared by check and repair ----------------------------------------------------

NaiveTzOption = Annotated[str, typer.Option(
    "--naive-tz", metavar="ZONE",
    help="Zone for ISO times without offset: UTC, local, an IANA name (Europe/Berlin), an offset "
         "(-07:00), or reject.")]
UnitOption = Annotated[Optional[str], typer.Option(
    "--unit", metavar="s|ms|us|ns",
    help="Read every number in this unit instead of inferring it from the magnitude.")]
WindowOption = Annotated[str, typer.Option(
    "--window", metavar="START..END",
    help="Plausible instants (dates, RFC 3339 times or epoch seconds); outside: WS109. 'none' turns "
         "the check off.")]
_DEFAULT_WINDOW_TEXT = str(DEFAULT_WINDOW)
JobsOption = Annotated[Optional[int], typer.Option(
    "--jobs", "-j", metavar="N", min=1, show_default=False,
    help="Processes to lint with [default: every CPU for a file over 16 MB, else 1].")]
NoProgressOption = Annotated[bool, typer.Option(
    "--no-progress", help="No progress bar (otherwise shown on standard error, when it is a terminal, "
    "for files over 8 MB).")]


def _progress_bars(no_progress: bool, stdout_busy: bool) -> Any:
    """What draws progress bars on stderr, or None: off unless stderr is a terminal, and off when
    findings or diffs stream to the same terminal (they would tear the bar)."""
    if no_progress or not sys.stderr.isatty() or (stdout_busy and sys.stdout.isatty()):
        return None
    from wsfix.progress import progress_bar

    return functools.partial(progress_bar, stream=sys.stderr)


def _build_settings(naive_tz: str, unit: str | None, window: str, max_rows: int | None = DEFAULT_MAX_ROWS,
                    ) -> Settings:
    try:
        policy = Policy(
            naive_zone=parse_naive_zone(naive_tz),
            unit=Unit.parse(unit) if unit is not None else None,
            window=parse_window(window),
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    return Settings(policy=policy, max_rows=max_rows)


# --- check ---------------------------------------------------------------------------------

@app.command(no_args_is_help=True)
@_guarded
def check(
    files: Annotated[list[str], typer.Argument(
        metavar="FILE...", help="Captures to check, one JSON message per line; - reads standard input.",
        show_default=False)],
    naive_tz: NaiveTzOption = "UTC",
    unit: UnitOption = None,
    window: WindowOption = _DEFAULT_WINDOW_TEXT,
    max_rows: Annotated[int, typer.Option(
        "--max-rows", metavar="N", min=0, help="Show at most N findings in the table.")] = DEFAULT_MAX_ROWS,
    show_all: Annotated[bool, typer.Option("--all", help="Show every finding in the table.")] = False,
    output_format: Annotated[str, typer.Option(
        "--output-format", metavar="FORMAT", help="full (a table) or concise (one line per finding).")] = "full",
    jobs: JobsOption = None,
    no_progress: NoProgressOption = False,
) -> ExitCode:
    """Report every bad timestamp (and every record the model rejects), with its exact fix.

    Exit code: 0 no findings, 1 findings, 2 usage or I/O error.
    """
    from wsfix.reporters import ReportOptions, build_reporter
    from wsfix.run import check_captures

    settings = _build_settings(naive_tz, unit, window, None if show_all else max_rows)
    reporter = build_reporter(output_format, sys.stdout, ReportOptions(max_rows=settings.max_rows))
    if files.count(STDIN) > 1:
        raise UsageError("standard input (-) can be read only once")
    for path in files:  # fail on a missing file before printing anything
        if path != STDIN:
            with open_capture(path):
                pass
    summary = check_captures(files, settings, reporter, jobs=jobs,
                             progress=_progress_bars(no_progress, stdout_busy=output_format != "full"))
    return ExitCode.FINDINGS if summary.tally.total else ExitCode.OK


# --- repair --------------------------------------------------------------------------------

@app.command(no_args_is_help=True)
@_guarded
def repair(
    source: Annotated[str, typer.Option(
        "--in", metavar="FILE", help="The capture to repair; - reads standard input.", show_default=False)],
    target: Annotated[Optional[str], typer.Option(
        "--out", metavar="FILE", help="Where to write the repaired copy; - writes standard output.")] = None,
    in_place: Annotated[bool, typer.Option(
        "--in-place", help="Repair --in itself (after copying it to FILE + --backup-suffix).")] = False,
    backup_suffix: Annotated[str, typer.Option(
        "--backup-suffix", metavar="SUFFIX", help="With --in-place: backup name suffix; '' for no backup.",
    )] = ".orig",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --out (or backup).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write nothing; report what would change.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff of the changed lines.")] = False,
    naive_tz: NaiveTzOption = "UTC",
    unit: UnitOption = None,
    window: WindowOption = _DEFAULT_WINDOW_TEXT,
    jobs: JobsOption = None,
    no_progress: NoProgressOption = False,
) -> ExitCode:
    """Write a copy where every fixable value is replaced by its exact epoch seconds.

    Only the replaced values' bytes change; lines that cannot be fixed are copied unchanged and
    listed. Exit code: 0 every finding fixed, 1 findings remain, 2 usage or I/O error.
    """
    from wsfix.run import RepairTarget, repair_capture

    settings = _build_settings(naive_tz, unit, window)
    _check_repair_targets(source, target, in_place, backup_suffix, force, dry_run, diff)
    log = sys.stderr if target == STDIN else sys.stdout
    on_change = _diff_printer(source, target or source, sys.stdout) if diff else None
    result = repair_capture(
        source, RepairTarget(path=target, in_place=in_place, backup_suffix=backup_suffix, dry_run=dry_run),
        settings, on_change, stdout=sys.stdout.buffer, jobs=jobs,
        progress=_progress_bars(no_progress, stdout_busy=diff or target == STDIN))
    _print_repair_summary(log, source, target, in_place, dry_run, result, settings)
    return ExitCode.FINDINGS if result.remaining or (dry_run and result.fixed) else ExitCode.OK


def _check_repair_targets(source: str, target: str | None, in_place: bool, backup_suffix: str,
                          force: bool, dry_run: bool, diff: bool) -> None:
    if in_place and target is not None:
        raise UsageError("use either --out or --in-place, not both")
    if not in_place and target is None and not dry_run:
        raise UsageError("say where to write: --out FILE, --out - (standard output), --in-place, or --dry-run")
    if in_place and source == STDIN:
        raise UsageError("--in-place needs a file, not standard input")
    if diff and target == STDIN and not dry_run:
        raise UsageError("--diff and --out - would both write to standard output")
    if source != STDIN:
        with open_capture(source):
            pass  # missing, a directory, unreadable: say so before anything else
    if dry_run:
        return
    if target is not None and target != STDIN:
        if source != STDIN:
            from wsfix.repair import refuse_same_file

            refuse_same_file(source, target)
        if os.path.isdir(target):
            raise OutputError(f"{target}: is a directory")
        if os.path.lexists(target) and not force:
            raise OutputError(f"{target}: already exists (use --force to overwrite it)")
    if in_place and backup_suffix and os.path.lexists(source + backup_suffix) and not force:
        raise OutputError(f"{source + backup_suffix}: backup already exists (use --force to overwrite "
                          "it, or --backup-suffix '' for no backup)")


def _diff_printer(source: str, target: str, out: TextIO) -> Callable[[int, bytes, bytes], None]:
    header_printed = False

    def print_change(line_no: int, old: bytes, new: bytes) -> None:
        nonlocal header_printed
        if not header_printed:
            out.write(f"--- {printable(source)}\n+++ {printable(target)}\n")
            header_printed = True
        out.write(f"@@ -{line_no} +{line_no} @@\n-{_diff_text(old)}\n+{_diff_text(new)}\n")

    return print_change


def _diff_text(record: bytes) -> str:
    return printable(record.rstrip(b"\r\n").decode("utf-8", "backslashreplace"))


def _print_repair_summary(log: TextIO, source: str, target: str | None, in_place: bool,
                          dry_run: bool, result: Any, settings: Settings) -> None:
    from wsfix import rules

    fixed = sum(result.fixed.values())
    where = printable(source if in_place else f"{source} -> {target}")
    verb = "Would repair" if dry_run else "Repaired"
    log.write(f"{verb} {fixed:,} value{'s' if fixed != 1 else ''} on {result.lines_changed:,} of "
              f"{result.lines:,} lines ({where}). Naive times read as "
              f"{settings.policy.naive_zone.name}.\n")
    if result.remaining:
        left = sum(result.remaining.values())
        log.write(f"Left unchanged: {left:,} finding{'s' if left != 1 else ''} without a fix:\n")
        for code in sorted(result.remaining):
            lines = result.remaining_lines[code]
            more = ", ..." if result.remaining[code] > len(lines) else ""
            log.write(f"  {code} {rules.BY_CODE[code].name} x{result.remaining[code]:,} "
                      f"(line{'s' if len(lines) != 1 else ''} {', '.join(map(str, lines))}{more})\n")
        log.write("Run wsfix check on the input for the details.\n")


def main() -> None:
    """Entry point of the `wsfix` script and `python -m wsfix`."""
    app()
