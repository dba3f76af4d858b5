"""The command line: parse options into Settings, run check or repair, pick a reporter, exit.

The only module that exits or reads the command line. Tool failures (`WsfixError`) are caught in
one place, `_guarded`, and become one line on stderr and exit code 2.
"""

import contextlib
import copy
import enum
import functools
import inspect
import os
import signal
import sys
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, NoReturn, Optional, TextIO, TypeVar

import typer

from wsfix import __version__
from wsfix.capture import STDIN, open_capture
from wsfix.display import printable
from wsfix.errors import InputError, OutputError, Stopped, UsageError, WsfixError
from wsfix.output import STDOUT
from wsfix.problems import Problem
from wsfix.reporters import REPORTERS, Forwarding, Reporter
from wsfix.settings import DEFAULT_MAX_ROWS, Settings
from wsfix.summary import Summary
from wsfix.timestamps import DEFAULT_WINDOW

if TYPE_CHECKING:
    from wsfix.unified_diff import UnifiedDiff


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

  wsfix check logs/ --output-file wsfix.sarif --output-file junit:report.xml

  wsfix rule WS102

  wsfix repair --in capture.jsonl --out fixed.jsonl

  wsfix repair --in capture.jsonl --in-place --diff

  wsfix check session.har --model myapp.models:Event --timestamp-field data.E:ms

  wsfix schema --model path/to/models.py:Event
"""

app = typer.Typer(
    help=HELP,
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _Argument(typer.core.TyperArgument):
    """An argument shown as its metavar says (`[PATH]...`), in the usage line and in the help:
    without typer's braces, repeated `...` or Python type (`{FILE...}...`, `<list[str]>`)."""

    def _usage_display_name(self) -> str:
        return self.display_name_raw

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class _Command(typer.core.TyperCommand):
    """A command whose arguments are `_Argument`s."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is typer.core.TyperArgument:
                param.__class__ = _Argument


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wsfix {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Find and exactly repair bad timestamps in captured WebSocket message logs."""


F = TypeVar("F", bound=Callable[..., Any])


_finished = False  # the command has run to its end (see `_stop`)


def _stop(signum: int, frame: object) -> None:
    """The handler of stop signals: a Stopped exception (KeyboardInterrupt for Ctrl-C), so that a
    repair removes its temp file on the way out. Once the command has run to its end, a stop is
    let go: its outputs are in place, and reporting the run stopped would say they are not
    (`stops_deferred` holds a stop until then; this covers the way out after it)."""
    if _finished:
        return
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Stopped(signum)


