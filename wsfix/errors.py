"""Tool failures: things that stop wsfix itself, never findings about the data.

`cli.py` catches `WsfixError` in one place, prints its message on one line and exits with 2.
`Stopped` is the one exception here that is no failure: a stop signal. Light (no import of
ours): the command line's first moments (`wsfix.__main__`) use it before anything else is loaded.
"""

import signal


class WsfixError(Exception):
    """A failure of the tool or its use; the message is one line a person can act on."""


class UsageError(WsfixError):
    """Options that contradict each other or name something that does not exist."""


class InputError(WsfixError):
    """A capture that cannot be read."""


class OutputError(WsfixError):
    """An output that cannot or must not be written."""


class Stopped(BaseException):
    """A stop signal (SIGTERM, SIGHUP; Ctrl-C is Python's KeyboardInterrupt) arrived: raised by the
    command line's handler, so that an output removes its temp file on the way out.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it; not a
    WsfixError (exit 128 + `signum`, not 2).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def message(self) -> str:
        """What wsfix says on stderr: `interrupted` for Ctrl-C, `stopped by SIGTERM` and so on."""
        if self.signum == signal.SIGINT:
            return "interrupted"
        return f"stopped by {signal.Signals(self.signum).name}"
