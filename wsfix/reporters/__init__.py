"""Output formats: the one place to add one. A reporter turns problems and a summary into text.

Each format is a module here with a `Reporter` subclass, registered in `REPORTERS` by name (loaded
on first use, so a run pays only for the format it prints); the CLI's and the configuration's
format choices are this registry's keys. Reporters never re-read captures, re-convert timestamps
or re-apply select/ignore: they receive the selected problems in order (file, line, column,
code), or their texts (`Reporter.finding_text`), then the summary. They keep counters, never
lists of findings, so memory does not grow with the number of findings; they read no environment
(the CLI passes what they need in `ReportOptions`).
"""

from __future__ import annotations

import abc
import contextlib
import io
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple, TextIO

from wsfix.problems import Problem, Wanted
from wsfix.registry import load_class
from wsfix.summary import Summary


class ReportOptions(NamedTuple):
    max_rows: int | None = 50  # table rows shown; None: all
    width: int | None = None  # None: the terminal's
    color: bool | None = None  # None: when the output is a terminal
    base_dir: str | None = None  # CI formats give paths relative to it when the file is inside
    step_summary: str | None = None  # github: a file to append a Markdown summary to
    quiet: bool = False  # -q: the findings and nothing else (full and concise: no summary)


# A finding's text in one output format, from the finding alone (and the run's options): a
# picklable callable, so that worker processes can write the findings' text of their chunks.
FindingText = Callable[[Problem], str]


class Reporter(abc.ABC):
    """Receives each problem once, in order, then the summary; writes to `out`.

    A reporter whose text of a finding depends on that finding alone says how it writes one
    (`finding_text`): then the processes that lint a chunk also write its findings' text, and the
    reporter receives each chunk's texts at once (`add_texts`) instead of its problems one by one.
    On a capture where every line is broken, the problems' trip to the parent and their text
    written there were the run's slowest part (the parent wrote while the workers waited).
    """

    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self.out = out
        self.options = options

    @abc.abstractmethod
    def add(self, problem: Problem) -> None: ...

    def problems_wanted(self) -> Wanted:
        """Which of the problems found from now on are shown (`problems.Wanted`; None: all). Past
        them (a table past its last row), the caller may skip working problems out and only say
        how many there were (`add_unshown`)."""
        return None

    def add_unshown(self, count: int, path: str) -> None:
        """Take `count` more problems of capture `path`, known by number only (once
        `problems_wanted` is reached)."""
        raise NotImplementedError(f"{type(self).__name__} shows every problem")

    def finding_text(self) -> FindingText | None:
        """How this format writes one finding, where that text depends on the finding alone (no
        counting, no numbering across findings); None otherwise (the default)."""
        return None

    def add_texts(self, texts: list[str], path: str, fixable: int) -> None:
        """Take the texts `finding_text` wrote for consecutive findings of capture `path`, in
        order, of which `fixable` have a fix."""
        raise NotImplementedError(f"{type(self).__name__} writes no finding's text alone")

    def noted_codes(self) -> frozenset[str]:
        """Codes of findings this reporter wants to see (`note`) even when their text is written
        for it (`add_texts`): for a reporter that looks at findings besides showing them."""
        return frozenset()

    def note(self, problem: Problem) -> None:
        """See a finding of a `noted_codes` code whose text came to `add_texts`."""
        return None  # a reporter that notes no code sees none

    @abc.abstractmethod
    def finish(self, summary: Summary) -> None: ...


# As long as a text stream's own pieces (`TextIOWrapper` hands its buffer 8 KiB at a time).
_PIECE_CHARACTERS = 8192


def write_text(out: TextIO, text: str) -> None:
    """`out.write(text)`, a piece at a time.

    A text stream ignores its buffer's short write (CPython issue 85393): a pipe whose reader
    goes away in the middle of one long write takes part of it and raises nothing, so the run
    would end as if all had been written. Written in pieces, the next piece fails
    (BrokenPipeError), as it did when findings were written one by one.
    """
    if len(text) <= _PIECE_CHARACTERS:
        out.write(text)
        return
    for start in range(0, len(text), _PIECE_CHARACTERS):
        out.write(text[start : start + _PIECE_CHARACTERS])


REPORTERS: dict[str, str] = {
    "full": "wsfix.reporters.full:FullReporter",
    "concise": "wsfix.reporters.concise:ConciseReporter",
    "json": "wsfix.reporters.json:JsonReporter",
    "jsonl": "wsfix.reporters.jsonl:JsonLinesReporter",
    "github": "wsfix.reporters.github:GithubReporter",
    "sarif": "wsfix.reporters.sarif:SarifReporter",
    "gitlab": "wsfix.reporters.gitlab:GitlabReporter",
    "junit": "wsfix.reporters.junit:JunitReporter",
}


