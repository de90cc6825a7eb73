"""The Typer commands: options to a frozen config, one call into the core, an exit code."""

import os
import sys

_PRCTL: list[object] = []


def load_prctl() -> None:
    """Resolve libc's ``prctl`` now (Linux), so a forked worker need not import ctypes."""
    if _PRCTL or not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        _PRCTL.append(ctypes.CDLL(None, use_errno=True).prctl)
    except (OSError, AttributeError):
        _PRCTL.append(None)


def die_with_parent() -> None:
    """In a ``--jobs`` worker: be sent SIGTERM when the main process ends (Linux), so a worker
    can never outlive an interrupted run, even one the pool lost track of (a Ctrl-C that
    lands while the pool is still starting its workers). A no-op elsewhere."""
    load_prctl()
    prctl = _PRCTL[0] if _PRCTL else None
    if callable(prctl):
        prctl(1, 15)  # PR_SET_PDEATHSIG, SIGTERM


def _quiet_if_spawned_worker() -> None:
    """In a ``--jobs`` worker started with ``spawn``, ignore SIGINT: Ctrl-C in a terminal
    reaches the whole process group, and only the main process acts on it (it ends the pool,
    which stops the workers, and exits 130); a worker's KeyboardInterrupt would print a
    traceback.

    ``multiprocessing.spawn`` re-runs the parent's main module (the ``rtcheck`` script, or
    ``python -m realtime_cli``) under the name ``__mp_main__``, which imports this package
    first, as early as our code can run in a worker. In any other process ``__mp_main__`` is
    absent or is ``__main__`` itself. (Before this runs, a worker is a bare interpreter that
    has not imported rtcheck yet; a signal in those few milliseconds is Python's default.)
    Forked workers are handled in :func:`realtime_cli.cli.main._quiet_interrupts`.
    """
    mp_main = sys.modules.get("__mp_main__")
    if mp_main is not None and mp_main is not sys.modules.get("__main__"):
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        die_with_parent()
        if os.getppid() == 1:  # the main process is already gone
            os._exit(0)


_quiet_if_spawned_worker()
