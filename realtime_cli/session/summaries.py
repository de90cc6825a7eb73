"""Pure derivations for ``show`` / ``ls``: what a response was, from its events.

Records go in (in file order), plain data comes out: a :class:`ResponseSummary` per response
(status, usage and its arithmetic, output items with text / transcript / audio duration /
function calls, event timeline, timings); :mod:`realtime_cli.session.stats` builds on these for
``stats``. Nothing here prints or does I/O; :mod:`realtime_cli.views.terminal` draws these and the
``*_dict`` functions give the versioned JSON shape.

A response is rebuilt from every event that names it, so a truncated log (no
``response.done``) still yields its items and text; ``done`` is then False.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from realtime_cli.engine.validate import audio_length
from realtime_cli.logs import dialect as dl
from realtime_cli.logs.loader import Record
from realtime_cli.session.timing import Clock

JSON_VERSION = 2

TEXT_DELTAS = frozenset({"response.text.delta", "response.output_text.delta"})
TEXT_DONES = frozenset({"response.text.done", "response.output_text.done"})
TRANSCRIPT_DELTAS = frozenset({"response.audio_transcript.delta", "response.output_audio_transcript.delta"})
TRANSCRIPT_DONES = frozenset({"response.audio_transcript.done", "response.output_audio_transcript.done"})
AUDIO_DELTAS = frozenset({"response.audio.delta", "response.output_audio.delta"})
ARGS_DELTAS = frozenset({"response.function_call_arguments.delta", "response.mcp_call_arguments.delta"})
ARGS_DONES = frozenset({"response.function_call_arguments.done", "response.mcp_call_arguments.done"})
# "First delta" = the first streamed output of any kind: the latency a user perceives.
FIRST_OUTPUT = TEXT_DELTAS | TRANSCRIPT_DELTAS | AUDIO_DELTAS | ARGS_DELTAS
_ITEM_STREAMS = TEXT_DELTAS | TEXT_DONES | TRANSCRIPT_DELTAS | TRANSCRIPT_DONES | AUDIO_DELTAS | ARGS_DELTAS | ARGS_DONES
RESPONSE_CARRIERS = frozenset({"response.created", "response.done"})
SESSION_EVENTS = frozenset({"session.created", "session.updated", "session.update"})

# Bytes of audio per millisecond: PCM16 mono at 24 kHz = 48; G.711 (8 kHz, 1 byte) = 8.
PCM16_BYTES_PER_MS = 48.0
G711_BYTES_PER_MS = 8.0
_BETA_FORMATS = {"pcm16": PCM16_BYTES_PER_MS, "g711_ulaw": G711_BYTES_PER_MS, "g711_alaw": G711_BYTES_PER_MS}

UNFINISHED = "unfinished"
"""Status key in ``stats`` for responses whose ``response.done`` is not in the log."""


# --------------------------------------------------------------------------- small helpers


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def event_type(rec: Record) -> str | None:
    """The event's ``type`` (``realtime.response`` for a standalone response object)."""
    if rec.envelope == "response":
        return "realtime.response"
    return as_str(rec.event.get("type"))


def response_id_of(rec: Record) -> str | None:
    """The response id an event belongs to, or None for events that name no response."""
    ev = rec.event
    if rec.envelope == "response":
        return as_str(ev.get("id"))
    t = ev.get("type")
    if t in RESPONSE_CARRIERS:
        return as_str(as_dict(ev.get("response")).get("id"))
    return as_str(ev.get("response_id"))


def audio_format_of(container: Any, *, output: bool = True) -> str | None:
    """The audio format named by a response or session object, as a short label.

    Beta: ``output_audio_format`` / ``input_audio_format`` (``pcm16``, ``g711_ulaw`` ...);
    GA: ``audio.output.format`` / ``audio.input.format`` (``{type: audio/pcm, rate}``).
    """
    obj = as_dict(container)
    beta = obj.get("output_audio_format" if output else "input_audio_format")
    if isinstance(beta, str):
        return beta
    fmt = as_dict(as_dict(obj.get("audio")).get("output" if output else "input")).get("format")
    if isinstance(fmt, str):
        return fmt
    if isinstance(fmt, dict) and isinstance(fmt.get("type"), str):
        rate = as_int(fmt.get("rate"))
        return f"{fmt['type']}@{rate}" if rate else str(fmt["type"])
    return None


