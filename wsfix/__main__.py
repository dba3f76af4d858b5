"""`python -m wsfix` and the `wsfix` script: the command line, with stop signals handled from the
first moment.

Loading the command line (typer, pydantic, the rules) takes most of a short run. A Ctrl-C or a
SIGTERM meanwhile ends wsfix as at any other moment: one line on stderr, exit 130 or 143, not a
traceback or a silent death. Only Python's own start, before this module runs, is not covered.

It also turns off pydantic's plugins for the run, unless `PYDANTIC_DISABLE_PLUGINS` is set
already (to anything, even empty: then pydantic decides as usual). A plugin is an observability
hook that pydantic calls on every validation, which for wsfix is every line of a capture. Looking
for plugins reads the metadata of every installed distribution: 3 ms with 140 of them installed
(measured; a one-line check takes 150 ms). typer turns them off in the same way while it reads
the options. A plugin watches validation; what a model accepts is the model's, so no finding
depends on this.

Nothing else here: `wsfix.cli.main` does the rest.
"""

import contextlib
import os
import signal
import sys

from wsfix.errors import Stopped


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def main() -> None:
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # before any model is built
    for name in ("SIGTERM", "SIGHUP"):  # SIGINT is Python's KeyboardInterrupt already
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)
    try:
        from wsfix.cli import main as run_command_line

        run_command_line()  # exits
    except (KeyboardInterrupt, Stopped) as stop:
        signum = stop.signum if isinstance(stop, Stopped) else signal.SIGINT
        with contextlib.suppress(Exception):
            sys.stderr.write(f"wsfix: error: {Stopped(signum).message}\n")
            sys.stderr.flush()
        os._exit(128 + signum)


if __name__ == "__main__":
    main()
