"""RT601-RT605: references between events (call ids, item ids) and audio accounting.

Known item and call ids are bounded (KNOWN_CAP, oldest dropped; after a drop unknown ids are
no longer reported). Audio is never kept: each assistant audio item keeps only its duration in
milliseconds, summed from the decoded byte counts the engine computed (PCM16 24 kHz = 48
bytes per ms, G.711 = 8 bytes per ms).
"""

from __future__ import annotations

import math
from typing import Any

from realtime_cli.engine.explain import short
from realtime_cli.logs.loader import Record
from realtime_cli.rules.context import (
    KNOWN_CAP,
    OPEN_CAP,
    Context,
    Handler,
    put_bounded,
)

CODES = ("RT601", "RT602", "RT603", "RT604", "RT605")

PCM16_BYTES_PER_MS = 48
G711_BYTES_PER_MS = 8
_BETA_FORMATS = {"pcm16": PCM16_BYTES_PER_MS, "g711_ulaw": G711_BYTES_PER_MS, "g711_alaw": G711_BYTES_PER_MS}
_GA_FORMATS = {"audio/pcmu": G711_BYTES_PER_MS, "audio/pcma": G711_BYTES_PER_MS}
_ABSENT = object()


def bytes_per_ms(obj: Any) -> int | None:
    """Output audio bytes per millisecond declared by a session or response object, if any."""
    if not isinstance(obj, dict):
        return None
    fmt = obj.get("output_audio_format")
    if type(fmt) is str:
        return _BETA_FORMATS.get(fmt)
    audio = obj.get("audio")
    out = audio.get("output") if isinstance(audio, dict) else None
    f = out.get("format") if isinstance(out, dict) else None
    if isinstance(f, dict):
        t = f.get("type")
        if t == "audio/pcm":
            rate = f.get("rate")
            return rate // 500 if type(rate) is int and rate >= 500 else PCM16_BYTES_PER_MS
        return _GA_FORMATS.get(t) if type(t) is str else None
    return None


