"""The command line: parse options into Settings, run check or repair, pick a reporter, exit.

The only module that exits or reads the command line. Tool failures (`WsfixError`) are caught in
one place, `_guarded`, and become one line on stderr and exit code 2.
"""

import contextlib
import copy
import enum
import functools
import os
import signal
import sys
from collections.abc import Callable
from typing import Annotated, Any, NoReturn, Optional, TextIO, TypeVar

import typer

from wsfix import __version__
from wsfix.capture import STDIN, open_capture
from wsfix.display import printable
from wsfix.errors import OutputError, UsageError, WsfixError
from wsfix.reporters import REPORTERS
from wsfix.settings import DEFAULT_MAX_ROWS, Settings
from wsfix.timestamps import DEFAULT_WINDOW


class ExitCode(enum.IntEnum):
    OK = 0  # no findings; or, for repair, every finding fixed
    FINDINGS = 1  # findings remain
    ERROR = 2  # usage or I/O error: wsfix itself could not do the job
    # Stopped by a signal: 128 + its number, as a shell reports a process the signal killed.
    HANGUP = 129  # SIGHUP
    INTERRUPTED = 130  # SIGINT, Ctrl-C
    BROKEN_PIPE = 141  # SIGPIPE: standard output was closed
    TERMINATED = 143  # SIGTERM


HELP = """Find and exactly repair bad timestamps in captured WebSocket message logs (JSON Lines,
HAR, prefixed log lines; gzip'd or not).

Examples:

  wsfix check capture.jsonl

  wsfix check logs/*.jsonl --naive-tz America/Los_Angeles --all

  wsfix check logs/*.jsonl --output-format sarif --output-file wsfix.sarif

  wsfix rule WS102

  wsfix repair --in capture.jsonl --out fixed.jsonl

  wsfix repair --in capture.jsonl --in-place --diff

  wsfix check session.har --model myapp.models:Event --timestamp-field data.E:ms

  wsfix schema --model path/to/models.py:Event
"""

