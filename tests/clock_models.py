"""Models for the capture-time tests (issue 15): Kraken's trade messages, arrays whose trades hold
the exchange's time as a numeric string (`[channel, [[price, volume, "1618678142.557535", ...]],
"trade", pair]`), and its event objects."""

from __future__ import annotations

from typing import Any, Union

from pydantic import RootModel


class KrakenMessage(RootModel[Union[list[Any], dict[str, Any]]]):
    """Any Kraken message: the trades' times are declared with --timestamp-field '[1][*][2]'."""
