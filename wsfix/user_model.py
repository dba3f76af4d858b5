"""Bring your own schema: load a Pydantic model named on the command line and make a `Schema` of it.

`load_model("pkg.module:Class")` imports a module (the current folder comes first on the import
path, as for `python -m`); `load_model("path/to/file.py:Class")` runs a file as a module (its own
folder is importable while it loads, for its sibling imports). `Class` may be dotted
(`Outer.Inner`). Every failure, whatever the user's code raises while it loads, becomes one
`UsageError` line. Importing a model runs its module's code: that is what `--model` asks for.

`build_schema` picks a built-in schema by name or a loaded model, and finds its timestamp fields.
No printing.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from wsfix.errors import UsageError
from wsfix.fields import NAME_PATTERN, FieldSpec, discover_fields
from wsfix.schema import DEFAULT_SCHEMA, SCHEMAS, Schema


def load_model(spec: str) -> type[BaseModel]:
    """The model class `spec` names. Raises UsageError for anything else."""
    source, colon, name = spec.rpartition(":")
    if not colon or not source or not name:
        raise UsageError(f"--model {spec!r}: expected MODULE:CLASS or path/to/file.py:CLASS")
    module = _load_file(source, spec) if _is_file(source) else _import(source, spec)
    found: Any = module
    for part in name.split("."):
        try:
            found = getattr(found, part)
        except AttributeError:
            raise UsageError(f"--model {spec!r}: {source} has no {name}") from None
    if found is BaseModel:
        raise UsageError(f"--model {spec!r}: that is pydantic's BaseModel itself; name your model class")
    if not (isinstance(found, type) and issubclass(found, BaseModel)):
        if isinstance(found, type) and any(base.__module__.startswith("pydantic.v1") for base in found.__mro__):
            raise UsageError(f"--model {spec!r}: {name} is a Pydantic v1 model; wsfix needs Pydantic v2")
        raise UsageError(f"--model {spec!r}: {name} is {_kind(found)}, not a Pydantic model class")
    try:
        if not found.__pydantic_complete__:
            found.model_rebuild()
    except Exception as error:  # noqa: BLE001 - the user's model cannot be built: say why, once
        raise UsageError(f"--model {spec!r}: {name} is not fully defined: {_one_line(error)}") from None
    return found


def _is_file(source: str) -> bool:
    return source.endswith(".py") or os.sep in source or "/" in source


def _import(module_name: str, spec: str) -> Any:
    folder = os.getcwd()
    if folder not in sys.path:
        sys.path.insert(0, folder)
    try:
        return importlib.import_module(module_name)
    except (Exception, SystemExit) as error:  # noqa: BLE001 - any failure of the user's module
        raise UsageError(f"--model {spec!r}: cannot import {module_name}: {_one_line(error)}") from None


def _load_file(path: str, spec: str) -> Any:
    if not os.path.isfile(path):
        if os.path.isdir(path):
            raise UsageError(f"--model {spec!r}: {path} is a directory, not a Python file")
        if os.path.exists(path):
            raise UsageError(f"--model {spec!r}: {path} is not a regular file (a Python file is)")
        raise UsageError(f"--model {spec!r}: no such file {path}")
    module_name = "wsfix_user_model_" + os.path.splitext(os.path.basename(path))[0].replace("-", "_")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        import_spec = importlib.util.spec_from_file_location(module_name, path)
        assert import_spec is not None and import_spec.loader is not None
        module = importlib.util.module_from_spec(import_spec)
        sys.modules[module_name] = module  # pydantic resolves forward references through it
        sys.path.insert(0, folder)
        try:
            import_spec.loader.exec_module(module)
        finally:
            sys.path.remove(folder)
    except (Exception, SystemExit) as error:  # noqa: BLE001 - any failure of the user's file
        sys.modules.pop(module_name, None)
        raise UsageError(f"--model {spec!r}: cannot load {path}: {_one_line(error)}") from None
    return module


def _kind(value: object) -> str:
    if isinstance(value, type):
        return f"the class {value.__name__}"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def build_schema(
    schema_name: str | None = None,
    model_spec: str | None = None,
    fields: Sequence[str] = (),
    pattern: str | None = None,
) -> Schema:
    """The schema a run validates against: a built-in one by name (default `websocket-message`)
    or a model loaded from `model_spec`, with timestamp fields found by name (`pattern`, a regular
    expression the whole field name must match) and type, plus the declared `fields`
    (`PATH[:UNIT]`). Raises UsageError for unknown names, bad specs and paths the model lacks."""
    if schema_name is not None and model_spec is not None:
        raise UsageError("use either --schema or --model, not both")
    try:
        specs = [FieldSpec.parse(text) for text in fields]
    except ValueError as error:
        raise UsageError(f"--timestamp-field {error}") from None
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            raise UsageError(f"--timestamp-pattern {pattern!r}: {error}") from None
    if model_spec is not None:
        model = load_model(model_spec)
        name = f"{model.__module__.removeprefix('wsfix_user_model_')}.{model.__qualname__}"
        base = None
    else:
        if schema_name is None:
            base = DEFAULT_SCHEMA
        elif schema_name in SCHEMAS:
            base = SCHEMAS[schema_name]
        else:
            raise UsageError(
                f"unknown schema {schema_name!r}: expected one of {', '.join(SCHEMAS)} (or --model MODULE:CLASS)"
            )
        if not specs and pattern is None:
            return base
        model, name = base.model, base.name
    try:
        found = discover_fields(model, NAME_PATTERN if pattern is None else pattern, specs)
    except ValueError as error:
        raise UsageError(f"--timestamp-field {error}") from None
    description = base.description if base is not None else f"{model.__qualname__} (--model {model_spec})"
    return Schema(name=name, model=model, timestamp_fields=found, description=description)
