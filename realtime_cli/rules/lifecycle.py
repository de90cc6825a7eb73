"""RT3xx: the response lifecycle (created -> events -> exactly one done) and status details."""

from __future__ import annotations

from typing import Any

from realtime_cli.engine.explain import short
from realtime_cli.logs import dialect as dl
from realtime_cli.logs.loader import Record
from realtime_cli.rules.context import (
    KNOWN_CAP,
    OPEN_CAP,
    Context,
    Handler,
    plain,
    put_bounded,
    str_or_none,
)

CODES = ("RT301", "RT302", "RT303", "RT304", "RT305", "RT306", "RT307", "RT308", "RT309", "RT310", "RT311")

# Server events that name their response in a top-level `response_id`.
RESPONSE_ID_EVENTS = (
    "response.output_item.added",
    "response.output_item.done",
    "response.content_part.added",
    "response.content_part.done",
    "response.text.delta",
    "response.text.done",
    "response.audio.delta",
    "response.audio.done",
    "response.audio_transcript.delta",
    "response.audio_transcript.done",
    "response.output_text.delta",
    "response.output_text.done",
    "response.output_audio.delta",
    "response.output_audio.done",
    "response.output_audio_transcript.delta",
    "response.output_audio_transcript.done",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "response.mcp_call_arguments.delta",
    "response.mcp_call_arguments.done",
    "output_audio_buffer.started",
    "output_audio_buffer.stopped",
    "output_audio_buffer.cleared",
)
# WebRTC playback events legitimately follow response.done: playback outlasts generation.
_PLAYBACK = frozenset({"output_audio_buffer.started", "output_audio_buffer.stopped", "output_audio_buffer.cleared"})

_REASONS: dict[str, frozenset[str]] = {
    "cancelled": frozenset({"turn_detected", "client_cancelled"}),
    "incomplete": frozenset({"max_output_tokens", "content_filter"}),
}
_NO_CONVERSATION = object()
_STATUSES = frozenset({"completed", "cancelled", "failed", "incomplete", "in_progress"})


class _Open:
    """A response between response.created and response.done."""

    __slots__ = ("conv", "line", "maybe_alias", "maybe_done", "partial", "seen")

    def __init__(self, line: int, conv: Any, partial: bool) -> None:
        self.line = line
        self.maybe_done = False  # an RT303 response.done with a wrong id may have been meant for it
        self.maybe_alias = False  # RT304 named another id while this one was idle (see on_response_event)
        self.seen = False  # an event has named it since its response.created
        self.conv = conv  # conversation key, or _NO_CONVERSATION for out-of-band responses
        self.partial = partial  # adopted in a mid-session log: its creation is not in the log

    def explained(self) -> bool:
        """Whether an earlier finding already accounts for this response never finishing."""
        return self.maybe_done or (self.maybe_alias and not self.seen)


def check_status(out: Any, rec: Record, resp: dict[str, Any], prefix: str, rid: str | None, is_done: bool) -> None:
    """RT305-RT308 on one ``realtime.response`` (inside response.done or standalone)."""
    status = resp.get("status")
    sd = resp.get("status_details")
    ev = rec.event
    if is_done and status == "in_progress":
        out.emit("RT305", "response.done with status in_progress: a finished response must have a final status",
                 line=rec.line, event=ev, json_path=f"{prefix}.status", response_id=rid)
    if status not in _STATUSES:
        return  # a missing or unknown status is the schema's finding (RT101); do not pile on
    if isinstance(sd, dict):
        t = sd.get("type")
        if type(t) is str and t != status:
            out.emit("RT306", f"status_details.type is {short(t)} but status is {short(status)}",
                     line=rec.line, event=ev, json_path=f"{prefix}.status_details.type", response_id=rid)
        reason = sd.get("reason")
        if reason is not None:
            allowed = _REASONS.get(status)
            if allowed is None or reason not in allowed:
                want = " or ".join(sorted(allowed)) if allowed else "no reason"
                out.emit("RT307", f"status_details.reason {short(reason)} is not allowed for status {short(status)} (expected {want})",
                         line=rec.line, event=ev, json_path=f"{prefix}.status_details.reason", response_id=rid)
        err = sd.get("error")
        if err is not None and status != "failed":
            out.emit("RT308", f"status_details.error is set but status is {short(status)}, not failed",
                     line=rec.line, event=ev, json_path=f"{prefix}.status_details.error", response_id=rid)
        elif err is None and status == "failed":
            out.emit("RT308", "status is failed but status_details.error does not say why",
                     line=rec.line, event=ev, json_path=f"{prefix}.status_details", response_id=rid)
    elif status == "failed":
        out.emit("RT308", "status is failed but status_details (and its error) is missing",
                 line=rec.line, event=ev, json_path=f"{prefix}.status_details", response_id=rid)


