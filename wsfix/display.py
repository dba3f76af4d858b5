"""Making untrusted text safe to show: captures come from broken clients and from attackers.

Two levels. `as_written` is for people at a terminal (the `full` and `concise` reports): it writes
as a visible escape only what a terminal would act on or hide (control characters, escape
sequences, bidirectional overrides, line separators), so a value reads as it was written.

`printable` adds what a CI log would act on, for the formats and messages meant for one: GitHub
Actions runs `::command::` at the start of a line (after leading white space) and `##[command]`
anywhere in one; Azure Pipelines and TeamCity use `##vso[`/`##teamcity[`. Since text may be
wrapped anywhere, a `::` or `##` is escaped wherever it appears, not only at the start of a line.

No I/O.
"""

from __future__ import annotations

import re
import unicodedata

# Categories that are invisible or act on the display: controls (C0, C1, DEL), format characters
# (bidi overrides, zero-width), separators that break lines, surrogates, private use, unassigned.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
# The second character of each pair is escaped: `:\x3a`, `#\x23`.
_COMMAND_MARKERS = {"::": ":\\x3a", "##": "#\\x23"}
_MARKER = re.compile("::|##")


def as_written(text: str) -> str:
    """`text` with every character a terminal would act on or not show written as a Python-style
    escape (`\\x1b`, `\\u202e`); everything else, `::` and `#` included, as it is."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escape(char) for char in text)


def printable(text: str) -> str:
    """`as_written(text)` with the second character of every `::` and `##` escaped too
    (`:\\x3a`, `#\\x23`): no CI workflow command can come from it."""
    text = as_written(text)
    if "::" in text or "##" in text:
        text = _escape_markers(text)
    return text


def _escape_markers(text: str) -> str:
    # Matches do not overlap and run left to right: `:::` becomes `:\x3a:`, with no `::` left.
    return _MARKER.sub(_marker_escape, text)


def _marker_escape(match: re.Match[str]) -> str:
    return _COMMAND_MARKERS[match[0]]


def _escape(char: str) -> str:
    if char == " " or unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def shorten(text: str, width: int) -> str:
    """`text` cut to `width` characters with a trailing ellipsis when longer."""
    return text if len(text) <= width else f"{text[: width - 1]}…"
