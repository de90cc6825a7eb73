"""RT401-RT406: output items and content parts pair up, indexes agree, streams add up.

Per-response state lives from response.created to response.done. Streamed values are kept
as a list of deltas up to ``_KEEP_CHARS`` (so a mismatch can be shown), then only as a
running hash and length: one response with a million deltas stays in bounded memory.
"""

from __future__ import annotations

from array import array
from typing import Any

from realtime_cli.engine.explain import short
from realtime_cli.logs.loader import Record
from realtime_cli.rules.context import (
    OPEN_CAP,
    Context,
    Handler,
    is_cut,
    is_elided,
    put_bounded,
)

CODES = ("RT401", "RT402", "RT403", "RT404", "RT405", "RT406")

_KEEP_CHARS = 64 * 1024

# delta event -> (stream kind, whether it has a content_index); done event -> (kind, field)
_DELTAS: dict[str, tuple[str, bool]] = {
    "response.text.delta": ("text", True),
    "response.output_text.delta": ("text", True),
    "response.audio_transcript.delta": ("audio transcript", True),
    "response.output_audio_transcript.delta": ("audio transcript", True),
    "response.function_call_arguments.delta": ("function-call arguments", False),
    "response.mcp_call_arguments.delta": ("MCP call arguments", False),
}
_DONES: dict[str, tuple[str, str, bool]] = {
    "response.text.done": ("text", "text", True),
    "response.output_text.done": ("text", "text", True),
    "response.audio_transcript.done": ("audio transcript", "transcript", True),
    "response.output_audio_transcript.done": ("audio transcript", "transcript", True),
    "response.function_call_arguments.done": ("function-call arguments", "arguments", False),
    "response.mcp_call_arguments.done": ("MCP call arguments", "arguments", False),
}
_AUDIO = {"response.audio.delta": "delta", "response.output_audio.delta": "delta"}


class _Item:
    """One output item. ``rs`` is None while the item is stray: its ``.added`` named no
    tracked response (an unknown or missing ``response_id``, already reported at its root);
    the first event that names it with a tracked response adopts it there, quietly."""

    __slots__ = ("done", "id", "index", "lenient", "line", "parts", "rs", "type")

    def __init__(self, iid: Any, itype: Any, index: int, line: int, rs: _Resp | None) -> None:
        self.id = iid
        self.type = itype
        self.index = index
        self.line = line
        self.rs = rs
        self.done = False
        self.parts: list[bool] = []  # per content_index: has content_part.done arrived
        # Set once a finding about this item's own structure was given (its root cause):
        # its later part, index and stream checks stay quiet, as they only inherit that damage.
        self.lenient = False


class _Resp:
    __slots__ = ("by_id", "damaged", "items", "lossy", "streams")

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self.by_id: dict[Any, _Item] = {}
        self.streams: list[tuple[Any, ...]] = []
        # damaged: an event of this response named an item it never added (reported once);
        # its pairing checks (RT401/RT402/RT403/RT404) then stay quiet: they would only repeat it.
        self.damaged = False
        # lossy: a delta of this response could not be put in its stream (no or unknown
        # item_id / content_index): its streams may miss text, so RT405 would only repeat that.
        self.lossy = False


class _Stream:
    __slots__ = ("cut", "first_line", "hasher", "lines", "n", "parts")

    def __init__(self, line: int) -> None:
        self.parts: list[str] = []
        # The line of each kept delta (to say where text departs), 8 bytes each, no int objects.
        self.lines = array("q")
        self.first_line = line
        self.n = 0
        self.hasher: Any = None
        self.cut = False

    def add(self, d: str, line: int) -> None:
        self.n += len(d)
        if self.hasher is not None:
            self.hasher.update(d.encode("utf-8", "surrogatepass"))
            return
        self.parts.append(d)
        self.lines.append(line)
        if self.n > _KEEP_CHARS:  # switch to constant memory: hash what we have, then go on
            import hashlib

            self.hasher = hashlib.blake2b(digest_size=16)
            self.hasher.update("".join(self.parts).encode("utf-8", "surrogatepass"))
            self.parts = []
            self.lines = array("q")


