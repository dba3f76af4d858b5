"""Tool failures: things that stop wsfix itself, never findings about the data.

`cli.py` catches `WsfixError` in one place, prints its message on one line and exits with 2.
"""


class WsfixError(Exception):
    """A failure of the tool or its use; the message is one line a person can act on."""


class UsageError(WsfixError):
    """Options that contradict each other or name something that does not exist."""


class InputError(WsfixError):
    """A capture that cannot be read."""


class OutputError(WsfixError):
    """An output that cannot or must not be written."""
