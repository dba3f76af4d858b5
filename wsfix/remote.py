"""Captures named by URL (`s3://bucket/captures/*.jsonl.gz`): globs expanded on the store, objects
opened as byte streams and repaired copies written as whole objects, through fsspec (the `cloud`
extra: `pip install "wsfix[cloud]"`).

Whatever fsspec reaches works the same way: s3fs for `s3://`, gcsfs for `gs://`, adlfs for
`az://`, and `memory://` or `file://`. Credentials are found as fsspec and the store's own library
find them (environment, configuration files, instance roles; for S3 also `AWS_ENDPOINT_URL` for an
S3-compatible server): never taken on the command line, never written into a message.

Only a path that `is_url` says is a URL comes here: a local path never imports fsspec (checked by
a test), so the command line starts as fast without the extra. No linting, no printing.
"""

from __future__ import annotations

import contextlib
import fnmatch
import re
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

from wsfix.errors import InputError, OutputError, UsageError

# A scheme and `://`: `s3://`, `gs://`, `memory://`, `file://`. A Windows drive (`C:\`) has none.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
_GLOB_CHARACTERS = frozenset("*?[")


def is_url(path: str) -> bool:
    """Whether `path` names an object through fsspec rather than a local file."""
    return _URL.match(path) is not None


def _filesystem(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path in it) for `url`. Raises UsageError when the extra or the store's
    library is missing."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise UsageError(f"{url}: reading URLs needs the cloud extra: pip install 'wsfix[cloud]'") from None
    try:
        return url_to_fs(url)  # type: ignore[no-any-return]
    except (ImportError, ValueError) as error:
        # An unknown scheme, or one whose library is not installed (gcsfs, adlfs): fsspec says which.
        raise UsageError(f"{url}: {_one_line(error)}") from None


def _url(filesystem: Any, path: str) -> str:
    return filesystem.unstrip_protocol(path)  # type: ignore[no-any-return]


def expand(paths: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> list[str]:
    """`paths` with each URL's glob expanded on its store (in name order), and each URL naming a
    folder or prefix searched for captures as a local folder is (`include`, `exclude` match file
    names). Local paths, and URLs that match nothing, stay as given (reading them reports them)."""
    expanded: list[str] = []
    for path in paths:
        if not is_url(path):
            expanded.append(path)
            continue
        filesystem, inner = _filesystem(path)
        try:
            if _GLOB_CHARACTERS.intersection(inner):
                found = sorted(filesystem.glob(inner))
                found = [name for name in found if not filesystem.isdir(name)]
            elif filesystem.isdir(inner):
                found = [
                    name
                    for name in sorted(filesystem.find(inner))
                    if _included(name.rsplit("/", 1)[-1], include, exclude)
                ]
            else:
                found = []
        except OSError as error:
            raise InputError(f"{path}: cannot list: {_one_line(error)}") from None
        expanded += [_url(filesystem, name) for name in found] if found else [path]
    return expanded


def _included(name: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in include) and not any(
        fnmatch.fnmatch(name, pattern) for pattern in exclude
    )


@contextlib.contextmanager
def open_object(url: str) -> Iterator[tuple[BinaryIO, int]]:
    """The object `url` names, open for reading bytes, and its size. Raises InputError (an
    object that is missing or cannot be read) or UsageError (no fsspec, or no library for the
    scheme); never OSError."""
    filesystem, inner = _filesystem(url)
    try:
        info = filesystem.info(inner)
        if info.get("type") == "directory":
            raise InputError(f"{url}: is a folder or prefix, not a capture object")
        stream = filesystem.open(inner, "rb")
    except FileNotFoundError:
        raise InputError(f"{url}: no such object") from None
    except OSError as error:
        raise InputError(f"{url}: cannot read: {_one_line(error)}") from None
    with stream:
        yield stream, int(info["size"])


@contextlib.contextmanager
def atomic_object(url: str) -> Iterator[BinaryIO]:
    """Write the object `url` all or nothing: readers see the old object (or none) until the body
    ends, then the whole new one (S3: one upload completed at the end; a local file: a temp file
    renamed). If the body raises, nothing is written. Raises OutputError, or UsageError (no
    fsspec, or no library for the scheme)."""
    filesystem, inner = _filesystem(url)
    try:
        stream = filesystem.open(inner, "wb", autocommit=False)
    except OSError as error:
        raise OutputError(f"{url}: cannot write: {_one_line(error)}") from None
    try:
        yield stream
        stream.close()  # the last part is sent; the object is not there yet
    except BaseException:
        _discard(stream)
        raise
    try:
        stream.commit()
    except OSError as error:
        _discard(stream)
        raise OutputError(f"{url}: cannot write: {_one_line(error)}") from None


def _discard(stream: Any) -> None:
    with contextlib.suppress(Exception):
        stream.discard()
    # Marked closed: else the file's finaliser would close it, which sends what it holds (an
    # empty upload, for s3fs) after all.
    with contextlib.suppress(Exception):
        stream.closed = True


def refuse_existing_object(url: str) -> None:
    """Raise OutputError if the object `url` exists (an --out without --force)."""
    filesystem, inner = _filesystem(url)
    try:
        exists = filesystem.exists(inner)
    except OSError as error:
        raise OutputError(f"{url}: cannot write: {_one_line(error)}") from None
    if exists:
        raise OutputError(f"{url}: already exists (use --force to overwrite it)")


def read_range(url: str, start: int, end: int) -> bytes:
    """Bytes `start:end` of the object `url` (for a worker given a byte range). Raises InputError."""
    filesystem, inner = _filesystem(url)
    try:
        data: bytes = filesystem.cat_file(inner, start=start, end=end)
    except OSError as error:
        raise InputError(f"{url}: read failed: {_one_line(error)}") from None
    if len(data) != end - start:
        raise InputError(f"{url}: the object changed while it was being read")
    return data


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__
