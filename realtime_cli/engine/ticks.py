"""The engine's side of progress reporting: a hook called every few MB of input, never per event.

``hook(path, done)`` gets the bytes of ``path`` consumed so far (``-1`` when it is finished).
The CLI's progress bar (:mod:`realtime_cli.cli.progress`) is one such hook; the engine only
calls it, from the loader's byte offsets (:func:`ticking`) or from the plain-file reader
(:mod:`.fastread`), every :data:`STEP_BYTES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from realtime_cli.logs.loader import ParseFailure, Record

ProgressHook = Callable[[str, int], None]
"""``hook(path, done)``: ``done`` bytes of ``path`` consumed so far; ``-1`` when it is finished."""

FINISHED = -1
STEP_BYTES = 2 * 1024 * 1024  # in-file granularity: a few calls per second at full speed


def ticking(
    path: str, items: Iterable[Record | ParseFailure], hook: ProgressHook, step: int | None = None
) -> Iterator[Record | ParseFailure]:
    """Pass ``items`` through, calling ``hook(path, offset)`` each time ``step`` more bytes are read.

    The per-item cost is one integer comparison (measured: about 1% on a 200,000-event text
    log); runs without a hook do not pay even that. ``step`` defaults to :data:`STEP_BYTES`.
    """
    step = step or STEP_BYTES
    mark = step
    for item in items:
        if item.offset >= mark:
            hook(path, item.offset)
            mark = item.offset + step
        yield item