def bytes_per_ms(fmt: str | None) -> float:
    """Audio bytes per millisecond for a format label (PCM16 24 kHz when unknown)."""
    if fmt is None:
        return PCM16_BYTES_PER_MS
    if fmt in _BETA_FORMATS:
        return _BETA_FORMATS[fmt]
    if fmt.startswith(("audio/pcmu", "audio/pcma")):
        return G711_BYTES_PER_MS
    if fmt.startswith("audio/pcm"):
        _, _, rate = fmt.partition("@")
        # 16-bit mono: 2 bytes per sample.
        return int(rate) * 2 / 1000 if rate.isdigit() and int(rate) > 0 else PCM16_BYTES_PER_MS
    return PCM16_BYTES_PER_MS


def pretty_json_text(text: str) -> str:
    """Function-call arguments pretty-printed when they are JSON, else unchanged."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return text
    if not isinstance(value, dict | list):
        return text
    return json.dumps(value, indent=2, ensure_ascii=False)


# --------------------------------------------------------------------------- usage


@dataclass(frozen=True, slots=True)
class UsageCheck:
    """One arithmetic invariant of ``usage`` that does not hold: which figure, and why."""

    field: str
    message: str


def usage_checks(usage: Any) -> list[UsageCheck]:
    """The invariants of PROTOCOL.md §1.6 that ``usage`` breaks (empty when all hold).

    Only figures that are present are compared: a missing detail is not a mismatch.
    """
    u = as_dict(usage)
    out: list[UsageCheck] = []
    inp, outp, total = as_int(u.get("input_tokens")), as_int(u.get("output_tokens")), as_int(u.get("total_tokens"))
    if inp is not None and outp is not None and total is not None and total != inp + outp:
        out.append(UsageCheck("total_tokens", f"total_tokens {total} != input {inp} + output {outp}"))
    idet = as_dict(u.get("input_token_details"))
    parts = [as_int(idet.get(k)) for k in ("text_tokens", "audio_tokens")]
    image = as_int(idet.get("image_tokens")) or 0
    if inp is not None and all(p is not None for p in parts):
        s = sum(p for p in parts if p is not None) + image
        if s != inp:
            out.append(UsageCheck("input_tokens", f"input_tokens {inp} != text + audio + image {s}"))
    odet = as_dict(u.get("output_token_details"))
    oparts = [as_int(odet.get(k)) for k in ("text_tokens", "audio_tokens")]
    if outp is not None and all(p is not None for p in oparts):
        s = sum(p for p in oparts if p is not None)
        if s != outp:
            out.append(UsageCheck("output_tokens", f"output_tokens {outp} != text + audio {s}"))
    cached = as_int(idet.get("cached_tokens"))
    cdet = idet.get("cached_tokens_details")
    if cached is not None and isinstance(cdet, dict):
        vals = [as_int(cdet.get(k)) for k in ("text_tokens", "audio_tokens", "image_tokens")]
        s = sum(v for v in vals if v is not None)
        if any(v is not None for v in vals) and s != cached:
            out.append(UsageCheck("cached_tokens", f"cached_tokens {cached} != sum of cached details {s}"))
    if cached is not None and inp is not None and cached > inp:
        out.append(UsageCheck("cached_tokens", f"cached_tokens {cached} > input_tokens {inp}"))
    return out


# --------------------------------------------------------------------------- responses


@dataclass(slots=True)
class ItemSummary:
    """One output item of a response, merged from the streamed events and ``response.done``."""

    index: int | None
    id: str | None = None
    type: str | None = None
    role: str | None = None
    status: str | None = None
    text: str | None = None
    transcript: str | None = None
    audio_bytes: int = 0
    audio_deltas: int = 0
    invalid_audio_deltas: int = 0
    name: str | None = None
    arguments: str | None = None
    call_id: str | None = None
    output: str | None = None
    # Streamed deltas per field, joined once at the end: appending to a str attribute is
    # quadratic (a response with 300,000 text deltas took seconds to show).
    pending: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def stream(self, name: str, delta: str) -> None:
        """Append one streamed delta to ``text``, ``transcript`` or ``arguments``."""
        self.pending.setdefault(name, []).append(delta)

    def put(self, name: str, value: str) -> None:
        """Set a final value (a .done event, a part, an item): it replaces what was streamed."""
        self.pending.pop(name, None)
        setattr(self, name, value)

    def settle(self) -> None:
        """Join the streamed deltas into their fields (called once, when building ends)."""
        for name, parts in self.pending.items():
            setattr(self, name, (getattr(self, name) or "") + "".join(parts))
        self.pending.clear()

    def audio_ms(self, per_ms: float) -> float | None:
        """Duration of the streamed audio, or None when no audio delta was seen."""
        if not self.audio_deltas:
            return None
        return self.audio_bytes / per_ms


@dataclass(slots=True)
class ResponseSummary:
    """Everything the log says about one response."""

    id: str
    path: str
    status: str | None = None
    status_details: dict[str, Any] | None = None
    conversation_id: str | None = None
    dialect: str | None = None
    modalities: list[str] | None = None
    voice: str | None = None
    audio_format: str | None = None
    temperature: float | None = None
    max_output_tokens: int | str | None = None
    metadata: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    items: list[ItemSummary] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    first_line: int = 0
    last_line: int = 0
    created: bool = False
    done: bool = False
    t_start: float | None = None
    t_first_output: float | None = None
    t_done: float | None = None
    records: list[Record] = field(default_factory=list)

    @property
    def total_tokens(self) -> int | None:
        """``usage.total_tokens`` from ``response.done``, if the log has it."""
        return as_int(as_dict(self.usage).get("total_tokens"))

    @property
    def ms_to_first_output(self) -> float | None:
        """Milliseconds from response.create (or .created) to the first delta."""
        if self.t_start is None or self.t_first_output is None:
            return None
        return self.t_first_output - self.t_start

    @property
    def ms_to_done(self) -> float | None:
        """Milliseconds from response.create (or .created) to response.done."""
        if self.t_start is None or self.t_done is None:
            return None
        return self.t_done - self.t_start

    @property
    def bytes_per_ms(self) -> float:
        """Audio bytes per millisecond of this response's output format."""
        return bytes_per_ms(self.audio_format)

    @property
    def shown_status(self) -> str:
        """The status to display: the last one seen, or ``unknown``."""
        return self.status or "unknown"

    def slim(self) -> None:
        """Keep only what a :func:`response_row` shows (``ls``): a finished response of a long
        log then costs a few hundred bytes instead of kilobytes of text, usage and counts.
        Later events of the response are still applied."""
        u = as_dict(self.usage)
        self.usage = {k: u[k] for k in ("input_tokens", "output_tokens", "total_tokens") if k in u}
        self.status_details = self.metadata = self.modalities = None
        self.counts.clear()
        for it in self.items:
            it.text = it.transcript = it.arguments = it.output = None
            it.pending.clear()


