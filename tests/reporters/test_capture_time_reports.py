"""Every output format on a capture with capture times (issue 15): a finding beside its record's
capture time carries it and its value's skew (golden files, then the JSON read field by field)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.reporters.test_capture_formats import GOLDEN_FILES, render_capture
from tests.reporters.test_text_reporters import check_golden

REPO = Path(__file__).parent.parent.parent
CAPTURE = "tests/data/capture-time/clocks.log"
# (line, code, capture time, skew) read off the capture by hand: line 3's value is 7 hours ahead of
# 16:50:02.001, line 4's naive local time (read as UTC) 7 hours behind 16:50:03.250.
EXPECTED = [
    (3, "WS120", "2025-09-08T16:50:02.001Z", 25199.999),
    (4, "WS102", "2025-09-08T16:50:03.25Z", -25200.0),
    (4, "WS120", "2025-09-08T16:50:03.25Z", -25200.0),
    (5, "WS101", "2025-09-08T16:50:04Z", 0.0),
    (6, "WS106", "2025-09-08T16:50:05Z", None),
]


def render(name: str, **options) -> str:
    return render_capture(CAPTURE, name, **options)


@pytest.mark.parametrize("name", [*GOLDEN_FILES, "full"])
def test_golden(name):
    check_golden(render(name), f"capture-time/{GOLDEN_FILES.get(name, 'full.txt')}")


def test_json_findings_carry_capture_time_and_skew():
    findings = json.loads(render("json"))["findings"]
    assert [(f["line"], f["code"], f["capture_time"], f["skew"]) for f in findings] == EXPECTED


def test_sarif_properties_carry_capture_time_and_skew():
    results = json.loads(render("sarif"))["runs"][0]["results"]
    found = [(r["ruleId"], r["properties"]["captureTime"], r["properties"]["skew"]) for r in results]
    assert found == [(code, captured, skew) for _, code, captured, skew in EXPECTED]