class Refs:
    """Checks that ids named by events exist, and truncation against the audio sent."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out = ctx.out
        self.items: dict[str, None] = {}
        self.calls: dict[str, None] = {}
        self.audio_ms: dict[str, float] = {}  # assistant audio item -> ms sent (NaN: unknowable)
        self.session_bpm = PCM16_BYTES_PER_MS
        self.response_bpm: dict[str, int] = {}
        self.conversation_items = 0  # items the server put in the conversation
        self.items_dropped = False
        self.calls_dropped = False
        self.any_item_created = False
        self.reported_calls: dict[str, None] = {}

    def handlers(self) -> dict[str, Handler]:
        """Event type -> handler, for the types this family cares about."""
        return {
            "session.created": self.on_session,
            "session.updated": self.on_session,
            "session.update": self.on_session,
            "response.created": self.on_response_created,
            "response.done": self.on_response_done,
            "conversation.item.created": self.on_conversation_item,
            "conversation.item.added": self.on_conversation_item,
            "conversation.item.done": self.on_item_known,
            "conversation.item.retrieved": self.on_item_known,
            "conversation.item.deleted": self.on_deleted,
            "response.output_item.added": self.on_output_item,
            "response.output_item.done": self.on_output_item,
            "response.function_call_arguments.done": self.on_args_done,
            "input_audio_buffer.committed": self.on_committed,
            "input_audio_buffer.speech_started": self.on_speech_started,
            "conversation.item.create": self.on_item_create,
            "response.create": self.on_response_create,
            "conversation.item.truncate": self.on_item_op,
            "conversation.item.delete": self.on_item_op,
            "conversation.item.retrieve": self.on_item_op,
            "response.audio.delta": self.on_audio,
            "response.output_audio.delta": self.on_audio,
        }

    # ------------------------------------------------------------------ registration

    def _add_item(self, rec: Record, iid: Any) -> None:
        if type(iid) is str and iid not in self.items and put_bounded(self.items, iid, None, KNOWN_CAP):
            self.items_dropped = True
            self.ctx.limit(rec.line, f"{KNOWN_CAP} conversation items")

    def _add_call(self, rec: Record, cid: Any) -> None:
        if type(cid) is str and cid not in self.calls and put_bounded(self.calls, cid, None, KNOWN_CAP):
            self.calls_dropped = True
            self.ctx.limit(rec.line, f"{KNOWN_CAP} function calls")

    def _register(self, rec: Record, item: Any) -> None:
        if not isinstance(item, dict):
            return
        iid = item.get("id")  # _add_item, inlined: most items are known already or new
        if type(iid) is str and iid not in self.items and put_bounded(self.items, iid, None, KNOWN_CAP):
            self.items_dropped = True
            self.ctx.limit(rec.line, f"{KNOWN_CAP} conversation items")
        if item.get("type") == "function_call":
            self._add_call(rec, item.get("call_id"))

    def _unknown_ok(self, line: int, dropped: bool, what: str) -> bool:
        """Whether an unknown id must be let go (the log cannot tell that it is wrong)."""
        if dropped:
            return True
        if self.ctx.full:
            return False
        if self.ctx.started is None or not self.any_item_created:
            self.ctx.relax(line, what)
            return True
        return False

    # ------------------------------------------------------------------ handlers

    def on_session(self, rec: Record, ev: dict[str, Any]) -> None:
        bpm = bytes_per_ms(ev.get("session"))
        if bpm is not None:
            self.session_bpm = bpm

    def on_response_created(self, rec: Record, ev: dict[str, Any]) -> None:
        resp = ev.get("response")
        if not isinstance(resp, dict):
            return
        rid, bpm = resp.get("id"), bytes_per_ms(resp)
        if type(rid) is str and bpm is not None:
            put_bounded(self.response_bpm, rid, bpm, OPEN_CAP)

    def on_response_done(self, rec: Record, ev: dict[str, Any]) -> None:
        resp = ev.get("response")
        rid = resp.get("id") if isinstance(resp, dict) else None
        if type(rid) is str:
            self.response_bpm.pop(rid, None)

    def on_conversation_item(self, rec: Record, ev: dict[str, Any]) -> None:
        """conversation.item.created (beta) / .added (GA): an item enters the conversation."""
        item = ev.get("item")
        self._check_previous(rec, ev, server=True)
        if isinstance(item, dict) and item.get("type") == "function_call_output":
            self._check_call(rec, ev, item.get("call_id"), "$.item.call_id")
        self.conversation_items += 1
        self.any_item_created = True
        self._register(rec, item)

    def on_item_known(self, rec: Record, ev: dict[str, Any]) -> None:
        """conversation.item.done / .retrieved: the item exists."""
        self._register(rec, ev.get("item"))

    def on_output_item(self, rec: Record, ev: dict[str, Any]) -> None:
        self.any_item_created = True
        self._register(rec, ev.get("item"))

    def on_args_done(self, rec: Record, ev: dict[str, Any]) -> None:
        self._add_call(rec, ev.get("call_id"))

    def on_committed(self, rec: Record, ev: dict[str, Any]) -> None:
        self._check_previous(rec, ev, server=True)
        self._add_item(rec, ev.get("item_id"))
        self.any_item_created = True

    def on_speech_started(self, rec: Record, ev: dict[str, Any]) -> None:
        self._add_item(rec, ev.get("item_id"))

    def on_deleted(self, rec: Record, ev: dict[str, Any]) -> None:
        iid = ev.get("item_id")
        if type(iid) is str:
            self.items.pop(iid, None)
            self.audio_ms.pop(iid, None)

    def on_item_create(self, rec: Record, ev: dict[str, Any]) -> None:
        item = ev.get("item")
        self._check_previous(rec, ev, server=False)
        if isinstance(item, dict):
            if item.get("type") == "function_call_output":
                self._check_call(rec, ev, item.get("call_id"), "$.item.call_id")
            self._check_content_refs(rec, ev, item, "$.item")
        self._register(rec, item)

    def on_response_create(self, rec: Record, ev: dict[str, Any]) -> None:
        resp = ev.get("response")
        inputs = resp.get("input") if isinstance(resp, dict) else None
        if not isinstance(inputs, list):
            return
        for i, item in enumerate(inputs):
            if not isinstance(item, dict):
                continue
            path = f"$.response.input[{i}]"
            t = item.get("type")
            if t == "item_reference":
                self._check_item(rec, ev, item.get("id"), "RT602", f"{path}.id", "item_reference")
            elif t == "function_call_output":
                self._check_call(rec, ev, item.get("call_id"), f"{path}.call_id")
            elif t == "function_call":
                self._add_call(rec, item.get("call_id"))
            self._check_content_refs(rec, ev, item, path)

    def _check_content_refs(self, rec: Record, ev: dict[str, Any], item: dict[str, Any], path: str) -> None:
        content = item.get("content")
        if not isinstance(content, list):
            return
        for j, part in enumerate(content):
            if isinstance(part, dict) and part.get("type") == "item_reference":
                self._check_item(rec, ev, part.get("id"), "RT602", f"{path}.content[{j}].id", "item_reference")

    def on_item_op(self, rec: Record, ev: dict[str, Any]) -> None:
        iid = ev.get("item_id")
        etype = ev["type"]
        if not self._check_item(rec, ev, iid, "RT604", "$.item_id", etype):
            return
        if etype != "conversation.item.truncate":
            return
        end = ev.get("audio_end_ms")
        sent = self.audio_ms.get(iid) if type(iid) is str else None
        if type(end) is not int or sent is None or math.isnan(sent):
            return
        if end > math.ceil(sent):
            self.out.emit("RT605", f"audio_end_ms {end} is past the end of the audio sent for item {short(iid)} ({math.floor(sent)} ms)",
                          line=rec.line, event=ev, json_path="$.audio_end_ms")

    def on_audio(self, rec: Record, ev: dict[str, Any]) -> None:
        iid = ev.get("item_id")
        if type(iid) is not str:
            return
        if not self.ctx.full:  # mid-session: audio of an item created before the log proves it exists
            self._add_item(rec, iid)
        n = rec.audio_bytes
        prev = self.audio_ms.get(iid)
        if n is None or n < 0:
            ms = math.nan  # elided or invalid payload: the item's length is unknowable
        else:
            rid = ev.get("response_id")
            bpm = self.response_bpm.get(rid, self.session_bpm) if type(rid) is str else self.session_bpm
            ms = n / bpm
        if prev is None:
            if put_bounded(self.audio_ms, iid, ms, OPEN_CAP):
                self.ctx.limit(rec.line, f"{OPEN_CAP} audio items")
        else:
            self.audio_ms[iid] = prev + ms

    # ------------------------------------------------------------------ checks

    def _check_item(self, rec: Record, ev: dict[str, Any], iid: Any, code: str, path: str, what: str) -> bool:
        """Report an unknown item id; True when the id is known (further checks may run)."""
        if type(iid) is not str:
            return False
        if iid in self.items:
            return True
        if self._unknown_ok(rec.line, self.items_dropped, "items created before the log"):
            return False
        self.out.emit(code, f"{what} names item {short(iid)}, which does not exist (never created, or deleted)",
                      line=rec.line, event=ev, json_path=path)
        return False

    def _check_previous(self, rec: Record, ev: dict[str, Any], server: bool) -> None:
        prev = ev.get("previous_item_id", _ABSENT)
        if type(prev) is str and prev in self.items:
            return  # the common case: a known item
        if prev is _ABSENT:
            return
        if prev is None:
            if server and self.ctx.full and self.conversation_items > 0 and not self.items_dropped:
                self.out.emit("RT603", f"previous_item_id is null, but {self.conversation_items} item(s) are already in the conversation",
                              line=rec.line, event=ev, json_path="$.previous_item_id")
            return
        if prev == "root" and not server:
            return
        self._check_item(rec, ev, prev, "RT603", "$.previous_item_id", "previous_item_id")

    def _check_call(self, rec: Record, ev: dict[str, Any], cid: Any, path: str) -> None:
        if type(cid) is not str or cid in self.calls or cid in self.reported_calls:
            return
        if self._unknown_ok(rec.line, self.calls_dropped, "function calls made before the log"):
            return
        put_bounded(self.reported_calls, cid, None, OPEN_CAP)
        self.out.emit("RT601", f"function_call_output answers call_id {short(cid)}, which no earlier function_call has",
                      line=rec.line, event=ev, json_path=path)

    def finish(self) -> None:
        """Nothing to report at the end: references are judged when they are made."""