def _guarded(command: F) -> F:
    """Turn the command's return value into the exit code and failures into one line on stderr.

    Tool failures exit 2 (and say which outputs were written in full before the failure, if any).
    Ctrl-C, SIGTERM and SIGHUP exit 128 + the signal's number, after the cleanup (`atomic_output`
    removes its temp file); a signal that comes once an output is in place waits until that file
    is done (`stops_deferred`), so a finished repair is never reported stopped. A closed standard
    output (`wsfix check ... | head -1`) ends the run quietly with 141, as SIGPIPE would, but only
    after that cleanup: the default SIGPIPE action would kill wsfix mid-write and leave a temp
    file behind. A `sys.exit` in user code (a model's validator) is a failure of the run, exit 2.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        from wsfix.output import stops_deferred

        global _finished
        _finished = False
        with stops_deferred() as written:
            try:
                code = command(*args, **kwargs)
                sys.stdout.flush()  # so that a failure to write the report is caught here
                _finished = True
            except WsfixError as error:
                _error(str(error) + _written_before(written))
                raise typer.Exit(ExitCode.ERROR) from None
            except BrokenPipeError:
                _discard_stdout()
                raise typer.Exit(ExitCode.BROKEN_PIPE) from None
            except KeyboardInterrupt:
                _error(Stopped(signal.SIGINT).message)
                raise typer.Exit(ExitCode.INTERRUPTED) from None
            except Stopped as stop:
                _error(stop.message)
                raise typer.Exit(ExitCode(128 + stop.signum)) from None
            except SystemExit as stop:  # typer's own exits are typer.Exit, not SystemExit
                _error(f"the model's code called sys.exit({stop.code!r}) while wsfix ran it; the run cannot go on")
                raise typer.Exit(ExitCode.ERROR) from None
            except MemoryError:
                _error("out of memory (is a single record larger than the memory available?)")
                raise typer.Exit(ExitCode.ERROR) from None
            except OSError as error:  # writing the report itself failed (a full disk, a closed terminal)
                _error(f"output failed: {error.strerror or error}" + _written_before(written))
                raise typer.Exit(ExitCode.ERROR) from None
        raise typer.Exit(int(code))

    return run  # type: ignore[return-value]


def _written_before(written: list[str]) -> str:
    # Exit 2 says the failing output was not written; outputs finished before it were, in full.
    if not written:
        return ""
    return f" ({', '.join(written)}: written in full before that)"


def _discard_stdout() -> None:
    # What is still buffered for the closed pipe would fail again when Python flushes it at exit
    # (and print a warning): point standard output at /dev/null instead.
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _error(message: str) -> None:
    # An unwritable stderr (closed, /dev/full) must not turn into a traceback or another exit
    # code: the exit code still says what happened.
    with contextlib.suppress(OSError, ValueError, AttributeError):
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
        "offset (-07:00), reject, or auto (per sender, the zone its capture times show).",
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
CaptureTimeOption = Annotated[
    Optional[str],
    typer.Option(
        "--capture-time",
        metavar="PATH",
        show_default=False,
        help="The field of each record holding when it was captured (received_at; in the envelope with "
        "--message-path), in any timestamp form [default: a HAR message's time, a log line's leading timestamp].",
    ),
]
GroupByOption = Annotated[
    Optional[str],
    typer.Option(
        "--group-by",
        metavar="PATH",
        show_default=False,
        help="The field naming each record's sender (user_id), whose clock its timestamps share "
        "[default: a HAR connection, else the whole file].",
    ),
]
MaxSkewOption = Annotated[
    Optional[str],
    typer.Option(
        "--max-skew",
        metavar="TIME",
        show_default=False,
        help="How far a timestamp may be from its capture time before WS120 reports it: 10m (default), "
        "90s, 2h, or seconds.",
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
        help="Processes to lint a capture of lines with (JSON Lines, prefixed log lines, envelopes) [default: "
        "every CPU for one over 16 MB (a gzip'd file: over 4 MB), else 1], at most one per CPU; a HAR file takes "
        "one.",
    ),
]
DaskOption = Annotated[
    Optional[str],
    typer.Option(
        "--dask",
        metavar="ADDRESS",
        envvar="WSFIX_DASK",
        show_default=False,
        help="Check or repair on a Dask cluster: a scheduler's address (tcp://host:8786), or local[:N] for a "
        "cluster of N worker processes here (the dask extra: pip install 'wsfix[dask]').",
    ),
]
NoProgressOption = Annotated[
    bool,
    typer.Option(
        "--no-progress",
        help="No progress bar (otherwise shown on standard error, when it is a terminal, for files over 8 MB).",
    ),
]
MaxRecordMemoryOption = Annotated[
    Optional[str],
    typer.Option(
        "--max-record-memory",
        metavar="SIZE",
        show_default=False,
        help="A record that would take more memory parsed (its size, and 64 bytes per value it holds) is "
        "reported (WS006) and copied unchanged, not parsed [default: 256M; K, M, G].",
    ),
]
IsolatedOption = Annotated[
    bool, typer.Option("--isolated", help="Ignore every configuration file ([tool.wsfix] in pyproject.toml).")
]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Print only the findings (or the data): no progress bar, notes or repair summaries."
    ),
]
VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Say on standard error which configuration file, schema, capture format and jobs the run uses.",
    ),
]


class SharedOptions(NamedTuple):
    """The options `check` and `repair` share, declared once: each field's annotation is its
    command-line option, and `_with_shared_options` adds them all to a command's signature."""

    naive_tz: NaiveTzOption = None
    unit: UnitOption = None
    window: WindowOption = None
    select: SelectOption = None
    extend_select: ExtendSelectOption = None
    ignore: IgnoreOption = None
    config: ConfigOption = None
    schema: SchemaOption = None
    model: ModelOption = None
    timestamp_field: TimestampFieldOption = None
    timestamp_pattern: TimestampPatternOption = None
    capture_format: FormatOption = None
    message_path: MessagePathOption = None
    capture_time: CaptureTimeOption = None
    group_by: GroupByOption = None
    max_skew: MaxSkewOption = None
    jobs: JobsOption = None
    dask: DaskOption = None
    no_progress: NoProgressOption = False
    max_record_memory: MaxRecordMemoryOption = None
    isolated: IsolatedOption = False
    quiet: QuietOption = False
    verbose: VerboseOption = False


_SHARED_PARAMETERS = tuple(
    inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=option, default=SharedOptions._field_defaults[name]
    )
    for name, option in typing.get_type_hints(SharedOptions, include_extras=True).items()
)


def _with_shared_options(command: F) -> F:
    """Give `command` the shared options: its `shared: SharedOptions` parameter becomes one
    command-line option per field (after the command's own), gathered back into a
    `SharedOptions` when the command runs. Typer reads the signature this sets."""
    signature = inspect.signature(command)
    own = [parameter for parameter in signature.parameters.values() if parameter.name != "shared"]

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        shared = SharedOptions(**{name: kwargs.pop(name) for name in SharedOptions._fields})
        return command(*args, shared=shared, **kwargs)

    run.__signature__ = signature.replace(parameters=[*own, *_SHARED_PARAMETERS])  # type: ignore[attr-defined]
    return run  # type: ignore[return-value]


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


def _load(shared: SharedOptions, **given: Any) -> Any:
    """The run's `config.Loaded`: settings from the shared options, the command's own (`given`,
    in CommandLine's names) and the configuration (none with --isolated)."""
    from wsfix.config import CommandLine, load

    if shared.isolated and shared.config is not None:
        raise UsageError("use either --config or --isolated, not both")
    command_line = CommandLine(
        naive_tz=shared.naive_tz,
        unit=shared.unit,
        window=shared.window,
        select=_codes(shared.select),
        extend_select=_codes(shared.extend_select),
        ignore=_codes(shared.ignore),
        schema=shared.schema,
        model=shared.model,
        timestamp_fields=shared.timestamp_field,
        timestamp_pattern=shared.timestamp_pattern,
        capture_format=shared.capture_format,
        message_path=shared.message_path,
        max_record_memory=shared.max_record_memory,
        capture_time=shared.capture_time,
        group_by=shared.group_by,
        max_skew=shared.max_skew,
        **given,
    )
    loaded = load(command_line, config_path=shared.config, start=None if shared.isolated else os.getcwd())
    if shared.verbose:
        _tell_settings(loaded, shared)
    return loaded


