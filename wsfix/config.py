"""Configuration: `[tool.wsfix]` in pyproject.toml, merged with the command line into `Settings`.

The table is found from a start folder upward (the first pyproject.toml that has one), or read
from the file `--config` names. Command-line values override it. An unknown key or a bad value is
a `UsageError` naming the file and the key, never ignored. Reads files only: the caller passes the
start folder and every command-line value; no environment reads, no printing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, NamedTuple

from wsfix.errors import UsageError
from wsfix.models import build_schema
from wsfix.paths import Path, has_wildcard, parse_path
from wsfix.settings import (
    DEFAULT_MAX_ROWS,
    DEFAULT_OUTPUT_FORMAT,
    RuleSelection,
    Settings,
    check_prefix,
    selected_codes,
)
from wsfix.timestamps import DEFAULT_WINDOW, Policy, Unit, parse_naive_zone, parse_window

PYPROJECT = "pyproject.toml"
DEFAULT_NAIVE_TZ = "UTC"


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

    if text not in REPORTERS:
        raise ValueError(f"unknown output format {text!r}: expected one of {', '.join(REPORTERS)}")


def _capture_format(text: str) -> None:
    from wsfix.formats import FORMAT_NAMES

    if text not in FORMAT_NAMES:
        raise ValueError(f"unknown capture format {text!r}: expected one of {', '.join(FORMAT_NAMES)}")


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"expected a list of strings, got {_toml_repr(value)}")
    return tuple(value)


def _max_rows(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number of rows, 0 or more, got {_toml_repr(value)}")
    return value


# key -> checker returning the value to keep; a checker raises ValueError (or UsageError) when bad.
_KEYS: dict[str, Callable[[Any], Any]] = {
    "select": _codes,
    "extend-select": _codes,
    "ignore": _codes,
    "naive-tz": _text(parse_naive_zone),
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
    output_format, _ = pick(cli.output_format, "output-format", DEFAULT_OUTPUT_FORMAT)
    max_rows, _ = pick(cli.max_rows, "max-rows", DEFAULT_MAX_ROWS)

    policy = Policy(
        naive_zone=_parsed(parse_naive_zone, naive_tz, naive_tz_source),
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
    schema = build_schema(schema_name, model, tuple(timestamp_fields), timestamp_pattern)
    settings = Settings(
        policy=policy,
        schema=schema,
        max_rows=None if cli.show_all else max_rows,
        select=codes,
        ignore=(),
        output_format=output_format,
        capture_format=capture_format,
        message_path=envelope,
    )
    return settings, path


def _parsed(parse: Callable[[str], Any], text: str, source: str) -> Any:
    try:
        return parse(text)
    except ValueError as error:
        # Named by its option, or by file and key: "--message-path: empty path".
        raise UsageError(f"{source}: {error}") from None
