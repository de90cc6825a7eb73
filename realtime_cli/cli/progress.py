"""A byte-based progress bar on stderr for long ``rtcheck validate`` runs.

The engine knows nothing about terminals: :func:`realtime_cli.engine.validate.run` takes an optional
hook ``progress(path, done)`` and calls it cheaply: within a file at most once every
:data:`STEP_BYTES` of input (from the loader's byte offsets, see :func:`ticking`; with
``--jobs`` once per parsed chunk), and once per finished input with ``done = -1``. It is never
called per event.

:class:`ByteProgress` is such a hook. It sums the sizes of the inputs up front, counts the bytes
consumed, and draws a transient Rich bar on the stderr console only when the run is slow (still
going after :data:`DELAY_S`) or the input is large (over :data:`LARGE_BYTES`). The CLI builds
one per invocation with :func:`for_validate`, which returns None (no bar, no hook, no cost) when
stderr is not a terminal or ``--quiet`` is given. Stdout is never touched: findings stream out
as each input finishes, and when stdout is the same terminal the bar is erased around them
(:meth:`ByteProgress.paused`), so the report is the same with and without it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
import time
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from realtime_cli.engine.ticks import FINISHED, STEP_BYTES, ProgressHook, ticking

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["DELAY_S", "FINISHED", "LARGE_BYTES", "STEP_BYTES", "ByteProgress", "ProgressHook", "for_validate", "input_sizes",
           "ticking"]

DELAY_S = 1.5  # a run that ends sooner never shows a bar
LARGE_BYTES = 64 * 1024 * 1024  # at or above this total, show the bar from the start


def input_sizes(paths: list[str]) -> dict[str, int]:
    """Size in bytes of every regular file the run will read (as :func:`discover` names it).

    Stdin, pipes and paths that cannot be read have no size and are left out: the bar counts
    what it can measure.
    """
    from realtime_cli.logs.loader import discover

    sizes: dict[str, int] = {}
    for path, error in discover(paths):
        if error is not None or path == "-":
            continue
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            sizes[path] = st.st_size
    return sizes


def stderr_is_terminal(console: Console) -> bool:
    """True when ``console`` writes to a real, capable terminal.

    ``--color always`` forces Rich to treat any stream as a terminal (for colour); a bar full
    of cursor movements must still never go to a pipe or a CI log, hence the ``isatty`` check.
    """
    try:
        tty = bool(console.file.isatty())
    except (AttributeError, ValueError, OSError):
        return False
    return tty and console.is_terminal and not console.is_dumb_terminal


class ByteProgress:
    """A progress hook that draws a Rich bar once the run turns out slow or large.

    Use as a context manager around the run: leaving it erases the bar (also on Ctrl-C), so
    what follows on the terminal is the report alone. Thread-safe: the delay timer and
    Rich's refresh thread run beside the hook calls.
    """

    def __init__(
        self,
        sizes: dict[str, int],
        console: Console,
        *,
        delay: float | None = None,
        large: int | None = None,
    ) -> None:
        self.sizes = sizes
        self.total = sum(sizes.values())
        self.console = console
        self.delay = DELAY_S if delay is None else delay
        self.large = LARGE_BYTES if large is None else large
        self.done = 0
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._bar: Any = None  # rich.progress.Progress, imported only when drawn
        self._task: Any = None
        self._closed = False
        self._current = next(iter(sizes), "")  # inputs are read in order: the first comes first
        self.shown = False
        """True once the bar has been drawn (it stays True after the bar is erased)."""

    def __enter__(self) -> ByteProgress:
        if self.total >= self.large:
            self.show()
        elif self.total > 0:
            self._timer = threading.Timer(self.delay, self.show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __call__(self, path: str, done: int) -> None:
        size = self.sizes.get(path)
        if size is None:
            return  # stdin, or an unreadable path: nothing to measure
        if done < 0:
            done = size
        elif path.endswith(".gz"):
            return  # offsets count decompressed bytes; the file counts when it is finished
        with self._lock:
            before = self._seen.get(path, 0)
            done = min(done, size)
            if done <= before:
                return
            self._seen[path] = done
            self.done += done - before
            if path != self._current:
                self._current = path
                if self._bar is not None:
                    self._bar.update(self._task, description=_label(path))
            if self._bar is not None:
                self._bar.update(self._task, completed=self.done)

    def show(self) -> None:
        """Draw the bar now (the delay timer calls this; a large input calls it at once)."""
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        with self._lock:
            if self._closed or self._bar is not None:
                return
            bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
                # The report is written after the bar is gone; nothing is redirected meanwhile.
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._task = bar.add_task(_label(self._current), total=self.total, completed=self.done)
            bar.start()
            self._bar = bar
            self.shown = True

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Erase the bar while the caller prints to the same terminal, then draw it again."""
        with self._lock:
            bar = self._bar
        if bar is None:
            yield
            return
        bar.stop()
        try:
            yield
        finally:
            with self._lock:
                if not self._closed and self._bar is bar:
                    bar.start()

    def close(self) -> None:
        """Stop the timer and erase the bar, if it was drawn. Safe to call twice."""
        with self._lock:
            self._closed = True
            timer, self._timer = self._timer, None
            bar, self._bar = self._bar, None
        if timer is not None:
            timer.cancel()
        if bar is not None:
            bar.stop()


def _label(path: str) -> str:
    """The bar's description: the file being read, escaped (names are user data)."""
    from rich.markup import escape

    from realtime_cli.core.safety import clean

    name = os.path.basename(path) or path
    return f"validating {escape(clean(name, 60))}".rstrip()


def for_validate(paths: list[str], console: Console, *, quiet: bool) -> ByteProgress | None:
    """The progress hook for one ``rtcheck validate`` run, or None when no bar may be shown.

    No bar with ``--quiet``, when stderr is not a terminal (a pipe, a file, CI), or when no
    input has a measurable size (stdin alone).
    """
    if quiet or not stderr_is_terminal(console):
        return None
    started = time.perf_counter()
    sizes = input_sizes(paths)
    if not sizes:
        return None
    hook = ByteProgress(sizes, console)
    # Sizing a big directory tree is part of the wait the user sees.
    hook.delay = max(0.0, hook.delay - (time.perf_counter() - started))
    return hook
