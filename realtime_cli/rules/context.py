"""State shared by the rule families of one input: the log's start, recorder cuts, limits.

Every family receives the same :class:`Context`. It owns the three notes about the log
itself (RT801 recorder-truncated, RT802 mid-session-start, RT803 state-limit), each reported
at most once per input, and the helpers that keep open state bounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from realtime_cli.engine.collector import Collector
from realtime_cli.logs.loader import Record

Handler = Callable[[Record, dict[str, Any]], None]
"""A rule handler: called with the record and its (unwrapped) event dict."""

# Caps on open state (brief: bounded memory for logs that never finish anything).
OPEN_CAP = 10_000
"""Open responses, streams, per-item audio and other per-entity state kept at once."""
KNOWN_CAP = 50_000
"""Ids remembered for reference checks (items, call ids, finished responses)."""

# The cookbook's trace_utils cuts every string longer than 400 chars like this.
_CUT = re.compile(r"\.\.\.\[truncated \d+ chars\]\Z")
_CUT_MIN = 400


def is_cut(value: str) -> bool:
    """True when a recorder cut this string (``...[truncated N chars]`` at its end)."""
    return len(value) > _CUT_MIN - 30 and value.endswith(" chars]") and _CUT.search(value) is not None


def is_elided(value: str) -> bool:
    """True for payloads a recorder replaced wholesale (LiveKit logs audio deltas as ``...``)."""
    return value == "..." or is_cut(value)


class Context:
    """Per-input facts every family reads, and the once-only notes about the log."""

    __slots__ = (
        "_cut_reported",
        "_limit_reported",
        "_mid_reported",
        "dialect",
        "first_server_line",
        "out",
        "started",
        "unreadable",
    )

    def __init__(self, out: Collector) -> None:
        self.out = out
        self.dialect: str | None = None
        # None until the first server event; True when that event is session.created (a log
        # from the start of the session), False when the log begins mid-session.
        self.started: bool | None = None
        self.first_server_line = 0
        self._mid_reported = False
        self._cut_reported = False
        self._limit_reported = False
        # The last line that held no readable event (bad JSON, no `type`, not an object): an
        # event lost there may explain a later gap, which rules then do not report again.
        self.unreadable = 0

    @property
    def full(self) -> bool:
        """True when the log holds the start of the session, so "never seen" means "never"."""
        return self.started is True

    def relax(self, line: int, what: str) -> None:
        """Note (once) that a rule needing the session start was relaxed at ``line``."""
        if self._mid_reported:
            return
        self._mid_reported = True
        cites = self.started is not None
        if cites:
            start = f"the log's first server event (line {self.first_server_line}) is not session.created"
        else:
            start = "the log has no server events before this line"
        self.out.emit(
            "RT802",
            f"log starts mid-session ({start}): {what}; ids from before the log are not reported",
            line=line,
            cites_line=cites,
        )

    def cut(self, line: int, what: str) -> None:
        """Note (once) that a recorder-cut value was skipped at ``line``."""
        if self._cut_reported:
            return
        self._cut_reported = True
        self.out.emit(
            "RT801",
            f"the recorder cut or elided {what}; checks that need the full value are skipped for such values",
            line=line,
        )

    def limit(self, line: int, what: str) -> None:
        """Note (once) that open state hit its cap at ``line`` and the oldest entries were dropped."""
        if self._limit_reported:
            return
        self._limit_reported = True
        self.out.emit(
            "RT803",
            f"more than the limit of {what} open at once; the oldest were dropped and are no longer checked",
            line=line,
        )


def put_bounded(d: dict[Any, Any], key: Any, value: Any, cap: int) -> bool:
    """Insert into an insertion-ordered dict, dropping the oldest entry past ``cap``.

    Returns True when an entry was dropped (the caller decides whether that is reportable).
    """
    d[key] = value
    if len(d) > cap:
        del d[next(iter(d))]
        return True
    return False


def str_or_none(value: Any) -> str | None:
    """``value`` if it is a string, else None (events are untrusted: never assume types)."""
    return value if type(value) is str else None


def int_or_none(value: Any) -> int | None:
    """``value`` if it is a genuine int (bool excluded), else None."""
    return value if type(value) is int else None


def plain(value: Any, limit: int = 120) -> str:
    """Untrusted text for a message: bounded, escaped, without the JSON quotes of ``short``."""
    from realtime_cli.engine.explain import short

    rendered = short(value, limit)
    return rendered[1:-1] if isinstance(value, str) else rendered
