"""The settings of one run, frozen: how to read timestamps, which schema, which rules count.

Built by `wsfix.config` from `[tool.wsfix]` and the command line; everything below the CLI
receives a `Settings` and never reads the environment or the command line itself. The one place
that decides whether a rule is selected (`selected_codes`, `Settings.selects`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NamedTuple

from wsfix import rules
from wsfix.errors import UsageError
from wsfix.paths import Path
from wsfix.schema import DEFAULT_SCHEMA, Schema
from wsfix.timestamps import DEFAULT_POLICY, Policy

DEFAULT_MAX_ROWS = 50
DEFAULT_MAX_SKEW = 600.0  # seconds: a timestamp further than this from its capture time is reported (WS120)
DEFAULT_OUTPUT_FORMAT = "full"


# What one record may take in memory once parsed, as `linter.record_memory` estimates it.
DEFAULT_MAX_RECORD_MEMORY = 256 << 20


class Settings(NamedTuple):
    policy: Policy = DEFAULT_POLICY
    schema: Schema = DEFAULT_SCHEMA
    max_rows: int | None = DEFAULT_MAX_ROWS  # rows the table shows; None: all
    select: tuple[str, ...] = ("WS",)  # codes or code prefixes
    ignore: tuple[str, ...] = ()
    output_format: str = DEFAULT_OUTPUT_FORMAT
    capture_format: str = "auto"  # a name in wsfix.formats.FORMATS, or auto
    message_path: Path = ()  # where the message sits in each record; () for the record itself
    max_record_memory: int = DEFAULT_MAX_RECORD_MEMORY  # a record estimated larger is reported, not parsed (WS006)
    capture_time: Path | None = None  # --capture-time: where each record holds its capture time
    group_by: Path | None = None  # --group-by: the field naming each record's sender
    max_skew: float = DEFAULT_MAX_SKEW  # seconds between a value and its capture time before WS120
    # --naive-tz auto: naive times are read per group in the zone its capture times show (two
    # passes); `policy.naive_zone` is then `config.AUTO_NAIVE_ZONE`, which reads none.
    naive_auto: bool = False

    def selects(self, code: str) -> bool:
        """Whether findings of `code` count: the longest matching prefix of select/ignore decides,
        as in ruff; an ignore wins a tie."""
        return _decide(code, self.select, self.ignore) is True

    @property
    def selected_codes(self) -> tuple[str, ...]:
        """The catalog's codes this run reports, in catalog order."""
        return tuple(rule.code for rule in rules.RULES if self.selects(rule.code))


class RuleSelection(NamedTuple):
    """One layer of rule choices, as ruff has them: first `[tool.wsfix]`'s, then the command line's.

    `select` None keeps what earlier layers chose; `extend_select` and `ignore` change only the
    codes their prefixes match.
    """

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def selected_codes(layers: Iterable[RuleSelection]) -> tuple[str, ...]:
    """The codes selected once every layer is applied in turn, in catalog order.

    Everything is selected before the first layer. Within a layer the longest matching prefix
    decides and an ignore wins a tie; a layer with `select` starts afresh from its own choices,
    so `--select` on the command line replaces the configuration's select and ignore, while
    `--ignore` and `--extend-select` adjust it. Raises UsageError for a code or prefix that
    matches no rule (the message names it; callers add where it came from).
    """
    codes = [rule.code for rule in rules.RULES]
    enabled = set(codes)
    for layer in layers:
        select = (layer.select or ()) + layer.extend_select
        for prefix in select + layer.ignore:
            check_prefix(prefix)
        verdicts = {code: _decide(code, select, layer.ignore) for code in codes}
        if layer.select is not None:
            enabled = {code for code, verdict in verdicts.items() if verdict is True}
        else:
            for code, verdict in verdicts.items():
                if verdict is True:
                    enabled.add(code)
                elif verdict is False:
                    enabled.discard(code)
    return tuple(code for code in codes if code in enabled)


def check_prefix(prefix: str) -> None:
    """Raise UsageError unless `prefix` is a rule code or the start of one (`WS1`, `WS10`)."""
    if not prefix or not any(rule.code.startswith(prefix) for rule in rules.RULES):
        raise UsageError(f"unknown rule code or prefix {prefix!r} (wsfix rule --all lists the codes)")


@functools.cache
def _decide(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool | None:
    """True: selected; False: ignored; None: no prefix of either matches `code`."""
    selected = max((len(prefix) for prefix in select if code.startswith(prefix)), default=-1)
    ignored = max((len(prefix) for prefix in ignore if code.startswith(prefix)), default=-1)
    if selected < 0 and ignored < 0:
        return None
    return selected > ignored
