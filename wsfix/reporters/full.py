"""`full` (the default): the findings per file, a count per rule, and the summary sentence.

Two layouts, chosen by the width. A Rich table (line, rule, severity, field, value, problem,
fix) when it fits: every value whole and `PROBLEM_WIDTH` columns left for the problem, so from
about 140 columns on. Narrower, one line per finding with the problem under it
(`reporters.listing`). The severity is a word, so it reads without colour. Every line outside the
tables, the summary sentence too, is wrapped by Rich at a word boundary: the terminal never has to.

The reporter keeps only the rows it shows (`max_rows`), so memory does not grow with the number of
findings. Every text taken from a capture is passed to Rich as `Text`, never as markup, so a
payload cannot style, link or control the terminal; it is shown as written, with only what a
terminal would act on escaped (`display.as_written`). This is a report for people: the `github`
format is the one that keeps workflow commands out of a CI log.

Rich is imported only when there is something to draw or a terminal to colour: a clean run into a
pipe or file prints one plain sentence, the same bytes Rich would write, without the 25-30 ms of
importing Rich's console (`python -X importtime`).
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any, TextIO

from wsfix import rules
from wsfix.display import as_written, shorten
from wsfix.problems import Problem
from wsfix.reporters import Reporter, ReportOptions
from wsfix.reporters.listing import SEVERITY_STYLE, location, print_findings, print_wrapped, problem_text
from wsfix.summary import Summary

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

PROBLEM_WIDTH = 40  # the problem column's least width in a table
_VALUE_WIDTH = 32  # a value's characters in the table


@functools.cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit with 1 here; the command line ends every run whose standard output
            # was closed the same way (quietly, 141), after its cleanup.
            raise BrokenPipeError

    return _Console


def _import_rich() -> None:
    """Import what drawing the table takes (35-40 ms), as soon as there is a row to draw: with
    --jobs the command line only waits for its workers while findings come in, and the import
    then overlaps their work instead of delaying the report at the end."""
    _console_class()
    import rich.box
    import rich.table
    import rich.text  # noqa: F401


def _styled(out: TextIO, color: bool | None) -> bool:
    """Whether Rich would write escape sequences to `out`: its own terminal test (rich.console's
    `Console.is_terminal`: TTY_COMPATIBLE, FORCE_COLOR, then isatty), without importing it."""
    if color is not None:
        return color
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    isatty: Any = getattr(out, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream; Rich says False too
        return False


def _plain_width(width: int | None) -> int:
    """The width Rich would give an unstyled console (rich.console's `Console.size`: the width
    asked for, COLUMNS, the size of the terminal on standard input, output or error, else 80),
    without importing it."""
    if width is not None:
        return width
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns) or 80
    for descriptor in (0, 1, 2):
        try:
            return os.get_terminal_size(descriptor).columns or 80
        except (AttributeError, ValueError, OSError):  # not a terminal
            continue
    return 80


class FullReporter(Reporter):
    def __init__(self, out, options: ReportOptions) -> None:  # type: ignore[no-untyped-def]
        super().__init__(out, options)
        self._rows: list[Problem] = []
        self._hidden = 0
        self._console: Console | None = None
        self._drawn: str | None = None  # the findings, drawn once their rows were final

    def add(self, problem: Problem) -> None:
        limit = self.options.max_rows
        if limit is None or len(self._rows) < limit:
            if not self._rows:
                _import_rich()
            self._rows.append(problem)
            if len(self._rows) == limit:
                self._draw_early()
        else:
            self._hidden += 1

    def problems_wanted(self) -> int | None:
        limit = self.options.max_rows
        return None if limit is None else max(limit - len(self._rows), 0)

    def add_unshown(self, count: int, path: str) -> None:
        self._hidden += count

    def finish(self, summary: Summary) -> None:
        if self.options.quiet:  # -q, as ruff's: the findings and nothing else
            if self._drawn is not None:
                self.out.write(self._drawn)
            elif self._rows:
                self._print_findings(self._get_console())
            return
        sentence = summary.sentence()
        if not (
            self._rows
            or self._hidden
            or summary.tally.total
            or _styled(self.out, self.options.color)
            or len(sentence) > _plain_width(self.options.width)
        ):
            # Nothing to draw, no style and one line: Rich would write exactly this.
            self.out.write(sentence + "\n")
            return
        from rich.text import Text

        console = self._get_console()
        if self._drawn is not None:
            self.out.write(self._drawn)
        else:
            self._print_findings(console)
        if self._hidden:
            print_wrapped(
                console,
                Text(
                    f"… {self._hidden:,} more finding{'s' if self._hidden != 1 else ''} "
                    "not shown (--all or --max-rows N shows more)",
                    style="dim",
                ),
            )
        if summary.tally.total:
            console.print(self._rules_table(summary))
        print_wrapped(console, Text(sentence, style="bold" if summary.tally.total else "green"))

    def _draw_early(self) -> None:
        """Draw the findings now that no row can join them, keeping the text for `finish`: the
        same bytes, but with --jobs drawn while the workers still lint (about 25 ms of a 1 M-line
        check's end). Not on the legacy Windows console, which is drawn on, not written to."""
        console = self._get_console()
        if console.legacy_windows:
            return
        with console.capture() as captured:
            self._print_findings(console)
        self._drawn = captured.get()

    def _get_console(self) -> Console:
        if self._console is None:
            self._console = _console_class()(
                file=self.out,
                width=self.options.width,
                highlight=False,
                emoji=False,
                markup=False,
                force_terminal=self.options.color,
                soft_wrap=False,
                # None leaves it to Rich: NO_COLOR in the environment, unless empty, turns colour off.
                no_color=True if self.options.color is False else None,
            )
        return self._console

    def _print_findings(self, console: Console) -> None:
        # One block per file, titled with its path, so the location is only line:column.
        wide = _table_fits(console.width, self._rows)
        start = 0
        while start < len(self._rows):
            path = self._rows[start].path
            end = start
            while end < len(self._rows) and self._rows[end].path == path:
                end += 1
            if wide:
                console.print(self._findings_table(path, self._rows[start:end]))
            else:
                print_findings(console, path, self._rows[start:end], first=start == 0)
            start = end

    @staticmethod
    def _findings_table(path: str, problems: list[Problem]) -> Table:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(
            title=Text(as_written(path), style="bold"),
            title_justify="left",
            header_style="bold",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        table.add_column("Line", justify="right", max_width=12, overflow="fold")  # HAR names wrap
        table.add_column("Rule", no_wrap=True)
        table.add_column("Severity", no_wrap=True)
        table.add_column("Field", overflow="fold", max_width=20)
        table.add_column("Value", overflow="fold", max_width=_VALUE_WIDTH)
        table.add_column("Problem", overflow="fold", ratio=1)
        table.add_column("Fix", no_wrap=True)
        for problem in problems:
            severity = rules.BY_CODE[problem.code].severity
            where = location(problem)
            if problem.record:  # a HAR message: its name, then where it sits in the file
                where = f"{as_written(problem.record)}\n{where}"
            table.add_row(
                where,
                Text(problem.code, style=SEVERITY_STYLE[severity]),
                Text(severity.value, style=SEVERITY_STYLE[severity]),
                Text(as_written(problem.json_path) or "—"),
                Text(as_written(shorten(problem.value, _VALUE_WIDTH)) if problem.value is not None else "—"),
                Text(as_written(problem_text(problem))),
                Text(problem.fix.replacement if problem.fix else "—", style="green" if problem.fix else "dim"),
            )
        return table

    @staticmethod
    def _rules_table(summary: Summary) -> Table:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("Rule", no_wrap=True)
        table.add_column("Name")
        table.add_column("Severity", no_wrap=True)
        table.add_column("Count", justify="right")
        table.add_column("Fixable", justify="right")
        tally = summary.tally
        for code in sorted(tally.counts):
            rule = rules.BY_CODE[code]
            fixable = tally.fixable[code]
            table.add_row(
                Text(code, style=SEVERITY_STYLE[rule.severity]),
                Text(rule.name),
                Text(rule.severity.value, style=SEVERITY_STYLE[rule.severity]),
                f"{tally.counts[code]:,}",
                f"{fixable:,}" if rule.fixable else "no fix",
            )
        return table


def _table_fits(width: int, problems: list[Problem]) -> bool:
    """Whether a table of `problems` leaves `PROBLEM_WIDTH` columns for the problem with every
    other cell on one line (what a HAR message's name takes aside: it wraps anyway)."""
    from rich.cells import cell_len

    widths = [
        max([4, *(len(location(problem)) for problem in problems)]),
        5,
        len("Severity"),
        min(20, max([5, *(cell_len(as_written(problem.json_path)) for problem in problems)])),
        min(_VALUE_WIDTH, max([5, *(cell_len(as_written(problem.value or "")) for problem in problems)])),
        max([3, *(len(problem.fix.replacement) for problem in problems if problem.fix)]),
    ]
    # A cell's padding is a column on each side; the outer two are left out (pad_edge=False) and
    # the box draws one at each edge.
    return width - sum(widths) - 2 * (len(widths) + 1) >= PROBLEM_WIDTH