class ResponseBuilder:
    """Rebuilds responses from one input's records, fed in file order.

    ``keep_records`` keeps each response's records (needed to validate them for ``show``;
    off for ``ls``/``stats`` so a large log does not stay in memory).
    """

    def __init__(self, path: str, *, keep_records: bool = False) -> None:
        self.path = path
        self.keep_records = keep_records
        self.responses: dict[str, ResponseSummary] = {}
        self._pending_create: Record | None = None
        self._item_index: dict[tuple[str, str], ItemSummary] = {}
        self.session_output_format: str | None = None
        self.clock = Clock()  # the same reading of times as the session model's, per file

    def feed(self, rec: Record) -> ResponseSummary | None:
        """Take one record; return the response it belonged to, if any."""
        etype = event_type(rec)
        if etype is None:
            return None
        if etype == "response.create":
            # The server's response.created that follows answers this request (the create
            # itself carries no response id); a later create replaces an unanswered one.
            self._pending_create = rec
            return None
        if etype in SESSION_EVENTS:
            fmt = audio_format_of(rec.event.get("session"))
            if fmt is not None:
                self.session_output_format = fmt
            return None
        rid = response_id_of(rec)
        if rid is None:
            return None
        resp = self.responses.get(rid)
        if resp is None:
            resp = ResponseSummary(rid, self.path, first_line=rec.line, audio_format=self.session_output_format)
            self.responses[rid] = resp
        if etype == "response.created":
            create, self._pending_create = self._pending_create, None
            if create is not None and not resp.created:
                self._attach_create(resp, create)
        self._apply(resp, rec, etype)
        return resp

    def _attach_create(self, resp: ResponseSummary, create: Record) -> None:
        resp.counts["response.create"] += 1
        resp.first_line = min(resp.first_line, create.line) if resp.first_line else create.line
        ts = self.clock.read(create)
        if ts is not None:
            resp.t_start = ts
        if resp.dialect is None:
            resp.dialect = dl.weak_signal(create.event, "response.create")
        if self.keep_records:
            resp.records.insert(0, create)

    def _item(self, resp: ResponseSummary, index: Any, item_id: Any) -> ItemSummary:
        iid = as_str(item_id)
        idx = as_int(index)
        if iid is not None:
            hit = self._item_index.get((resp.id, iid))
            if hit is not None:
                if hit.index is None and idx is not None:
                    hit.index = idx
                return hit
        for it in resp.items:
            if idx is not None and it.index == idx and (iid is None or it.id in (None, iid)):
                if iid is not None:
                    it.id = iid
                    self._item_index[(resp.id, iid)] = it
                return it
        it = ItemSummary(idx, iid)
        resp.items.append(it)
        if iid is not None:
            self._item_index[(resp.id, iid)] = it
        return it

    def _apply(self, resp: ResponseSummary, rec: Record, etype: str) -> None:
        ev = rec.event
        resp.counts[etype] += 1
        resp.last_line = max(resp.last_line, rec.line)
        if self.keep_records:
            resp.records.append(rec)
        ts = self.clock.read(rec)
        if resp.dialect is None:
            resp.dialect = dl.strong_signal(ev, etype)
        if etype in RESPONSE_CARRIERS or etype == "realtime.response":
            obj = ev if etype == "realtime.response" else as_dict(ev.get("response"))
            self._apply_response_object(resp, obj)
            if etype == "response.created":
                resp.created = True
                if resp.t_start is None:
                    resp.t_start = ts
            else:
                resp.done = True
                resp.t_done = ts
            return
        if etype in FIRST_OUTPUT and resp.t_first_output is None:
            resp.t_first_output = ts
        if etype in ("response.output_item.added", "response.output_item.done"):
            item = as_dict(ev.get("item"))
            it = self._item(resp, ev.get("output_index"), item.get("id"))
            _merge_item(it, item)
            return
        if etype in ("response.content_part.added", "response.content_part.done"):
            it = self._item(resp, ev.get("output_index"), ev.get("item_id"))
            part = as_dict(ev.get("part"))
            if etype.endswith(".done"):
                _merge_part(it, part)
            return
        if etype not in _ITEM_STREAMS:
            return  # names the response but no item (output_audio_buffer.*, response.cancel ...)
        it = self._item(resp, ev.get("output_index"), ev.get("item_id"))
        if etype in TEXT_DELTAS:
            if isinstance(ev.get("delta"), str):
                it.stream("text", ev["delta"])
        elif etype in TEXT_DONES:
            if isinstance(ev.get("text"), str):
                it.put("text", ev["text"])
        elif etype in TRANSCRIPT_DELTAS:
            if isinstance(ev.get("delta"), str):
                it.stream("transcript", ev["delta"])
        elif etype in TRANSCRIPT_DONES:
            if isinstance(ev.get("transcript"), str):
                it.put("transcript", ev["transcript"])
        elif etype in AUDIO_DELTAS:
            n = rec.audio_bytes if rec.audio_bytes is not None else audio_length(ev.get("delta"))
            it.audio_deltas += 1
            if n < 0:
                it.invalid_audio_deltas += 1
            else:
                it.audio_bytes += n
        else:
            if it.type is None:
                it.type = "mcp_call" if "mcp" in etype else "function_call"
            if etype in ARGS_DELTAS:
                if isinstance(ev.get("delta"), str):
                    it.stream("arguments", ev["delta"])
            else:
                if isinstance(ev.get("arguments"), str):
                    it.put("arguments", ev["arguments"])
                it.name = as_str(ev.get("name")) or it.name
                it.call_id = as_str(ev.get("call_id")) or it.call_id

    def _apply_response_object(self, resp: ResponseSummary, obj: dict[str, Any]) -> None:
        resp.status = as_str(obj.get("status")) or resp.status
        sd = obj.get("status_details")
        resp.status_details = sd if isinstance(sd, dict) else resp.status_details
        resp.conversation_id = as_str(obj.get("conversation_id")) or resp.conversation_id
        mods = obj.get("output_modalities", obj.get("modalities"))
        if isinstance(mods, list):
            resp.modalities = [str(m) for m in mods]
        voice = obj.get("voice")
        if not isinstance(voice, str):
            voice = as_dict(as_dict(obj.get("audio")).get("output")).get("voice")
        resp.voice = as_str(voice) or resp.voice
        resp.audio_format = audio_format_of(obj) or resp.audio_format
        temp = obj.get("temperature")
        if isinstance(temp, int | float) and not isinstance(temp, bool):
            resp.temperature = float(temp)
        mot = obj.get("max_output_tokens")
        if isinstance(mot, str) or as_int(mot) is not None:
            resp.max_output_tokens = mot
        if isinstance(obj.get("metadata"), dict):
            resp.metadata = obj["metadata"]
        if isinstance(obj.get("usage"), dict):
            resp.usage = obj["usage"]
        output = obj.get("output")
        if isinstance(output, list):
            for i, item in enumerate(output):
                if isinstance(item, dict):
                    _merge_item(self._item(resp, i, item.get("id")), item)

    def finish(self) -> list[ResponseSummary]:
        """All responses in order of first appearance, items sorted by output index."""
        for resp in self.responses.values():
            resp.items.sort(key=lambda it: (it.index is None, it.index or 0))
            for it in resp.items:
                it.settle()
        return list(self.responses.values())