app = typer.Typer(
    help=HELP,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wsfix {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = None,
) -> None:
    """Find and exactly repair bad timestamps in captured WebSocket message logs."""


F = TypeVar("F", bound=Callable[..., Any])


class _Stopped(BaseException):
    """Raised by the signal handler, so that a repair removes its temp file on the way out.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise _Stopped(signum)


def _guarded(command: F) -> F:
    """Turn the command's return value into the exit code and failures into one line on stderr.

    Tool failures exit 2. Ctrl-C, SIGTERM and SIGHUP exit 128 + the signal's number, after the
    cleanup (`atomic_output` removes its temp file). A closed standard output (`wsfix check ... |
    head -1`) ends the run quietly with 141, as SIGPIPE would, but only after that cleanup: the
    default SIGPIPE action would kill wsfix mid-write and leave a temp file behind.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
            sys.stdout.flush()  # so that a failure to write the report is caught here
        except WsfixError as error:
            _error(str(error))
            raise typer.Exit(ExitCode.ERROR) from None
        except BrokenPipeError:
            _discard_stdout()
            raise typer.Exit(ExitCode.BROKEN_PIPE) from None
        except KeyboardInterrupt:
            _error("interrupted")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except _Stopped as stop:
            _error(f"stopped by {signal.Signals(stop.signum).name}")
            raise typer.Exit(ExitCode(128 + stop.signum)) from None
        except MemoryError:
            _error("out of memory (is a single record larger than the memory available?)")
            raise typer.Exit(ExitCode.ERROR) from None
        except OSError as error:  # writing the report itself failed (a full disk, a closed terminal)
            _error(f"output failed: {error.strerror or error}")
            raise typer.Exit(ExitCode.ERROR) from None
        raise typer.Exit(int(code))

    return run  # type: ignore[return-value]


def _discard_stdout() -> None:
    # What is still buffered for the closed pipe would fail again when Python flushes it at exit
    # (and print a warning): point standard output at /dev/null instead.
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _error(message: str) -> None:
    sys.stderr.write(f"wsfix: error: {printable(message)}\n")
    sys.stderr.flush()


# --- options shared by check and repair ----------------------------------------------------

NaiveTzOption = Annotated[
    Optional[str],
    typer.Option(
        "--naive-tz",
        metavar="ZONE",
        show_default=False,
        help="Zone for ISO times without offset: UTC (default), local, an IANA name (Europe/Berlin), an "
        "offset (-07:00), or reject.",
    ),
]
UnitOption = Annotated[
    Optional[str],
    typer.Option(
        "--unit",
        metavar="s|ms|us|ns",
        help="Read every number in the input in this unit instead of inferring it from the magnitude "
        "(a repaired file is in seconds: check it without --unit).",
    ),
]
WindowOption = Annotated[
    Optional[str],
    typer.Option(
        "--window",
        metavar="START..END",
        show_default=False,
        help=f"Plausible instants (years, dates, RFC 3339 times or whole epoch seconds; default {DEFAULT_WINDOW}); "
        "outside: WS109. 'none' turns the check off.",
    ),
]
SelectOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--select",
        metavar="CODES",
        help="Report only these rule codes or prefixes (comma-separated: WS1,WS003); replaces the "
        "configuration's select and ignore.",
    ),
]
ExtendSelectOption = Annotated[
    Optional[list[str]], typer.Option("--extend-select", metavar="CODES", help="Also report these codes or prefixes.")
]
IgnoreOption = Annotated[
    Optional[list[str]],
    typer.Option("--ignore", metavar="CODES", help="Do not report these codes or prefixes (the longest prefix wins)."),
]
ConfigOption = Annotated[
    Optional[str],
    typer.Option(
        "--config",
        metavar="PATH",
        help="Read [tool.wsfix] from this file instead of the first pyproject.toml with one, searched "
        "from the current folder upward.",
    ),
]
SchemaOption = Annotated[
    Optional[str],
    typer.Option(
        "--schema",
        metavar="NAME",
        help="A built-in model: websocket-message (the default), server-message, error-message.",
    ),
]
ModelOption = Annotated[
    Optional[str],
    typer.Option(
        "--model",
        metavar="MODULE:CLASS",
        help="Your Pydantic v2 model instead: pkg.module:Class or path/to/file.py:Class.",
    ),
]
TimestampFieldOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--timestamp-field",
        metavar="PATH[:UNIT]",
        help="Also a timestamp field (repeatable): data.trades[*].time, books.*.ts; E:ms for whole milliseconds.",
    ),
]
TimestampPatternOption = Annotated[
    Optional[str],
    typer.Option(
        "--timestamp-pattern",
        metavar="REGEX",
        help="Names of number fields that hold times: matches the whole name as written or its words joined by _"
        " in lower case (createdAt is created_at; default: (.+_)?(timestamp|time|ts)|.+_at).",
    ),
]
FormatOption = Annotated[
    Optional[str],
    typer.Option(
        "--format",
        metavar="FORMAT",
        show_default=False,
        help="Capture format: auto (by name and content), jsonl, har or prefixed (log lines).",
    ),
]
MessagePathOption = Annotated[
    Optional[str],
    typer.Option(
        "--message-path",
        metavar="PATH",
        help="Where the message sits in each record (an envelope), e.g. data; a JSON string there is "
        "read as the message.",
    ),
]
JobsOption = Annotated[
    Optional[int],
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        min=1,
        show_default=False,
        help="Processes to lint a JSON Lines file with [default: every CPU for a file over 16 MB, "
        "else 1]; standard input, gzip'd captures and other formats take one.",
    ),
]
NoProgressOption = Annotated[
    bool,
    typer.Option(
        "--no-progress",
        help="No progress bar (otherwise shown on standard error, when it is a terminal, for files over 8 MB).",
    ),
]


def _progress_bars(no_progress: bool, stdout_busy: bool) -> Any:
    """What draws progress bars on stderr, or None: off unless stderr is a terminal, and off when
    findings or diffs stream to the same terminal (they would tear the bar)."""
    if no_progress or not sys.stderr.isatty() or (stdout_busy and sys.stdout.isatty()):
        return None
    from wsfix.progress import progress_bar

    return functools.partial(progress_bar, stream=sys.stderr)


