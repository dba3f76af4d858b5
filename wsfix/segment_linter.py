"""The one lint entry: a segment of any capture format in, its selected problems (check) or its
edits and tally (repair) out.

`SegmentLinter` applies the rule selection itself, so no caller filters problems. A segment of
JSON Lines goes to `Linter.lint_chunk` whole (the fast path: one validation call per valid line);
a segment with a record list (prefixed log lines, envelopes, HAR messages) has each record's
message linted and its problems moved into the segment (`wsfix.segments`). Records without a
capture time whose messages are lines are linted together as such a chunk is (`_batched`).

`ChunkJob` is what one process does with a chunk of a line-based capture: read it in pieces, let
the capture format cut each piece into a segment, and lint that. The worker pool
(`wsfix.parallel`) runs it without knowing any of this.

No I/O but reading a chunk's bytes; no printing.
"""

from __future__ import annotations

import collections
import datetime
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from wsfix.capture import line_count
from wsfix.linter import COUNTS, FIXES, FULL, Linter
from wsfix.observations import Observations, Observer, merge
from wsfix.problems import Problem, Wanted, from_rows, to_rows
from wsfix.repair import EditTuple, RepairTally
from wsfix.rules import BY_CODE, RULES
from wsfix.segments import Lint, Locator, Record, Segment, is_json, record_problems
from wsfix.settings import Settings
from wsfix.timestamps import NaiveZone

if TYPE_CHECKING:
    from wsfix.formats import CaptureFormat
    from wsfix.parallel import Chunk
    from wsfix.senders import NaiveOffsets

Counted = collections.Counter[tuple[str, bool]]
# Records of a segment linted together by `SegmentLinter.check_in_parts`: enough that a part
# costs nothing to cut out (a HAR message takes 10-50 microseconds), few enough that a part's
# problems take a few MB.
RECORDS_PER_PART = 4096


def wants_any(wanted: Wanted) -> bool:
    """Whether a report that wants `wanted` (`problems.Wanted`) wants any problem in full."""
    if wanted is None:
        return True
    if isinstance(wanted, int):
        return wanted > 0
    return any(count > 0 for count in wanted.values())


def wanted_after(wanted: Wanted, shown: Sequence[Problem]) -> Wanted:
    """What a report that wants `wanted` still wants once it has been given `shown`, in order:
    what the rest of a chunk must work out in full, whatever the chunks before it held. (A report
    shows the file's first problems, so many of them or so many of each severity; those in this
    chunk are among its own first so many.)"""
    if wanted is None or not shown:
        return wanted
    if isinstance(wanted, int):
        return max(wanted - len(shown), 0)
    severities = collections.Counter([BY_CODE[problem.code].severity for problem in shown])
    return {severity: max(count - severities[severity], 0) for severity, count in wanted.items()}


class Written(NamedTuple):
    """The findings of a chunk written where they were found (`ChunkJob.text_of`)."""

    texts: list[str]  # each finding's text, in order
    counted: Counted  # the findings by number, per (code, has a fix)
    noted: list[Problem]  # those of the codes the reporter notes (`ChunkJob.noted`), in order

    @classmethod
    def of(cls, problems: list[Problem], text_of: Callable[[Problem], str], noted: frozenset[str]) -> Written:
        """`problems` (their line numbers right) written by `text_of`."""
        return cls(
            list(map(text_of, problems)),
            collections.Counter([(problem.code, problem.fix is not None) for problem in problems]),
            [problem for problem in problems if problem.code in noted] if noted else [],
        )

    @classmethod
    def joined(cls, parts: Sequence[Written]) -> Written:
        """The findings of consecutive `parts`, in order."""
        if len(parts) == 1:
            return parts[0]
        counted: Counted = collections.Counter()
        for part in parts:
            counted.update(part.counted)
        return cls(
            list(itertools.chain.from_iterable(part.texts for part in parts)),
            counted,
            list(itertools.chain.from_iterable(part.noted for part in parts)),
        )