def _tell_settings(loaded: Any, shared: SharedOptions) -> None:
    """-v: what the run uses, on stderr. The capture format is decided per file, inside the run:
    this says what the settings say (`auto` included), and the run says per file what it read
    (`_tell_format`)."""
    settings = loaded.settings
    config = loaded.path or ("none (--isolated)" if shared.isolated else "none found")
    jobs = str(shared.jobs) if shared.jobs is not None else "auto (every CPU for a file of lines over 16 MB, else 1)"
    for name, value in (
        ("configuration", config),
        ("schema", settings.schema.name),
        ("capture format", settings.capture_format),
        ("jobs", jobs),
    ):
        _note(f"{name}: {value}")


def _tell_format(path: str, description: str) -> None:
    _note(f"{path}: read as {description}")


def _note(message: str) -> None:
    sys.stderr.write(f"wsfix: {printable(message)}\n")


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


# --- check ---------------------------------------------------------------------------------


@app.command(cls=_Command)
@_guarded
@_with_shared_options
def check(
    files: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[PATH]...",
            help="Captures, or folders to search for them (*.jsonl, *.ndjson, *.jsonl.gz, *.har, *.log); "
            "- reads standard input, as does no PATH when it is not a terminal.",
            show_default=False,
        ),
    ] = None,
    fix: Annotated[
        bool,
        typer.Option("--fix", help="Repair the files in place first (backup FILE.orig, as repair --in-place)."),
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff",
            help="Print a unified diff (git apply accepts it) of what --fix would change, and change nothing.",
        ),
    ] = False,
    fail_on: Annotated[
        Optional[str],
        typer.Option(
            "--fail-on",
            metavar="error|warning",
            show_default=False,
            help="Exit 1 for findings of this severity or worse (default warning: any finding fails).",
        ),
    ] = None,
    color: Annotated[
        str,
        typer.Option("--color", metavar="auto|always|never", help="Colour the table (auto: on a terminal)."),
    ] = "auto",
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
            help=f"One of {', '.join(REPORTERS)} (default full: a table; json-lines is jsonl).",
        ),
    ] = None,
    output_file: Annotated[
        Optional[list[str]],
        typer.Option(
            "--output-file",
            metavar="[FORMAT:]PATH",
            help="Also write a report to PATH (repeatable): in FORMAT, or --output-format, or as the "
            "extension says (.sarif, .json, .jsonl, .xml: junit); the table still goes to standard output.",
        ),
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings (2 still means wsfix failed).")
    ] = False,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Print a count per rule instead of the findings.")
    ] = False,
    shared: SharedOptions = SharedOptions(),  # typer sees the options instead: _with_shared_options
) -> ExitCode:
    """Report every bad timestamp (and every record the model rejects), with its exact fix.

    Exit code: 0 no findings (or --exit-zero, or none as severe as --fail-on), 1 findings, 2 usage
    or I/O error (a path that cannot be read is reported as WS005, the others still checked).
    """
    from wsfix.config import FAIL_ON
    from wsfix.problems import Severity
    from wsfix.reporters import ReportOptions, open_reporter
    from wsfix.run import check_captures

    if color not in _COLORS:
        raise UsageError(f"--color: unknown choice {color!r}: expected auto, always or never")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise UsageError(f"--fail-on: unknown severity {fail_on!r}: expected {' or '.join(FAIL_ON)}")
    loaded = _load(shared, max_rows=max_rows, show_all=show_all, output_format=output_format, fail_on=fail_on)
    settings = loaded.settings
    paths = _paths_to_check(files, loaded, shared.quiet)
    shown, output_files = _outputs(output_file or [], output_format, settings.output_format)
    readable, unreadable = _readable(paths)
    for path in readable:
        for _, report_path in output_files:
            if path != STDIN:
                from wsfix.output import refuse_same_file

                refuse_same_file(path, report_path)
    if diff:
        code = _diff_fixes(readable, unreadable, settings, shared)
        return ExitCode.OK if code == ExitCode.FINDINGS and exit_zero else code
    if fix:
        _fix_in_place(readable, settings, shared)
    options = ReportOptions(
        max_rows=settings.max_rows,
        color=_COLORS[color],
        base_dir=os.getcwd(),
        step_summary=os.environ.get("GITHUB_STEP_SUMMARY") or None,
        quiet=shared.quiet,
    )
    with (
        _cluster(shared.dask if shared.dask is not None else loaded.dask) as cluster,
        open_reporter(shown, sys.stdout, options, statistics=statistics, output_files=output_files) as reporter,
    ):
        stdout_busy = not statistics and shown != "full"
        inner: Reporter = _Unreadable(reporter, unreadable) if unreadable else reporter
        # Only the built-in schema has a shape a capture can miss (a wrapper costs a call per finding).
        watcher = _SchemaWatcher(inner) if settings.schema.name == "websocket-message" and not shared.quiet else None
        summary = check_captures(
            readable,
            settings,
            watcher or inner,
            jobs=shared.jobs,
            progress=_progress_bars(shared.no_progress or shared.quiet, stdout_busy=stdout_busy),
            on_format=_tell_format if shared.verbose else None,
            cluster=cluster,
        )
    if watcher is not None and watcher.looks_like_another_model(summary):
        _note(
            "most records fail the built-in schema on `type` or a field it requires: is this capture of "
            "another model? Pass yours with --model path/to/models.py:Class (wsfix schema --model ... "
            "shows what wsfix reads from it)"
        )
    if unreadable:
        return ExitCode.ERROR
    failing = summary.tally.by_severity(Severity.ERROR) if loaded.fail_on == "error" else summary.tally.total
    return ExitCode.FINDINGS if failing and not exit_zero else ExitCode.OK


