"""The escape-aware position map: fixes found in a decoded JSON string land in its escaped bytes.

Strings are encoded here with every escape JSON allows, chosen at random per character (short
escapes, `\\uXXXX` in either case, surrogate pairs, `\\/`, or the character itself where JSON
permits it), so the map meets every way a HAR or an envelope may spell its text.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsfix.jsonstring import StringMap, escape

_SHORT = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _u(code: int, upper: bool) -> str:
    text = f"\\u{code:04x}"
    return text.upper().replace("\\U", "\\u") if upper else text


@st.composite
def encoded(draw: st.DrawFn, text: str) -> str:
    """`text` as JSON string contents, each character spelled in a randomly chosen legal way."""
    parts = []
    for char in text:
        code = ord(char)
        choices = []
        if char not in '"\\' and code >= 0x20:
            choices.append(char)
        if char in _SHORT:
            choices.append(_SHORT[char])
        upper = draw(st.booleans())
        if code > 0xFFFF:
            high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
            choices.append(_u(high, upper) + _u(low, upper))
        else:
            choices.append(_u(code, upper))
        parts.append(draw(st.sampled_from(choices)))
    return "".join(parts)


texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@given(st.data(), texts)
def test_decodes_as_json_does(data, text):
    raw = data.draw(encoded(text))
    assert json.loads(f'"{raw}"') == text  # the test's encoder is right
    assert StringMap(raw.encode()).decoded == text.encode()


@given(st.data(), texts, st.text(max_size=12))
def test_a_replaced_span_lands_in_the_raw_bytes_and_nothing_else_moves(data, text, replacement):
    raw = data.draw(encoded(text)).encode()
    mapping = StringMap(raw)
    # a span between two character boundaries of the decoded text
    first = data.draw(st.integers(0, len(text)))
    last = data.draw(st.integers(first, len(text)))
    start, end = len(text[:first].encode()), len(text[:last].encode())
    raw_start, raw_end = mapping.to_raw(start), mapping.to_raw(end)
    assert 0 <= raw_start <= raw_end <= len(raw)
    repaired = raw[:raw_start] + escape(replacement).encode() + raw[raw_end:]
    assert json.loads(b'"' + repaired + b'"') == text[:first] + replacement + text[last:]
    # the raw bytes before and after the span are the original ones, spelled as they were
    assert json.loads(b'"' + raw[:raw_start] + b'"') == text[:first]
    assert json.loads(b'"' + raw[raw_end:] + b'"') == text[last:]


@given(st.data(), texts)
def test_map_is_monotonic_and_ends_at_the_end(data, text):
    raw = data.draw(encoded(text)).encode()
    mapping = StringMap(raw)
    boundaries = [len(text[:i].encode()) for i in range(len(text) + 1)]
    raws = [mapping.to_raw(offset) for offset in boundaries]
    assert raws == sorted(raws) and raws[0] == 0 and raws[-1] == len(raw)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"\\ud800", id="lone-high-surrogate"),
        pytest.param(b"a\\udc00b", id="lone-low-surrogate"),
        pytest.param(b"\\x41", id="bad-escape"),
        pytest.param(b"\\u12", id="short-unicode-escape"),
        pytest.param(b"abc\\", id="trailing-backslash"),
        pytest.param(b'a"b', id="unescaped-quote"),
    ],
)
def test_refuses_what_no_utf8_message_can_be(raw):
    with pytest.raises(ValueError):
        StringMap(raw)


@given(st.text())
def test_escape_is_what_json_writes_inside_the_quotes(text: str) -> None:
    assert escape(text) == json.dumps(text, ensure_ascii=False)[1:-1]


def test_escape_writes_string_contents():
    assert escape('"2025-09-08T16:50:01Z"') == '\\"2025-09-08T16:50:01Z\\"'
    assert escape("a\\b\n\u00e9") == "a\\\\b\\n\u00e9"


@given(
    st.text(alphabet=st.sampled_from(["a", '"', "\\", "/", "\b", "\f", "\n", "\r", "\t", "é", "{"]), max_size=30),
    st.booleans(),
)
def test_simple_strings_decode_as_the_general_loop_does(text: str, escaped_slashes: bool) -> None:
    """Strings without `\\u` take a shortcut (the parser decodes, or has decoded, the anchors
    follow from the escapes' places): it gives the decoded text and every offset the general
    loop gives."""
    raw = json.dumps(text, ensure_ascii=False)[1:-1].encode()
    if escaped_slashes:
        raw = raw.replace(b"/", b"\\/")
    fast = StringMap(raw)
    parsed = StringMap(raw, parsed=text)  # decoded already (a HAR's document, strictly parsed)
    slow = _general(raw)
    assert fast.decoded == parsed.decoded == slow.decoded == text.encode()
    for count in range(len(text) + 1):
        offset = len(text[:count].encode())
        assert fast.to_raw(offset) == parsed.to_raw(offset) == slow.to_raw(offset)


def _general(raw: bytes) -> StringMap:
    original = StringMap._decode_simply
    StringMap._decode_simply = lambda self, raw, text: False  # type: ignore[method-assign]
    try:
        return StringMap(raw)
    finally:
        StringMap._decode_simply = original  # type: ignore[method-assign]


@given(
    st.text(alphabet=st.sampled_from(["a", '"', "\\", "/", "\n", "é", "{"]), max_size=20),
    st.booleans(),
    st.data(),
)
def test_an_offset_counted_on_from_a_known_one_is_the_same(text: str, escaped_slashes: bool, data) -> None:
    """`to_raw(end, start, to_raw(start))` (a value's end, counted on from its start: how a fix
    moves into a HAR) is `to_raw(end)`."""
    raw = json.dumps(text, ensure_ascii=False)[1:-1].encode()
    if escaped_slashes:
        raw = raw.replace(b"/", b"\\/")
    mapping = StringMap(raw, parsed=text)
    first = data.draw(st.integers(0, len(text)))
    last = data.draw(st.integers(first, len(text)))
    start, end = len(text[:first].encode()), len(text[:last].encode())
    assert mapping.to_raw(end, start, mapping.to_raw(start)) == mapping.to_raw(end)


@given(
    st.text(alphabet=st.sampled_from(["a", '"', "\\", "/", "\n", "é", "\U0001f600", "{"]), max_size=20),
    st.sampled_from(["", "\\u00e9", "\\/"]),
    st.binary(max_size=8),
    st.binary(max_size=8),
)
def test_contents_read_in_place_map_as_a_copy_does(text: str, extra: str, before: bytes, after: bytes) -> None:
    """`StringMap(file, start=, end=)` (a HAR's message, not copied out of the file) decodes and
    maps as `StringMap` of the contents alone, on the simple path and the general one."""
    raw = json.dumps(text, ensure_ascii=False)[1:-1].encode() + extra.encode()
    alone = StringMap(raw)
    within = StringMap(before + raw + after, start=len(before), end=len(before) + len(raw))
    assert (within.raw, within.decoded) == (raw, alone.decoded)
    decoded = alone.decoded.decode()
    for count in range(len(decoded) + 1):
        offset = len(decoded[:count].encode())
        assert within.to_raw(offset) == alone.to_raw(offset)