class Checked(NamedTuple):
    """What a check found in a segment or chunk."""

    lines: int  # lines of the file it spans
    records: int  # records linted (those without a JSON message are `skipped`)
    problems: list[Problem]  # selected, in order; lines counted as the segment's or chunk's were given
    # The selected problems past `Chunk.full_problems` (all after `problems`), by number only, per
    # (code, has a fix); None when there are none.
    counted: Counted | None = None
    skipped: int = 0  # records without a JSON message (counted, never findings)
    # Capture-time evidence of the records that have a capture time, by group; None without any.
    observations: Observations | None = None
    # The selected problems written as text (then `problems` is empty); None when they are not.
    written: Written | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # From a worker to its parent, the problems travel as plain tuples (see `problems.to_rows`).
        return _checked_from_rows, (*self[:2], to_rows(self.problems), *self[3:])


def _checked_from_rows(
    lines: int,
    records: int,
    rows: list[tuple[Any, ...]],
    counted: Counted | None,
    skipped: int,
    observations: Observations | None,
    written: Written | None,
) -> Checked:
    return Checked(lines, records, from_rows(rows), counted, skipped, observations, written)


class Repaired(NamedTuple):
    """What a repair of a segment or chunk does."""

    lines: int  # lines of the file it spans
    # In order, each changing something; offsets in the segment or chunk, lines counted as its
    # first line was given.
    edits: list[EditTuple]  # an `Edit`'s fields, in a plain tuple (see `repair.EditTuple`)
    tally: RepairTally  # lines counted likewise
    observations: Observations | None = None  # as `Checked.observations`


_REJECTED = "naive times are rejected (--naive-tz reject)"
_LEFT = "its sender's capture times give it no zone (--naive-tz auto): left as written"


def _left_as_written(problems: Sequence[Problem]) -> list[Problem]:
    """Under `--naive-tz auto`, a naive value no evidence gives a zone is read in none, as under
    `reject`; its finding says why in the words of `auto`."""
    return [
        problem._replace(message=problem.message.replace(_REJECTED, _LEFT)) if _REJECTED in problem.message else problem
        for problem in problems
    ]


