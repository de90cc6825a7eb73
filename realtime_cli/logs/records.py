"""Log records: what one JSON value of a log becomes (a :class:`Record` or a :class:`ParseFailure`),
and the envelopes real tools wrap events in (:func:`unwrap`)."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from typing import Any


class Record:
    """One protocol event (or standalone ``realtime.response``) and where it came from.

    ``event`` is the unwrapped event dict. ``envelope`` names the log shape it came in
    (``bare``, ``time-source``, ``direction``, ``agents``, ``cookbook``, ``livekit``,
    ``lively4``, ``response``). ``direction`` is ``client``/``server`` when the envelope says
    so, else None. ``ts`` is the envelope's raw timestamp value, if any (see summaries for
    interpretation). ``audio_bytes`` is filled by the engine for audio payload events: the
    decoded length, or -1 when the payload is not valid base64. ``session`` is the envelope's
    own session id where it has one (lively4 ``sessionId``), else None.
    """

    __slots__ = ("audio_bytes", "direction", "envelope", "event", "line", "offset", "path", "session", "ts")

    def __init__(
        self,
        path: str,
        line: int,
        offset: int,
        event: dict[str, Any],
        envelope: str = "bare",
        direction: str | None = None,
        ts: Any = None,
    ) -> None:
        self.path = path
        self.line = line
        self.offset = offset
        self.event = event
        self.envelope = envelope
        self.direction = direction
        self.ts = ts
        self.audio_bytes: int | None = None
        self.session: str | None = None

    @property
    def type(self) -> Any:
        return self.event.get("type")

    def __repr__(self) -> str:
        return f"Record({self.path}:{self.line} {self.envelope} {self.event.get('type')!r})"


class ParseFailure:
    """A line (or file) that could not become a record: carries the diagnostic to emit."""

    __slots__ = ("code", "col", "line", "message", "offset", "path")

    def __init__(
        self, path: str, line: int, code: str, message: str, col: int = 1, offset: int = 0
    ) -> None:
        self.path = path
        self.line = line
        self.code = code
        self.message = message
        self.col = col
        self.offset = offset

    def __repr__(self) -> str:
        return f"ParseFailure({self.path}:{self.line}:{self.col} {self.code} {self.message})"


Item = Record | ParseFailure


# --------------------------------------------------------------------------- envelopes


def unwrap(obj: dict[str, Any]) -> tuple[dict[str, Any] | None, str, str | None, Any, str | None]:
    """Find the protocol event inside one log record.

    Returns ``(event, envelope, direction, ts, problem)``. ``event`` is None when the record
    holds no event; ``problem`` then says why, and ``envelope`` is ``synthetic`` for logger
    entries that are legitimately not events (realtime-agents history entries) or
    ``unknown`` for records of no known shape.
    """
    if "type" in obj and "event_id" in obj:
        return obj, "bare", None, obj.get("timestamp"), None  # the common case, first
    ev = obj.get("event")
    if isinstance(ev, dict):
        if "source" in obj and "time" in obj:
            return ev, "time-source", _direction(obj.get("source")), obj.get("time"), None
        if "direction" in obj:
            return ev, "direction", _direction(obj.get("direction")), _envelope_time(obj), None
        if "turn_index" in obj or "event_index" in obj or "event_time_ms" in obj or "type" in obj:
            ts = obj.get("event_time_ms")
            return ev, "cookbook", _direction(obj.get("source")), ts, None
        return ev, "time-source", _direction(obj.get("source")), _envelope_time(obj), None
    lk = obj.get("lk.pii.event")
    if isinstance(lk, dict):
        msg = obj.get("message")
        direction = "client" if msg == ">>>" else "server" if msg == "<<<" else None
        return lk, "livekit", direction, obj.get("timestamp"), None
    if "eventData" in obj and "eventName" in obj:
        data = obj.get("eventData")
        direction = _direction(obj.get("direction"))
        if isinstance(data, dict) and isinstance(data.get("type"), str) and "." in data["type"]:
            return data, "agents", direction, obj.get("timestamp"), None
        return None, "synthetic", direction, obj.get("timestamp"), (
            f"realtime-agents entry {str(obj.get('eventName'))[:80]!r} is not a protocol event"
        )
    if obj.get("type") == "realtime" and "data" in obj:
        data = obj.get("data")
        if isinstance(data, dict):
            return data, "lively4", None, obj.get("timestamp"), None
        return None, "unknown", None, obj.get("timestamp"), "lively4 record whose `data` is not an object"
    if obj.get("object") == "realtime.response":
        return obj, "response", "server", None, None
    if "type" in obj or "event_id" in obj:
        # An event_id without a type is an event missing its type (RT005), not an unknown shape.
        return obj, "bare", None, obj.get("timestamp"), None
    return None, "unknown", None, None, "record matches no known log shape and has no `type`"


_ENVELOPE_TIME_KEYS = ("timestamp", "ts", "time", "t", "timestamp_ms", "time_ms", "ts_ms", "created_at")


def _envelope_time(obj: dict[str, Any]) -> Any:
    """The envelope's time under any of the usual names (``{ts, direction, event}`` logs too);
    the session model reads its unit once per file."""
    for key in _ENVELOPE_TIME_KEYS:
        if key in obj:
            return obj[key]
    return None


def _direction(value: Any) -> str | None:
    if value in ("client", "server"):
        return str(value)
    if value in ("sent", "outgoing", "out", ">>>"):
        return "client"
    if value in ("received", "incoming", "in", "<<<"):
        return "server"
    return None


def to_items(path: str, line: int, offset: int, value: Any) -> Iterator[Item]:
    """The record(s) one parsed JSON value of a log holds, or the failure saying why none.

    An array whose elements are all objects is a batch of records (some loggers write one
    array per line or per turn; a JSON-array file whose elements are arrays): each element is
    read as a record of the same line. Any other non-object is RT004, once for the value.
    """
    if type(value) is list and value and all(type(v) is dict for v in value):
        for v in value:
            yield from to_items(path, line, offset, v)
        return
    if not isinstance(value, dict):
        kind = type(value).__name__ if value is not None else "null"
        kind = {"list": "array", "str": "string", "int": "number", "float": "number", "bool": "boolean"}.get(kind, kind)
        yield ParseFailure(path, line, "RT004", f"expected a JSON object, got {kind}", offset=offset)
        return
    event, envelope, direction, ts, problem = unwrap(value)
    if event is None:
        code = "RT011" if envelope == "synthetic" else "RT009"
        yield ParseFailure(path, line, code, problem or "no event", offset=offset)
        return
    rec = Record(path, line, offset, event, envelope, direction, ts)
    if envelope == "lively4" and isinstance(value.get("sessionId"), str):
        rec.session = value["sessionId"]
    yield rec


def read_failure(path: str, line: int, offset: int, exc: BaseException) -> ParseFailure:
    """The failure for a stream that broke while read: RT007 for damaged compression (what
    was read before it stays checked), RT006 for an I/O error."""
    text = str(exc)[:200] or type(exc).__name__
    if isinstance(exc, OSError) and not isinstance(exc, gzip.BadGzipFile):
        return ParseFailure(path, line, "RT006", f"read error: {exc.strerror or text}", offset=offset)
    return ParseFailure(
        path, line, "RT007", f"compressed input is truncated or corrupt ({text}); the rest is lost", offset=offset
    )


READ_ERRORS: tuple[type[BaseException], ...] = (EOFError, OSError, zlib.error)
"""What reading a log stream can raise: a truncated gzip stream (EOFError), a corrupt one
(``gzip.BadGzipFile``, ``zlib.error``), an I/O error (OSError)."""
