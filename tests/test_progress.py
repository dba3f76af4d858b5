"""The progress bar: drawn on a terminal for large captures only, and only when asked for."""

from __future__ import annotations

import io

import pytest

from wsfix import cli
from wsfix.progress import MIN_BYTES, progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_small_capture_gets_no_bar():
    stream = Terminal()
    with progress_bar("small.jsonl", MIN_BYTES - 1, stream) as bar:
        assert bar is None
    assert stream.getvalue() == ""


def test_large_capture_gets_a_bar_with_its_file_name_and_size():
    stream = Terminal()
    with progress_bar("/some/folder/big\x1b[31m.jsonl", 20_000_000, stream) as bar:
        assert bar is not None
        bar.advance(5_000_000)
        drawn = stream.getvalue()
    assert "big\\x1b[31m.jsonl" in drawn  # escaped like every name from outside
    assert "5.0/20.0 MB" in drawn
    assert "big\x1b[31m.jsonl" not in drawn  # the raw name, escape and all, never reaches the terminal


@pytest.mark.parametrize(
    ("no_progress", "stderr_tty", "stdout_busy", "stdout_tty", "shown"),
    [
        pytest.param(False, True, False, True, True, id="terminal"),
        pytest.param(True, True, False, True, False, id="no-progress"),
        pytest.param(False, False, False, False, False, id="ci-log"),
        pytest.param(False, True, True, True, False, id="findings-stream-to-the-same-terminal"),
        pytest.param(False, True, True, False, True, id="findings-go-to-a-file"),
    ],
)
def test_cli_shows_bars_only_on_a_terminal(monkeypatch, no_progress, stderr_tty, stdout_busy, stdout_tty, shown):
    monkeypatch.setattr("sys.stderr", Terminal() if stderr_tty else io.StringIO())
    monkeypatch.setattr("sys.stdout", Terminal() if stdout_tty else io.StringIO())
    factory = cli._progress_bars(no_progress, stdout_busy)
    assert (factory is not None) is shown
    if factory is not None:
        with factory("big.jsonl", 2 * MIN_BYTES) as bar:
            bar.advance(MIN_BYTES)
        assert "big.jsonl" in cli.sys.stderr.getvalue()
