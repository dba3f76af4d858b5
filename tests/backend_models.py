"""Models written the way real backends write them, for the tests of how wsfix reads a model
(issue 13 items 1-5): aliases from an alias generator read by name too, `AliasChoices` and
`AliasPath`, timestamps inside the members of discriminated and plain unions, a model
validator, a root model of a list, strict models and `Strict()` fields.

Each is loadable through `--model tests/backend_models.py:CLASS`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (
    AliasChoices,
    AliasPath,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    RootModel,
    Strict,
    Tag,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel


class CamelEvent(BaseModel):
    """A FastAPI-style model: camelCase on the wire, snake_case in Python, both accepted."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    type: str
    sent_at: Optional[float] = None


class ByNameEvent(BaseModel):
    """pydantic 2.11's spelling of the same: `validate_by_name`."""

    model_config = ConfigDict(validate_by_name=True)

    type: str
    sent_at: Optional[float] = Field(None, alias="sentAt")


class ChoicesEvent(BaseModel):
    """One field fed by two producers that name it differently."""

    type: str
    ts: Optional[float] = Field(None, validation_alias=AliasChoices("ts", "timestamp"))


class NestedAliasEvent(BaseModel):
    """A timestamp lifted out of an envelope: `{"meta": {"events": [{"at": ...}]}}`."""

    type: str
    sent_at: float = Field(validation_alias=AliasPath("meta", "events", 0, "at"))


class Trade(BaseModel):
    type: Literal["trade"]
    price: str = "0"
    time: float


class Quote(BaseModel):
    type: Literal["quote"]
    bid: float = 0.0
    time: float


class TaggedFeed(RootModel[Annotated[Union[Trade, Quote], Field(discriminator="type")]]):
    pass


def _kind(value: Any) -> str:
    return str(value.get("type") if isinstance(value, dict) else getattr(value, "type", ""))


class CallableFeed(
    RootModel[Annotated[Union[Annotated[Trade, Tag("trade")], Annotated[Quote, Tag("quote")]], Discriminator(_kind)]]
):
    pass


class PlainFeed(RootModel[Union[Trade, Quote]]):
    pass


class Envelope(BaseModel):
    """A union member inside a field, with a list of them."""

    channel: str
    data: list[Annotated[Union[Trade, Quote], Field(discriminator="type")]]


class CheckedEvent(BaseModel):
    """A model validator that refuses some records whole."""

    type: str
    timestamp: Optional[float] = None

    @model_validator(mode="after")
    def known_type(self) -> CheckedEvent:
        if self.type == "legacy":
            raise ValueError("legacy events are no longer accepted")
        return self


class Batch(RootModel[list[Trade]]):
    pass


class StrictEvent(BaseModel):
    model_config = ConfigDict(strict=True)

    type: str
    timestamp: Optional[float] = None


class StrictFieldEvent(BaseModel):
    type: str
    timestamp: Annotated[Optional[float], Strict()] = None


class BoundedEvent(BaseModel):
    """Constraints and a field validator on the timestamp: plausible seconds the model refuses."""

    type: str
    timestamp: Optional[float] = Field(None, ge=1_600_000_000)
    sent_at: Optional[float] = None

    @field_validator("sent_at")
    @classmethod
    def not_in_the_future(cls, value: Optional[float]) -> Optional[float]:
        if value is not None and value > 2_000_000_000:
            raise ValueError("sent_at is in the future")
        return value


class AliasOnlyEvent(BaseModel):
    """An alias without populate_by_name: the Python name is never read from a record."""

    type: str
    sent_at: Optional[float] = Field(None, alias="sentAt")
