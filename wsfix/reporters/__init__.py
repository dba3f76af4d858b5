"""Output formats: the one place to add one. A reporter turns problems and a summary into text.

Each format is a module here with a `Reporter` subclass, registered in `REPORTERS` by name (loaded
on first use, so a run pays only for the format it prints). Reporters never re-read captures,
re-convert timestamps or re-apply select/ignore: they receive the selected problems in order
(file, line, column, code), then the summary.
"""

from __future__ import annotations

import abc
import importlib
from dataclasses import dataclass
from typing import TextIO

from wsfix.errors import UsageError
from wsfix.problems import Problem
from wsfix.report import Summary


@dataclass(frozen=True)
class ReportOptions:
    max_rows: int | None = 50  # table rows shown; None: all
    width: int | None = None  # None: the terminal's
    color: bool | None = None  # None: when the output is a terminal


class Reporter(abc.ABC):
    """Receives each problem once, in order, then the summary; writes to `out`."""

    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self.out = out
        self.options = options

    @abc.abstractmethod
    def add(self, problem: Problem) -> None: ...

    def wants_problems(self) -> bool:
        """Whether the problems found from now on are shown. When not (a table past its last row),
        the caller may skip working them out and only say how many there were (`add_unshown`)."""
        return True

    def add_unshown(self, count: int) -> None:
        """Take `count` more problems, known by number only (after `wants_problems` said False)."""
        raise NotImplementedError(f"{type(self).__name__} shows every problem")

    @abc.abstractmethod
    def finish(self, summary: Summary) -> None: ...


REPORTERS: dict[str, str] = {
    "full": "wsfix.reporters.full:FullReporter",
    "concise": "wsfix.reporters.concise:ConciseReporter",
}


def build_reporter(name: str, out: TextIO, options: ReportOptions) -> Reporter:
    """The reporter registered as `name`. Raises UsageError for an unknown name."""
    try:
        module_name, class_name = REPORTERS[name].split(":")
    except KeyError:
        raise UsageError(f"unknown output format {name!r}: expected one of "
                         f"{', '.join(REPORTERS)}") from None
    reporter_class: type[Reporter] = getattr(importlib.import_module(module_name), class_name)
    return reporter_class(out, options)
