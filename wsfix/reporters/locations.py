"""Where a finding is, as CI tools want it: a path relative to the repository (the folder wsfix
runs in), or a URI for SARIF. Pure string work on the paths given; no file system access.
"""

from __future__ import annotations

import functools
import os
import pathlib
import urllib.parse

from wsfix.capture import STDIN


# Asked once per finding, for a handful of files: remembered (these are pure string functions).
@functools.lru_cache(maxsize=1024)
def relative_path(path: str, base_dir: str | None) -> str:
    """`path` relative to `base_dir`, with `/` separators, when the file is inside it; otherwise
    the normalised absolute path. `-` (standard input) and paths without a base stay as given."""
    if base_dir is None or path == STDIN:
        return path
    absolute = os.path.normpath(os.path.join(base_dir, path))  # join keeps an absolute `path`
    try:
        relative = os.path.relpath(absolute, os.path.normpath(base_dir))
    except ValueError:  # another drive (Windows)
        return absolute
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return absolute
    return relative.replace(os.sep, "/")


@functools.lru_cache(maxsize=1024)
def uri(path: str, base_dir: str | None) -> str:
    """A URI reference for `path`: relative (percent-encoded) inside `base_dir`, else `file://`."""
    relative = relative_path(path, base_dir)
    if os.path.isabs(relative):
        return pathlib.PurePath(relative).as_uri()
    return urllib.parse.quote(relative.encode("utf-8", "surrogateescape"), safe="/")
