"""A repair as a unified diff that `git apply` and `patch` accept, written as the repair streams.

Fed each changed line in order (a repair's change hook) and, beside it, the original file's lines,
it writes hunks with three lines of context, merging hunks whose context would touch, as
`diff -u` does. A hunk waits in memory up to a few MB, past that in a temporary file (its header,
written first, needs its length): memory never holds the file. Replacements never add or remove
lines, so old and new line numbers are the same. The exact bytes are written (a patch must match
the file), except to a terminal, where each line is escaped as every report is. Writes only to
the stream it is given; reads nothing but the lines it is given.
"""

from __future__ import annotations

import collections
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any, BinaryIO

from wsfix.display import printable

CONTEXT = 3
_NO_NEWLINE = b"\\ No newline at end of file\n"


class UnifiedDiff:
    """The diff of one file. `original`: its lines, each with its end of line (None: unknown,
    as for standard input: hunks then have no context). Call `change` for each changed line, in
    order, then `finish`."""

    def __init__(self, out: BinaryIO, old_name: str, new_name: str, original: Iterator[bytes] | None, escape: bool):
        self.out = out
        self.names = (old_name, new_name)
        self.original = original
        self.escape = escape
        self.context = CONTEXT if original is not None else 0
        self.read = 0  # lines of the original read so far
        # The hunk's lines as written (its header needs its length first), and its two lengths. A
        # hunk is as long as the changes are close: every line of a capture, if each is broken.
        self.hunk = _Spool()
        self.old_count = self.new_count = 0
        self.hunk_start = 0
        # The run of adjacent changed lines not in the hunk yet: old lines, then new ones (the
        # last one kept apart: a HAR changes one line several times).
        self.minus = _Spool()
        self.plus = _Spool()
        self.last_plus: bytes | None = None
        self.last_change = 0  # line number of the last changed line; 0: none yet
        self.after = 0  # unchanged lines in the hunk since the last change
        # The last unchanged lines read past the hunk's trailing context: the next hunk's leading one.
        self.waiting: collections.deque[bytes] = collections.deque(maxlen=self.context)
        self.started = False

    @property
    def _open(self) -> bool:
        return self.old_count > 0 or self.last_plus is not None

    def change(self, line_no: int, old: bytes, new: bytes) -> None:
        """Line `line_no` (1-based) reads `new` instead of `old`: the whole line, or a part of it
        (a HAR message inside a longer line: applied to what the line reads so far)."""
        if line_no == self.last_change and self.last_plus is not None:
            self.last_plus = self.last_plus.replace(old.rstrip(b"\r\n"), new.rstrip(b"\r\n"), 1)
            return
        self._read_until(line_no - 1)
        line = self._next_line()
        if line is None:
            line = old
        if self._open and line_no - self.last_change - 1 > 2 * self.context:
            self._emit()  # the contexts would not touch: a hunk of its own
        if not self._open:
            self.hunk_start = line_no - len(self.waiting)
        for waiting in self.waiting:
            self._add(b" ", waiting)
        self.waiting.clear()
        if old.rstrip(b"\r\n") == line.rstrip(b"\r\n"):
            replaced = new.rstrip(b"\r\n") + line[len(line.rstrip(b"\r\n")) :]
        else:
            replaced = line.replace(old.rstrip(b"\r\n"), new.rstrip(b"\r\n"), 1)
        self.minus.write(self._line(b"-", line))
        self.old_count += 1
        if self.last_plus is not None:
            self.plus.write(self._line(b"+", self.last_plus))
        self.last_plus = replaced
        self.new_count += 1
        self.last_change = line_no
        self.after = 0

    def finish(self) -> None:
        """Write the last hunk, with its trailing context."""
        if self._open:
            self._read_until(self.last_change + self.context)
            self._emit()
        for spool in (self.hunk, self.minus, self.plus):
            spool.close()

    def _read_until(self, line_no: int) -> None:
        if self.original is None:
            self.read = max(self.read, line_no)
            return
        while self.read < line_no:
            line = self._next_line()
            if line is None:
                return
            self._end_run()
            if self._open and self.after < self.context:
                self._add(b" ", line)
                self.after += 1
            else:
                self.waiting.append(line)

    def _next_line(self) -> bytes | None:
        if self.original is None:
            self.read += 1
            return None
        line = next(self.original, None)
        if line is not None:
            self.read += 1
        return line

    def _add(self, sign: bytes, line: bytes) -> None:
        self.hunk.write(self._line(sign, line))
        self.old_count += sign != b"+"
        self.new_count += sign != b"-"

    def _end_run(self) -> None:
        # A run of adjacent changed lines: its old lines, then its new ones, as diff -u writes it.
        if self.last_plus is None:
            return
        self.plus.write(self._line(b"+", self.last_plus))
        self.last_plus = None
        self.minus.move_to(self.hunk)
        self.plus.move_to(self.hunk)  # counted as they came

    def _emit(self) -> None:
        self._end_run()
        out = self.out
        if not self.started:
            out.write(b"--- " + quoted_name(self.names[0]) + b"\n")
            out.write(b"+++ " + quoted_name(self.names[1]) + b"\n")
            self.started = True
        start = self.hunk_start
        out.write(f"@@ -{start},{self.old_count} +{start},{self.new_count} @@\n".encode())
        self.hunk.move_to(out)
        self.old_count = self.new_count = 0
        self.after = 0

    def _line(self, sign: bytes, line: bytes) -> bytes:
        text = self._text(sign + line)
        return text if line.endswith(b"\n") else text + b"\n" + _NO_NEWLINE

    def _text(self, line: bytes) -> bytes:
        if not self.escape:
            return line
        end = b"\n" if line.endswith(b"\n") else b""
        text = line.rstrip(b"\r\n").decode("utf-8", "backslashreplace")
        return printable(text).encode("utf-8") + end