def _cluster(address: str | None) -> Any:
    """--dask (or WSFIX_DASK, or [tool.wsfix] dask): the Dask cluster to check on, as a context
    manager; a null context without one."""
    if address is None:
        return contextlib.nullcontext()
    from wsfix.cluster import DaskCluster

    return DaskCluster(address)


_COLORS: dict[str, bool | None] = {"auto": None, "always": True, "never": False}
_FORMAT_BY_EXTENSION = {".sarif": "sarif", ".json": "json", ".jsonl": "jsonl", ".xml": "junit"}


def _outputs(values: list[str], given: str | None, output_format: str) -> tuple[str, list[tuple[str, str]]]:
    """The format standard output shows, and the (format, path) of each report file, from the
    --output-file values: `FORMAT:PATH`; or a PATH in the --output-format `given` on the command
    line (or WSFIX_OUTPUT_FORMAT), as ruff writes it; else in the format its extension names; else
    in `output_format` (the configuration's). Standard output (`-`, /dev/stdout) shows the format
    given for it; else, beside report files, the table."""
    from wsfix.config import output_format_name

    shown: str | None = None
    files: list[tuple[str, str]] = []
    for value in values:
        prefix, colon, rest = value.partition(":")
        if colon and output_format_name(prefix) in REPORTERS:
            format_name, path = output_format_name(prefix), rest
        elif colon and len(prefix) > 1 and prefix.replace("-", "").isalpha():  # not C:\ (a drive)
            raise UsageError(
                f"--output-file {value}: unknown output format {prefix!r}: expected one of {', '.join(REPORTERS)} "
                f"(a file name with a colon: ./{value})"
            )
        else:
            extension = os.path.splitext(value)[1].lower()
            by_extension = _FORMAT_BY_EXTENSION.get(extension, output_format)
            format_name, path = output_format_name(given) if given is not None else by_extension, value
        if not value:
            raise UsageError("--output-file '': an empty name is not an output file")
        if not path:
            raise UsageError(f"--output-file {value}: no path after the format (FORMAT:PATH)")
        path = _stdout_as_dash(path) or path
        if path == STDOUT:
            if shown is not None:
                raise UsageError("--output-file: standard output (-) can take one report")
            shown = format_name
        elif any(os.path.abspath(path) == os.path.abspath(other) for _, other in files):
            raise UsageError(f"--output-file {path}: named twice")
        else:
            files.append((format_name, path))
    if shown is None:
        shown = "full" if files else output_format
    return shown, files


def _paths_to_check(files: list[str] | None, loaded: Any, quiet: bool) -> list[str]:
    """The files `check` reads: those named, each folder searched for captures; standard input
    when none is named and it is not a terminal. Folders the search cannot list are returned as
    they are, to be reported as unreadable."""
    from wsfix.discovery import find_captures

    if not files:
        if _stdin_is_terminal():
            raise UsageError(
                "no capture named: wsfix check PATH... (a file or a folder), or pipe one in (wsfix check < FILE)"
            )
        return [STDIN]
    if files.count(STDIN) > 1:
        raise UsageError("standard input (-) can be read only once")
    if any("://" in name for name in files):  # URLs: globs and prefixes expanded on their store
        from wsfix.remote import expand

        files = expand(files, loaded.include, loaded.exclude)
    paths = [
        found if isinstance(found, str) else found.path
        for found in find_captures(files, loaded.include, loaded.exclude)
    ]
    if not paths and not quiet:
        _note(f"warning: no captures found in {', '.join(files)} (include: {', '.join(loaded.include)})")
    return paths


def _readable(paths: list[str]) -> tuple[list[str], list[Problem]]:
    """The paths that can be read, and a WS005 finding for each of the others."""
    from wsfix.errors import InputError
    from wsfix.rules import UNREADABLE_INPUT

    readable: list[str] = []
    unreadable: list[Problem] = []
    for path in paths:
        if path == STDIN:
            readable.append(path)
            continue
        try:
            with open_capture(path):
                pass
        except InputError as error:
            message = str(error).removeprefix(f"{path}: ")
            unreadable.append(Problem(path, 1, None, "", UNREADABLE_INPUT, message))
        else:
            readable.append(path)
    return readable, unreadable


class _SchemaWatcher(Forwarding):
    """A reporter passing everything on, noting the schema violations (WS004) it sees: whether
    they are about `type` or a missing field, the signs of a capture of another model."""

    def __init__(self, reporter: Reporter) -> None:
        super().__init__(reporter)
        self.violations = self.foreign = 0

    def add(self, problem: Problem) -> None:
        self._see(problem)
        self.reporter.add(problem)

    def noted_codes(self) -> frozenset[str]:
        return self.reporter.noted_codes() | {"WS004"}

    def note(self, problem: Problem) -> None:
        self._see(problem)
        self.reporter.note(problem)

    def _see(self, problem: Problem) -> None:
        if problem.code == "WS004":
            self.violations += 1
            if problem.json_path == "type" or problem.pydantic_type == "missing":
                self.foreign += 1

    def looks_like_another_model(self, summary: Summary) -> bool:
        """Most records fail the schema, and most violations seen are about `type` or a missing
        field (past the rows a table shows, findings are only counted: those seen decide)."""
        records = summary.lines
        return (
            records >= 5
            and summary.tally.counts.get("WS004", 0) * 2 > records
            and self.violations > 0
            and self.foreign * 2 > self.violations
        )


