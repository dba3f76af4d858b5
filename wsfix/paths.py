"""Field paths inside a JSON message: `data.trades[*].time`, `books.*.ts`, `payload["odd.key"]`.

A path is a tuple of steps from the top of the message: a `str` (an object key), an `int` (an
array index, in concrete paths such as `data.trades[3].time`), or a wildcard (in patterns):
`ITEMS`, written `[*]`, is every element of an array; `MEMBERS`, written `.*`, is every member of
an object. Keys made of letters, digits, `_`, `$` and `-` are written bare; any other key is
written as a JSON string in brackets, so that every path reads back as itself.

No I/O; nothing here knows about models or timestamps.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Sequence


class Wildcard(enum.Enum):
    ITEMS = "[*]"
    MEMBERS = ".*"

    __hash__ = object.__hash__  # identity, as for the enums of the conversion core


ITEMS = Wildcard.ITEMS
MEMBERS = Wildcard.MEMBERS

Step = str | int | Wildcard
Path = tuple[Step, ...]
Concrete = tuple[str | int, ...]  # a path without wildcards: where one value is


def concrete(path: Path) -> Concrete:
    """`path` as a concrete path; raises ValueError if it has a wildcard."""
    if has_wildcard(path):
        raise ValueError(f"path {format_path(path)} names more than one place")
    return path  # type: ignore[return-value]


_BARE_KEY = re.compile(r"[\w$-]+")
_TOKEN = re.compile(
    r"""
    \[\*\]                        # every array element
  | \[(?P<index>\d+)\]            # one array element
  | \[(?P<quoted>"(?:[^"\\]|\\.)*")\]   # a key written as a JSON string
  | (?P<dot>\.)?(?P<key>[^.\[\]]+)      # a bare key, or * for every member
""",
    re.VERBOSE,
)


def parse_path(text: str) -> Path:
    """Read `data.trades[*].time` into steps. Raises ValueError saying what is wrong."""
    steps: list[Step] = []
    position = 0
    if not text:
        raise ValueError("empty path")
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or (match["key"] is not None and not match["dot"] and steps):
            raise ValueError(
                f"path {text!r}: unexpected {text[position : position + 10]!r} at character {position + 1}"
            )
        if match["key"] is not None and match["dot"] and not steps:
            raise ValueError(f"path {text!r} starts with a dot")
        if match["index"] is not None:
            steps.append(int(match["index"]))
        elif match["quoted"] is not None:
            try:
                steps.append(json.loads(match["quoted"]))
            except ValueError:
                raise ValueError(f"path {text!r}: bad quoted key {match['quoted']}") from None
        elif match["key"] is not None:
            steps.append(MEMBERS if match["key"] == "*" else match["key"])
        else:
            steps.append(ITEMS)
        position = match.end()
    return tuple(steps)


def format_path(path: Sequence[Step]) -> str:
    """Write steps as text that `parse_path` reads back; empty for the message itself."""
    parts: list[str] = []
    for step in path:
        if step is ITEMS:
            parts.append("[*]")
        elif step is MEMBERS:
            parts.append(".*" if parts else "*")
        elif isinstance(step, int):
            parts.append(f"[{step}]")
        elif isinstance(step, str) and _BARE_KEY.fullmatch(step):
            parts.append(f".{step}" if parts else step)
        else:
            parts.append(f"[{json.dumps(step, ensure_ascii=False)}]")
    return "".join(parts)


def matches(pattern: Sequence[Step], path: Sequence[Step | object]) -> bool:
    """Whether concrete `path` (keys and indexes, as pydantic locates errors) is an instance of
    `pattern`."""
    if len(pattern) != len(path):
        return False
    for want, have in zip(pattern, path, strict=True):
        if want is ITEMS:
            if not isinstance(have, int):
                return False
        elif want is MEMBERS:
            if not isinstance(have, str):
                return False
        elif want != have or isinstance(have, bool):
            return False
    return True


def has_wildcard(path: Sequence[Step]) -> bool:
    return any(isinstance(step, Wildcard) for step in path)
