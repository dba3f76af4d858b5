"""`ServerMessage` and `ErrorMessage`: reconstructions of two more of the backend's models (see
`wsfix.schema`), in a module of their own so that runs which do not use them do not build them.
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel

from wsfix.schema import MessageType, Schema, seconds_field


class ServerMessage(BaseModel):
    """A message the server sends (reconstructed, see the module docstring)."""

    type: MessageType
    data: dict[str, Any] = {}
    timestamp: float  # Unix epoch seconds, required
    message_id: Optional[str] = None
    thread_id: Optional[str] = None


class ErrorMessage(BaseModel):
    """An error the server reports (reconstructed, see the module docstring)."""

    error: str
    message: Optional[str] = None
    code: Optional[str] = None
    details: Optional[dict[str, Any]] = None
    timestamp: float  # Unix epoch seconds, required


SERVER_MESSAGE = Schema(
    name="server-message",
    model=ServerMessage,
    timestamp_fields=(seconds_field("timestamp", True, float),),
    description="ServerMessage (reconstructed): type (MessageType), data, timestamp (float, required, "
    "epoch seconds), message_id, thread_id",
)
ERROR_MESSAGE = Schema(
    name="error-message",
    model=ErrorMessage,
    timestamp_fields=(seconds_field("timestamp", True, float),),
    description="ErrorMessage (reconstructed): error, message, code, details, timestamp (float, "
    "required, epoch seconds)",
)

SCHEMAS = {schema.name: schema for schema in (SERVER_MESSAGE, ERROR_MESSAGE)}
