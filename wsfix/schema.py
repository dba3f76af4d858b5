"""The built-in message models, and `Schema`: a model with the timestamp fields wsfix analyses.

`WebSocketMessage` and `MessageType` are exactly as the backend defines them. `ServerMessage` and
`ErrorMessage` come from the same backend, but its exact definitions are not available: they are
reconstructions, minimal and plausible, of what it sends: what matters to wsfix, their `timestamp:
float` being required (so a missing or null timestamp is a finding), is as the backend has it. Use
`--model` with the backend's own classes where you have them. They live in `server_messages.py`,
built only when asked for.

No converting validators here: wsfix must see what the backend sees. User models are loaded by
`models.py`, their fields found by `fields.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from typing import Any, NamedTuple, Optional

from pydantic import BaseModel

from wsfix.fields import SECONDS, TimestampField

__all__ = ["DEFAULT_SCHEMA", "SCHEMAS", "MessageType", "Schema", "TimestampField", "WebSocketMessage"]


class MessageType(str, Enum):
    CONNECT = "connect"
    DISCONNECT = "disconnect"
    CONNECTION_ESTABLISHED = "connection_established"
    HEARTBEAT = "heartbeat"
    HEARTBEAT_ACK = "heartbeat_ack"
    PING = "ping"
    PONG = "pong"
    USER_MESSAGE = "user_message"
    CHAT = "chat"
    SYSTEM_MESSAGE = "system_message"
    ERROR_MESSAGE = "error_message"
    USER_TYPING = "user_typing"
    AGENT_TYPING = "agent_typing"
    TYPING_STARTED = "typing_started"
    TYPING_STOPPED = "typing_stopped"
    START_AGENT = "start_agent"
    AGENT_STARTED = "agent_started"
    AGENT_START = "agent_start"
    AGENT_COMPLETE = "agent_complete"
    AGENT_COMPLETED = "agent_completed"
    TOOL_EXECUTE = "tool_execute"
    TOOL_EXECUTING = "tool_executing"
    TOOL_COMPLETE = "tool_complete"
    TOOL_COMPLETED = "tool_completed"
    AGENT_REQUEST = "agent_request"
    AGENT_TASK = "agent_task"
    AGENT_TASK_ACK = "agent_task_ack"
    AGENT_RESPONSE = "agent_response"
    AGENT_RESPONSE_CHUNK = "agent_response_chunk"
    AGENT_RESPONSE_COMPLETE = "agent_response_complete"
    AGENT_STATUS_REQUEST = "agent_status_request"
    AGENT_STATUS_UPDATE = "agent_status_update"
    AGENT_PROGRESS = "agent_progress"
    AGENT_THINKING = "agent_thinking"
    AGENT_ERROR = "agent_error"
    THREAD_UPDATE = "thread_update"
    THREAD_MESSAGE = "thread_message"
    BROADCAST = "broadcast"
    BROADCAST_TEST = "broadcast_test"
    DIRECT_MESSAGE = "direct_message"
    ROOM_MESSAGE = "room_message"
    JSONRPC_REQUEST = "jsonrpc_request"
    JSONRPC_RESPONSE = "jsonrpc_response"
    JSONRPC_NOTIFICATION = "jsonrpc_notification"
    RESILIENCE_TEST = "resilience_test"
    RECOVERY_TEST = "recovery_test"
    QUALITY_METRICS = "quality_metrics"
    BATCH = "batch"
    CONNECTION = "connection"
    TYPING = "typing"
    ERROR = "error"


class WebSocketMessage(BaseModel):
    type: MessageType
    payload: dict[str, Any] = {}
    timestamp: Optional[float] = None  # Unix epoch seconds
    message_id: Optional[str] = None
    user_id: Optional[str] = None
    thread_id: Optional[str] = None


class Schema(NamedTuple):
    """A model and the timestamp fields wsfix analyses in it (see `wsfix.fields`)."""

    name: str
    model: type[BaseModel]
    timestamp_fields: tuple[TimestampField, ...]
    description: str = ""


def seconds_field(name: str, required: bool, annotation: Any) -> TimestampField:
    return TimestampField(
        (name,), SECONDS, required=required, nullable=not required, annotation=annotation, found_by="name"
    )


WEBSOCKET_MESSAGE = Schema(
    name="websocket-message",
    model=WebSocketMessage,
    timestamp_fields=(seconds_field("timestamp", False, Optional[float]),),
    description="WebSocketMessage: type (MessageType), payload, timestamp (float | None, epoch seconds), "
    "message_id, user_id, thread_id",
)


class _Catalog(Mapping[str, Schema]):
    """The built-in schemas by name. pydantic builds a model's validator when its class statement
    runs, a few milliseconds each, so a schema not asked for is not built (its module not
    imported)."""

    def __init__(self, loaders: dict[str, Callable[[], Schema]]) -> None:
        self._loaders = loaders
        self._loaded: dict[str, Schema] = {}

    def __getitem__(self, name: str) -> Schema:
        if name not in self._loaded:
            self._loaded[name] = self._loaders[name]()
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaders)

    def __len__(self) -> int:
        return len(self._loaders)


def _server_message_schema(name: str) -> Callable[[], Schema]:
    def load() -> Schema:
        from wsfix import server_messages

        return server_messages.SCHEMAS[name]

    return load


SCHEMAS: Mapping[str, Schema] = _Catalog(
    {
        WEBSOCKET_MESSAGE.name: lambda: WEBSOCKET_MESSAGE,
        "server-message": _server_message_schema("server-message"),
        "error-message": _server_message_schema("error-message"),
    }
)
DEFAULT_SCHEMA = WEBSOCKET_MESSAGE
