"""The run summary's sentence (`wsfix.summary.Summary.sentence`)."""

from __future__ import annotations

import pytest

from wsfix.settings import Settings
from wsfix.summary import Summary, Tally
from wsfix.timestamps import Policy, parse_naive_zone


@pytest.mark.parametrize(
    ("naive_tz", "ending"),
    [
        pytest.param("UTC", "Naive times read as UTC.", id="utc"),
        pytest.param("-07:00", "Naive times read as -07:00.", id="offset"),
        pytest.param("America/Los_Angeles", "Naive times read as America/Los_Angeles.", id="iana"),
        pytest.param("reject", "Naive times are rejected (--naive-tz reject).", id="reject"),
    ],
)
def test_the_sentence_says_how_naive_times_were_read(naive_tz, ending):
    settings = Settings(policy=Policy(naive_zone=parse_naive_zone(naive_tz)))
    summary = Summary.of_run(("capture.jsonl",), 2, Tally(), settings)
    assert summary.sentence() == f"Checked 2 lines in 1 file: no problems. {ending}"
