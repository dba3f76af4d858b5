"""The settings of one run, frozen: how to read timestamps, which schema, which rules count.

Built by the CLI from its options; everything below the CLI receives a `Settings` and never reads
the environment or the command line itself.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from wsfix.paths import Path
from wsfix.schema import DEFAULT_SCHEMA, Schema
from wsfix.timestamps import DEFAULT_POLICY, Policy

DEFAULT_MAX_ROWS = 50


@dataclass(frozen=True)
class Settings:
    policy: Policy = DEFAULT_POLICY
    schema: Schema = DEFAULT_SCHEMA
    max_rows: int | None = DEFAULT_MAX_ROWS  # rows the table shows; None: all
    select: tuple[str, ...] = ("WS",)  # codes or code prefixes
    ignore: tuple[str, ...] = ()
    capture_format: str = "auto"  # a name in wsfix.formats.FORMATS, or auto
    message_path: Path = ()  # where the message sits in each record; () for the record itself

    def selects(self, code: str) -> bool:
        """Whether findings of `code` count: the longest matching prefix of select/ignore decides,
        as in ruff; an ignore wins a tie."""
        return _decide(code, self.select, self.ignore)


@functools.lru_cache(maxsize=None)
def _decide(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    selected = max((len(prefix) for prefix in select if code.startswith(prefix)), default=-1)
    ignored = max((len(prefix) for prefix in ignore if code.startswith(prefix)), default=-1)
    return selected > ignored
