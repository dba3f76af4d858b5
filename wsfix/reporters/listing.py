"""The narrow layout of the `full` report, and word wrapping for every line it writes.

Below the width a table needs (80 columns is what pipes and CI logs get), each finding is a line
`line:col  CODE  severity  field  value → fix` with the problem wrapped under it, indented to the
code, so that no value, word or parenthesis is broken across a column. Lines are wrapped by Rich at
word boundaries, never by the terminal, and written without the spaces Rich pads lines with.

Text from a capture is shown as written (`display.as_written`) and passed to Rich as `Text`, never
as markup. Rich is imported inside the functions: the `full` reporter imports this module on a
clean run too, which draws nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wsfix import rules
from wsfix.display import as_written
from wsfix.problems import Problem, Severity

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}
_SEVERITY_WIDTH = max(len(severity.value) for severity in Severity)
_VALUE_WIDTH = 48  # a value's cells at most
_MIN_VALUE_WIDTH = 16  # a value is cut no shorter than this on a narrow terminal
_FIELD_WIDTH = 24  # fields are aligned up to this width
_GAP = "  "


def location(problem: Problem) -> str:
    return f"{problem.line}" + (f":{problem.column}" if problem.column else "")


def problem_text(problem: Problem) -> str:
    if problem.pydantic_type:
        return f"{problem.message} (pydantic: {problem.pydantic_type})"
    return problem.message


def print_findings(console: Console, path: str, problems: list[Problem], first: bool) -> None:
    """The narrow layout of one file's findings: the path, then per finding a line
    `line:col  CODE  severity  field  value → fix` and the problem under it, indented to the code.
    A field, or a value with its fix, that does not fit on the line starts an indented line of its
    own; a value is cut only past `_VALUE_WIDTH` cells or when even that line is too short
    (to no less than `_MIN_VALUE_WIDTH`)."""
    from rich.cells import cell_len
    from rich.text import Text

    if not first:
        console.print()
    print_wrapped(console, Text(as_written(path), style="bold"))
    where_width = max(len(location(problem)) for problem in problems)
    field_width = min(max(cell_len(as_written(problem.json_path)) for problem in problems), _FIELD_WIDTH)
    indent = where_width + len(_GAP)
    width = console.width
    for problem in problems:
        severity = rules.BY_CODE[problem.code].severity
        style = SEVERITY_STYLE[severity]
        line = Text(location(problem).rjust(where_width) + _GAP)
        line.append(problem.code, style=style)
        line.append(_GAP)
        line.append(severity.value.ljust(_SEVERITY_WIDTH), style=style)
        field = as_written(problem.json_path)
        if field or problem.value is not None:
            if line.cell_len + len(_GAP) + cell_len(field) > width:
                line = _next_line(console, line, indent)
            else:
                line.append(_GAP)
            line.append(field + " " * (field_width - cell_len(field)))
        if problem.value is not None:
            value = as_written(problem.value)  # escaped first, so that the escapes count when cut
            fix = f" → {problem.fix.replacement}" if problem.fix else ""
            shown = min(cell_len(value), _VALUE_WIDTH)
            if line.cell_len + len(_GAP) + shown + cell_len(fix) <= width:
                line.append(_GAP)
            else:
                line = _next_line(console, line, indent)
            line.append(_cut(value, min(shown, max(width - line.cell_len - cell_len(fix), _MIN_VALUE_WIDTH))))
            if problem.fix:
                line.append(" → ")
                line.append(problem.fix.replacement, style="green")
        line.rstrip()
        print_wrapped(console, line, continued=indent)
        text = problem_text(problem)
        if problem.record:  # a HAR message: the line number alone does not name it
            text = f"{problem.record}: {text}"
        print_wrapped(console, Text(as_written(text)), indent)


def _next_line(console: Console, line: Text, indent: int) -> Text:
    """Print `line` and start the next one, indented."""
    from rich.text import Text

    line.rstrip()
    print_wrapped(console, line, continued=indent)
    return Text(" " * indent)


def _cut(text: str, width: int) -> str:
    """`text` cut to `width` cells (not characters: wide characters take two) with an ellipsis."""
    from rich.cells import cell_len, set_cell_size

    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


def print_wrapped(console: Console, text: Text, indent: int = 0, continued: int | None = None) -> None:
    """`text` wrapped by Rich at word boundaries (folding a word longer than a line), its first line
    indented by `indent` spaces and the others by `continued` (by default `indent` too), without
    the spaces Rich would pad lines with."""
    from rich.text import Text

    if continued is None:
        continued = indent
    if text.cell_len + indent <= console.width:
        lines = [text]
    else:
        # Lines after the first are indented to `continued`; the first is as long as they are.
        width = max(console.width - max(indent, continued), 1)
        lines = list(text.wrap(console, width, overflow="fold"))
    for number, line in enumerate(lines):
        line.rstrip()
        pad = indent if number == 0 else continued
        console.print(Text(" " * pad) + line, no_wrap=True, overflow="ignore", crop=False)
