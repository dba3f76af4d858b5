"""Registries of lazily loaded classes: a name mapped to `"module:Class"`, imported on first use
so that a run pays only for what it uses (output formats, capture formats)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from wsfix.errors import UsageError


def load_class(registry: Mapping[str, str], name: str, kind: str, choices: Iterable[str]) -> Any:
    """The class registered as `name`. Raises UsageError naming `kind` and the `choices` for an
    unknown name."""
    try:
        module_name, class_name = registry[name].split(":")
    except KeyError:
        raise UsageError(f"unknown {kind} {name!r}: expected one of {', '.join(choices)}") from None
    return getattr(importlib.import_module(module_name), class_name)