class _Unreadable(Forwarding):
    """A reporter with the paths that could not be read (WS005) reported first, and counted."""

    def __init__(self, reporter: Reporter, problems: list[Problem]) -> None:
        super().__init__(reporter)
        self.problems = problems
        for problem in problems:
            reporter.add(problem)

    def finish(self, summary: Summary) -> None:
        for problem in self.problems:
            summary.tally.add(problem)
        code = self.problems[0].code
        if code not in summary.rules:  # reported whatever the selection: a path not read is not checked
            summary = summary._replace(rules=(*summary.rules, code))
        self.reporter.finish(summary)


def _fix_in_place(paths: list[str], settings: Settings, shared: SharedOptions) -> None:
    """check --fix: repair each file in place (backup FILE.orig) before it is checked; the
    summaries go to stderr, the report to stdout."""
    from wsfix.run import RepairTarget, repair_capture

    if STDIN in paths:
        raise UsageError("--fix needs files, not standard input (wsfix repair --in - --out - repairs a stream)")
    for path in paths:
        _check_repair_targets(path, None, True, _BACKUP_SUFFIX, False, False, False)
    for path in paths:
        backup = path + _BACKUP_SUFFIX
        if os.path.lexists(backup) and repair_capture(path, RepairTarget(dry_run=True), settings).lines_changed:
            raise OutputError(
                f"{backup}: backup already exists (remove it, or use wsfix repair --in-place --force); "
                "no file was changed"
            )
    for path in paths:
        result = repair_capture(
            path,
            RepairTarget(in_place=True, backup_suffix=_BACKUP_SUFFIX),
            settings,
            jobs=shared.jobs,
            progress=_progress_bars(shared.no_progress or shared.quiet, stdout_busy=False),
        )
        if not shared.quiet:
            fixed = sum(result.fixed.values())
            _note(
                f"fixed {fixed:,} value{'s' if fixed != 1 else ''} on {result.lines_changed:,} "
                f"{result.noun}{'s' if result.lines_changed != 1 else ''} of {path}"
                + (f" (backup: {path}{_BACKUP_SUFFIX})" if result.lines_changed else "")
            )


def _diff_fixes(readable: list[str], unreadable: list[Problem], settings: Settings, shared: SharedOptions) -> ExitCode:
    """check --diff: the diff of what --fix would change on stdout, a summary per file on
    stderr; nothing written. Exit 1 when something would change."""
    from wsfix.run import RepairTarget, repair_capture

    for problem in unreadable:
        _error(f"{problem.path}: {problem.message}")
    changed = False
    for path in readable:
        with contextlib.ExitStack() as stack:
            diff = _unified_diff(path, stack)
            result = repair_capture(
                path,
                RepairTarget(dry_run=True),
                settings,
                diff.change,
                jobs=shared.jobs,
                progress=_progress_bars(shared.no_progress or shared.quiet, stdout_busy=True),
                on_end=diff.finish,
            )
        sys.stdout.buffer.flush()
        changed = changed or bool(result.lines_changed)
        if not shared.quiet:
            _print_repair_summary(sys.stderr, path, None, False, True, result, settings)
    if unreadable:
        return ExitCode.ERROR
    return ExitCode.FINDINGS if changed else ExitCode.OK


def _unified_diff(path: str, stack: contextlib.ExitStack) -> "UnifiedDiff":
    """The unified diff of what repairing `path` changes, for standard output as the repair
    streams (`--diff` of check and of repair): the original's lines, read beside the repair, give
    each hunk its context; standard input's cannot be read twice, so its hunks have none."""
    from wsfix.capture import iter_lines
    from wsfix.unified_diff import UnifiedDiff

    original = None if path == STDIN else iter_lines(stack.enter_context(open_capture(path)), path)
    name = _diff_name(path)
    sys.stdout.flush()  # what was printed before goes first
    return UnifiedDiff(sys.stdout.buffer, f"a/{name}", f"b/{name}", original, sys.stdout.isatty())


def _diff_name(path: str) -> str:
    """`path` as a diff names it: from the current folder when inside it (`git apply` takes it
    from the repository's top), else as given; `/` between folders."""
    if path == STDIN:
        return path
    relative = os.path.relpath(path)
    shown = path if relative.startswith(os.pardir) else relative
    return shown.replace(os.sep, "/")


_BACKUP_SUFFIX = ".orig"  # as repair --in-place's default


# --- repair --------------------------------------------------------------------------------