class SegmentLinter:
    """Lints segments under one set of settings; lives in each worker (and in the parent)."""

    def __init__(self, settings: Settings) -> None:
        self.linter = Linter(settings.schema, settings.policy, settings.max_record_memory)
        self.selects = settings.selects
        self.selects_all = all(settings.selects(rule.code) for rule in RULES)
        self.observer = Observer(self.linter, settings.max_skew)
        self.settings = settings
        # --naive-tz auto, second pass: how each record's naive values are read (see
        # `senders.naive_offsets`); a record not named reads none (`config.AUTO_NAIVE_ZONE`).
        self.naive_offsets: NaiveOffsets | None = None
        self._by_offset: dict[tuple[int, str], tuple[Linter, Observer]] = {}

    def _record_lint(self, found: Observations, detail: int = FULL) -> Lint:
        """Lints one record of a segment: a record with a capture time through the observer, which
        gathers its evidence into `found`; under `--naive-tz auto`, in the zone its sender's
        evidence gives it. `detail`: FULL, FIXES (a repair: see `Linter.lint_chunk`) or COUNTS
        (problems only counted), where the observer makes the problems."""
        lint, observe = self.linter.lint, self.observer.lint
        offsets = self.naive_offsets
        auto = self.settings.naive_auto

        if offsets is None and not auto:
            return self.observer.linting(found, detail)

        def lint_record(record: Record, path: str) -> tuple[Problem, ...] | None:
            assert record.message is not None
            if record.may_be_text and not is_json(record.message):
                return None
            if offsets is not None and (reading := offsets.get((record.line, record.label))) is not None:
                linter, observer = self._reading(*reading)
                if record.captured is None:
                    return linter.lint(record.message, record.line, path)
                return observer.lint(record, path, found)
            problems = (
                lint(record.message, record.line, path) if record.captured is None else observe(record, path, found)
            )
            return tuple(_left_as_written(problems)) if auto and problems else problems

        return lint_record

    def _batched(self, records: Iterable[Record], path: str, detail: int) -> Lint | None:
        """`_record_lint`'s function for a part of a segment whose records are all linted alone
        by the linter (none has a capture time or may be text; no `--naive-tz auto`): prefixed
        log lines without capture times, envelopes without `--capture-time`. Their messages are
        linted together first, as a chunk of JSON Lines is (`Linter.lint_lines`), and each
        record is then given its own problems, the same. None where they cannot be (records made
        as they are asked for: a HAR's; a message of several lines)."""
        if records.__class__ is not tuple or self.naive_offsets is not None or self.settings.naive_auto:
            return None
        messages = []
        first_line = None
        for record in cast(tuple[Record, ...], records):
            message = record.message
            if message is None:  # never linted
                continue
            if record.captured is not None or record.may_be_text:
                return None
            if first_line is None:
                first_line = record.line
            elif record.line == 1:  # `lint` lets any record on line 1 start with a byte order mark
                return None
            messages.append(message)
        if not messages:
            return None
        found = self.linter.lint_lines(messages, path, detail, starts_file=first_line == 1)
        if found is None:
            return None
        # `record_problems` asks for the records with a message, in order.
        each = iter(found)
        return lambda record, path: next(each)

    def _reading(self, offset: int, name: str) -> tuple[Linter, Observer]:
        """The linter (and observer) reading naive times at UTC offset `offset`, named `name`."""
        found = self._by_offset.get((offset, name))
        if found is None:
            settings = self.settings
            zone = NaiveZone(name, datetime.timezone(datetime.timedelta(seconds=offset)))
            linter = Linter(settings.schema, settings.policy._replace(naive_zone=zone), settings.max_record_memory)
            found = self._by_offset[offset, name] = (linter, Observer(linter, settings.max_skew))
        return found

    def _selected(self, problems: list[Problem]) -> list[Problem]:
        if self.selects_all:
            return problems
        selects = self.selects
        return [problem for problem in problems if selects(problem.code)]

    def check(self, segment: Segment, path: str, detail: int = FULL, starts_file: bool = False) -> Checked:
        """The selected problems of a segment; `detail` as for `Linter.lint_chunk` (COUNTS: only
        counted). `starts_file`: the segment starts the capture, where a byte order mark may stand."""
        if segment.records is None:
            found = self.linter.lint_chunk(segment.data, path, segment.line, detail, starts_file)
            if self.settings.naive_auto:
                found = found._replace(problems=_left_as_written(found.problems))
            if found.counted is not None:
                counted = found.counted
                if not self.selects_all:
                    counted = collections.Counter(
                        {kind: count for kind, count in counted.items() if self.selects(kind[0])}
                    )
                return Checked(found.lines, found.lines, [], counted or None)
            return Checked(found.lines, found.lines, self._selected(found.problems))
        return self._check_records(segment, path, detail, line_count(segment.data))

    def check_in_parts(
        self, segment: Segment, path: str, full_problems: Callable[[], Wanted], starts_file: bool = False
    ) -> Iterator[Checked]:
        """`check` of a segment, a part of its records at a time (`RECORDS_PER_PART`) for one
        with a record list (a HAR): each part's problems can be reported, and let go, before the
        next part is linted, instead of the whole segment's being held at once; so can its
        records, made as they are asked for (`Segment.records`). Past the problems a report
        shows (`full_problems()`, asked before each part, as `Chunk.full_problems`), they are
        only counted. The parts' `lines` add up to the segment's; the last part holds them."""
        if segment.records is None:
            yield self.check(segment, path, FULL if wants_any(full_problems()) else COUNTS, starts_file)
            return
        records = iter(segment.records)
        if segment.locator is None:  # the whole segment's lines, found once for every part
            segment = segment._replace(locator=Locator(segment))
        part = tuple(itertools.islice(records, RECORDS_PER_PART))
        while True:
            # The next part is made before this one is linted, to know whether this is the last.
            following = tuple(itertools.islice(records, RECORDS_PER_PART))
            detail = FULL if wants_any(full_problems()) else COUNTS
            lines = 0 if following else line_count(segment.data)
            yield self._check_records(segment._replace(records=part), path, detail, lines)
            if not following:
                return
            part = following

    def _check_records(self, segment: Segment, path: str, detail: int, lines: int) -> Checked:
        """`check` of a segment with a record list; `lines`: the lines it spans."""
        assert segment.records is not None
        problems: list[Problem] = []
        skipped = 0
        observations: Observations = {}
        # Counted only (COUNTS): each problem tells its code and whether it has a fix, no more.
        lint = self._batched(segment.records, path, detail) or self._record_lint(observations, detail)
        records = flagged = 0
        for _, found_problems in record_problems(segment, lint, path, moved=detail != COUNTS):
            records += 1
            if found_problems is None:
                skipped += 1
            elif found_problems:
                problems += found_problems
                flagged += 1
        problems = self._selected(problems)
        records -= skipped
        self._expect_refusals(flagged, records)
        if detail == COUNTS and problems:
            kinds: Counted = collections.Counter((problem.code, problem.fix is not None) for problem in problems)
            return Checked(lines, records, [], kinds, skipped, observations or None)
        return Checked(lines, records, problems, None, skipped, observations or None)

    def repair(self, segment: Segment, path: str, starts_file: bool = False, offset: int = 0) -> Repaired:
        """The edits that repair a segment (its selected problems' fixes), and their tally.
        `offset` is added to the edits' byte offsets (where the segment starts in a chunk)."""
        if segment.records is None:
            return self._repair_lines(segment, path, starts_file, offset)
        tally = RepairTally()
        edits: list[EditTuple] = []
        data = segment.data
        observations: Observations = {}
        fixed = tally.fixed
        selects_all = self.selects_all
        records = iter(segment.records)
        if segment.locator is None:  # the whole segment's lines, found once for every part
            segment = segment._replace(locator=Locator(segment))
        # A part of the records at a time, as `check_in_parts` checks them: each part says
        # whether the next is expected to be mostly refused (`_expect_refusals`).
        while part := tuple(itertools.islice(records, RECORDS_PER_PART)):
            flagged = linted = 0
            lint = self._batched(part, path, FIXES) or self._record_lint(observations, FIXES)
            for _, problems in record_problems(segment._replace(records=part), lint, path):
                if problems is None:
                    tally.skipped += 1
                    continue
                linted += 1
                if not problems:
                    continue
                flagged += 1
                changed = False
                for problem in problems if selects_all else self._selected(list(problems)):
                    _, line, _, _, code, _, _, _, fix, _, repeated, _ = problem  # one unpacking: this runs per fix
                    if fix is None:
                        tally.add_remaining(problem)
                        continue
                    fixed[code] += 1
                    if repeated > 1:
                        tally.add_repeated_key(line)
                    start, end, replacement_text = fix
                    replacement = replacement_text.encode()
                    if data[start:end] != replacement:
                        edits.append((line, offset + start, offset + end, replacement))
                        changed = True
                if changed:
                    tally.lines_changed += 1
            tally.lines += linted
            self._expect_refusals(flagged, linted)
        # A record's problems come sorted by column; records of one line (a HAR on one line) by
        # record: in file order either way, but sorted to be sure for the splice.
        edits.sort(key=lambda edit: edit[1])
        return Repaired(line_count(data), edits, tally, observations or None)

    def _expect_refusals(self, flagged: int, records: int) -> None:
        """Whether the next segment's records are expected to be mostly refused: more than half of
        this one's had findings (as `Linter.lint_chunk` says of its own chunks). Either way the
        findings are the same; a record's values are read and judged where most are refused
        (`Observer.linting`), which spares an error raised and taken apart per record."""
        self.linter.expect_refusals = flagged * 2 > records

    def _repair_lines(self, segment: Segment, path: str, starts_file: bool, offset: int) -> Repaired:
        data = segment.data
        found = self.linter.lint_chunk(data, path, segment.line, FIXES, starts_file)
        tally = RepairTally(lines=found.lines)
        fixed = tally.fixed
        edits = []
        starts = found.starts
        changed_line = previous_end = 0
        for problem in self._selected(found.problems):  # in order: by line, then column
            _, line, _, _, code, _, _, _, fix, _, repeated, _ = problem  # one unpacking: this runs per fix
            if fix is None:
                tally.add_remaining(problem)
                continue
            fixed[code] += 1
            if repeated > 1:
                tally.add_repeated_key(line)
            record_start = starts[line]
            start, end, replacement_text = fix
            start += record_start
            end += record_start
            if start < previous_end:  # as splice would refuse it
                raise ValueError(f"overlapping fixes on line {line}")
            replacement = replacement_text.encode()
            if data[start:end] != replacement:
                edits.append((line, offset + start, offset + end, replacement))
                previous_end = end
                if line != changed_line:
                    changed_line = line
                    tally.lines_changed += 1
        return Repaired(found.lines, edits, tally)


