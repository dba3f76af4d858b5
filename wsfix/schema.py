"""The message models wsfix validates against, exactly as the backend defines them.

No converting validators here: wsfix must see what the backend sees. A `Schema` pairs a model with
the timestamp fields wsfix analyses in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Optional

from pydantic import BaseModel


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


@dataclass(frozen=True)
class TimestampField:
    """A field holding epoch seconds. `name` is its key in the message; `required` is whether the
    model requires a value (so that null or a missing key is a finding)."""

    name: str
    required: bool = False


@dataclass(frozen=True)
class Schema:
    name: str
    model: type[BaseModel]
    timestamp_fields: tuple[TimestampField, ...]
    description: str = ""


WEBSOCKET_MESSAGE = Schema(
    name="websocket-message",
    model=WebSocketMessage,
    timestamp_fields=(TimestampField("timestamp"),),
    description="WebSocketMessage: type (MessageType), payload, timestamp (float | None, epoch seconds), "
    "message_id, user_id, thread_id",
)

SCHEMAS: dict[str, Schema] = {WEBSOCKET_MESSAGE.name: WEBSOCKET_MESSAGE}
DEFAULT_SCHEMA = WEBSOCKET_MESSAGE