@app.command(cls=_Command, no_args_is_help=True)
@_guarded
@_with_shared_options
def repair(
    files: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[FILE]...",
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
        typer.Option(
            "--out",
            metavar="FILE",
            help="Where to write the repaired copy; - writes standard output; FOLDER/ (or a URL prefix) takes "
            "many captures, each under its own name.",
        ),
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
    shared: SharedOptions = SharedOptions(),  # typer sees the options instead: _with_shared_options
) -> ExitCode:
    """Write a copy where every fixable value is replaced by its exact epoch seconds (or the form
    its field takes: whole milliseconds, RFC 3339 text). An --out ending in .gz is gzip'd.

    Only the replaced values' bytes change; lines that cannot be fixed are copied unchanged and
    listed. Only the selected rules' findings are fixed. Exit code: 0 every finding fixed, 1
    findings remain (or, with --exit-non-zero-on-fix, a file changed), 2 usage or I/O error.
    """
    from wsfix.run import RepairTarget, repair_capture

    loaded = _load(shared)
    settings = loaded.settings
    jobs = shared.jobs
    if source is not None and files:
        raise UsageError("name the capture either with --in or as FILE..., not both")
    sources = [source] if source is not None else files or []
    if not sources:
        raise UsageError("say what to repair: --in FILE, or FILE... with --in-place")
    into_folder = target is not None and target.endswith(("/", os.sep))  # --out FOLDER/ or a prefix
    if any("://" in path for path in sources):  # URLs: globs and prefixes expanded on their store
        from wsfix.remote import expand

        sources = expand(sources, loaded.include, loaded.exclude)
    if len(sources) > 1 and target is not None and not into_folder:
        raise UsageError("--out takes one capture; repair several with --in-place, or into --out FOLDER/")
    if source is None and not (in_place or dry_run or into_folder):
        raise UsageError("FILE... is repaired in place: add --in-place (or --dry-run, or --out FOLDER/)")
    target = _stdout_as_dash(target)
    targets = _mirrored(sources, target) if into_folder else dict.fromkeys(sources, target)
    for path in sources:
        _check_repair_targets(path, targets[path], in_place, backup_suffix, force, dry_run, diff)
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
    with _cluster(shared.dask if shared.dask is not None else loaded.dask) as cluster:
        for path in sources:
            target = targets[path]
            # With a diff on standard output, the summary goes to standard error (as check --diff's).
            log = sys.stderr if target == STDOUT or diff else sys.stdout
            with contextlib.ExitStack() as stack:
                changes = _unified_diff(path, stack) if diff else None
                result = repair_capture(
                    path,
                    RepairTarget(
                        path=target,
                        in_place=in_place,
                        backup_suffix=backup_suffix,
                        dry_run=dry_run,
                        overwrite_backup=force,
                    ),
                    settings,
                    changes.change if changes is not None else None,
                    stdout=sys.stdout.buffer,
                    jobs=jobs,
                    progress=_progress_bars(shared.no_progress or shared.quiet, stdout_busy=diff or target == STDOUT),
                    cluster=cluster,
                    on_format=_tell_format if shared.verbose else None,
                    on_end=changes.finish if changes is not None else None,
                )
            if diff:
                sys.stdout.buffer.flush()
            if not shared.quiet:
                _print_repair_summary(log, path, target, in_place, dry_run, result, settings)
            if result.remaining or (dry_run and result.fixed) or (exit_non_zero_on_fix and result.lines_changed):
                code = ExitCode.FINDINGS
    return code


def _mirrored(sources: list[str], folder: str | None) -> dict[str, str | None]:
    """--out FOLDER/ (a local folder, or a prefix in object storage): each capture's repaired copy
    there, under the capture's own name."""
    assert folder is not None
    targets: dict[str, str | None] = {}
    for path in sources:
        if path == STDIN:
            raise UsageError(f"--out {folder}: standard input has no name to write it under")
        target = folder + path.replace(os.sep, "/").rstrip("/").rsplit("/", 1)[-1]
        if target in targets.values():
            raise UsageError(f"--out {folder}: two captures would be written to {target}")
        targets[path] = target
    return targets


def _stdout_as_dash(path: str | None) -> str | None:
    """`-` for an output path that is standard output (/dev/stdout, or the file it is redirected
    to): written as `-` is, with the summary on standard error. Any other path as it is."""
    if path is None or path == STDOUT:
        return path
    from wsfix.output import standard_stream

    return STDOUT if standard_stream(path) == 1 else path


def _check_repair_targets(
    source: str, target: str | None, in_place: bool, backup_suffix: str, force: bool, dry_run: bool, diff: bool
) -> None:
    if in_place and target is not None:
        raise UsageError("use either --out or --in-place, not both")
    if not in_place and target is None and not dry_run:
        raise UsageError("say where to write: --out FILE, --out - (standard output), --in-place, or --dry-run")
    if in_place and source == STDIN:
        raise UsageError("--in-place needs a file, not standard input")
    if diff and target == STDOUT and not dry_run:
        raise UsageError("--diff and --out - would both write to standard output")
    if source != STDIN:
        with open_capture(source):
            pass  # missing, a directory, unreadable: say so before anything else
    if dry_run:
        return
    if target is not None and "://" in target:  # an object: written whole, at the end
        if not force:
            from wsfix.remote import refuse_existing_object

            refuse_existing_object(target)
        return
    if target is not None and target != STDOUT:
        from wsfix.output import refuse_same_file, refuse_unwritable, written_through

        if source != STDIN:
            refuse_same_file(source, target, in_place_hint=True)
        if os.path.isdir(target):
            raise OutputError(f"{target}: is a directory")
        refuse_unwritable(target)
        # A device or a pipe (/dev/null, a terminal, /dev/stderr) is written to, not replaced:
        # no --force.
        if os.path.lexists(target) and not force and not written_through(target):
            raise OutputError(f"{target}: already exists (use --force to overwrite it)")