def _codes(values: list[str] | None) -> tuple[str, ...] | None:
    """`--select WS1,WS003 --select WS104` -> ("WS1", "WS003", "WS104")."""
    if values is None:
        return None
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def _build_settings(config: str | None, **given: Any) -> Settings:
    from wsfix.config import CommandLine, build_settings

    for option in ("select", "extend_select", "ignore"):
        given[option] = _codes(given.get(option))
    settings, _ = build_settings(CommandLine(**given), config_path=config, start=os.getcwd())
    return settings


# --- check ---------------------------------------------------------------------------------


@app.command(no_args_is_help=True)
@_guarded
def check(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE...",
            help="Captures to check, one JSON message per line; - reads standard input.",
            show_default=False,
        ),
    ],
    naive_tz: NaiveTzOption = None,
    unit: UnitOption = None,
    window: WindowOption = None,
    max_rows: Annotated[
        Optional[int],
        typer.Option(
            "--max-rows",
            metavar="N",
            min=0,
            show_default=False,
            help=f"Show at most N findings in the table (default {DEFAULT_MAX_ROWS}).",
        ),
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Show every finding in the table.")] = False,
    output_format: Annotated[
        Optional[str],
        typer.Option(
            "--output-format",
            metavar="FORMAT",
            envvar="WSFIX_OUTPUT_FORMAT",
            show_default=False,
            help=f"One of {', '.join(REPORTERS)} (default full: a table).",
        ),
    ] = None,
    output_file: Annotated[
        Optional[str],
        typer.Option(
            "--output-file",
            metavar="PATH",
            help="Write the report in --output-format to PATH; the table still goes to standard output.",
        ),
    ] = None,
    select: SelectOption = None,
    extend_select: ExtendSelectOption = None,
    ignore: IgnoreOption = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings (2 still means wsfix failed).")
    ] = False,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Print a count per rule instead of the findings.")
    ] = False,
    config: ConfigOption = None,
    schema: SchemaOption = None,
    model: ModelOption = None,
    timestamp_field: TimestampFieldOption = None,
    timestamp_pattern: TimestampPatternOption = None,
    capture_format: FormatOption = None,
    message_path: MessagePathOption = None,
    jobs: JobsOption = None,
    no_progress: NoProgressOption = False,
) -> ExitCode:
    """Report every bad timestamp (and every record the model rejects), with its exact fix.

    Exit code: 0 no findings (or --exit-zero), 1 findings, 2 usage or I/O error.
    """
    from wsfix.reporters import ReportOptions, open_reporter
    from wsfix.run import check_captures

    settings = _build_settings(
        config,
        naive_tz=naive_tz,
        unit=unit,
        window=window,
        max_rows=max_rows,
        show_all=show_all,
        output_format=output_format,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        schema=schema,
        model=model,
        timestamp_fields=timestamp_field,
        timestamp_pattern=timestamp_pattern,
        capture_format=capture_format,
        message_path=message_path,
    )
    if files.count(STDIN) > 1:
        raise UsageError("standard input (-) can be read only once")
    output_file = _stdout_as_dash(output_file)
    if output_file == STDIN:
        output_file = None  # the report goes to standard output anyway
    for path in files:  # fail on a missing file before printing anything
        if path != STDIN:
            with open_capture(path):
                pass
            if output_file is not None:
                from wsfix.output import refuse_same_file

                refuse_same_file(path, output_file)
    options = ReportOptions(
        max_rows=settings.max_rows, base_dir=os.getcwd(), step_summary=os.environ.get("GITHUB_STEP_SUMMARY") or None
    )
    with open_reporter(settings.output_format, sys.stdout, options, output_file, statistics) as reporter:
        stdout_busy = output_file is None and not statistics and settings.output_format != "full"
        summary = check_captures(
            files, settings, reporter, jobs=jobs, progress=_progress_bars(no_progress, stdout_busy=stdout_busy)
        )
    return ExitCode.FINDINGS if summary.tally.total and not exit_zero else ExitCode.OK


# --- repair --------------------------------------------------------------------------------