class Lifecycle:
    """Tracks every response from created to done; bounded by OPEN_CAP/KNOWN_CAP."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out = ctx.out
        self.open: dict[str, _Open] = {}
        self.done: dict[str, int] = {}  # finished response id -> line of its response.done
        self.active: dict[Any, str] = {}  # conversation key -> the response active in it
        self.reported: dict[str, None] = {}  # ids already reported (RT304/RT311 once per id)
        self.client_events: dict[str, tuple[str, int]] = {}  # client event_id -> (type, line)
        self.any_created = False
        self.dropped = False  # open state overflowed: unknown ids may be ours, so no RT303/RT304

    def handlers(self) -> dict[str, Handler]:
        """Event type -> handler, for the types this family cares about."""
        h: dict[str, Handler] = {
            "response.created": self.on_created,
            "response.done": self.on_done,
            "realtime.response": self.on_standalone,
            "error": self.on_error,
        }
        for t in RESPONSE_ID_EVENTS:
            h[t] = self.on_response_event
        for t in dl.CLIENT_EVENTS[dl.BETA] | dl.CLIENT_EVENTS[dl.GA]:
            h[t] = self.on_client
        return h

    # ------------------------------------------------------------------ handlers

    def on_created(self, rec: Record, ev: dict[str, Any]) -> None:
        resp = ev.get("response")
        if not isinstance(resp, dict):
            return
        rid = resp.get("id")
        if type(rid) is not str or rid in self.open or rid in self.done:
            return
        self.any_created = True
        conv = resp.get("conversation_id", "")
        key: Any = _NO_CONVERSATION if conv is None or conv == "none" else conv
        if type(key) is not str and key is not _NO_CONVERSATION:
            key = ""
        if key is not _NO_CONVERSATION:
            other = self.active.get(key)
            prev = self.open.get(other) if other is not None else None
            if other is not None and prev is not None and not prev.explained() and self.ctx.unreadable < prev.line:
                # (An unreadable line since ``other`` was created may have been its response.done:
                # RT301 at the end says so, once.)
                where = f" in conversation {short(key)}" if key else ""
                self.out.emit(
                    "RT309",
                    f"response {short(rid)} starts while response {short(other)} (created at line "
                    f"{self.open[other].line}) is still active{where}",
                    line=rec.line, event=ev, json_path="$.response.id", response_id=rid, cites_line=True,
                )
            self.active[key] = rid
        opened = self.open
        opened[rid] = _Open(rec.line, key, False)
        if len(opened) > OPEN_CAP:  # put_bounded, inlined
            del opened[next(iter(opened))]
            self.dropped = True
            self.ctx.limit(rec.line, f"{OPEN_CAP} responses")

    def on_done(self, rec: Record, ev: dict[str, Any]) -> None:
        resp = ev.get("response")
        if not isinstance(resp, dict):
            return
        rid = resp.get("id")
        if type(rid) is not str:
            rid = None
        check_status(self.out, rec, resp, "$.response", rid, True)
        if rid is None:
            return
        st = self.open.pop(rid, None)
        if st is not None:
            if self.active.get(st.conv) == rid:
                del self.active[st.conv]
            done = self.done
            done[rid] = rec.line
            if len(done) > KNOWN_CAP:  # put_bounded, inlined
                del done[next(iter(done))]
            return
        first = self.done.get(rid)
        if first is not None:
            self.out.emit("RT302", f"second response.done for response {short(rid)} (the first was at line {first})",
                          line=rec.line, event=ev, json_path="$.response.id", response_id=rid, cites_line=True)
            return
        if self._tolerate(rec.line, "a response.done for a response created before the log"):
            put_bounded(self.done, rid, rec.line, KNOWN_CAP)
            return
        # One defect, one finding: a done whose id is wrong most likely closes the response
        # still active in its conversation; close that one here rather than report it never done.
        conv = resp.get("conversation_id", "")
        key: Any = _NO_CONVERSATION if conv is None or conv == "none" else conv if type(conv) is str else ""
        meant = self.active.get(key) if key is not _NO_CONVERSATION else None
        tail = ""
        if meant is not None and meant in self.open:
            st = self.open[meant]
            st.maybe_done = True  # no RT301 nor RT309 for it later: this finding names it
            tail = (f"; response {short(meant)} (created at line {st.line}) is still open: if this "
                    "is its response.done, the id is wrong")
        self.out.emit("RT303", f"response.done for response {short(rid)}, which no earlier response.created announced{tail}",
                      line=rec.line, event=ev, json_path="$.response.id", response_id=rid, cites_line=bool(tail))
        put_bounded(self.done, rid, rec.line, KNOWN_CAP)

    def on_standalone(self, rec: Record, ev: dict[str, Any]) -> None:
        check_status(self.out, rec, ev, "$", str_or_none(ev.get("id")), False)

    def on_response_event(self, rec: Record, ev: dict[str, Any]) -> None:
        rid = ev.get("response_id")
        if type(rid) is not str:
            return
        st = self.open.get(rid)
        if st is not None:
            st.seen = True
            return
        etype = ev.get("type")
        done_line = self.done.get(rid)
        if done_line is not None:
            if etype in _PLAYBACK or rid in self.reported:
                return
            put_bounded(self.reported, rid, None, KNOWN_CAP)
            self.out.emit("RT311", f"{etype} for response {short(rid)} arrives after its response.done (line {done_line})",
                          line=rec.line, event=ev, json_path="$.response_id", response_id=rid, cites_line=True)
            return
        if self._tolerate(rec.line, "events of a response created before the log"):
            self.open[rid] = _Open(rec.line, _NO_CONVERSATION, True)
            return
        if rid in self.reported:
            return
        put_bounded(self.reported, rid, None, KNOWN_CAP)
        # If the one response still open and without events never gets any, its response.created
        # most likely had this id wrong: it is then not reported again (never done, or still
        # active when the next one starts). If it does get events, this event's id was wrong.
        idle = [o for o in self.open.values() if not (o.seen or o.partial or o.maybe_done)]
        if len(idle) == 1:
            idle[0].maybe_alias = True
        self.out.emit("RT304", f"{etype} names response {short(rid)}, which no response.created announced",
                      line=rec.line, event=ev, json_path="$.response_id", response_id=rid)
        # Track it from here (as if created, without RT301 at the end): its later events and
        # its response.done only inherit this finding.
        if put_bounded(self.open, rid, _Open(rec.line, _NO_CONVERSATION, True), OPEN_CAP):
            self.dropped = True
            self.ctx.limit(rec.line, f"{OPEN_CAP} responses")

    def on_client(self, rec: Record, ev: dict[str, Any]) -> None:
        eid = ev.get("event_id")
        if type(eid) is str:
            known = self.client_events  # put_bounded, inlined: one call less per client event
            known[eid] = (ev["type"], rec.line)
            if len(known) > OPEN_CAP:
                del known[next(iter(known))]

    def on_error(self, rec: Record, ev: dict[str, Any]) -> None:
        err = ev.get("error")
        if not isinstance(err, dict):
            return
        eid = err.get("event_id")
        if type(eid) is not str:
            return
        hit = self.client_events.get(eid)
        if hit is None:
            return
        ctype, cline = hit
        code = err.get("code") or err.get("type") or "error"
        msg = err.get("message")
        tail = f": {plain(msg, 120)}" if type(msg) is str else ""
        self.out.emit("RT310", f"server rejected the {ctype} at line {cline} ({plain(code, 80)}){tail}",
                      line=rec.line, event=ev, json_path="$.error.event_id", cites_line=True)

    # ------------------------------------------------------------------ helpers

    def _tolerate(self, line: int, what: str) -> bool:
        """Unknown response ids are not errors before any creation in a mid-session log."""
        if self.dropped:
            return True
        if self.ctx.full or self.any_created:
            return False
        self.ctx.relax(line, what)
        return True

    def finish(self) -> None:
        """Report every response that was created and never done (at its created line)."""
        for rid, st in self.open.items():
            if st.partial or st.explained():
                continue
            lost = self.ctx.unreadable
            tail = f" (line {lost} could not be read; it may have been that response.done)" if lost > st.line else ""
            self.out.emit("RT301", f"response {short(rid)} was created here and never got a response.done{tail}",
                          line=st.line, event={"type": "response.created"}, response_id=rid, cites_line=bool(tail))
