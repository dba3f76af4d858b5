"""Timestamp values below the top level, or of targets other than float seconds, in a validated
message: where they are and whether they need a closer look.

The linter's fast path types top-level float-seconds fields `Any` in its probe and reads their raw
values. Every other timestamp field keeps its type, so pydantic's strict validation has already
refused any value of the wrong JSON type; what it lets through (a float, an int, an aware or naive
datetime) still needs a range check, which `DeepField.fine` does without converting anything. A
value that is not fine gets the full analysis from its raw bytes.

No I/O; no conversion (the window's bounds come from the conversion core).
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, RootModel

from wsfix.fields import TimestampField
from wsfix.paths import ITEMS, MEMBERS, Concrete, Step
from wsfix.timestamps import Policy, Unit, inferred_range

# The magnitudes at which the conversion core reads a number in each unit (see timestamps.py).
_UNIT_RANGES = {unit: inferred_range(unit) for unit in Unit}
# pydantic reads numbers up to 2e10 as seconds and above as milliseconds; wsfix's own inference
# differs between the two, for instants in [2e7, 1e8) and [2e10, 1e11) seconds. A window clear of
# both lets an aware datetime inside it pass unexamined.
_WATERSHED_SAFE = (1e8, 2e10)


class DeepField:
    """One timestamp field checked on the values of a strictly validated message."""

    def __init__(self, field: TimestampField, policy: Policy) -> None:
        self.field = field
        self._steps = field.path
        target = field.target
        window = policy.window
        self._datetime = target.unit is None
        self._int_only = target.integer
        if self._datetime:
            self._low_dt, self._high_dt = _datetime_bounds(policy)
            return
        assert target.unit is not None
        scale = 10**target.unit.value
        if policy.unit is not None and policy.unit is not target.unit:
            self._low, self._high = math.inf, -math.inf  # every number needs converting
            return
        low, high = (-math.inf, math.inf) if policy.unit is not None else _UNIT_RANGES[target.unit]
        if window is not None:
            low, high = max(low, window.start * scale), min(high, window.end * scale)
        self._low, self._high = low, high

    def values(self, message: object) -> Iterator[tuple[Concrete, object]]:
        """(concrete path, value) of every value of this field the message holds (defaults that
        the message did not write are skipped)."""
        return _walk(message, self._steps, 0, ())

    def fine(self, value: object) -> bool:
        """Whether a strictly validated value needs no closer look."""
        if value is None:
            return self.field.nullable
        if self._datetime:
            return (
                value.__class__ is _dt.datetime and value.tzinfo is not None and self._low_dt <= value < self._high_dt
            )
        cls = value.__class__
        if cls is int or (cls is float and not self._int_only):
            return self._low <= value < self._high  # type: ignore[operator]
        return False

    def suspicious(self, message: object) -> bool:
        fine = self.fine
        return any(not fine(value) for _, value in self.values(message))


def _datetime_bounds(policy: Policy) -> tuple[_dt.datetime, _dt.datetime]:
    window = policy.window
    if (
        policy.unit is not None
        or window is None
        or not (_WATERSHED_SAFE[0] <= window.start and window.end <= _WATERSHED_SAFE[1])
    ):
        never = _dt.datetime.max.replace(tzinfo=_dt.UTC)
        return never, never  # every datetime gets a closer look
    return window.as_datetimes()


def _walk(
    value: object,
    steps: tuple[Step, ...],
    index: int,
    prefix: Concrete,
) -> Iterator[tuple[Concrete, object]]:
    if index == len(steps):
        yield prefix, value
        return
    if isinstance(value, RootModel):
        yield from _walk(value.root, steps, index, prefix)  # no key of its own in JSON
        return
    step = steps[index]
    if isinstance(value, BaseModel):
        if isinstance(step, str):
            attr = _attributes(type(value)).get(step)
            if attr is not None and attr in value.model_fields_set:
                yield from _walk(getattr(value, attr), steps, index + 1, (*prefix, step))
    elif isinstance(value, dict):
        if step is MEMBERS:
            for key, item in value.items():
                yield from _walk(item, steps, index + 1, (*prefix, key))
        elif isinstance(step, str) and step in value:
            yield from _walk(value[step], steps, index + 1, (*prefix, step))
    elif isinstance(value, (list, tuple)):
        if step is ITEMS:
            for position, item in enumerate(value):
                yield from _walk(item, steps, index + 1, (*prefix, position))
        elif isinstance(step, int) and step < len(value):  # one position: `trades[*][0]`
            yield from _walk(value[step], steps, index + 1, (*prefix, step))


@functools.cache
def _attributes(model: type[BaseModel]) -> dict[str, str]:
    """JSON key (alias) -> Python attribute name, for the fields of `model`."""
    keys: dict[str, Any] = {}
    for attr, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        keys[alias or attr] = attr
    return keys