@app.command(no_args_is_help=True)
@_guarded
def repair(
    files: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[FILE...]",
            help="Captures to repair in place (with --in-place or --dry-run), instead of --in.",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        Optional[str],
        typer.Option("--in", metavar="FILE", help="The capture to repair; - reads standard input.", show_default=False),
    ] = None,
    target: Annotated[
        Optional[str],
        typer.Option("--out", metavar="FILE", help="Where to write the repaired copy; - writes standard output."),
    ] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Repair the input itself (after copying it to FILE + --backup-suffix).")
    ] = False,
    backup_suffix: Annotated[
        str,
        typer.Option(
            "--backup-suffix",
            metavar="SUFFIX",
            help="With --in-place: backup name suffix; '' for no backup.",
        ),
    ] = ".orig",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --out (or backup).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write nothing; report what would change.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff of the changed lines.")] = False,
    exit_non_zero_on_fix: Annotated[
        bool, typer.Option("--exit-non-zero-on-fix", help="Exit 1 when a file was changed (for pre-commit).")
    ] = False,
    naive_tz: NaiveTzOption = None,
    unit: UnitOption = None,
    window: WindowOption = None,
    select: SelectOption = None,
    extend_select: ExtendSelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    schema: SchemaOption = None,
    model: ModelOption = None,
    timestamp_field: TimestampFieldOption = None,
    timestamp_pattern: TimestampPatternOption = None,
    capture_format: FormatOption = None,
    message_path: MessagePathOption = None,
    jobs: JobsOption = None,
    no_progress: NoProgressOption = False,
) -> ExitCode:
    """Write a copy where every fixable value is replaced by its exact epoch seconds (or the form
    its field takes: whole milliseconds, RFC 3339 text). An --out ending in .gz is gzip'd.

    Only the replaced values' bytes change; lines that cannot be fixed are copied unchanged and
    listed. Only the selected rules' findings are fixed. Exit code: 0 every finding fixed, 1
    findings remain (or, with --exit-non-zero-on-fix, a file changed), 2 usage or I/O error.
    """
    from wsfix.run import RepairTarget, repair_capture

    settings = _build_settings(
        config,
        naive_tz=naive_tz,
        unit=unit,
        window=window,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        schema=schema,
        model=model,
        timestamp_fields=timestamp_field,
        timestamp_pattern=timestamp_pattern,
        capture_format=capture_format,
        message_path=message_path,
    )
    if source is not None and files:
        raise UsageError("name the capture either with --in or as FILE..., not both")
    sources = [source] if source is not None else files or []
    if not sources:
        raise UsageError("say what to repair: --in FILE, or FILE... with --in-place")
    if len(sources) > 1 and target is not None:
        raise UsageError("--out takes one capture; repair several with --in-place")
    if source is None and not (in_place or dry_run):
        raise UsageError("FILE... is repaired in place: add --in-place (or --dry-run)")
    target = _stdout_as_dash(target)
    for path in sources:
        _check_repair_targets(path, target, in_place, backup_suffix, force, dry_run, diff)
    if in_place and backup_suffix and not (force or dry_run):
        # A backup in the way stops a repair that would change its input, and only such a one
        # (a second run changes nothing): find out first, before any of the files is touched.
        for path in sources:
            backup = path + backup_suffix
            if (
                os.path.lexists(backup)
                and repair_capture(path, RepairTarget(dry_run=True), settings, jobs=jobs).lines_changed
            ):
                raise OutputError(
                    f"{backup}: backup already exists (use --force to overwrite it, "
                    f"or --backup-suffix '' for no backup); no file was changed"
                )
    code = ExitCode.OK
    for path in sources:
        log = sys.stderr if target == STDIN else sys.stdout
        on_change = _diff_printer(path, target or path, sys.stdout) if diff else None
        result = repair_capture(
            path,
            RepairTarget(
                path=target, in_place=in_place, backup_suffix=backup_suffix, dry_run=dry_run, overwrite_backup=force
            ),
            settings,
            on_change,
            stdout=sys.stdout.buffer,
            jobs=jobs,
            progress=_progress_bars(no_progress, stdout_busy=diff or target == STDIN),
        )
        _print_repair_summary(log, path, target, in_place, dry_run, result, settings)
        if result.remaining or (dry_run and result.fixed) or (exit_non_zero_on_fix and result.lines_changed):
            code = ExitCode.FINDINGS
    return code