def build_reporter(name: str, out: TextIO, options: ReportOptions) -> Reporter:
    """The reporter registered as `name`. Raises UsageError for an unknown name."""
    reporter_class: type[Reporter] = load_class(REPORTERS, name, "output format", REPORTERS)
    return reporter_class(out, options)


class LinePerFinding(Reporter):
    """A format that writes each finding on a line of its own: the text `finding_text` gives."""

    @abc.abstractmethod
    def finding_text(self) -> FindingText: ...

    def add(self, problem: Problem) -> None:
        self.out.write(self.finding_text()(problem) + "\n")

    def add_texts(self, texts: list[str], path: str, fixable: int) -> None:
        if texts:
            write_text(self.out, "\n".join(texts) + "\n")


class Forwarding(Reporter):
    """A reporter passing everything on to `reporter`: a base for one that looks on as it does."""

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter

    def add(self, problem: Problem) -> None:
        self.reporter.add(problem)

    def problems_wanted(self) -> Wanted:
        return self.reporter.problems_wanted()

    def add_unshown(self, count: int, path: str) -> None:
        self.reporter.add_unshown(count, path)

    def finding_text(self) -> FindingText | None:
        return self.reporter.finding_text()

    def add_texts(self, texts: list[str], path: str, fixable: int) -> None:
        self.reporter.add_texts(texts, path, fixable)

    def noted_codes(self) -> frozenset[str]:
        return self.reporter.noted_codes()

    def note(self, problem: Problem) -> None:
        self.reporter.note(problem)

    def finish(self, summary: Summary) -> None:
        self.reporter.finish(summary)


class Tee(Reporter):
    """Several reporters fed the same run: the table on stdout and a report file, say."""

    def __init__(self, reporters: Sequence[Reporter]) -> None:
        self.reporters = tuple(reporters)

    def add(self, problem: Problem) -> None:
        for reporter in self.reporters:
            reporter.add(problem)

    def finish(self, summary: Summary) -> None:
        for reporter in self.reporters:
            reporter.finish(summary)


@contextlib.contextmanager
def open_report_file(path: str) -> Iterator[TextIO]:
    """A UTF-8 text stream that replaces `path` atomically when the block completes (and leaves it
    untouched if the block raises). Raises OutputError when it cannot be written."""
    from wsfix.output import atomic_output

    with atomic_output(path) as handle:
        # POSIX; elsewhere the temp file's mode is already the usual one. Not a device's mode.
        if hasattr(os, "fchmod") and handle.replaces_target:
            os.fchmod(handle.stream.fileno(), _new_file_mode(path))
        text = io.TextIOWrapper(handle.stream, encoding="utf-8", newline="\n")
        try:
            yield text
            text.flush()
        finally:
            text.detach()  # the atomic writer owns and closes the file


def _new_file_mode(path: str) -> int:
    """The mode `open(path, "w")` would give: the existing file's, else 0o666 less the umask
    (the atomic writer's temp file starts private)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def open_reporter(
    name: str,
    stdout: TextIO,
    options: ReportOptions,
    output_file: str | None = None,
    statistics: bool = False,
    output_files: Sequence[tuple[str, str]] = (),
) -> Iterator[Reporter]:
    """The reporter of one `check` run: format `name` on `stdout`, and each (format, path) of
    `output_files` in its file (written atomically when the run completes; none is written if
    the run fails). `output_file` is one more in format `name`, and then `stdout` gets the `full`
    table. `statistics` puts counts per rule on `stdout` instead (as JSON when `name` is json).
    Raises UsageError for an unknown format before anything is written."""
    from wsfix.reporters.statistics import StatisticsReporter

    files = list(output_files)
    if output_file is not None:
        files.append((name, output_file))
        if name not in REPORTERS:
            build_reporter(name, stdout, options)  # raises the usage error
        name = "full"
    for format_name in [name, *(format_name for format_name, _ in files)]:
        if format_name not in REPORTERS:
            build_reporter(format_name, stdout, options)  # raises the usage error
    shown = (
        StatisticsReporter(stdout, options, as_json=name == "json" and not files)
        if statistics
        else build_reporter(name, stdout, options)
    )
    if not files:
        yield shown
        return
    file_options = options._replace(color=False, max_rows=None)
    with contextlib.ExitStack() as stack:
        reporters = [shown]
        for format_name, path in files:
            reporters.append(build_reporter(format_name, stack.enter_context(open_report_file(path)), file_options))
        yield Tee(reporters)
