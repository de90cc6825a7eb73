"""RT401-RT406: output items and content parts pair up, indexes agree, streams add up.

Per-response state lives from response.created to response.done. Streamed values are kept
as a list of deltas up to ``_KEEP_CHARS`` (so a mismatch can be shown), then only as a
running hash and length: one response with a million deltas stays in bounded memory.
"""

from __future__ import annotations

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
    __slots__ = ("done", "id", "index", "parts", "type")

    def __init__(self, iid: Any, itype: Any, index: int) -> None:
        self.id = iid
        self.type = itype
        self.index = index
        self.done = False
        self.parts: list[bool] = []  # per content_index: has content_part.done arrived


class _Resp:
    __slots__ = ("by_id", "items", "streams")

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self.by_id: dict[Any, _Item] = {}
        self.streams: list[tuple[Any, ...]] = []


class _Stream:
    __slots__ = ("cut", "hasher", "n", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0
        self.hasher: Any = None
        self.cut = False

    def add(self, d: str) -> None:
        self.n += len(d)
        if self.hasher is not None:
            self.hasher.update(d.encode("utf-8", "surrogatepass"))
            return
        self.parts.append(d)
        if self.n > _KEEP_CHARS:  # switch to constant memory: hash what we have, then go on
            import hashlib

            self.hasher = hashlib.blake2b(digest_size=16)
            self.hasher.update("".join(self.parts).encode("utf-8", "surrogatepass"))
            self.parts = []


def _first_difference(a: str, b: str) -> str:
    i = 0
    n = min(len(a), len(b))
    while i < n and a[i] == b[i]:
        i += 1
    lo = max(0, i - 10)
    return f"first difference at character {i}: deltas {short(a[lo:i + 20])} vs final {short(b[lo:i + 20])}"


class Structure:
    """Output-item and content-part pairing, index consistency, streams and audio payloads."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out = ctx.out
        self.resp: dict[str, _Resp] = {}
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

    def _item(self, rec: Record, ev: dict[str, Any], what: str) -> tuple[_Resp, _Item | None, Any] | None:
        """The response state and the item an event names; None when the response is not tracked."""
        rid = ev.get("response_id")
        rs = self.resp.get(rid) if type(rid) is str else None
        if rs is None:
            return None
        iid = ev.get("item_id")
        return rs, rs.by_id.get(iid) if type(iid) is str else None, iid

    def _check_index(self, rec: Record, ev: dict[str, Any], it: _Item) -> None:
        oi = ev.get("output_index")
        if type(oi) is int and oi != it.index:
            self.out.emit("RT403", f"output_index {oi} but item {short(it.id)} is output {it.index} of this response",
                          line=rec.line, event=ev, json_path="$.output_index", response_id=ev.get("response_id"))

    def on_item_added(self, rec: Record, ev: dict[str, Any]) -> None:
        self.saw_items = True
        rid = ev.get("response_id")
        rs = self.resp.get(rid) if type(rid) is str else None
        item = ev.get("item")
        if rs is None or not isinstance(item, dict):
            return
        iid = item.get("id")
        if type(iid) is not str:
            return
        if iid in rs.by_id:
            self.out.emit("RT401", f"response.output_item.added for item {short(iid)} a second time",
                          line=rec.line, event=ev, json_path="$.item.id", response_id=rid)
            return
        index = len(rs.items)
        oi = ev.get("output_index")
        if type(oi) is int and oi != index:
            self.out.emit("RT403", f"output_index {oi} but this is output item {index} of the response (they count from 0)",
                          line=rec.line, event=ev, json_path="$.output_index", response_id=rid)
        it = _Item(iid, item.get("type"), index)
        rs.items.append(it)
        rs.by_id[iid] = it

    def on_item_done(self, rec: Record, ev: dict[str, Any]) -> None:
        rid = ev.get("response_id")
        rs = self.resp.get(rid) if type(rid) is str else None
        item = ev.get("item")
        if rs is None or not isinstance(item, dict) or not self.saw_items:
            return
        iid = item.get("id")
        if type(iid) is not str:
            return
        it = rs.by_id.get(iid)
        if it is None:
            self.out.emit("RT401", f"response.output_item.done for item {short(iid)}, which was never added",
                          line=rec.line, event=ev, json_path="$.item.id", response_id=rid)
            return
        if it.done:
            self.out.emit("RT401", f"response.output_item.done for item {short(iid)} a second time",
                          line=rec.line, event=ev, json_path="$.item.id", response_id=rid)
            return
        it.done = True
        self._check_index(rec, ev, it)
        for ci, done in enumerate(it.parts):
            if not done:
                self.out.emit("RT402", f"content part {ci} of item {short(iid)} was added but never done before the item was done",
                              line=rec.line, event=ev, json_path="$.item.id", response_id=rid)

    def on_part_added(self, rec: Record, ev: dict[str, Any]) -> None:
        self.saw_parts = True
        found = self._item(rec, ev, "content part")
        if found is None or not self.saw_items:
            return
        _rs, it, iid = found
        if it is None:
            self.out.emit("RT403", f"content part for item {short(iid)}, which this response has not added",
                          line=rec.line, event=ev, json_path="$.item_id", response_id=ev.get("response_id"))
            return
        self._check_index(rec, ev, it)
        ci = ev.get("content_index")
        if type(ci) is int and ci != len(it.parts):
            self.out.emit("RT403", f"content_index {ci} but this is content part {len(it.parts)} of item {short(iid)}",
                          line=rec.line, event=ev, json_path="$.content_index", response_id=ev.get("response_id"))
        it.parts.append(False)

    def on_part_done(self, rec: Record, ev: dict[str, Any]) -> None:
        found = self._item(rec, ev, "content part")
        if found is None or not self.saw_items:
            return
        _rs, it, iid = found
        ci = ev.get("content_index")
        if it is None or type(ci) is not int:
            return
        if not 0 <= ci < len(it.parts):
            self.out.emit("RT402", f"response.content_part.done for part {ci} of item {short(iid)}, which was never added",
                          line=rec.line, event=ev, json_path="$.content_index", response_id=ev.get("response_id"))
        elif it.parts[ci]:
            self.out.emit("RT402", f"response.content_part.done for part {ci} of item {short(iid)} a second time",
                          line=rec.line, event=ev, json_path="$.content_index", response_id=ev.get("response_id"))
        else:
            it.parts[ci] = True

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
        if not self.saw_items:
            return
        for it in rs.items:
            if not it.done:
                self.out.emit("RT401", f"output item {short(it.id)} (output {it.index}) was added but never done",
                              line=rec.line, event=ev, json_path="$.response.output", response_id=rid)
        output = resp.get("output")
        if not isinstance(output, list):
            return
        final = [(o.get("id"), o.get("type")) if isinstance(o, dict) else (None, None) for o in output]
        streamed = [(it.id, it.type) for it in rs.items]
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
        key = (ev.get("item_id"), ev.get("content_index") if has_ci else -1, kind)
        try:
            st = self.streams.get(key)
        except TypeError:  # an unhashable id in a schema-invalid event
            return
        if st is None:
            st = _Stream()
            if put_bounded(self.streams, key, st, OPEN_CAP):
                self.ctx.limit(rec.line, f"{OPEN_CAP} streams")
            rid = ev.get("response_id")
            rs = self.resp.get(rid) if type(rid) is str else None
            if rs is not None:
                rs.streams.append(key)
                self._check_stream_start(rec, ev, rs, has_ci)
        n = len(d)
        if n > 300 and is_cut(d):
            st.cut = True
        if st.hasher is None and st.n + n <= _KEEP_CHARS:
            st.parts.append(d)  # _Stream.add's common case, inlined: one call less per delta
            st.n += n
        else:
            st.add(d)

    def _check_stream_start(self, rec: Record, ev: dict[str, Any], rs: _Resp, has_ci: bool) -> None:
        if not self.saw_items:
            return
        iid = ev.get("item_id")
        it = rs.by_id.get(iid) if type(iid) is str else None
        if it is None:
            self.out.emit("RT403", f"{ev['type']} for item {short(iid)}, which this response has not added",
                          line=rec.line, event=ev, json_path="$.item_id", response_id=ev.get("response_id"))
            return
        self._check_index(rec, ev, it)
        ci = ev.get("content_index")
        if has_ci and self.saw_parts and type(ci) is int and not 0 <= ci < len(it.parts):
            self.out.emit("RT403", f"content_index {ci} but item {short(iid)} has {len(it.parts)} content part(s) so far",
                          line=rec.line, event=ev, json_path="$.content_index", response_id=ev.get("response_id"))

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
        rid = ev.get("response_id")
        if st.hasher is None:
            joined = "".join(st.parts)
            if joined != final:
                self.out.emit("RT405", f"the {kind} deltas do not add up to the final `{field}`: {_first_difference(joined, final)}",
                              line=rec.line, event=ev, json_path=f"$.{field}", response_id=rid if type(rid) is str else None)
            return
        import hashlib

        h = hashlib.blake2b(final.encode("utf-8", "surrogatepass"), digest_size=16)
        if st.n != len(final) or h.digest() != st.hasher.digest():
            self.out.emit("RT405", f"the {kind} deltas ({st.n} characters) do not add up to the final `{field}` ({len(final)} characters)",
                          line=rec.line, event=ev, json_path=f"$.{field}", response_id=rid if type(rid) is str else None)

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