# Bytes a file name is written without quoting (git's quote_c_style quotes the rest): printable
# ASCII but the quote and the backslash.
_PLAIN_NAME_BYTES = frozenset(range(0x20, 0x7F)) - {ord('"'), ord("\\")}
_NAMED_ESCAPES = {0x07: b"\\a", 0x08: b"\\b", 0x09: b"\\t", 0x0A: b"\\n", 0x0B: b"\\v", 0x0C: b"\\f", 0x0D: b"\\r"}
_NAMED_ESCAPES |= {ord('"'): b'\\"', ord("\\"): b"\\\\"}


def quoted_name(name: str) -> bytes:
    """A file name as a diff header writes it: as is when it is plain, else quoted as git quotes
    it (`"a/\\033[2J\\342\\200\\256.jsonl"`: C escapes, other bytes in octal), which `git apply`
    and `patch` read back. Quoted, a name is plain ASCII, so a header never acts on a terminal; a
    CI workflow marker in it (`::`, `##`) is broken by an octal escape of its second character,
    which reads back the same."""
    raw = name.encode("utf-8", "surrogateescape")
    if all(byte in _PLAIN_NAME_BYTES for byte in raw) and b"::" not in raw and b"##" not in raw:
        return raw
    quoted = bytearray(b'"')
    previous = -1
    for byte in raw:
        if byte in _NAMED_ESCAPES:
            quoted += _NAMED_ESCAPES[byte]
        elif byte not in _PLAIN_NAME_BYTES or (byte in b":#" and previous == byte):
            quoted += b"\\%03o" % byte
        else:
            quoted.append(byte)
        previous = byte
    quoted += b'"'
    return bytes(quoted)


class _Spool:
    """Bytes kept in memory up to a few MB, past that in a temporary file; emptied by `move_to`."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 - closed by close()

    def write(self, data: bytes) -> None:
        self.file.write(data)

    def move_to(self, out: Any) -> None:
        self.file.seek(0)
        shutil.copyfileobj(self.file, out)
        self.file.seek(0)
        self.file.truncate()

    def close(self) -> None:
        self.file.close()


_SPOOL_BYTES = 4 << 20
