"""What a run found, in the form every reporter reads: counts per rule and the run's context.

Counts are counters, never lists of findings, so memory does not grow with the number of findings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from wsfix import rules
from wsfix.problems import Problem, Severity
from wsfix.timestamps import DEFAULT_WINDOW

if TYPE_CHECKING:
    from wsfix.settings import Settings


@dataclass
class Tally:
    """Findings counted per code, and how many of each have a fix."""

    counts: Counter[str] = field(default_factory=Counter)
    fixable: Counter[str] = field(default_factory=Counter)

    def add(self, problem: Problem) -> None:
        self.counts[problem.code] += 1
        if problem.fix is not None:
            self.fixable[problem.code] += 1

    def add_counts(self, counted: Counter[tuple[str, bool]]) -> None:
        """Count findings known only by number per (code, whether it has a fix)."""
        for (code, has_fix), count in counted.items():
            self.counts[code] += count
            if has_fix:
                self.fixable[code] += count

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def fixable_total(self) -> int:
        return sum(self.fixable.values())

    def by_severity(self, severity: Severity) -> int:
        return sum(count for code, count in self.counts.items() if rules.BY_CODE[code].severity is severity)


_EVERY_CODE = tuple(rule.code for rule in rules.RULES)


class Summary(NamedTuple):
    """The end of a run: what was read, under which settings, and what was found.

    `unit` is None when units were inferred from magnitudes; `window` is the plausible window as
    written (`none` when off); `rules` are the selected codes.
    """

    files: tuple[str, ...]
    lines: int  # records checked: lines, or messages of a HAR
    tally: Tally
    naive_zone: str
    schema: str
    unit: str | None = None
    window: str = str(DEFAULT_WINDOW)
    rules: tuple[str, ...] = _EVERY_CODE

    @classmethod
    def of_run(
        cls,
        files: tuple[str, ...],
        lines: int,
        tally: Tally,
        settings: Settings,
        skipped: int = 0,
        noun: str = "line",
        detected: tuple[str, ...] = (),
        evidence: str | None = None,
    ) -> Summary:
        policy = settings.policy
        return cls(
            files=files,
            lines=lines,
            tally=tally,
            naive_zone=policy.naive_zone.name,
            schema=settings.schema.name,
            unit=policy.unit.label if policy.unit else None,
            window=str(policy.window) if policy.window else "none",
            rules=settings.selected_codes,
            skipped=skipped,
            noun=noun,
            detected=detected,
            evidence=evidence,
        )

    skipped: int = 0  # records without a JSON message (prefixed logs, HAR, envelopes): not checked
    noun: str = "line"  # what a record is: line, message (HAR), record (several formats)
    # Capture formats other than JSON Lines that only the files' content revealed (`auto`), as
    # a summary names them: a reader must not have to guess why lines were skipped.
    detected: tuple[str, ...] = ()
    # What capture times say about naive times, when it differs from how they were read
    # (`senders.evidence_note`); the sentence on naive times quotes it.
    evidence: str | None = None

    def sentence(self) -> str:
        """`Checked 1,204 lines in 1 file: 37 errors, 5 warnings; 40 fixable with wsfix repair. ...`"""
        tally = self.tally
        files = f"{len(self.files):,} file{'s' if len(self.files) != 1 else ''}"
        lines = f"{self.lines:,} {self.noun}{'s' if self.lines != 1 else ''}"
        notes = []
        if self.detected:
            notes.append(f"read as {' and '.join(self.detected)}, by their content")
        if self.skipped:
            notes.append(f"skipped {self.skipped:,} without a JSON message")
        if notes:
            files += f" ({'; '.join(notes)})"
        if tally.total == 0:
            found = "no problems"
        else:
            errors = tally.by_severity(Severity.ERROR)
            warnings = tally.by_severity(Severity.WARNING)
            found = (
                f"{errors:,} error{'s' if errors != 1 else ''}, "
                f"{warnings:,} warning{'s' if warnings != 1 else ''}; "
                f"{tally.fixable_total:,} fixable with wsfix repair"
            )
        naive = naive_times(self.naive_zone)
        if self.evidence:
            naive = (
                f"{naive[:-1]}: {self.evidence}." if self.naive_zone == "auto" else f"{naive[:-1]}; {self.evidence}."
            )
        return f"Checked {lines} in {files}: {found}. {naive}"


def naive_times_quoting(zone_name: str, evidence: str | None) -> str:
    """`naive_times`, quoting what capture times say about them (`senders.evidence_note`)."""
    naive = naive_times(zone_name)
    if not evidence:
        return naive
    return f"{naive[:-1]}{':' if zone_name == 'auto' else ';'} {evidence}."


def naive_times(zone_name: str) -> str:
    """The sentence saying how times without a UTC offset were read: `zone_name` is
    `NaiveZone.name`, which is `reject` under `--naive-tz reject` (no zone reads them then)."""
    if zone_name == "reject":
        return "Naive times are rejected (--naive-tz reject)."
    if zone_name == "auto":
        return "Naive times read per sender in the zone its capture times show (--naive-tz auto)."
    return f"Naive times read as {zone_name}."