def _print_repair_summary(
    log: TextIO, source: str, target: str | None, in_place: bool, dry_run: bool, result: Any, settings: Settings
) -> None:
    from wsfix import rules
    from wsfix.summary import naive_times_quoting

    fixed = sum(result.fixed.values())
    where = printable(source if in_place or target is None else f"{source} -> {target}")
    verb = "Would repair" if dry_run else "Repaired"
    skipped = f", skipped {result.skipped:,} without a JSON message" if result.skipped else ""
    log.write(
        f"{verb} {fixed:,} value{'s' if fixed != 1 else ''} on {result.lines_changed:,} of "
        f"{result.lines:,} {result.noun}s ({where}{skipped}). "
        f"{naive_times_quoting(settings.policy.naive_zone.name, result.evidence)}\n"
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


# --- clocks --------------------------------------------------------------------------------


@app.command(cls=_Command)
@_guarded
@_with_shared_options
def clocks(
    files: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[PATH]...",
            help="Captures with capture times (a HAR, prefixed log lines, --capture-time), or folders to search "
            "for them; - reads standard input.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        Optional[str],
        typer.Option("--output-format", metavar="table|json", show_default=False, help="table (default) or json."),
    ] = None,
    color: Annotated[
        str,
        typer.Option("--color", metavar="auto|always|never", help="Colour the picture (auto: on a terminal)."),
    ] = "auto",
    shared: SharedOptions = SharedOptions(),  # typer sees the options instead: _with_shared_options
) -> ExitCode:
    """Whose clock is off, and by how much: per capture, each sender's skews (its timestamps minus
    their capture times), the zone its naive times were written in, and a histogram of skews.

    Takes the capture options of check. Exit code as check's: 0 no findings, 1 findings (a clock
    past --max-skew is one: WS120), 2 usage or I/O error.
    """
    from wsfix.clocks import clocks_json, render_clocks
    from wsfix.problems import Severity
    from wsfix.reporters import ReportOptions
    from wsfix.reporters.findings import dumps
    from wsfix.run import check_captures
    from wsfix.senders import clocks as clocks_of

    if color not in _COLORS:
        raise UsageError(f"--color: unknown choice {color!r}: expected auto, always or never")
    if output_format not in (None, "table", "json"):
        raise UsageError(f"--output-format: unknown choice {output_format!r}: expected table or json")
    loaded = _load(shared)
    settings = loaded.settings
    paths = _paths_to_check(files, loaded, shared.quiet)
    readable, unreadable = _readable(paths)
    for problem in unreadable:
        _error(f"{problem.path}: {problem.message}")
    found: dict[str, Any] = {}
    with _cluster(shared.dask if shared.dask is not None else loaded.dask) as cluster:
        summary = check_captures(
            readable,
            settings,
            _Discarded(sys.stdout, ReportOptions()),
            jobs=shared.jobs,
            progress=_progress_bars(shared.no_progress or shared.quiet, stdout_busy=False),
            on_format=_tell_format if shared.verbose else None,
            cluster=cluster,
            senders=found,
        )
    pictures = {path: clocks_of(senders) for path, senders in found.items()}
    if output_format == "json":
        sys.stdout.write(dumps(clocks_json(pictures, settings.max_skew)) + "\n")
    elif pictures:
        render_clocks(pictures, sys.stdout, settings.max_skew, color=_COLORS[color])
    elif not shared.quiet:
        _note("no capture times found: a HAR, log lines with a leading timestamp, or --capture-time PATH")
    if not shared.quiet and output_format != "json":
        sys.stdout.write(summary.sentence() + "\n")
    if unreadable:
        return ExitCode.ERROR
    failing = summary.tally.by_severity(Severity.ERROR) if loaded.fail_on == "error" else summary.tally.total
    return ExitCode.FINDINGS if failing else ExitCode.OK


class _Discarded(Reporter):
    """Takes the findings of a run that only wants its summary and evidence (`wsfix clocks`)."""

    def add(self, problem: Problem) -> None:
        pass

    def problems_wanted(self) -> int:
        return 0  # the evidence is gathered whatever the detail: no finding need be worked out

    def add_unshown(self, count: int, path: str) -> None:
        pass

    def finish(self, summary: Summary) -> None:
        pass


# --- rule ----------------------------------------------------------------------------------


@app.command(cls=_Command)
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


@app.command("schema", cls=_Command)
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
    from wsfix.user_model import build_schema

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
    from wsfix.probe import validation_path

    for key, values in _allowed_values(built.model):
        out.write(printable(f"Allowed values of {key}: {', '.join(map(str, values))}") + "\n")
    out.write(printable(f"Checked by: {validation_path(built.model, fields)}") + "\n")
    return ExitCode.OK


def _allowed_values(model: Any) -> list[tuple[str, tuple[object, ...]]]:
    """(JSON key, the values it takes) for each top-level field of `model` typed by an enum or a
    Literal (optional or not): what a WS004 "Input should be one of 51 values" refers to."""
    from typing import Literal, Union, get_args, get_origin

    found = []
    for name, info in getattr(model, "model_fields", {}).items():
        annotation = info.annotation
        if get_origin(annotation) in (Union, types.UnionType):
            members = [member for member in get_args(annotation) if member is not type(None)]
            annotation = members[0] if len(members) == 1 else annotation
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            values: tuple[object, ...] = tuple(member.value for member in annotation)
        elif get_origin(annotation) is Literal:
            values = get_args(annotation)
        else:
            continue
        key = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        found.append((key or name, values))
    return found


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
    """Entry point of the `wsfix` script and `python -m wsfix` (see `wsfix.__main__`, which
    handles stop signals while this module loads)."""
    _collect_less_often()
    try:
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):  # SIGHUP: not on Windows
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), _stop)
        _check_standard_streams()
        args = sys.argv[1:]
        if len(args) <= 1 or "-h" in args or "--help" in args:  # help may be printed
            # typer 0.17-0.2x escapes help text with rich.markup without importing it.
            with contextlib.suppress(ImportError):
                import rich.markup  # noqa: F401
        try:
            # Not standalone: click's own report of a bad command line is three lines (usage, a
            # hint, the error); wsfix says it in one, as it does every other error. The exit code
            # comes back.
            code: int | str | None = _app_for(args)(standalone_mode=False)
        except SystemExit as stop:
            code = stop.code
        except _COMMAND_LINE_ERROR as error:
            code = _command_line_error(error)
        except typer.Abort:  # end of input at a prompt (wsfix asks none)
            _error("aborted")
            code = ExitCode.ERROR
    except (KeyboardInterrupt, Stopped) as stop:  # outside a command: parsing, loading, leaving
        signum = stop.signum if isinstance(stop, Stopped) else signal.SIGINT
        _error(Stopped(signum).message)
        code = 128 + signum
    for signum in _STOPS:  # the run is over: what is left is to flush and exit with `code`
        signal.signal(signum, signal.SIG_IGN)
    _leave(code)


