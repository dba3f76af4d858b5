"""The models the examples of the custom-model rules (WS110-WS113) assume, as `--model` targets."""

import datetime as dt

from pydantic import BaseModel


class EventMs(BaseModel):
    E: int  # declared with --timestamp-field E:ms


class Created(BaseModel):
    created_at: dt.datetime