def _merge_part(it: ItemSummary, part: dict[str, Any]) -> None:
    ptype = part.get("type")
    if ptype in ("text", "output_text", "input_text") and isinstance(part.get("text"), str):
        it.put("text", part["text"])
    elif ptype in ("audio", "output_audio", "input_audio") and isinstance(part.get("transcript"), str):
        it.put("transcript", part["transcript"])


def _merge_item(it: ItemSummary, item: dict[str, Any]) -> None:
    """Fill an item summary from an item object; later (more final) values win."""
    it.id = as_str(item.get("id")) or it.id
    it.type = as_str(item.get("type")) or it.type
    it.role = as_str(item.get("role")) or it.role
    it.status = as_str(item.get("status")) or it.status
    it.name = as_str(item.get("name")) or it.name
    it.call_id = as_str(item.get("call_id")) or it.call_id
    if isinstance(item.get("arguments"), str) and item["arguments"]:
        it.put("arguments", item["arguments"])
    if isinstance(item.get("output"), str):
        it.output = item["output"]
    content = item.get("content")
    if isinstance(content, list):
        for part in content:
            if isinstance(part, dict):
                _merge_part(it, part)


def build_responses(records: list[Record], path: str, *, keep_records: bool = True) -> list[ResponseSummary]:
    """Rebuild every response named in ``records`` (one input, file order)."""
    builder = ResponseBuilder(path, keep_records=keep_records)
    for rec in records:
        builder.feed(rec)
    return builder.finish()