class ChunkJob:
    """Checks or repairs a chunk of whole lines of a line-based capture (`kind`: "check" or
    "repair"): each piece of the chunk is cut into a segment by the capture format and linted by
    the process's `SegmentLinter`. Small and picklable: it travels to workers with each chunk.

    With `text_of` (a reporter's `finding_text`), the check of a chunk whose `first_line` is its
    line number (`Chunk.numbered`) writes its findings' text too (`Checked.written`), and keeps
    as problems only those of a `noted` code."""

    def __init__(
        self,
        capture_format: CaptureFormat,
        kind: str,
        text_of: Callable[[Problem], str] | None = None,
        noted: frozenset[str] = frozenset(),
    ) -> None:
        self.capture_format = capture_format
        self.kind = kind
        self.text_of = text_of
        self.noted = noted

    def __call__(self, linter: SegmentLinter, chunk: Chunk) -> Checked | Repaired:
        if self.kind == "check":
            return self.check(linter, chunk)
        return self.repair(linter, chunk)

    def check(self, linter: SegmentLinter, chunk: Chunk) -> Checked:
        check, segment_of = linter.check, self.capture_format.segment_of
        wanted = chunk.full_problems
        # Line numbers are written only where they are known. Each piece's findings are written
        # as soon as it is linted, while its problems are still in the processor's cache.
        text_of = self.text_of if chunk.numbered else None
        found: list[Checked] = []
        lines = 0
        for offset, piece in chunk.pieces():
            detail = FULL if wants_any(wanted) else COUNTS
            checked = check(
                segment_of(piece, chunk.first_line + lines), chunk.path, detail, chunk.starts_file and not offset
            )
            lines += checked.lines
            wanted = wanted_after(wanted, checked.problems)
            if text_of is not None and checked.problems:
                assert checked.counted is None  # every problem is shown
                checked = checked._replace(problems=[], written=Written.of(checked.problems, text_of, self.noted))
            found.append(checked)
        if len(found) == 1:  # a chunk of one piece (each chunk this process reads): it says it all
            return found[0]
        records = skipped = 0
        problems: list[Problem] = []
        counted: Counted = collections.Counter()
        observations: Observations = {}
        written = [checked.written for checked in found if checked.written is not None]
        for checked in found:
            records += checked.records
            skipped += checked.skipped
            if checked.counted is not None:  # COUNTS: a count per kind travels faster than problems
                counted.update(checked.counted)
            problems += checked.problems
            merge(observations, checked.observations)
        return Checked(
            lines,
            records,
            problems,
            counted or None,
            skipped,
            observations or None,
            Written.joined(written) if written else None,
        )

    def repair(self, linter: SegmentLinter, chunk: Chunk) -> Repaired:
        repair, segment_of = linter.repair, self.capture_format.segment_of
        found: list[Repaired] = []
        lines = 0
        for offset, piece in chunk.pieces():
            repaired = repair(
                segment_of(piece, chunk.first_line + lines), chunk.path, chunk.starts_file and not offset, offset
            )
            lines += repaired.lines
            found.append(repaired)
        if len(found) == 1:  # as in `check`
            return found[0]
        tally = RepairTally()
        edits: list[EditTuple] = []
        observations: Observations = {}
        for repaired in found:
            edits += repaired.edits
            tally.merge(repaired.tally, 0)
            merge(observations, repaired.observations)
        return Repaired(lines, edits, tally, observations or None)
