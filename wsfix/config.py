"""Configuration: `[tool.wsfix]` in pyproject.toml, merged with the command line into `Settings`.

The table is found from a start folder upward (the first pyproject.toml that has one), or read
from the file `--config` names. Command-line values override it. An unknown key or a bad value is
a `UsageError` naming the file and the key, never ignored. Reads files only: the caller passes the
start folder and every command-line value; no environment reads, no printing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from wsfix.errors import UsageError
from wsfix.paths import Path, has_wildcard, parse_path
from wsfix.settings import (
    DEFAULT_MAX_RECORD_MEMORY,
    DEFAULT_MAX_ROWS,
    DEFAULT_MAX_SKEW,
    DEFAULT_OUTPUT_FORMAT,
    RuleSelection,
    Settings,
    check_prefix,
    selected_codes,
)
from wsfix.timestamps import DEFAULT_WINDOW, NaiveZone, Policy, Unit, parse_naive_zone, parse_window
from wsfix.user_model import build_schema

PYPROJECT = "pyproject.toml"
DEFAULT_NAIVE_TZ = "UTC"
# What a folder given to `wsfix check` is searched for (file names), and what the search skips
# (names of files or folders, or their paths relative to the folder given).
DEFAULT_INCLUDE = ("*.jsonl", "*.ndjson", "*.jsonl.gz", "*.har", "*.log")
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".tox", ".venv", "venv", "node_modules", "__pycache__")
FAIL_ON = ("error", "warning")  # the least severe finding that makes `check` exit 1
# Output format names spelled as other tools spell them (ruff: json-lines) -> wsfix's.
OUTPUT_FORMAT_ALIASES = {"json-lines": "jsonl"}


class CommandLine(NamedTuple):
    """The values given on the command line; None where an option was not given."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    naive_tz: str | None = None
    unit: str | None = None
    window: str | None = None
    output_format: str | None = None
    max_rows: int | None = None
    show_all: bool = False
    schema: str | None = None
    model: str | None = None
    timestamp_fields: tuple[str, ...] | list[str] | None = None
    timestamp_pattern: str | None = None
    capture_format: str | None = None
    message_path: str | None = None
    fail_on: str | None = None
    max_record_memory: str | None = None
    capture_time: str | None = None
    group_by: str | None = None
    max_skew: str | None = None


class Loaded(NamedTuple):
    """What a run takes from the command line and the configuration: the core's `Settings`, and
    what only the command line uses (which files a folder holds, when `check` fails)."""

    settings: Settings
    path: str | None  # the configuration file read, if any
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    fail_on: str = "warning"
    dask: str | None = None  # the Dask scheduler to check on (`wsfix.cluster`), or local[:N]


def output_format_name(text: str) -> str:
    """The registered name of output format `text` (`json-lines` -> `jsonl`); others as given."""
    return OUTPUT_FORMAT_ALIASES.get(text, text)


def _codes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f'expected a list of rule codes or prefixes such as ["WS1", "WS003"], got {_toml_repr(value)}')
    for prefix in value:
        check_prefix(prefix)
    return tuple(value)


def _text(parse: Callable[[str], object]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {_toml_repr(value)}")
        parse(value)
        return value

    return check


def _output_format(text: str) -> None:
    from wsfix.reporters import REPORTERS

    if output_format_name(text) not in REPORTERS:
        raise ValueError(f"unknown output format {text!r}: expected one of {', '.join(REPORTERS)}")


def _fail_on(text: str) -> None:
    if text not in FAIL_ON:
        raise ValueError(f"unknown severity {text!r}: expected {' or '.join(FAIL_ON)}")


def _capture_format(text: str) -> None:
    from wsfix.formats import FORMAT_NAMES

    if text not in FORMAT_NAMES:
        raise ValueError(f"unknown capture format {text!r}: expected one of {', '.join(FORMAT_NAMES)}")


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"expected a list of strings, got {_toml_repr(value)}")
    return tuple(value)


AUTO_ZONE = "auto"  # --naive-tz auto: the zone each group's capture times show
# What the linter reads naive times in under --naive-tz auto, where no capture time speaks for a
# record's sender: nothing (they stay as written, reported); the pipeline gives every record whose
# sender's zone is inferred a zone of its own (`wsfix.senders.naive_offsets`).
AUTO_NAIVE_ZONE = NaiveZone(AUTO_ZONE, None, rejects=True)