# --------------------------------------------------------------------------- JSON shapes


def _round(v: float | None, nd: int = 1) -> float | None:
    return None if v is None else round(v, nd)


def item_dict(it: ItemSummary, per_ms: float) -> dict[str, Any]:
    """The JSON shape of one output item (never any audio payload)."""
    return {
        "index": it.index,
        "id": it.id,
        "type": it.type,
        "role": it.role,
        "status": it.status,
        "text": it.text,
        "transcript": it.transcript,
        "audio": None if not it.audio_deltas else {
            "deltas": it.audio_deltas,
            "bytes": it.audio_bytes,
            "invalid_deltas": it.invalid_audio_deltas,
            "duration_ms": _round(it.audio_ms(per_ms)),
        },
        "name": it.name,
        "call_id": it.call_id,
        "arguments": it.arguments,
        "output": it.output,
    }


def response_row(r: ResponseSummary) -> dict[str, Any]:
    """The short per-response shape used by ``ls``."""
    u = as_dict(r.usage)
    return {
        "id": r.id,
        "status": r.status,
        "done": r.done,
        "output_items": len(r.items),
        "input_tokens": as_int(u.get("input_tokens")),
        "output_tokens": as_int(u.get("output_tokens")),
        "total_tokens": as_int(u.get("total_tokens")),
        "path": r.path,
        "first_line": r.first_line,
        "last_line": r.last_line,
        "duration_ms": _round(r.ms_to_done),
    }


def response_dict(r: ResponseSummary) -> dict[str, Any]:
    """The full per-response shape used by ``show`` (without diagnostics)."""
    return {
        **response_row(r),
        "status_details": r.status_details,
        "conversation_id": r.conversation_id,
        "dialect": r.dialect,
        "modalities": r.modalities,
        "voice": r.voice,
        "audio_format": r.audio_format,
        "temperature": r.temperature,
        "max_output_tokens": r.max_output_tokens,
        "metadata": r.metadata,
        "usage": r.usage,
        "usage_problems": [{"field": c.field, "message": c.message} for c in usage_checks(r.usage)],
        "output": [item_dict(it, r.bytes_per_ms) for it in r.items],
        "timeline": {
            "events": dict(sorted(r.counts.items())),
            "first_line": r.first_line,
            "last_line": r.last_line,
            "ms_to_first_output": _round(r.ms_to_first_output),
            "ms_to_done": _round(r.ms_to_done),
        },
    }
