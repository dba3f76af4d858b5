"""The clocks picture (wsfix.clocks): golden files for the table and histograms at 80 and 120
columns, plain and in colour, and for the JSON form; the bins and the verdicts in tables.

The groups are hand-built inferences (what wsfix.zones would give for the issue's capture), so
the golden files change only when the drawing does. Set WSFIX_REGEN_GOLDEN=1 to rewrite them,
then read the diff before committing it.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest

from wsfix.clocks import BINS, EDGES, clocks_json, histogram, render_clocks, skew_bin
from wsfix.evidence import Inference, Offset

GOLDEN = Path(__file__).parent / "reporters" / "golden" / "clocks"
LOS_ANGELES_ALIKE = (
    "America/Ensenada",
    "America/Los_Angeles",
    "America/Santa_Isabel",
    "America/Tijuana",
    "America/Vancouver",
    "Canada/Pacific",
    "Mexico/BajaNorte",
    "PST8PDT",
    "US/Pacific",
)

CAPTURES = {
    "generated.har": [
        (
            Inference(
                "entry 1",
                100,
                100,
                100,
                -25200.49,
                3600.36,
                offsets=(
                    Offset(-25200, 51, 40, 2040, -0.277, 0.456, 1_762_074_000),
                    Offset(-28800, 49, 2080, 4000, -0.199, 0.493),
                ),
                zones=LOS_ANGELES_ALIKE,
                zone="America/Los_Angeles",
            ),
            [-25200.3] * 51 + [-28800.2] * 49,
        ),
        (
            Inference("entry 2", 105, 105, 0, -0.259, 0.427, reason="no times without a UTC offset"),
            [-0.005 * k for k in range(1, 101)] + [-0.012] * 5,
        ),
        (
            Inference(
                "entry 3",
                104,
                104,
                104,
                8821.9,
                83828.2,
                reason="naive times jump between offsets (+03:30 -> +06:30 -> +08:15 -> +04:45 -> -02:45 -> ...)",
            ),
            [8821.9, -40000.0, 45000.0, 3600.5, -700.0, 30.0] * 17 + [1.0, 2.0],
        ),
    ],
    "cryptofeed.log": [
        (
            Inference("user_id=42", 12, 24, 24, 20880.2, 0.4, offsets=(Offset(20700, 24, 1, 12, 180.1, 0.4),)),
            [20880.2] * 24,
        ),
        (
            Inference(
                "coinbase",
                3,
                3,
                3,
                -14400.1,
                3600.0,
                offsets=(Offset(-18000, 1, 1, 1, 0.1, 0.0, 1_741_500_000.0), Offset(-14400, 2, 2, 3, -0.1, 0.1)),
                zones=("America/Havana", "America/New_York", "America/Toronto"),
                reason="zones that fit change offset at different instants: America/Havana, America/New_York, "
                "America/Toronto",
            ),
            [-14400.1, -14400.2, -18000.0],
        ),
        (
            Inference("\x1b[31mevil\x1b[0m [bold]x[/]", 2, 0, 0, None, None, reason="no times without a UTC offset"),
            [],
        ),
    ],
}


def render(width: int, color: bool) -> str:
    out = io.StringIO()
    render_clocks(CAPTURES, out, tolerance=600.0, width=width, color=color)
    return out.getvalue()


def check_golden(text: str, filename: str) -> None:
    path = GOLDEN / filename
    if os.environ.get("WSFIX_REGEN_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("width", "color", "filename"),
    [
        pytest.param(80, False, "clocks-80.txt", id="80-plain"),
        pytest.param(120, False, "clocks-120.txt", id="120-plain"),
        pytest.param(80, True, "clocks-80-color.txt", id="80-color"),
    ],
)
def test_golden_picture(width, color, filename):
    text = render(width, color)
    check_golden(text, filename)
    if not color:
        assert "\x1b" not in text
        assert max(len(line) for line in text.splitlines()) <= width


def test_golden_json():
    text = json.dumps(clocks_json(CAPTURES), indent=2) + "\n"
    check_golden(text, "clocks.json")
    data = json.loads(text)
    assert list(data) == ["version", "tolerance", "histogram_edges", "captures"]
    group = data["captures"][0]["groups"][0]
    assert group["zone"] == "America/Los_Angeles"
    assert [o["offset"] for o in group["offsets"]] == ["-07:00", "-08:00"]
    assert group["offsets"][0]["until"] == "2025-11-02T09:00:00Z"
    assert sum(group["histogram"]) == 100 and len(group["histogram"]) == BINS == len(data["histogram_edges"]) + 1


def test_no_color_in_the_environment_is_honoured(monkeypatch):
    """On a terminal with NO_COLOR: bold and dim stay (no-color.org asks for no colour only), no
    colour code is written, and the text is the plain picture's."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = io.StringIO()
    render_clocks(CAPTURES, out, width=80)
    codes = set(re.findall(r"\x1b\[([0-9;]*)m", out.getvalue()))
    assert codes and codes <= {"0", "1", "2", "1;2"}
    assert re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue()) == render(80, False)


@pytest.mark.parametrize(
    ("skew", "expected"),
    [
        pytest.param(0.0, 8, id="zero"),
        pytest.param(-0.0099, 8, id="under-10ms-behind"),
        pytest.param(0.01, 9, id="10ms"),
        pytest.param(0.05, 9, id="50ms"),
        pytest.param(-0.05, 7, id="50ms-behind"),
        pytest.param(0.5, 10, id="half-a-second"),
        pytest.param(-25200.0, 1, id="7-hours-behind"),
        pytest.param(36000.0, 16, id="10-hours"),
        pytest.param(-1e12, 0, id="far-behind"),
        pytest.param(float("inf"), 16, id="infinite"),
    ],
)
def test_skew_bin(skew, expected):
    assert skew_bin(skew) == expected


def test_histogram_counts_every_finite_skew_once():
    counts = histogram([-25200.0, 0.05, 0.05, float("nan"), 3.0])
    assert sum(counts) == 4
    assert (counts[1], counts[9], counts[11]) == (1, 2, 1)
    assert len(EDGES) * 2 + 1 == BINS == len(counts)


@pytest.mark.parametrize(
    ("median", "expected"),
    [
        pytest.param(-25200.49, "entry 1  3 values, median 7 h 00 min behind (past the tolerance)", id="far"),
        pytest.param(180.0, "entry 1  3 values, median 3 min 00 s ahead", id="off"),
        pytest.param(-0.25, "entry 1  3 values, median -250 ms (on time)", id="on-time"),
        pytest.param(None, "entry 1  3 values: no skew", id="none"),
    ],
)
def test_histogram_title_says_whose_clock_is_off(median, expected):
    inference = Inference("entry 1", 3, 3, 0, median, 0.0)
    out = io.StringIO()
    render_clocks({"c": [(inference, [median or 0.0] * 3)]}, out, width=80, color=False)
    assert expected in out.getvalue().splitlines()
