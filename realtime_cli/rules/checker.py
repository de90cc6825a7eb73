"""Cross-event consistency rules, run in the same streaming pass as schema validation.

The engine creates one :class:`ConsistencyChecker` per input, calls :meth:`feed` for every
record in order (after schema validation, also for schema-invalid events: rules must be
defensive about types), and :meth:`finish` at the end of the input.

One module per rule family (lifecycle RT3xx, structure and streams RT401-RT406, usage RT5xx,
references RT6xx, session and tools RT202/RT7xx); :mod:`.context` holds what they share and
the notes about the log itself (RT801-RT803). Each event costs one dict lookup on its type to
find the handlers that care; families whose codes are all disabled are not even built.
"""

from __future__ import annotations

from typing import Any, Protocol

from realtime_cli.engine.collector import Collector
from realtime_cli.logs import dialect as dl
from realtime_cli.logs.loader import Record
from realtime_cli.rules import lifecycle, refs, session, structure, usage
from realtime_cli.rules.context import Context, Handler

# Server events that start a session (the rules start afresh at each; see split.py).
SESSION_START = frozenset({"session.created", "transcription_session.created"})
_NOTES = ("RT801", "RT802", "RT803")
# What a rule handler may raise on a schema-invalid event: caught, so that no input can turn
# into a traceback (rules are written defensively; this is the last guard).
RULE_ERRORS = (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError)


class _Family(Protocol):
    def handlers(self) -> dict[str, Handler]: ...

    def finish(self) -> None: ...


_FAMILIES: tuple[tuple[tuple[str, ...], Any], ...] = (
    (lifecycle.CODES, lifecycle.Lifecycle),
    (structure.CODES, structure.Structure),
    (usage.CODES, usage.Usage),
    (refs.CODES, refs.Refs),
    (session.CODES, session.Session),
)


class ConsistencyChecker:
    """Runs every enabled cross-event rule family over one input's records."""

    def __init__(self, collector: Collector) -> None:
        self.out = collector
        self.ctx = Context(collector)
        self._build()
        self.awaiting_start = True  # until the first server event says where the log starts
        self._sessions = 0  # session.created events seen: a second one starts a new session

    def _build(self) -> None:
        """Fresh rule state: at the start of the input and of every further session in it."""
        wants = self.out.wants
        # A family is built when one of its codes, or one of the notes it can give, is wanted.
        self.families: list[_Family] = [
            cls(self.ctx) for codes, cls in _FAMILIES if any(wants(c) for c in codes + _NOTES)
        ]
        merged: dict[str, list[Handler]] = {}
        for fam in self.families:
            for etype, handler in fam.handlers().items():
                merged.setdefault(etype, []).append(handler)
        self._dispatch: dict[str, tuple[Handler, ...]] = {t: tuple(hs) for t, hs in merged.items()}
        # The handlers for an event type, or None (the engine's inlined loop calls it too).
        self.handlers_for = self._dispatch.get

    def _session_boundary(self) -> None:
        """A log that holds several sessions (concatenated recordings): a new session.created
        closes the previous session (its unfinished responses are reported) and starts the
        rules afresh, so its first item's null previous_item_id, its own ids and its own
        responses are judged on their own. Once-only notes stay once per input."""
        self._sessions += 1
        if self._sessions > 1:
            self.finish()
            self._build()
            self.ctx.started = True

    def feed(self, rec: Record, dialect: str | None) -> None:
        """Process one record. ``dialect`` is the input's decided dialect (or None)."""
        etype = "realtime.response" if rec.envelope == "response" else rec.event.get("type")
        if type(etype) is str:
            self.feed_event(rec, rec.event, etype, dialect)

    def feed_event(self, rec: Record, ev: dict[str, Any], etype: str, dialect: str | None) -> None:
        """:meth:`feed` for a caller that already has the event and its type (the engine)."""
        if etype in SESSION_START:
            self._session_boundary()
        if self.awaiting_start:
            self.note_start(rec, etype)
        handlers = self.handlers_for(etype)
        if handlers is None:
            return
        self.ctx.dialect = dialect
        for handler in handlers:
            try:
                handler(rec, ev)
            except RULE_ERRORS:
                continue  # a rule that trips on a malformed event simply says nothing

    def note_start(self, rec: Record, etype: str) -> None:
        """Until the first server event: note whether the log starts with its session."""
        direction = rec.direction or dl.direction_of(etype)
        if etype == "realtime.response":
            direction = "server"
        if direction != "server":
            return
        self.awaiting_start = False
        self.ctx.started = etype in SESSION_START
        self.ctx.first_server_line = rec.line

    def finish(self) -> None:
        """End of input: report what never completed."""
        for fam in self.families:
            fam.finish()