def _stdout_as_dash(path: str | None) -> str | None:
    """`-` for an output path that is standard output (/dev/stdout, or the file it is redirected
    to): written as `-` is, with the summary on standard error. Any other path as it is."""
    if path is None or path == STDIN:
        return path
    from wsfix.output import standard_stream

    return STDIN if standard_stream(path) == 1 else path


def _check_repair_targets(
    source: str, target: str | None, in_place: bool, backup_suffix: str, force: bool, dry_run: bool, diff: bool
) -> None:
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
        from wsfix.output import refuse_same_file, refuse_unwritable, written_through

        if source != STDIN:
            refuse_same_file(source, target)
        if os.path.isdir(target):
            raise OutputError(f"{target}: is a directory")
        refuse_unwritable(target)
        # A device or a pipe (/dev/null, a terminal, /dev/stderr) is written to, not replaced:
        # no --force.
        if os.path.lexists(target) and not force and not written_through(target):
            raise OutputError(f"{target}: already exists (use --force to overwrite it)")


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


def _print_repair_summary(
    log: TextIO, source: str, target: str | None, in_place: bool, dry_run: bool, result: Any, settings: Settings
) -> None:
    from wsfix import rules

    fixed = sum(result.fixed.values())
    where = printable(source if in_place or target is None else f"{source} -> {target}")
    verb = "Would repair" if dry_run else "Repaired"
    skipped = f", skipped {result.skipped:,} without a JSON message" if result.skipped else ""
    log.write(
        f"{verb} {fixed:,} value{'s' if fixed != 1 else ''} on {result.lines_changed:,} of "
        f"{result.lines:,} {result.noun}s ({where}{skipped}). Naive times read as "
        f"{settings.policy.naive_zone.name}.\n"
    )
    if result.repeated_keys:
        lines = result.repeated_key_lines
        more = ", ..." if result.repeated_keys > len(lines) else ""
        log.write(
            f"{result.repeated_keys:,} of them in records that repeat the key "
            f"(line{'s' if len(lines) != 1 else ''} {', '.join(map(str, lines))}{more}): "
            f"{'would replace' if dry_run else 'replaced'} the last one, which pydantic reads; "
            "the others are left as written.\n"
        )
    if result.remaining:
        left = sum(result.remaining.values())
        log.write(f"Left unchanged: {left:,} finding{'s' if left != 1 else ''} without a fix:\n")
        for code in sorted(result.remaining):
            lines = result.remaining_lines[code]
            more = ", ..." if result.remaining[code] > len(lines) else ""
            log.write(
                f"  {code} {rules.BY_CODE[code].name} x{result.remaining[code]:,} "
                f"(line{'s' if len(lines) != 1 else ''} {', '.join(map(str, lines))}{more})\n"
            )
        if source != STDIN:  # read once: there is no input left to check
            log.write("Run wsfix check on the input for the details.\n")


# --- rule ----------------------------------------------------------------------------------


@app.command()
@_guarded
def rule(
    code: Annotated[
        Optional[str],
        typer.Argument(metavar="[CODE]", help="A rule code (WS102) or name (timestamp-naive-iso).", show_default=False),
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="List every rule.")] = False,
    output_format: Annotated[
        str, typer.Option("--output-format", metavar="text|json", help="Text (default) or JSON.")
    ] = "text",
) -> ExitCode:
    """Explain a rule: what it finds, why it matters, an example before and after, and its fix."""
    from wsfix import explain

    if output_format not in ("text", "json"):
        raise UsageError(f"unknown output format {output_format!r} for wsfix rule: expected text or json")
    if show_all == (code is not None):
        raise UsageError("name one rule (wsfix rule WS102) or list them all (wsfix rule --all)")
    as_json = output_format == "json"
    if code is None:
        sys.stdout.write(explain.catalog_json() if as_json else explain.catalog_text())
    else:
        found = explain.find_rule(code)
        sys.stdout.write(explain.rule_json(found) if as_json else explain.rule_text(found))
    return ExitCode.OK