def parse_naive_tz(text: str) -> Any:
    """A `--naive-tz` value: `auto`, or what `timestamps.parse_naive_zone` reads (its result)."""
    if text.strip().lower() == AUTO_ZONE:
        return AUTO_ZONE
    return parse_naive_zone(text)


_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?\s*", re.IGNORECASE)
_DURATION_UNITS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}


def parse_duration(text: str) -> float:
    """`10m`, `90s`, `2h`, or seconds (`600`, `0.5`): a length of time in seconds. Raises ValueError."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(f"expected a length of time such as 10m, 90s, 2h or a number of seconds, got {text!r}")
    number, unit = match.groups()
    return float(number) * _DURATION_UNITS[unit.lower() if unit else None]


def _duration(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    if isinstance(value, str):
        return parse_duration(value)
    raise ValueError(f"expected a length of time such as 10m, 90s, 2h or a number of seconds, got {_toml_repr(value)}")


_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text: str) -> int:
    """`8M`, `512K`, `1G` or a number of bytes (binary units). Raises ValueError."""
    cleaned = text.strip().upper().removesuffix("B").removesuffix("I")
    number, unit = (cleaned[:-1], cleaned[-1]) if cleaned[-1:] in ("K", "M", "G") else (cleaned, "")
    if not number.isdigit() or int(number) == 0:
        raise ValueError(f"expected a size such as 8M, 512K or 1G, got {text!r}")
    return int(number) * _SIZE_UNITS[unit]


def _size(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        return parse_size(value)
    raise ValueError(f"expected a size such as 8M, 512K or 1G, got {_toml_repr(value)}")


def _max_rows(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number of rows, 0 or more, got {_toml_repr(value)}")
    return value


# key -> checker returning the value to keep; a checker raises ValueError (or UsageError) when bad.
_KEYS: dict[str, Callable[[Any], Any]] = {
    "select": _codes,
    "extend-select": _codes,
    "ignore": _codes,
    "naive-tz": _text(parse_naive_tz),
    "unit": _text(Unit.parse),
    "window": _text(parse_window),
    "output-format": _text(_output_format),
    "max-rows": _max_rows,
    "schema": _text(str),
    "model": _text(str),
    "timestamp-fields": _strings,
    "timestamp-pattern": _text(str),
    "format": _text(_capture_format),
    "message-path": _text(str),
    "include": _strings,
    "exclude": _strings,
    "fail-on": _text(_fail_on),
    "max-record-memory": _size,
    "dask": _text(str),
    "capture-time": _text(parse_path),
    "group-by": _text(parse_path),
    "max-skew": _duration,
}
KEYS = tuple(_KEYS)


def _toml_repr(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list" if any(not isinstance(item, str) for item in value) else repr(value)
    return repr(value)


def find_config(start: str) -> str | None:
    """The first pyproject.toml with a `[tool.wsfix]` table in `start` or a folder above it."""
    folder = os.path.abspath(start)
    while True:
        candidate = os.path.join(folder, PYPROJECT)
        if os.path.isfile(candidate) and _read_table(candidate, required=False) is not None:
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_config(path: str) -> dict[str, Any]:
    """The checked `[tool.wsfix]` table of `path` (kebab-case keys). Raises UsageError naming the
    file and key for an unreadable file, invalid TOML, a missing table, an unknown key or a bad
    value."""
    table = _read_table(path, required=True)
    assert table is not None
    checked: dict[str, Any] = {}
    for key, value in table.items():
        check = _KEYS.get(key)
        if check is None:
            import difflib  # only for this message

            close = difflib.get_close_matches(key.replace("_", "-"), KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(KEYS)}"
            raise UsageError(f"{path}: [tool.wsfix]: unknown key {key!r}{hint}")
        try:
            checked[key] = check(value)
        except (ValueError, UsageError) as error:
            raise UsageError(f"{path}: [tool.wsfix] {key}: {error}") from None
    return checked


def _read_table(path: str, required: bool) -> dict[str, Any] | None:
    import tomllib  # not at start-up: most runs find no configuration file

    try:
        with open(path, "rb") as stream:
            document = tomllib.load(stream)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such configuration file") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not valid TOML: not UTF-8 text") from None
    tool = document.get("tool")
    table = tool.get("wsfix") if isinstance(tool, dict) else None
    if table is None:
        if required:
            raise UsageError(f"{path}: no [tool.wsfix] table")
        return None
    if not isinstance(table, dict):
        raise UsageError(f"{path}: tool.wsfix must be a table, not {_toml_repr(table)}")
    return table


def build_settings(
    cli: CommandLine,
    config_path: str | None = None,
    start: str | None = None,
) -> tuple[Settings, str | None]:
    """Settings from the command line over `[tool.wsfix]`, and the configuration file used.

    `config_path` (from `--config`) is read as given; otherwise the table is looked for from
    `start` upward (None: no configuration file at all). Raises UsageError for bad values,
    naming the option or the file and key.
    """
    loaded = load(cli, config_path, start)
    return loaded.settings, loaded.path


def load(cli: CommandLine, config_path: str | None = None, start: str | None = None) -> Loaded:
    """As `build_settings`, with what only the command line uses. Relative file paths in the
    configuration (`model = "models.py:Event"`) are read from the configuration file's folder."""
    path = config_path if config_path is not None else find_config(start) if start is not None else None
    config = load_config(path) if path is not None else {}

    def pick(given: Any, key: str, default: Any) -> tuple[Any, str]:
        if given is not None:
            return given, f"--{key}"
        if key in config:
            return config[key], f"{path}: [tool.wsfix] {key}"
        return default, f"--{key}"

    naive_tz, naive_tz_source = pick(cli.naive_tz, "naive-tz", DEFAULT_NAIVE_TZ)
    unit, unit_source = pick(cli.unit, "unit", None)
    window, window_source = pick(cli.window, "window", str(DEFAULT_WINDOW))
    output_format, output_format_source = pick(cli.output_format, "output-format", DEFAULT_OUTPUT_FORMAT)
    _parsed(_output_format, output_format, output_format_source)
    fail_on, fail_on_source = pick(cli.fail_on, "fail-on", "warning")
    _parsed(_fail_on, fail_on, fail_on_source)
    max_rows, _ = pick(cli.max_rows, "max-rows", DEFAULT_MAX_ROWS)
    record_memory, record_memory_source = pick(cli.max_record_memory, "max-record-memory", DEFAULT_MAX_RECORD_MEMORY)
    max_record_memory = _parsed(_size, record_memory, record_memory_source)

    naive_zone = _parsed(parse_naive_tz, naive_tz, naive_tz_source)
    naive_auto = naive_zone == AUTO_ZONE
    capture_time, capture_time_source = pick(cli.capture_time, "capture-time", None)
    group_by, group_by_source = pick(cli.group_by, "group-by", None)
    max_skew, max_skew_source = pick(cli.max_skew, "max-skew", DEFAULT_MAX_SKEW)
    policy = Policy(
        naive_zone=AUTO_NAIVE_ZONE if naive_auto else naive_zone,
        unit=_parsed(Unit.parse, unit, unit_source) if unit is not None else None,
        window=_parsed(parse_window, window, window_source),
    )
    if cli.select is not None and not cli.select:
        # An empty --select would report nothing and exit 0: a CI step given an empty $CODES
        # would pass whatever the data holds.
        raise UsageError("--select: no rule codes given (wsfix rule --all lists them)")
    for option, prefixes in (
        ("--select", cli.select),
        ("--extend-select", cli.extend_select),
        ("--ignore", cli.ignore),
    ):
        for prefix in prefixes or ():
            try:
                check_prefix(prefix)
            except UsageError as error:
                raise UsageError(f"{option}: {error}") from None
    codes = selected_codes(
        [
            RuleSelection(
                select=config.get("select"),
                extend_select=config.get("extend-select", ()),
                ignore=config.get("ignore", ()),
            ),
            RuleSelection(select=cli.select, extend_select=cli.extend_select or (), ignore=cli.ignore or ()),
        ]
    )
    schema_name, _ = pick(cli.schema, "schema", None)
    model, _ = pick(cli.model, "model", None)
    timestamp_fields, _ = pick(cli.timestamp_fields, "timestamp-fields", ())
    timestamp_pattern, _ = pick(cli.timestamp_pattern, "timestamp-pattern", None)
    capture_format, format_source = pick(cli.capture_format, "format", "auto")
    message_path, message_path_source = pick(cli.message_path, "message-path", None)
    _parsed(_capture_format, capture_format, format_source)
    envelope: Path = ()
    if message_path is not None:
        envelope = _parsed(parse_path, message_path, message_path_source)
        if has_wildcard(envelope):
            raise UsageError(f"{message_path_source} {message_path}: names one place, without [*] or *")
    model_as_written = model
    if model is not None and cli.model is None and path is not None:
        model = _from_folder_of(path, model)
    try:
        schema = build_schema(schema_name, model, tuple(timestamp_fields), timestamp_pattern)
    except UsageError as error:
        if model != model_as_written:  # say the value as the file has it
            error = UsageError(str(error).replace(repr(model), repr(model_as_written), 1))
        raise _named_by_key(error, path, config, cli) from None
    settings = Settings(
        policy=policy,
        schema=schema,
        max_rows=None if cli.show_all else max_rows,
        select=codes,
        ignore=(),
        output_format=output_format_name(output_format),
        capture_format=capture_format,
        message_path=envelope,
        max_record_memory=max_record_memory,
        capture_time=_one_place(capture_time, capture_time_source),
        group_by=_one_place(group_by, group_by_source),
        max_skew=_parsed(_duration, max_skew, max_skew_source),
        naive_auto=naive_auto,
    )
    return Loaded(
        settings,
        path,
        include=config.get("include", DEFAULT_INCLUDE),
        exclude=config.get("exclude", DEFAULT_EXCLUDE),
        fail_on=fail_on,
        dask=config.get("dask"),
    )


