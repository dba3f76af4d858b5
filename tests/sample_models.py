"""Models for the custom-schema tests, loaded through `--model tests/sample_models.py:CLASS` too.

`Order` has the five kinds of timestamp field the issue names: in a nested model
(`header.sent_at`), in a list of models (`trades[*].time`), an optional float (`timestamp`), an
int of milliseconds (`E`, declared `--timestamp-field E:ms`) and a `datetime` (`created_at`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from pydantic import BaseModel, Field, RootModel


class Header(BaseModel):
    source: str
    sent_at: float


class Trade(BaseModel):
    price: str
    time: float


class Order(BaseModel):
    type: str
    header: Header
    trades: list[Trade]
    timestamp: Optional[float] = None
    E: int
    created_at: datetime


class CoinbaseMessage(BaseModel):
    """A small model of Coinbase's feed messages where `time` is a float (epoch seconds)."""

    type: str
    time: Optional[float] = None


class BinanceEvent(BaseModel):
    """The `data` of Binance's stream messages (book tickers carry no event time)."""

    e: Optional[str] = None
    E: Optional[int] = None  # milliseconds: declare --timestamp-field E:ms


class BitstampBook(BaseModel):
    """The `data` of Bitstamp's order book messages (subscription answers have an empty one)."""

    timestamp: Optional[float] = None
    microtimestamp: Optional[float] = None  # not a time by name: declare --timestamp-field
    bids: list[list[str]] = []
    asks: list[list[str]] = []


class OkxItem(BaseModel):
    ts: Optional[int] = None  # milliseconds, sent as numeric strings


class OkxMessage(BaseModel):
    """OKX's pushes: a list of items, each with its own `ts` (declare data[*].ts:ms)."""

    data: list[OkxItem] = []


class Aliased(BaseModel):
    """JSON keys that are not Python names, a dict of models, and untyped parts."""

    event_time: float = Field(alias="eventTime")
    books: dict[str, Trade] = {}
    extra: dict[str, Any] = {}


class Ticks(RootModel[list[Trade]]):
    """A message that is a JSON array of trades."""


NOT_A_MODEL = 42
