"""Which files a check reads: the paths named, with each folder searched for captures.

A file named is read whatever its name (as ruff does); a folder is walked (its files in name
order, then its subfolders, each the same way) for file names that match an `include` pattern,
skipping every file or folder that matches an `exclude` pattern (by name, or by its path from the
folder named). Patterns are shell globs (`fnmatch`). Lists and stats files only: never opens
one, never prints.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from typing import NamedTuple


class Unlisted(NamedTuple):
    """A folder the search could not list, and why."""

    path: str
    reason: str


def find_captures(paths: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> Iterator[str | Unlisted]:
    """The files to check, in order: each path that is not a folder as given (missing ones too:
    reading them reports them), and the captures each folder holds; a folder that cannot be
    listed as `Unlisted`."""
    for path in paths:
        if os.path.isdir(path):
            yield from _search(path, tuple(include), tuple(exclude))
        else:
            yield path


def _search(root: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> Iterator[str | Unlisted]:
    def excluded(name: str, path: str) -> bool:
        relative = os.path.relpath(path, root).replace(os.sep, "/")
        return any(fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(relative, pattern) for pattern in exclude)

    # os.walk skips a folder it cannot list unless told: collected, so that it is reported.
    failures: list[OSError] = []
    for folder, folders, files in os.walk(root, onerror=failures.append):
        folders[:] = sorted(name for name in folders if not excluded(name, os.path.join(folder, name)))
        for name in sorted(files):
            path = os.path.join(folder, name)
            if any(fnmatch.fnmatch(name, pattern) for pattern in include) and not excluded(name, path):
                yield path
    for failure in failures:
        yield Unlisted(os.fsdecode(failure.filename or root), failure.strerror or str(failure))
