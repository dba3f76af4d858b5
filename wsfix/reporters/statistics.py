"""`--statistics`: a count per rule instead of the findings, as `ruff check --statistics` prints.

`count<TAB>code<TAB>[*] name` per rule, most frequent first; `[*]` marks a rule whose findings
`wsfix repair` fixes (with how many when only some are), `[ ]` one it does not. The summary
sentence follows. With `as_json`, a JSON array of `{code, name, count, fixable}` instead. Not an
output format of its own (not in `REPORTERS`): the CLI uses it in place of the chosen format.
"""

from __future__ import annotations

from typing import TextIO

from wsfix import rules
from wsfix.problems import Problem
from wsfix.reporters import Reporter, ReportOptions
from wsfix.reporters.findings import dumps
from wsfix.summary import Summary


class StatisticsReporter(Reporter):
    def __init__(self, out: TextIO, options: ReportOptions, as_json: bool = False) -> None:
        super().__init__(out, options)
        self.as_json = as_json

    def add(self, problem: Problem) -> None:
        pass  # the summary's tally has every count

    def problems_wanted(self) -> int:
        return 0  # counts are all it shows: no finding need be worked out in full

    def add_unshown(self, count: int, path: str) -> None:
        pass

    def finish(self, summary: Summary) -> None:
        tally = summary.tally
        codes = sorted(tally.counts, key=lambda code: (-tally.counts[code], code))
        if self.as_json:
            self.out.write(
                dumps(
                    [
                        {
                            "code": code,
                            "name": rules.BY_CODE[code].name,
                            "count": tally.counts[code],
                            "fixable": tally.fixable[code],
                        }
                        for code in codes
                    ]
                )
                + "\n"
            )
            return
        width = max((len(f"{tally.counts[code]:,}") for code in codes), default=1)
        for code in codes:
            count, fixable = tally.counts[code], tally.fixable[code]
            mark = "[*]" if fixable else "[ ]"
            partly = f" ({fixable:,} fixable)" if 0 < fixable < count else ""
            self.out.write(f"{count:>{width},}\t{code}\t{mark} {rules.BY_CODE[code].name}{partly}\n")
        self.out.write(summary.sentence() + "\n")
