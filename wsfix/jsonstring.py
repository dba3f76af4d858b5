"""The text a JSON string holds, and where each of its bytes sits among the escaped bytes.

A HAR message's `data` and a message wrapped as a string in an envelope are JSON strings whose
contents are themselves JSON text. wsfix lints the decoded text; a repair must then land in the
escaped bytes (`\\"`, `\\n`, `\\u00e9`, surrogate pairs). `StringMap` decodes a string's contents
to UTF-8 and maps any offset on a character boundary of the decoded text back to the raw bytes;
`escape` writes a replacement as string contents. Outside the replaced span, nothing changes.

No I/O.
"""

from __future__ import annotations

import bisect
import json
import re

from pydantic_core import from_json

_ESCAPES = {
    ord('"'): '"',
    ord("\\"): "\\",
    ord("/"): "/",
    ord("b"): "\b",
    ord("f"): "\f",
    ord("n"): "\n",
    ord("r"): "\r",
    ord("t"): "\t",
}
_PLAIN = re.compile(rb'[^"\\]*+')
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_HEX4 = re.compile(rb"[0-9a-fA-F]{4}")


class StringMap:
    """The decoded contents of one JSON string (`raw`: its bytes between the quotes, as a JSON
    parser accepted them) and the map from decoded offsets to raw offsets. Raises ValueError for a
    bad escape, and for a lone surrogate (no UTF-8 text holds one) unless `errors` is
    "surrogatepass": then it is decoded to the three bytes that are not UTF-8 it would take."""

    # One per HAR message, alive until the capture is reported: no dict each.
    __slots__ = ("_counts_backslashes", "_decoded_at", "_end", "_raw_at", "_source", "_start", "decoded")

    def __init__(
        self, raw: bytes, errors: str = "strict", parsed: str | None = None, start: int = 0, end: int | None = None
    ) -> None:
        """`parsed`: the string as a strict JSON parser already decoded it from `raw`, if known.
        `start`, `end`: the contents are `raw[start:end]` (a HAR's messages in the file), kept
        there, not copied: a copy for each message would take as much memory again as the file."""
        self._source, self._start, self._end = raw, start, len(raw) if end is None else end
        if raw.find(b"\\u", start, self._end) < 0 and self._decode_simply(raw, parsed):
            return
        raw = self.raw  # the contents alone, for the general loop (`\\u` escapes: rare)
        self._source, self._start, self._end = raw, 0, len(raw)
        pieces: list[bytes] = []
        # (decoded offset, raw offset) just after each escape; between two anchors the bytes are
        # the same on both sides, so offsets move together.
        decoded_at: list[int] = [0]
        raw_at: list[int] = [0]
        decoded_length = 0
        position = 0
        end = len(raw)
        while True:
            plain = _PLAIN.match(raw, position).end()  # type: ignore[union-attr]
            if plain > position:
                pieces.append(raw[position:plain])
                decoded_length += plain - position
                position = plain
            if position >= end:
                break
            if raw[position] != 0x5C:  # an unescaped quote inside the contents
                raise ValueError(f"unescaped quote at byte {position}")
            text, position = _escape_at(raw, position)
            encoded = text.encode("utf-8", errors)  # strict: a lone surrogate raises UnicodeEncodeError
            pieces.append(encoded)
            decoded_length += len(encoded)
            decoded_at.append(decoded_length)
            raw_at.append(position)
        self.decoded = b"".join(pieces)
        self._decoded_at: list[int] | None = decoded_at
        self._raw_at = raw_at

    @property
    def raw(self) -> bytes:
        """The string's contents as written, escaped (a copy)."""
        return self._source[self._start : self._end]

    def _decode_simply(self, raw: bytes, text: str | None) -> bool:
        """Without `\\u` escapes (nearly every string a HAR holds), every escape is two bytes that
        decode to one: the parser decodes the string (unless it has: `text`), and raw offsets
        follow from where the escapes stand, found only when asked (most messages are never
        asked: they have no problem). False (nothing set) for contents the parser refuses: the
        loop says why."""
        if text is None:
            try:
                text = from_json(b'"' + self.raw + b'"')
            except ValueError:
                return False
        self.decoded = text.encode("utf-8")
        self._decoded_at = None
        # Without an escaped backslash, every backslash starts an escape: `to_raw` counts them.
        self._counts_backslashes = raw.find(b"\\\\", self._start, self._end) < 0
        return True

    def to_raw(self, offset: int, known: int = 0, raw_known: int = 0) -> int:
        """The raw offset of decoded `offset`, which must be on a character boundary (every JSON
        token boundary is). `known`: a boundary at or before `offset` whose raw offset
        `raw_known` is known (a value's start, for its end): the escapes are counted from there."""
        if self._decoded_at is None:
            if self._counts_backslashes:
                # Raw offset = decoded offset + the escapes before it: counted in the bytes that
                # each step adds until none is added (the backslash itself, for an escaped byte).
                source, base = self._source, self._start
                counted = base + raw_known
                raw_offset = counted + offset - known
                while escapes := source.count(b"\\", counted, raw_offset):
                    counted, raw_offset = raw_offset, raw_offset + escapes
                return raw_offset - base
            base = self._start
            positions = [match.start() - base for match in _ESCAPE.finditer(self._source, base, self._end)]
            self._decoded_at = [0, *(position + 1 - count for count, position in enumerate(positions))]
            self._raw_at = [0, *(position + 2 for position in positions)]
        index = bisect.bisect_right(self._decoded_at, offset) - 1
        return self._raw_at[index] + offset - self._decoded_at[index]


def _escape_at(raw: bytes, position: int) -> tuple[str, int]:
    """The text of the escape at `position` (a backslash) and the offset after it."""
    if position + 1 >= len(raw):
        raise ValueError(f"lone backslash at byte {position}")
    kind = raw[position + 1]
    if kind != 0x75:  # not \u
        if kind not in _ESCAPES:
            raise ValueError(f"bad escape at byte {position}")
        return _ESCAPES[kind], position + 2
    code = _hex4(raw, position + 2)
    if 0xD800 <= code < 0xDC00 and raw[position + 6 : position + 8] == b"\\u":
        low = _hex4(raw, position + 8)
        if 0xDC00 <= low < 0xE000:
            return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), position + 12
    return chr(code), position + 6


def _hex4(raw: bytes, position: int) -> int:
    if _HEX4.fullmatch(raw, position, position + 4) is None:
        raise ValueError(f"bad \\u escape at byte {position - 2}")
    return int(raw[position : position + 4], 16)


def escape(text: str) -> str:
    """`text` written as the contents of a JSON string (quotes, backslashes and control
    characters escaped; everything else as is)."""
    if _NEEDS_ESCAPE.search(text) is None:  # a repaired number: nothing to escape (1.4 µs saved)
        return text
    return json.dumps(text, ensure_ascii=False)[1:-1]


# What `json.dumps(..., ensure_ascii=False)` escapes.
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')