def _departure(st: _Stream, joined: str, final: str) -> tuple[str, int]:
    """Where the deltas depart from the final value: (text for the message, line of that delta)."""
    i = 0
    n = min(len(joined), len(final))
    while i < n and joined[i] == final[i]:
        i += 1
    lo = max(0, i - 10)
    shown = f"deltas {short(joined[lo:i + 20])} vs final {short(final[lo:i + 20])}"
    if i >= len(joined):  # every delta matches: text is missing after the last one
        return f"the deltas stop at character {i} (last delta at line {st.lines[-1]}) but the final value goes on: {shown}", st.lines[-1]
    seen = 0
    for text, line in zip(st.parts, st.lines, strict=True):
        seen += len(text)
        if seen > i:
            return f"they depart from it at character {i}, in the delta at line {line}: {shown}", line
    return f"first difference at character {i}: {shown}", st.first_line  # pragma: no cover


class Structure:
    """Output-item and content-part pairing, index consistency, streams and audio payloads.

    One defect, one finding: each check that finds a root cause marks what it damaged (an
    item as lenient, a response as damaged or lossy, a stray item to adopt), and the checks
    that would only repeat that damage at later events of the same item or response skip it.
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out = ctx.out
        self.resp: dict[str, _Resp] = {}
        self.items: dict[str, _Item] = {}  # every open item by id, stray ones included
        self.streams: dict[tuple[Any, ...], _Stream] = {}
        self.saw_items = False  # the recorder logs output_item events (else RT404 cannot be judged)
        self.saw_parts = False
        self.bad_audio_items: dict[Any, None] = {}
        self.bad_appends = 0
        self.first_bad_append: tuple[int, dict[str, Any]] | None = None

    def handlers(self) -> dict[str, Handler]:
        """Event type -> handler, for the types this family cares about."""
        h: dict[str, Handler] = {
            "response.created": self.on_created,
            "response.done": self.on_done,
            "response.output_item.added": self.on_item_added,
            "response.output_item.done": self.on_item_done,
            "response.content_part.added": self.on_part_added,
            "response.content_part.done": self.on_part_done,
            "input_audio_buffer.append": self.on_append,
        }
        for t in _DELTAS:
            h[t] = self.on_delta
        for t in _DONES:
            h[t] = self.on_stream_done
        for t in _AUDIO:
            h[t] = self.on_audio
        return h

    # ------------------------------------------------------------------ responses and items

    def on_created(self, rec: Record, ev: dict[str, Any]) -> None:
        resp = ev.get("response")
        rid = resp.get("id") if isinstance(resp, dict) else None
        if type(rid) is str and rid not in self.resp and put_bounded(self.resp, rid, _Resp(), OPEN_CAP):
            self.ctx.limit(rec.line, f"{OPEN_CAP} responses")

    def _emit(self, code: str, message: str, rec: Record, ev: dict[str, Any], path: str, **kw: Any) -> None:
        rid = ev.get("response_id")
        self.out.emit(code, message, line=rec.line, event=ev, json_path=path,
                      response_id=rid if type(rid) is str else None, **kw)

    def _track(self, rec: Record, it: _Item) -> None:
        items = self.items
        items[it.id] = it
        if len(items) > OPEN_CAP:  # put_bounded, inlined
            del items[next(iter(items))]
            self.ctx.limit(rec.line, f"{OPEN_CAP} output items")

    def _attach(self, rs: _Resp, it: _Item) -> None:
        it.rs = rs
        rs.items.append(it)
        rs.by_id[it.id] = it

    def _resolve(self, ev: dict[str, Any]) -> tuple[_Resp | None, _Item | None, Any]:
        """The response an event names, the item it names (adopting a stray one), the item id."""
        rid = ev.get("response_id")
        rs = self.resp.get(rid) if type(rid) is str else None
        iid = ev.get("item_id")
        it = self.items.get(iid) if type(iid) is str else None
        if it is not None:
            if it.rs is None:
                if rs is not None:
                    self._attach(rs, it)
            elif rs is None or it.rs is not rs:
                rs = it.rs  # a wrong response_id was the event's own finding (RT304)
        return rs, it, iid

    def _index_at(self, rs: _Resp, ev: dict[str, Any]) -> int:
        oi = ev.get("output_index")
        return oi if type(oi) is int else len(rs.items)

    def _not_added(self, rec: Record, ev: dict[str, Any], rs: _Resp, iid: Any, what: str, path: str,
                   code: str = "RT403") -> None:
        """The root finding for an event naming an item its response never added."""
        if rs.damaged:
            return
        rs.damaged = True
        oi = ev.get("output_index")
        there = next((it for it in rs.items if it.index == oi), None) if type(oi) is int else None
        hint = f" (output {oi} of this response is item {short(there.id)}, added at line {there.line})" if there else ""
        self._emit(code, f"{what} for item {short(iid)}, which this response has not added{hint}; "
                   "later events of this response are not checked for pairing", rec, ev, path, cites_line=there is not None)

    def _check_index(self, rec: Record, ev: dict[str, Any], it: _Item) -> None:
        oi = ev.get("output_index")
        if type(oi) is int and oi != it.index and not it.lenient:
            it.lenient = True
            self._emit("RT403", f"output_index {oi} but item {short(it.id)} is output {it.index} of this response",
                       rec, ev, "$.output_index")

    def on_item_added(self, rec: Record, ev: dict[str, Any]) -> None:
        self.saw_items = True
        rid = ev.get("response_id")
        rs = self.resp.get(rid) if type(rid) is str else None
        item = ev.get("item")
        if not isinstance(item, dict):
            return
        iid = item.get("id")
        if type(iid) is not str:
            return
        if rs is None:  # the unknown or missing response_id is this event's finding (RT304/RT101)
            if iid not in self.items:
                oi = ev.get("output_index")
                self._track(rec, _Item(iid, item.get("type"), oi if type(oi) is int else 0, rec.line, None))
            return
        if iid in rs.by_id:
            if not rs.damaged:
                self._emit("RT401", f"response.output_item.added for item {short(iid)} a second time", rec, ev, "$.item.id")
            return
        index = len(rs.items)
        it = _Item(iid, item.get("type"), index, rec.line, rs)
        oi = ev.get("output_index")
        if type(oi) is int and oi != index and not rs.damaged:
            it.lenient = True
            self._emit("RT403", f"output_index {oi} but this is output item {index} of the response (they count from 0)",
                       rec, ev, "$.output_index")
        rs.items.append(it)  # _attach, inlined
        rs.by_id[iid] = it
        self._track(rec, it)

    def on_item_done(self, rec: Record, ev: dict[str, Any]) -> None:
        item = ev.get("item")
        if not isinstance(item, dict):
            return
        self.saw_items = True  # a recorder that logs output_item.done logs .added too
        iid = item.get("id")
        if type(iid) is not str:
            return
        rid = ev.get("response_id")
        rs = self.resp.get(rid) if type(rid) is str else None
        it = self.items.get(iid)
        if it is not None and it.rs is None and rs is not None:
            self._attach(rs, it)
        rs = it.rs if it is not None and it.rs is not None else rs
        if rs is None:
            return
        if it is None:
            oi = ev.get("output_index")
            there = next((t for t in rs.items if t.index == oi and not t.done), None) if type(oi) is int else None
            if there is not None:  # most likely a wrong item id: the response is damaged from here
                self._not_added(rec, ev, rs, iid, "response.output_item.done", "$.item.id", code="RT401")
                return
            if not rs.damaged:
                self._emit("RT401", f"response.output_item.done for item {short(iid)}, which was never added", rec, ev, "$.item.id")
            # Adopt it as done, so that response.done does not report the same gap again.
            it = _Item(iid, item.get("type"), self._index_at(rs, ev), rec.line, None)
            it.done = it.lenient = True
            self._attach(rs, it)
            self._track(rec, it)
            return
        if it.done:
            if not rs.damaged:
                self._emit("RT401", f"response.output_item.done for item {short(iid)} a second time", rec, ev, "$.item.id")
            return
        it.done = True
        if rs.damaged or it.lenient:
            return
        self._check_index(rec, ev, it)
        for ci, done in enumerate(it.parts):
            if not done:
                self._emit("RT402", f"content part {ci} of item {short(iid)} was added but never done before the item was done",
                           rec, ev, "$.item.id")

    def on_part_added(self, rec: Record, ev: dict[str, Any]) -> None:
        self.saw_parts = True
        if not self.saw_items:
            return
        rs, it, iid = self._resolve(ev)
        if it is None:
            if rs is None:
                return
            if type(iid) is str:
                self._not_added(rec, ev, rs, iid, "content part", "$.item_id")
            else:
                rs.damaged = True  # no item_id: the schema's finding (RT101)
            return
        ci = ev.get("content_index")
        if it.lenient or rs is None or rs.damaged:  # (rs None: a stray item, its root reported)
            it.parts.append(False)
            return
        self._check_index(rec, ev, it)
        if type(ci) is int and ci != len(it.parts):
            if ci < len(it.parts):
                self._emit("RT402", f"response.content_part.added for part {ci} of item {short(iid)} a second time",
                           rec, ev, "$.content_index")
                return
            it.lenient = True
            self._emit("RT403", f"content_index {ci} but this is content part {len(it.parts)} of item {short(iid)}",
                       rec, ev, "$.content_index")
        it.parts.append(False)

    def on_part_done(self, rec: Record, ev: dict[str, Any]) -> None:
        if not self.saw_items:
            return
        rs, it, iid = self._resolve(ev)
        ci = ev.get("content_index")
        if it is None or type(ci) is not int:
            return
        if 0 <= ci < len(it.parts) and not it.parts[ci]:
            it.parts[ci] = True
            return
        if it.lenient or (rs is not None and rs.damaged):
            return
        it.lenient = True
        if not 0 <= ci < len(it.parts):
            self._emit("RT402", f"response.content_part.done for part {ci} of item {short(iid)}, which was never added",
                       rec, ev, "$.content_index")
        else:
            self._emit("RT402", f"response.content_part.done for part {ci} of item {short(iid)} a second time",
                       rec, ev, "$.content_index")

    def on_done(self, rec: Record, ev: dict[str, Any]) -> None:
        resp = ev.get("response")
        if not isinstance(resp, dict):
            return
        rid = resp.get("id")
        rs = self.resp.pop(rid, None) if type(rid) is str else None
        if rs is None:
            return
        for key in rs.streams:
            self.streams.pop(key, None)
        for it in rs.items:
            if self.items.get(it.id) is it:
                del self.items[it.id]
        if not self.saw_items or rs.damaged:
            return
        for it in rs.items:
            if not it.done:
                self.out.emit("RT401", f"output item {short(it.id)} (output {it.index}) was added but never done",
                              line=rec.line, event=ev, json_path="$.response.output", response_id=rid)
        output = resp.get("output")
        if not isinstance(output, list):
            return
        if len(output) == len(rs.items):  # the common case, without building the two lists below
            for i, (o, it) in enumerate(zip(output, rs.items, strict=True)):
                if it.index != i or type(o) is not dict or o.get("id") != it.id or o.get("type") != it.type:
                    break
            else:
                return
        final = [(o.get("id"), o.get("type")) if isinstance(o, dict) else (None, None) for o in output]
        streamed = [(it.id, it.type) for it in sorted(rs.items, key=lambda it: it.index)]
        if final == streamed:
            return
        if len(final) != len(streamed):
            msg = f"response.done.output has {len(final)} item(s) but {len(streamed)} were streamed"
        else:
            i = next(i for i, (a, b) in enumerate(zip(final, streamed, strict=True)) if a != b)
            msg = (f"output {i} is {short(final[i][0])} ({short(final[i][1])}) in response.done but "
                   f"{short(streamed[i][0])} ({short(streamed[i][1])}) was streamed")
        self.out.emit("RT404", msg, line=rec.line, event=ev, json_path="$.response.output", response_id=rid)

    # ------------------------------------------------------------------ streams

    def on_delta(self, rec: Record, ev: dict[str, Any]) -> None:
        d = ev.get("delta")
        if type(d) is not str:
            return
        kind, has_ci = _DELTAS[ev["type"]]
        iid = ev.get("item_id")
        ci = ev.get("content_index") if has_ci else -1
        key = (iid, ci, kind)
        try:
            st = self.streams.get(key)
        except TypeError:  # an unhashable id in a schema-invalid event
            st = None
            key = (None, None, kind)
        if st is None:
            st = _Stream(rec.line)
            if put_bounded(self.streams, key, st, OPEN_CAP):
                self.ctx.limit(rec.line, f"{OPEN_CAP} streams")
            rs, it, _ = self._resolve(ev)
            if rs is not None:
                rs.streams.append(key)
                if type(iid) is not str or type(ci) is not int:
                    rs.lossy = True  # this text belongs to a stream the event cannot name (RT101)
                else:
                    self._check_stream_start(rec, ev, rs, it, has_ci)
        n = len(d)
        if n > 300 and is_cut(d):
            st.cut = True
        if st.hasher is None and st.n + n <= _KEEP_CHARS:
            st.parts.append(d)  # _Stream.add's common case, inlined: one call less per delta
            st.lines.append(rec.line)
            st.n += n
        else:
            st.add(d, rec.line)

    def _check_stream_start(self, rec: Record, ev: dict[str, Any], rs: _Resp, it: _Item | None, has_ci: bool) -> None:
        if not self.saw_items:
            return
        iid = ev.get("item_id")
        if it is None:
            rs.lossy = True
            self._not_added(rec, ev, rs, iid, ev["type"], "$.item_id")
            return
        if it.lenient or rs.damaged:
            return
        self._check_index(rec, ev, it)
        ci = ev.get("content_index")
        if has_ci and self.saw_parts and type(ci) is int and not 0 <= ci < len(it.parts):
            it.lenient = True
            self._emit("RT403", f"content_index {ci} but item {short(iid)} has {len(it.parts)} content part(s) so far",
                       rec, ev, "$.content_index")

    def on_stream_done(self, rec: Record, ev: dict[str, Any]) -> None:
        kind, field, has_ci = _DONES[ev["type"]]
        key = (ev.get("item_id"), ev.get("content_index") if has_ci else -1, kind)
        try:
            st = self.streams.pop(key, None)
        except TypeError:
            return
        final = ev.get(field)
        if st is None or type(final) is not str:
            return  # no deltas logged for this value: nothing to compare
        if st.cut or is_cut(final):
            self.ctx.cut(rec.line, f"the {kind} of item {short(key[0])}")
            return
        rs, it, iid = self._resolve(ev)
        if (rs is not None and (rs.lossy or rs.damaged)) or (it is not None and it.lenient):
            return  # the text went astray at an event already reported
        if st.hasher is None:
            joined = "".join(st.parts)
            if joined != final:
                where, _line = _departure(st, joined, final)
                self._emit("RT405", f"the {kind} deltas of item {short(iid)} do not add up to the final `{field}`: {where}",
                           rec, ev, f"$.{field}", cites_line=True)
            return
        import hashlib

        h = hashlib.blake2b(final.encode("utf-8", "surrogatepass"), digest_size=16)
        if st.n != len(final) or h.digest() != st.hasher.digest():
            self._emit("RT405", f"the {kind} deltas of item {short(iid)} ({st.n} characters, from line {st.first_line}) "
                       f"do not add up to the final `{field}` ({len(final)} characters)", rec, ev, f"$.{field}", cites_line=True)

    # ------------------------------------------------------------------ audio payloads

    def on_audio(self, rec: Record, ev: dict[str, Any]) -> None:
        if rec.audio_bytes != -1:
            return
        payload = ev.get("delta")
        if type(payload) is str and is_elided(payload):
            self.ctx.cut(rec.line, "audio payloads")
            return
        iid = ev.get("item_id")
        key = iid if type(iid) is str else None
        if key in self.bad_audio_items:
            return
        put_bounded(self.bad_audio_items, key, None, OPEN_CAP)
        self.out.emit("RT406", f"audio delta of item {short(iid)} is not valid base64 (later ones for this item not reported)",
                      line=rec.line, event=ev, json_path="$.delta", response_id=ev.get("response_id"))

    def on_append(self, rec: Record, ev: dict[str, Any]) -> None:
        if rec.audio_bytes != -1:
            return
        payload = ev.get("audio")
        if type(payload) is str and is_elided(payload):
            self.ctx.cut(rec.line, "audio payloads")
            return
        self.bad_appends += 1
        if self.first_bad_append is None:
            self.first_bad_append = (rec.line, {"type": ev.get("type"), "event_id": ev.get("event_id")})

    def finish(self) -> None:
        """Report invalid input audio once, with a count."""
        if self.first_bad_append is not None:
            line, ev = self.first_bad_append
            more = f" ({self.bad_appends - 1} more later)" if self.bad_appends > 1 else ""
            self.out.emit("RT406", f"input_audio_buffer.append audio is not valid base64{more}",
                          line=line, event=ev, json_path="$.audio")