def _one_place(text: str | None, source: str) -> Path | None:
    """A path option that names one field of each record (`received_at`, `meta.seen`), or None."""
    if text is None:
        return None
    path: Path = _parsed(parse_path, text, source)
    if has_wildcard(path):
        raise UsageError(f"{source} {text}: names one place, without [*] or *")
    return path


def _from_folder_of(config_path: str, model: str) -> str:
    """A model file named relative to the configuration file, as a path from here; a module name
    (`pkg.module:Class`) or an absolute path as it is."""
    source, colon, name = model.rpartition(":")
    is_file = source.endswith(".py") or "/" in source or os.sep in source
    if not colon or not is_file or os.path.isabs(source):
        return model
    return os.path.join(os.path.dirname(os.path.abspath(config_path)), source) + colon + name


# The option a schema error names (wsfix.user_model says `--model ...`) -> the configuration key.
_SCHEMA_KEYS = {
    "--model": "model",
    "--timestamp-field": "timestamp-fields",
    "--timestamp-pattern": "timestamp-pattern",
}


def _named_by_key(error: UsageError, path: str | None, config: dict[str, Any], cli: CommandLine) -> UsageError:
    """`error` naming the configuration key instead of the option, when the value came from the
    configuration (the option was not given)."""
    message = str(error)
    given = {
        "--model": cli.model,
        "--timestamp-field": cli.timestamp_fields,
        "--timestamp-pattern": cli.timestamp_pattern,
    }
    for option, key in _SCHEMA_KEYS.items():
        if message.startswith(option + " ") and given[option] is None and key in config:
            return UsageError(f"{path}: [tool.wsfix] {key}{message[len(option) :]}")
    if message.startswith("unknown schema ") and cli.schema is None and "schema" in config:
        return UsageError(f"{path}: [tool.wsfix] schema: {message}")
    if message.startswith("use either --schema or --model") and (cli.schema is None or cli.model is None):
        schema = "--schema" if cli.schema is not None else "[tool.wsfix] schema"
        model = "--model" if cli.model is not None else "[tool.wsfix] model"
        return UsageError(f"{path}: use either {schema} or {model}, not both")
    return error


def _parsed(parse: Callable[[str], Any], text: str, source: str) -> Any:
    try:
        return parse(text)
    except ValueError as error:
        # Named by its option, or by file and key: "--message-path: empty path".
        raise UsageError(f"{source}: {error}") from None