def _collect_less_often() -> None:
    """Full garbage collections ten times rarer than Python's default, for this process and the
    workers it forks (a command line's choice; the library leaves the collector alone).

    wsfix's records and problems are named tuples, which the collector never stops tracking as
    it does plain tuples of plain values; a chunk's problems in flight (thousands in a worker's
    result, then in the parent), or a HAR's parsed document, made it run a full collection after
    nearly every chunk, each walking all of them: measured on a capture where every line is
    broken, a fifth of a worker's time, and 3-8% of whole runs on it or on a HAR. wsfix makes
    no reference cycles of its own that would wait longer for them (tests/test_memory.py).

    Young collections are rarer too: the records and problems of a piece of lines being linted
    (a few thousand objects where every line is broken) are freed together when it is done, and
    with Python's 700 each piece's were walked several times while still in use (200,000 lines
    all broken, `check`: 791 young collections, 0.11 s of 2.9 s; with 10,000, one). A HAR sets
    its own while its document is out (`formats.har`).
    """
    import gc

    _, second, _ = gc.get_threshold()
    gc.set_threshold(_YOUNG_OBJECTS, second, 100)


_YOUNG_OBJECTS = 10_000  # allocations between young collections (Python's default: 700)


_STOPS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def _check_standard_streams() -> None:
    """Make a closed standard stream (`>&-`, `<&-`, `2>&-`) one clear outcome, not a traceback.

    Each closed descriptor is first given /dev/null, so that no file wsfix opens later takes its
    number (a temp file on descriptor 1 would receive the report). A closed standard output is an
    error (exit 2: the report has nowhere to go); a closed standard input is one only when `-` is
    read; a closed standard error just loses the messages (the exit code still tells). A standard
    output that cannot encode every character (`PYTHONIOENCODING=ascii`) gets `?` for those.
    """
    closed = []
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            closed.append(descriptor)
    for descriptor in closed:
        plug = os.open(os.devnull, os.O_RDONLY if descriptor == 0 else os.O_WRONLY)
        if plug != descriptor:
            os.dup2(plug, descriptor)
            os.close(plug)
    if 2 in closed:
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 - lives as long as the process
    if 0 in closed:
        sys.stdin = _ClosedInput()
    if 1 in closed:
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - lives as long as the process
        _error("standard output is closed: the report has nowhere to go")
        _leave(ExitCode.ERROR)
    import io

    stdout = sys.stdout
    if isinstance(stdout, io.TextIOWrapper) and stdout.encoding.lower().replace("-", "").replace("_", "") != "utf8":
        with contextlib.suppress(ValueError):
            stdout.reconfigure(errors="replace")


class _ClosedInput:
    """Standard input when wsfix was started without one: reading `-` is a one-line error."""

    @property
    def buffer(self) -> NoReturn:
        raise InputError("-: standard input is closed")

    def isatty(self) -> bool:
        return False

    def read(self, size: int = -1) -> NoReturn:
        raise InputError("-: standard input is closed")


def _command_line_error(error: Any) -> int:
    """Report an error in the command line (a click exception); the exit code."""
    if type(error).__name__ == "NoArgsIsHelpError":  # a command given nothing: its help (click 8.2+)
        error.show()
        return int(error.exit_code)
    context = getattr(error, "ctx", None)
    if type(error).__name__ == "NoSuchOption" and context is not None:
        better = _option_hint(context.info_name, error.option_name)
        if better:
            _error(f"{context.command_path} has no option {error.option_name}: {better}")
            return ExitCode.ERROR
    hint = f" (see {context.command_path} --help)" if context is not None else ""
    _error(error.format_message() + hint)
    return ExitCode.ERROR


# Options a user of another tool types for a command that does it another way.
_OPTION_HINTS = {
    ("repair", "--fix"): "repair writes its fixes (--out FILE, or --in-place); did you mean wsfix check --fix?",
    ("check", "--in-place"): "did you mean wsfix check --fix (repairs in place, backup FILE.orig)?",
    ("check", "--out"): "check reports; did you mean wsfix repair --in FILE --out FILE?",
}


def _option_hint(command: str | None, option: str) -> str | None:
    """What to say of `option`, which `command` does not have: a known mix-up, or the other
    commands that have it; None when neither."""
    if command is None:
        return None
    known = _OPTION_HINTS.get((command, option))
    if known is not None:
        return known
    group: Any = typer.main.get_command(app)
    others = [
        name
        for name, other in group.commands.items()
        if name != command and any(option in getattr(param, "opts", ()) for param in other.params)
    ]
    if not others:
        return None
    names = [f"wsfix {name}" for name in others]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"it is an option of {listed}"


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
