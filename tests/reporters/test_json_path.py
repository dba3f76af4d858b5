"""A finding's field in the machine formats is an RFC 9535 normalized path (section 2.7)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsfix.paths import format_path
from wsfix.reporters.findings import json_path


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        pytest.param("", "$", id="the-message-itself"),
        pytest.param("timestamp", "$['timestamp']", id="top-level"),
        pytest.param("payload.user.created_at", "$['payload']['user']['created_at']", id="nested"),
        pytest.param("data.trades[3].T", "$['data']['trades'][3]['T']", id="index"),
        pytest.param("trades[0][0]", "$['trades'][0][0]", id="index-of-index"),
        pytest.param('payload["odd.key"]', "$['payload']['odd.key']", id="quoted-key"),
        pytest.param('m["it\'s"]', "$['m']['it\\'s']", id="apostrophe-escaped"),
        pytest.param('m["back\\\\slash"]', "$['m']['back\\\\slash']", id="backslash-escaped"),
        pytest.param('m["say \\"hi\\""]', "$['m']['say \"hi\"']", id="double-quote-as-is"),
        pytest.param('m["tab\\tnl\\n"]', "$['m']['tab\\tnl\\n']", id="named-escapes"),
        pytest.param('m["\\u0000\\u001f"]', "$['m']['\\u0000\\u001f']", id="other-controls-lowercase-hex"),
        pytest.param('m["é ☃ 日本"]', "$['m']['é ☃ 日本']", id="unicode-as-is"),
        pytest.param('m["*"]', "$['m']['*']", id="star-is-a-name"),
        pytest.param("m.123", "$['m']['123']", id="digits-key-is-a-name"),
        pytest.param("a.[b", "$['a.[b']", id="not-wsfix-syntax-one-name"),
    ],
)
def test_json_path(field, expected):
    assert json_path(field) == expected


# RFC 9535, 2.7: normalized-path = root-identifier *(normal-index-segment), names in single
# quotes with the normal escapes, indexes without leading zeros.
_UNESCAPED = r"[\x20-\x26\x28-\x5b\x5d-\ud7ff\ue000-\U0010ffff]"
_ESCAPABLE = r"""\\(?:[bfnrt'\\]|u00(?:0[0-7]|0b|0e|0f|1[0-9a-f]))"""
_SELECTOR = rf"\[(?:'(?:{_UNESCAPED}|{_ESCAPABLE})*'|0|[1-9][0-9]*)\]"
NORMALIZED = re.compile(rf"\$(?:{_SELECTOR})*")
KEYS = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
STEPS = st.lists(st.one_of(KEYS, st.integers(0, 10**6)), min_size=1, max_size=6)


@given(STEPS)
def test_every_path_wsfix_writes_is_a_normalized_path_with_one_selector_per_step(steps):
    path = json_path(format_path(steps))
    assert NORMALIZED.fullmatch(path), path
    assert len(re.findall(_SELECTOR, path)) == len(steps)
