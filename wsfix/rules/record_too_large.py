"""The record would take more memory parsed than one record may (`--max-record-memory`, 256 MiB).

Parsed, a record takes many times its size: an array of numbers about 40 bytes per element of
two bytes (one 50 MB line holding 25 million numbers took 2 GB). So before parsing, each record's
memory is estimated, from its size as stored and the values it may hold (each `,`, `[` and `{`
counts as one, at 64 bytes): a record over the limit is not parsed. It is reported, and `repair`
copies it unchanged. A long record of few values (a 50 MB string) is checked as usual. Raise the
limit to check it (`--max-record-memory 2G`, or `max-record-memory` in `[tool.wsfix]`), knowing
what memory it may take. A run's memory is then bounded by the limit, whatever the capture holds.

No automatic fix.
"""

from __future__ import annotations

from wsfix.problems import Example, Problem, Rule, Severity

RULE = Rule(
    code="WS006",
    name="record-too-large",
    severity=Severity.ERROR,
    summary="The record would take more memory parsed than --max-record-memory allows, and is not checked",
    explanation=__doc__,
    example=Example(bad='{"type":"ping","payload":{"v":[0,0,0,…]}}', repaired=None),
)


def check(size: int, values: int, memory: int, limit: int, line_no: int, path: str) -> Problem:
    """The problem of a record of `size` bytes and about `values` values, estimated at `memory`
    bytes parsed, over `limit`."""
    message = (
        f"the record would take about {memory:,} bytes parsed ({size:,} bytes, up to {values:,} values), "
        f"over the limit of {limit:,} (--max-record-memory): not checked"
    )
    return Problem(path, line_no, None, "", RULE.code, message)