# --- schema --------------------------------------------------------------------------------


@app.command("schema")
@_guarded
def schema_command(
    schema: SchemaOption = None,
    model: ModelOption = None,
    timestamp_field: TimestampFieldOption = None,
    timestamp_pattern: TimestampPatternOption = None,
) -> ExitCode:
    """Print the timestamp fields wsfix finds in a model, and the form a repair writes in each.

    Exit code: 0, or 2 when the model cannot be loaded or a --timestamp-field is not in it.
    """
    from wsfix.models import build_schema

    built = build_schema(schema, model, timestamp_field or (), timestamp_pattern)
    out = sys.stdout
    out.write(printable(f"Schema {built.name}: {built.description or built.model.__qualname__}") + "\n")
    fields = built.timestamp_fields
    if not fields:
        out.write(
            "No timestamp fields found: name them with --timestamp-field PATH[:UNIT], or widen --timestamp-pattern.\n"
        )
        return ExitCode.OK
    rows = [("Field", "Type", "Required", "Target (what repair writes)", "Found by")]
    rows += [
        (field.name, field.type_text, "yes" if field.required else "no", field.target.label, field.found_by)
        for field in fields
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.write(printable("  " + "  ".join([*cells, row[-1]])) + "\n")
    return ExitCode.OK


def _app_for(args: list[str]) -> typer.Typer:
    """The app to run `args` with. Typer works out every command's parameters before it runs
    one (a pydantic adapter each, milliseconds of every start-up); when `args` name a command
    first, an app with only that command does the same job. Anything else (`--help`, a typo)
    gets the whole app and its messages."""
    if args:
        for info in app.registered_commands:
            callback_name = info.callback.__name__ if info.callback else ""
            if args[0] == (info.name or typer.main.get_command_name(callback_name)):
                single = copy.copy(app)
                single.registered_commands = [info]
                return single
    return app


# click's base exception, as typer raises it (typer carries its own copy of click, older typer
# releases use click itself): found through an exception typer names.
_COMMAND_LINE_ERROR: type[Exception] = next(
    kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "ClickException"
)


def main() -> None:
    """Entry point of the `wsfix` script and `python -m wsfix`."""
    for name in ("SIGTERM", "SIGHUP"):  # SIGHUP: not on Windows
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)
    args = sys.argv[1:]
    if len(args) <= 1 or "-h" in args or "--help" in args:  # help may be printed
        # typer 0.17-0.2x escapes help text with rich.markup without importing it.
        with contextlib.suppress(ImportError):
            import rich.markup  # noqa: F401
    try:
        # Not standalone: click's own report of a bad command line is three lines (usage, a hint,
        # the error); wsfix says it in one, as it does every other error. The exit code comes back.
        code = _app_for(args)(standalone_mode=False)
    except SystemExit as stop:
        _leave(stop.code)
    except _COMMAND_LINE_ERROR as error:
        _leave(_command_line_error(error))
    except typer.Abort:  # end of input at a prompt (wsfix asks none)
        _error("aborted")
        _leave(ExitCode.ERROR)
    _leave(code)


def _command_line_error(error: Any) -> int:
    """Report an error in the command line (a click exception); the exit code."""
    if type(error).__name__ == "NoArgsIsHelpError":  # a command given nothing: its help (click 8.2+)
        error.show()
        return int(error.exit_code)
    context = getattr(error, "ctx", None)
    hint = f" (see {context.command_path} --help)" if context is not None else ""
    _error(error.format_message() + hint)
    return ExitCode.ERROR


def _leave(code: int | str | None) -> NoReturn:
    """Exit with `code` as `sys.exit` would, without Python's teardown.

    Python's teardown, freeing every module and object one by one, took 25 ms of a 220 ms
    one-line check (measured), and a command line has nothing left to clean by then: every output
    has been written, fsynced and renamed or removed, every worker joined, every report closed,
    all inside the command. What remains is to flush the standard streams.
    """
    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe here has been reported already (see _guarded); nothing is left to say.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
