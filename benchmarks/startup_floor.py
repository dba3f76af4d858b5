"""The start-up floor of any command line built on typer and pydantic: a one-command typer app that
defines a message model like wsfix's default one (and a second, as wsfix's probe), validates each
line of a file strictly and prints a sentence. No wsfix code. `run.py` times it beside the import
baseline and `wsfix check`: what wsfix adds to start-up beyond this is its own.

    python benchmarks/startup_floor.py one-line.jsonl
"""

from __future__ import annotations

import enum
from typing import Any, Optional

import typer
from pydantic import BaseModel

app = typer.Typer(add_completion=False)

# 51 values, as MessageType has (the enum's size is part of the model's build cost).
_TYPES = [f"type_{number}" for number in range(50)] + ["ping"]


@app.command()
def check(
    path: str, naive_tz: str = "UTC", unit: Optional[str] = None, select: Optional[str] = None, max_rows: int = 50
) -> None:
    message_type = enum.Enum("MessageType", {value.upper(): value for value in _TYPES}, type=str)

    class Message(BaseModel):
        type: message_type  # type: ignore[valid-type]
        payload: dict[str, Any] = {}
        timestamp: Optional[float] = None
        message_id: Optional[str] = None
        user_id: Optional[str] = None
        thread_id: Optional[str] = None

    class Probe(BaseModel):
        type: message_type  # type: ignore[valid-type]
        payload: dict[str, Any] = {}
        timestamp: Any = None
        message_id: Optional[str] = None
        user_id: Optional[str] = None
        thread_id: Optional[str] = None

    validate = Probe.__pydantic_validator__.validate_json
    lines = 0
    with open(path, "rb") as stream:
        for line in stream:
            validate(line, strict=True)
            lines += 1
    typer.echo(f"Checked {lines} lines with {Message.__name__}: no problems.")


if __name__ == "__main__":
    app()
