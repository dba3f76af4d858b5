"""A Rich progress bar on standard error while a large capture is linted.

Besides the CLI and the reporters, the only module that draws on a terminal; the CLI decides
whether to show it at all (a terminal, no `--no-progress`). It is told about whole chunks of
megabytes, never about single records, and redraws at most a few times a second, so the linting
loop does not pay for it. Rich is imported only when a bar is actually shown.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from typing import Any, TextIO

from wsfix.display import printable, shorten

MIN_BYTES = 8 << 20  # below this, a capture is linted before a bar would be worth reading
_REDRAW_SECONDS = 0.2
_TELL_BYTES = 1 << 20


class _Bar:
    def __init__(self, progress: Any, task: Any) -> None:
        self._progress = progress
        self._task = task
        self._pending = 0
        self._next_redraw = 0.0

    def advance(self, count: int) -> None:
        # Told every chunk (128 KiB in one process); Rich hears of it every megabyte.
        self._pending += count
        if self._pending >= _TELL_BYTES:
            self.flush()

    def flush(self) -> None:
        self._progress.advance(self._task, self._pending)
        self._pending = 0
        now = time.monotonic()
        if now >= self._next_redraw:
            self._progress.refresh()
            self._next_redraw = now + _REDRAW_SECONDS


@contextlib.contextmanager
def progress_bar(label: str, total: int, stream: TextIO) -> Iterator[_Bar | None]:
    """A bar on `stream` for a capture of `total` bytes, gone when done; None for small captures."""
    if total < MIN_BYTES:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(file=stream, highlight=False, markup=False, emoji=False)
    # No refresh thread (workers are forked while it would run) and no redirection of
    # sys.stdout: the report keeps its own stream.
    # Fits in 80 columns: the file's name, a bar, megabytes done, time left.
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(bar_width=24),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
        auto_refresh=False,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as progress:
        task = progress.add_task(printable(shorten(os.path.basename(label) or label, 24)), total=total)
        bar = _Bar(progress, task)
        yield bar
        bar.flush()
