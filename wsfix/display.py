"""Making untrusted text safe to show: captures come from broken clients and from attackers.

Every piece of a capture that a report echoes goes through `printable`, so that no control
character, escape sequence or bidirectional override reaches a terminal or a CI log.
"""

from __future__ import annotations

import unicodedata

# Categories that are invisible or act on the display: controls (C0, C1, DEL), format characters
# (bidi overrides, zero-width), separators that break lines, surrogates, private use, unassigned.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def printable(text: str) -> str:
    """`text` with every unsafe character written as a Python-style escape (`\\x1b`, `\\u202e`)."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escape(char) for char in text)


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
    return text if len(text) <= width else f"{text[:width - 1]}…"
