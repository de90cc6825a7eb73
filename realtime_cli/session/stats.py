"""``stats``: per log and per session figures, from the same records as ``show`` and ``ls``.

Pure derivations like :mod:`realtime_cli.session.summaries` (which it builds on): events by type,
responses by status, usage totals with the cached share, audio seconds in and out, and
diagnostics by code. :mod:`realtime_cli.views.terminal` draws them; the ``*_dict`` functions give the
versioned JSON shape.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from realtime_cli.engine.validate import audio_length
from realtime_cli.logs import dialect as dl
from realtime_cli.logs.loader import ParseFailure, Record
from realtime_cli.session.summaries import (
    AUDIO_DELTAS,
    SESSION_EVENTS,
    UNFINISHED,
    ResponseBuilder,
    as_dict,
    as_int,
    as_str,
    audio_format_of,
    bytes_per_ms,
    event_type,
)


@dataclass(slots=True)
class SessionStats:
    """Counts for one session of a log (a new ``session.created``, or a new envelope session id
    such as lively4's ``sessionId``, starts a session)."""

    index: int
    session_id: str | None = None
    first_line: int = 0
    last_line: int = 0
    dialect: str | None = None
    events: Counter[str] = field(default_factory=Counter)
    responses: Counter[str] = field(default_factory=Counter)
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cached_tokens: int = 0
    audio_in_bytes: int = 0
    audio_in_ms: float = 0.0
    audio_out_bytes: int = 0
    audio_out_ms: float = 0.0
    diagnostics: Counter[str] = field(default_factory=Counter)

    @property
    def cached_share(self) -> float | None:
        """cached / input tokens, or None when there were no input tokens."""
        return self.cached_tokens / self.input_tokens if self.input_tokens else None


@dataclass(slots=True)
class LogStats:
    """``stats`` for one input: its sessions plus whole-file figures."""

    path: str
    dialect: str | None = None
    sessions: list[SessionStats] = field(default_factory=list)
    diagnostics: Counter[str] = field(default_factory=Counter)
    parse_failures: int = 0
    readable: bool = True


class StatsBuilder:
    """Accumulates :class:`LogStats` over one input's items, fed in order."""

    def __init__(self, path: str) -> None:
        self.stats = LogStats(path)
        self._builder: ResponseBuilder | None = None
        self._session: SessionStats | None = None
        self._env_session: str | None = None  # the envelope's session id, where it has one
        self._created_seen = False  # the current session has had its session.created
        self._in_format: str | None = None
        self._out_format: str | None = None
        self._response_format: dict[str, str] = {}

    def _start_session(self, line: int, session_id: str | None) -> SessionStats:
        self._close_session()
        s = SessionStats(len(self.stats.sessions) + 1, session_id, first_line=line)
        self.stats.sessions.append(s)
        self._session = s
        self._builder = ResponseBuilder(self.stats.path)
        return s

    def feed(self, item: Record | ParseFailure) -> None:
        """Take one loader item."""
        if isinstance(item, ParseFailure):
            self.stats.parse_failures += 1
            if item.code == "RT006" and item.line == 0:
                self.stats.readable = False
            return
        rec = item
        etype = event_type(rec)
        ev = rec.event
        created_id = as_str(as_dict(ev.get("session")).get("id")) if etype == "session.created" else None
        # A session starts at a new envelope session id (lively4 `sessionId`), or at a
        # session.created unless the current session already had its own.
        env_change = rec.session is not None and rec.session != self._env_session
        if env_change:
            self._env_session = rec.session
        if env_change or self._session is None or (etype == "session.created" and self._created_seen):
            self._start_session(rec.line, rec.session or created_id)
            self._created_seen = etype == "session.created"
        elif etype == "session.created":
            self._created_seen = True
            if self._session.session_id is None:
                self._session.session_id = created_id
        s = self._session
        assert s is not None and self._builder is not None
        s.last_line = rec.line
        s.events[etype or "(no type)"] += 1
        if etype is None:
            return
        if s.dialect is None:
            s.dialect = dl.strong_signal(ev, etype)
        if etype in SESSION_EVENTS:
            sess = ev.get("session")
            self._in_format = audio_format_of(sess, output=False) or self._in_format
            self._out_format = audio_format_of(sess) or self._out_format
        elif etype == "input_audio_buffer.append":
            n = rec.audio_bytes if rec.audio_bytes is not None else audio_length(ev.get("audio"))
            if n > 0:
                s.audio_in_bytes += n
                s.audio_in_ms += n / bytes_per_ms(self._in_format)
        elif etype in AUDIO_DELTAS:
            n = rec.audio_bytes if rec.audio_bytes is not None else audio_length(ev.get("delta"))
            if n > 0:
                rid = as_str(ev.get("response_id"))
                fmt = self._response_format.get(rid or "") or self._out_format
                s.audio_out_bytes += n
                s.audio_out_ms += n / bytes_per_ms(fmt)
        elif etype == "response.created":
            resp = as_dict(ev.get("response"))
            fmt = audio_format_of(resp)
            if fmt is not None and isinstance(resp.get("id"), str):
                self._response_format[resp["id"]] = fmt
        self._builder.feed(rec)

    def _close_session(self) -> None:
        s, b = self._session, self._builder
        if s is None or b is None:
            return
        for resp in b.finish():
            s.responses[resp.status if resp.done and resp.status else UNFINISHED] += 1
            u = as_dict(resp.usage) if resp.done else {}
            s.input_tokens += as_int(u.get("input_tokens")) or 0
            s.output_tokens += as_int(u.get("output_tokens")) or 0
            s.total_tokens += as_int(u.get("total_tokens")) or 0
            s.cached_tokens += as_int(as_dict(u.get("input_token_details")).get("cached_tokens")) or 0
        self._session = None
        self._builder = None

    def finish(self, diagnostics: list[Any], dialect: str | None) -> LogStats:
        """End of input: attribute diagnostics (by line) to sessions and return the stats."""
        self._close_session()
        st = self.stats
        st.dialect = dialect
        for d in diagnostics:
            st.diagnostics[d.code] += 1
            for s in st.sessions:
                if s.first_line <= d.line <= s.last_line:
                    s.diagnostics[d.code] += 1
                    break
        for s in st.sessions:
            s.dialect = s.dialect or dialect
        return st




def session_dict(s: SessionStats) -> dict[str, Any]:
    """The JSON shape of one session in ``stats``."""
    share = s.cached_share
    return {
        "index": s.index,
        "session_id": s.session_id,
        "first_line": s.first_line,
        "last_line": s.last_line,
        "dialect": s.dialect,
        "events": dict(sorted(s.events.items())),
        "responses": dict(sorted(s.responses.items())),
        "usage": {
            "input_tokens": s.input_tokens,
            "output_tokens": s.output_tokens,
            "total_tokens": s.total_tokens,
            "cached_tokens": s.cached_tokens,
            "cached_share": None if share is None else round(share, 4),
        },
        "audio": {
            "in_seconds": round(s.audio_in_ms / 1000, 3),
            "out_seconds": round(s.audio_out_ms / 1000, 3),
            "in_bytes": s.audio_in_bytes,
            "out_bytes": s.audio_out_bytes,
        },
        "diagnostics": dict(sorted(s.diagnostics.items())),
    }


def stats_dict(st: LogStats) -> dict[str, Any]:
    """The JSON shape of one input in ``stats``."""
    return {
        "path": st.path,
        "dialect": st.dialect,
        "parse_failures": st.parse_failures,
        "diagnostics": dict(sorted(st.diagnostics.items())),
        "sessions": [session_dict(s) for s in st.sessions],
    }
