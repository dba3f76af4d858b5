"""wsfix: find and exactly repair bad timestamps in captured WebSocket message logs.

The library API is the conversion core, importable from here without loading the CLI:
`to_epoch_seconds`, `classify`, `Policy`, `TimestampError` (from `wsfix.timestamps`), the
Pydantic type `EpochSeconds` (from `wsfix.annotated`), and `lint_lines` for data pipelines (from
`wsfix.pipeline`). They are loaded on first use so that `import wsfix` stays cheap for the
command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from wsfix.annotated import EpochSeconds as EpochSeconds
    from wsfix.annotated import epoch_seconds_type as epoch_seconds_type
    from wsfix.pipeline import LintedLines as LintedLines
    from wsfix.pipeline import lint_lines as lint_lines
    from wsfix.timestamps import (
        Form as Form,
    )
    from wsfix.timestamps import (
        Policy as Policy,
    )
    from wsfix.timestamps import (
        Reading as Reading,
    )
    from wsfix.timestamps import (
        TimestampError as TimestampError,
    )
    from wsfix.timestamps import (
        Unit as Unit,
    )
    from wsfix.timestamps import (
        classify as classify,
    )
    from wsfix.timestamps import (
        parse_naive_zone as parse_naive_zone,
    )
    from wsfix.timestamps import (
        render as render,
    )
    from wsfix.timestamps import (
        render_count as render_count,
    )
    from wsfix.timestamps import (
        render_rfc3339 as render_rfc3339,
    )
    from wsfix.timestamps import (
        to_epoch_seconds as to_epoch_seconds,
    )

_LAZY = {
    "EpochSeconds": "wsfix.annotated",
    "epoch_seconds_type": "wsfix.annotated",
    "LintedLines": "wsfix.pipeline",
    "lint_lines": "wsfix.pipeline",
    "Form": "wsfix.timestamps",
    "Policy": "wsfix.timestamps",
    "Reading": "wsfix.timestamps",
    "TimestampError": "wsfix.timestamps",
    "Unit": "wsfix.timestamps",
    "classify": "wsfix.timestamps",
    "parse_naive_zone": "wsfix.timestamps",
    "render": "wsfix.timestamps",
    "render_count": "wsfix.timestamps",
    "render_rfc3339": "wsfix.timestamps",
    "to_epoch_seconds": "wsfix.timestamps",
}
__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wsfix' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
