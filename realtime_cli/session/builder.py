"""Build the session model (:mod:`realtime_cli.session.model`) one record at a time.

``SessionBuilder.add(item)`` takes the loader's items in file order (records and parse
failures, so the same stream can go to :class:`realtime_cli.engine.validate.FileValidator`
in the same pass); ``finish()`` returns the :class:`~realtime_cli.session.model.LogModel`.

Memory: a session keeps counters, a compact ``array('d')`` of latencies (8 bytes a response)
and, only with ``keep=True``, its responses/turns/interruptions. Open responses, the last
turns, an item -> response index and the unanswered calls are held while they can still
change, each capped. ``on_response`` receives each response once it is done (or, unfinished,
when its session ends): ``ls`` streams its rows from there.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from realtime_cli.engine.validate import audio_length
from realtime_cli.logs import dialect as dl
from realtime_cli.logs.loader import ParseFailure, Record
from realtime_cli.session.model import (
    Cost,
    FunctionCall,
    Interruption,
    LogModel,
    OutputItem,
    ResponseInfo,
    Session,
    TokenUsage,
    Turn,
)
from realtime_cli.session.prices import Price, lookup, price_table, usage_cost
from realtime_cli.session.summaries import (
    ARGS_DELTAS,
    ARGS_DONES,
    AUDIO_DELTAS,
    FIRST_OUTPUT,
    TEXT_DELTAS,
    TEXT_DONES,
    TRANSCRIPT_DELTAS,
    TRANSCRIPT_DONES,
    as_dict,
    as_int,
    as_str,
    audio_format_of,
    bytes_per_ms,
    event_type,
    response_id_of,
)
from realtime_cli.session.timing import Clock

PREVIEW = 2000
"""Characters of an item's text / transcript / arguments / call output kept."""
UNREADABLE = frozenset({"RT001", "RT002", "RT003", "RT004", "RT007", "RT012"})
"""Parse failures that lose a line; RT010 (parsed with a warning) and notes do not."""
_MAX_ITEMS = 4096  # item id -> response, for truncations that come after response.done
_MAX_CALLS = 10_000  # unanswered calls held for their output
_MAX_UNANSWERED_KEPT = 1000


class _Open:
    """A response being built: its info plus per-item working state."""

    __slots__ = ("audio_bytes", "fmt", "info", "items", "parts", "turn")

    def __init__(self, info: ResponseInfo, turn: Turn | None, fmt: str | None) -> None:
        self.info = info
        self.turn = turn
        self.fmt = fmt
        self.items: dict[Any, OutputItem] = {}
        self.parts: dict[tuple[int, str], list[str]] = {}
        self.audio_bytes: dict[int, int] = {}


class SessionBuilder:
    """Incremental builder of one input's sessions (see the module docstring)."""

    def __init__(
        self,
        path: str,
        *,
        keep: bool = True,
        prices: Mapping[str, Price] | None = None,
        on_response: Callable[[ResponseInfo], None] | None = None,
    ) -> None:
        self.log = LogModel(path)
        self.keep = keep
        self.prices = price_table() if prices is None else prices
        self.on_response = on_response
        self.clock = Clock()
        self._session: Session | None = None
        self._env_session: str | None = None
        self._created_seen = False
        self._reset_session_state()

    def _reset_session_state(self) -> None:
        self._open: dict[str, _Open] = {}
        self._turn: Turn | None = None
        self._turns_by_item: OrderedDict[str, Turn] = OrderedDict()
        self._anchor: tuple[str, float | None, Turn | None] | None = None
        self._items: OrderedDict[str, ResponseInfo] = OrderedDict()
        self._calls: OrderedDict[str, FunctionCall] = OrderedDict()
        self._barge: dict[int, list[Interruption]] = {}
        self._truncated_by_client: set[str] = set()
        self._in_fmt: str | None = None
        self._out_fmt: str | None = None
        self._create_line: int | None = None
        self._cancel_requested: set[str] = set()
        self._finished: OrderedDict[str, None] = OrderedDict()
        self._pending_text: Turn | None = None  # a client text item the server will echo

    # ----------------------------------------------------------------- sessions

    def _start_session(self, line: int, session_id: str | None) -> Session:
        self._close_session()
        s = Session(len(self.log.sessions) + 1, self.log.path, session_id, first_line=line)
        self.log.sessions.append(s)
        self._session = s
        self._reset_session_state()
        return s

    def _close_session(self) -> None:
        s = self._session
        if s is None:
            return
        for op in list(self._open.values()):
            self._finish_response(s, op)
        self._open.clear()
        for pending in self._barge.values():
            for intr in pending:
                intr.produced_turn = False
        for call in self._calls.values():
            if len(s.unanswered) < _MAX_UNANSWERED_KEPT:
                s.unanswered.append(call)
        self._calls.clear()
        self._session = None

    # ----------------------------------------------------------------- feeding

    def add(self, item: Record | ParseFailure) -> None:
        """Take one loader item, in file order."""
        if isinstance(item, ParseFailure):
            if item.code == "RT006" and item.line == 0:
                self.log.readable = False
            elif item.code in UNREADABLE and item.line > 0:
                self.log.unreadable_lines += 1
            return
        rec = item
        etype = event_type(rec)
        ev = rec.event
        created_id = as_str(as_dict(ev.get("session")).get("id")) if etype == "session.created" else None
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
        assert s is not None
        s.last_line = rec.line
        s.events[etype or "(no type)"] += 1
        t = self.clock.read(rec)
        if t is not None:
            if s.start_ms is None or t < s.start_ms:
                s.start_ms = t
            if s.end_ms is None or t > s.end_ms:
                s.end_ms = t
        if etype is None:
            return
        if s.dialect is None:
            s.dialect = dl.strong_signal(ev, etype)
        handler = _HANDLERS.get(etype)
        if handler is not None:
            handler(self, s, rec, t)
            return
        rid = response_id_of(rec)
        if rid is not None:
            self._response_event(s, rec, etype, rid, t)

    # ----------------------------------------------------------------- session-level events

    def _on_session(self, s: Session, rec: Record, t: float | None) -> None:
        sess = as_dict(rec.event.get("session"))
        model = as_str(sess.get("model"))
        if model:
            s.model = model
        self._in_fmt = audio_format_of(sess, output=False) or self._in_fmt
        self._out_fmt = audio_format_of(sess) or self._out_fmt

    def _on_append(self, s: Session, rec: Record, t: float | None) -> None:
        n = rec.audio_bytes if rec.audio_bytes is not None else audio_length(rec.event.get("audio"))
        if n > 0:
            s.audio_in_events += 1
            s.audio_in_ms += n / bytes_per_ms(self._in_fmt)

    def _new_turn(self, s: Session, kind: str, line: int, item_id: str | None) -> Turn:
        s.turn_count += 1
        turn = Turn(s.turn_count, kind, line, item_id=item_id)
        self._turn = turn
        if item_id is not None:
            self._remember(self._turns_by_item, item_id, turn)
        if self.keep:
            s.turns.append(turn)
        return turn

    def _on_speech_started(self, s: Session, rec: Record, t: float | None) -> None:
        ev = rec.event
        turn = self._new_turn(s, "speech", rec.line, as_str(ev.get("item_id")))
        turn.audio_start_ms = as_int(ev.get("audio_start_ms"))
        turn.t_start = t

    def _on_speech_stopped(self, s: Session, rec: Record, t: float | None) -> None:
        ev = rec.event
        iid = as_str(ev.get("item_id"))
        turn = self._turns_by_item.get(iid) if iid else None
        if turn is None:
            turn = self._turn if self._turn is not None and self._turn.kind == "speech" else None
        if turn is None:  # speech_stopped without its start (a log cut at the front)
            turn = self._new_turn(s, "speech", rec.line, iid)
        turn.audio_end_ms = as_int(ev.get("audio_end_ms"))
        turn.t_end = t
        self._anchor = ("speech", t, turn)

    def _on_committed(self, s: Session, rec: Record, t: float | None) -> None:
        """Server ``input_audio_buffer.committed`` or the client's own ``commit``."""
        iid = as_str(rec.event.get("item_id"))
        client = rec.event.get("type") == "input_audio_buffer.commit"
        turn = self._turns_by_item.get(iid) if iid else None
        cur = self._turn
        # VAD speech not yet committed, or the client's commit that this one echoes
        if (turn is None and cur is not None and not (cur.committed and cur.item_id)
                and ((cur.kind == "speech" and not cur.committed) or (cur.kind == "audio" and not client))):
            turn = cur
        if turn is None:  # audio the client committed itself (no server VAD): a turn without speech
            turn = self._new_turn(s, "audio", rec.line, iid)
            turn.t_start = turn.t_end = t
        if iid and not turn.item_id:
            turn.item_id = iid
            self._remember(self._turns_by_item, iid, turn)
        turn.committed = True

    def _on_transcribed(self, s: Session, rec: Record, t: float | None) -> None:
        ev = rec.event
        iid = as_str(ev.get("item_id"))
        turn = self._turns_by_item.get(iid) if iid else None
        if turn is None:
            return
        if rec.event.get("type", "").endswith(".failed"):
            turn.transcription_failed = as_str(as_dict(ev.get("error")).get("code")) or "failed"
            return
        transcript = as_str(ev.get("transcript"))
        if transcript is not None:
            turn.transcript = transcript[:PREVIEW]
        if turn.t_transcribed is None and t is not None:
            turn.t_transcribed = t
            lat = turn.transcription_latency_ms
            if lat is not None:
                s.transcription_latencies.append(lat)

    def _on_item_create(self, s: Session, rec: Record, t: float | None) -> None:
        """Client conversation.item.create, or the server's echo of an item (created/added)."""
        item = as_dict(rec.event.get("item"))
        itype = as_str(item.get("type"))
        client = rec.event.get("type") == "conversation.item.create"
        if itype == "function_call_output":
            cid = as_str(item.get("call_id"))
            call = self._calls.pop(cid, None) if cid else None
            if call is not None:
                out = item.get("output")
                call.output = (out if isinstance(out, str) else str(out))[:PREVIEW]
                call.output_line = rec.line
                call.t_output = t
                s.answered_calls += 1
            if client or call is not None:
                self._anchor = ("item", t, self._turn)
            return
        if itype == "message" and item.get("role") == "user":
            iid = as_str(item.get("id"))
            if iid and iid in self._turns_by_item:
                return  # the server's echo of an item already seen (or a committed audio item)
            if not client and _has_audio(item):
                return  # a committed speech item: its turn came from speech_started
            if not client and self._pending_text is not None:
                if iid:  # the echo of the client's item, which had no id of its own
                    self._pending_text.item_id = self._pending_text.item_id or iid
                    self._remember(self._turns_by_item, iid, self._pending_text)
                self._pending_text = None
                return
            turn = self._new_turn(s, "text", rec.line, iid)
            self._pending_text = turn if client else None
            turn.text = _content_text(item)
            turn.t_start = turn.t_end = t
            if client or self._anchor is None:
                self._anchor = ("item", t, turn)

    def _on_response_create(self, s: Session, rec: Record, t: float | None) -> None:
        self._create_line = rec.line
        a = self._anchor
        if a is None or a[0] != "speech":
            self._anchor = ("create", t, self._turn)

    def _on_response_cancel(self, s: Session, rec: Record, t: float | None) -> None:
        rid = as_str(rec.event.get("response_id"))
        if rid:
            self._cancel_requested.add(rid)
        else:
            self._cancel_requested.update(self._open)

    def _on_truncate(self, s: Session, rec: Record, t: float | None) -> None:
        ev = rec.event
        iid = as_str(ev.get("item_id"))
        client = ev.get("type") == "conversation.item.truncate"
        if iid is None:
            return
        if not client and iid in self._truncated_by_client:
            return  # the server confirming the client's truncate: counted once
        if client:
            self._truncated_by_client.add(iid)
        info = self._items.get(iid)
        if info is None:
            return
        intr = info.interruption
        if intr is None:
            intr = Interruption(info.id, "truncated", rec.line, item_id=iid)
            intr.audio_generated_ms = info.audio_out_ms
            info.interruption = intr
            self._count_interruption(s, intr, rec.line)
        intr.item_id = iid
        intr.audio_heard_ms = float(end) if (end := as_int(ev.get("audio_end_ms"))) is not None else None
        intr.truncated_by = "client" if client else "server"
        intr.truncate_line = rec.line

    def _on_error(self, s: Session, rec: Record, t: float | None) -> None:
        err = as_dict(rec.event.get("error"))
        key = as_str(err.get("code")) or as_str(err.get("type")) or "(no code)"
        s.errors[key[:200]] += 1

    # ----------------------------------------------------------------- responses

    def _response_event(self, s: Session, rec: Record, etype: str, rid: str, t: float | None) -> None:
        op = self._open.get(rid)
        if op is None:
            if etype not in ("response.created", "response.done", "realtime.response") and rid in self._finished:
                return  # a late event of a finished response (e.g. output_audio_buffer.stopped)
            op = self._start_response(s, rec, rid, t)
        info = op.info
        info.last_line = max(info.last_line, rec.line)
        if info.dialect is None:
            info.dialect = dl.strong_signal(rec.event, etype)
        ev = rec.event
        if etype == "response.created":
            info.t_created = t
            return
        if etype in FIRST_OUTPUT and info.t_first_output is None:
            info.t_first_output = t
        if etype in ("response.done", "realtime.response"):
            obj = ev if etype == "realtime.response" else as_dict(ev.get("response"))
            info.t_done = t
            info.done_line = rec.line
            self._apply_done(s, op, obj)
            self._finish_response(s, op)
            del self._open[rid]
            return
        if etype in ("response.output_item.added", "response.output_item.done"):
            self._merge_item(op, ev.get("output_index"), as_dict(ev.get("item")), rec.line)
            return
        if etype in AUDIO_DELTAS:
            n = rec.audio_bytes if rec.audio_bytes is not None else audio_length(ev.get("delta"))
            if n > 0:
                slot = as_int(ev.get("output_index")) or 0
                op.audio_bytes[slot] = op.audio_bytes.get(slot, 0) + n
                s.audio_out_events += 1
            return
        idx = as_int(ev.get("output_index"))
        key = idx if idx is not None else -1
        if etype in TEXT_DELTAS or etype in TRANSCRIPT_DELTAS or etype in ARGS_DELTAS:
            delta = ev.get("delta")
            if isinstance(delta, str):
                name = "text" if etype in TEXT_DELTAS else "transcript" if etype in TRANSCRIPT_DELTAS else "arguments"
                parts = op.parts.setdefault((key, name), [])
                if sum(map(len, parts)) < PREVIEW:
                    parts.append(delta)
        elif etype in TEXT_DONES or etype in TRANSCRIPT_DONES:
            it = self._item(op, key, as_str(ev.get("item_id")))
            value = ev.get("text" if etype in TEXT_DONES else "transcript")
            if isinstance(value, str):
                setattr(it, "text" if etype in TEXT_DONES else "transcript", value[:PREVIEW])
        elif etype in ARGS_DONES:
            it = self._item(op, key, as_str(ev.get("item_id")))
            call = self._call(op, it, rec.line)
            call.name = as_str(ev.get("name")) or call.name
            call.arguments = (as_str(ev.get("arguments")) or call.arguments or "")[:PREVIEW]
            self._register_call(call, as_str(ev.get("call_id")))

    def _start_response(self, s: Session, rec: Record, rid: str, t: float | None) -> _Open:
        info = ResponseInfo(rid, self.log.path, s.index, first_line=rec.line, model=s.model)
        anchor, self._anchor = self._anchor, None
        turn = self._turn
        if anchor is not None:
            info.trigger, info.t_anchor = anchor[0], anchor[1]
            turn = anchor[2] or turn
        if rec.event.get("type") == "response.created" and self._create_line is not None:
            info.first_line = min(self._create_line, rec.line)
        self._create_line = None
        if turn is not None:
            info.turn_index = turn.index
            turn.response_ids.append(rid)
            for intr in self._barge.pop(turn.index, []):
                intr.produced_turn = True
                s.barge_ins_producing_turns += 1
        fmt = audio_format_of(as_dict(rec.event.get("response"))) or self._out_fmt
        op = _Open(info, turn, fmt)
        self._open[rid] = op
        return op

    def _item(self, op: _Open, key: Any, item_id: str | None) -> OutputItem:
        it = op.items.get(key)
        if it is None:
            it = OutputItem(key if isinstance(key, int) and key >= 0 else None, item_id, None)
            op.items[key] = it
        if item_id and not it.id:
            it.id = item_id
        return it

    def _call(self, op: _Open, it: OutputItem, line: int) -> FunctionCall:
        if it.call is None:
            it.call = FunctionCall(None, None, None, item_id=it.id, response_id=op.info.id, line=line)
            it.type = it.type or "function_call"
        return it.call

    def _register_call(self, call: FunctionCall, call_id: str | None) -> None:
        if call_id and call.call_id is None:
            call.call_id = call_id
            self._remember(self._calls, call_id, call, _MAX_CALLS)

    def _merge_item(self, op: _Open, index: Any, item: dict[str, Any], line: int) -> None:
        idx = as_int(index)
        it = self._item(op, idx if idx is not None else -1, as_str(item.get("id")))
        it.type = as_str(item.get("type")) or it.type
        it.status = as_str(item.get("status")) or it.status
        if it.id:
            self._remember(self._items, it.id, op.info, _MAX_ITEMS)
        for part in item.get("content") or []:
            if isinstance(part, dict):
                if isinstance(part.get("text"), str) and part.get("type") in ("text", "output_text"):
                    it.text = part["text"][:PREVIEW]
                if isinstance(part.get("transcript"), str):
                    it.transcript = part["transcript"][:PREVIEW]
        if it.type in ("function_call", "mcp_call"):
            call = self._call(op, it, line)
            call.item_id = it.id
            call.name = as_str(item.get("name")) or call.name
            args = item.get("arguments")
            if isinstance(args, str) and args:
                call.arguments = args[:PREVIEW]
            self._register_call(call, as_str(item.get("call_id")))

    def _apply_done(self, s: Session, op: _Open, obj: dict[str, Any]) -> None:
        info = op.info
        info.status = as_str(obj.get("status")) or "unknown"
        sd = as_dict(obj.get("status_details"))
        err = as_dict(sd.get("error"))
        info.reason = as_str(sd.get("reason")) or as_str(err.get("code")) or as_str(err.get("type"))
        info.error_type = as_str(err.get("type"))
        info.error_message = (as_str(err.get("message")) or "")[:PREVIEW] or None
        output = obj.get("output")
        if isinstance(output, list):
            for i, item in enumerate(output):
                if isinstance(item, dict):
                    self._merge_item(op, i, item, info.done_line or 0)
        usage = obj.get("usage")
        if isinstance(usage, dict):
            info.usage = _usage(usage)
            price = lookup(self.prices, s.model)
            if price is not None:
                info.cost_usd = usage_cost(price, usage)

    def _finish_response(self, s: Session, op: _Open) -> None:
        """The response is done (or its session ended): fill the last figures, count, emit."""
        info = op.info
        for (key, name), parts in op.parts.items():
            it = self._item(op, key, None)
            if name == "arguments":
                call = self._call(op, it, info.last_line)
                call.arguments = call.arguments or "".join(parts)[:PREVIEW]
            elif getattr(it, name) is None:
                setattr(it, name, "".join(parts)[:PREVIEW])
        op.parts.clear()
        per_ms = bytes_per_ms(op.fmt)
        total_audio = 0.0
        for key, n in op.audio_bytes.items():
            ms = n / per_ms
            total_audio += ms
            self._item(op, key, None).audio_ms = ms
        if op.audio_bytes:
            info.audio_out_ms = total_audio
            s.audio_out_ms += total_audio
        info.items = sorted(op.items.values(), key=lambda it: (it.index is None, it.index or 0))
        for it in info.items:
            if it.id:
                self._remember(self._items, it.id, info, _MAX_ITEMS)
            if it.call is not None:
                s.call_count += 1
                if it.call.call_id is None:  # a call without id can never be answered
                    self._remember(self._calls, f"(no call_id) {info.id} {it.index}", it.call, _MAX_CALLS)
        s.response_count += 1
        s.statuses[info.shown_status] += 1
        if info.status not in (None, "completed"):
            s.failure_reasons[f"{info.status}: {info.reason or 'no reason given'}"] += 1
        if info.status == "cancelled":
            reason = info.reason or ("client_cancelled" if info.id in self._cancel_requested else "cancelled")
            intr = Interruption(info.id, reason, info.done_line or info.last_line)
            intr.audio_generated_ms = info.audio_out_ms
            audio_items = [it for it in info.items if it.audio_ms is not None or it.type == "message"]
            intr.item_id = audio_items[0].id if audio_items else None
            info.interruption = intr
            self._count_interruption(s, intr, info.first_line)
        self._cancel_requested.discard(info.id)
        self._remember(self._finished, info.id, None)
        if info.usage is not None:
            s.usage.add(info.usage)
            s.cost.add(_cost_of(info, s.model))
        lat = info.latency_ms
        if lat is not None:
            s.latencies.append(lat)
        if self.keep:
            s.responses.append(info)
        if self.on_response is not None:
            self.on_response(info)

    def _count_interruption(self, s: Session, intr: Interruption, since_line: int) -> None:
        s.interruption_count += 1
        if self.keep:
            s.interruptions.append(intr)
        turn = self._turn
        if turn is not None and turn.kind == "speech" and turn.line >= since_line:
            intr.barge_in_turn = turn.index
            if turn.response_ids:
                intr.produced_turn = True
                s.barge_ins_producing_turns += 1
            else:
                self._barge.setdefault(turn.index, []).append(intr)

    @staticmethod
    def _remember(index: OrderedDict[str, Any], key: str, value: Any, cap: int = _MAX_ITEMS) -> None:
        index[key] = value
        index.move_to_end(key)
        while len(index) > cap:
            index.popitem(last=False)

    def open_first_line(self) -> int | None:
        """The first line of the earliest response still open (None: none is open)."""
        return min((op.info.first_line for op in self._open.values()), default=None)

    # ----------------------------------------------------------------- end

    def finish(self, diagnostics: list[Any] | None = None, dialect: str | None = None) -> LogModel:
        """End of input: close the last session, attribute diagnostics (by line) to sessions."""
        self._close_session()
        log = self.log
        log.dialect = dialect or next((s.dialect for s in log.sessions if s.dialect), None)
        log.clock = self.clock.description
        for d in diagnostics or ():
            for s in log.sessions:
                if s.first_line <= d.line <= s.last_line:
                    s.diagnostics[d.code] += 1
                    break
        for s in log.sessions:
            s.dialect = s.dialect or log.dialect
        return log


def _cost_of(info: ResponseInfo, model: str | None) -> Cost:
    c = Cost()
    if info.cost_usd is not None:
        c.usd = info.cost_usd
        c.priced_responses = 1
    else:
        c.unpriced_responses = 1
        c.unpriced[model or "(model not in the log)"] += 1
    return c


def _usage(u: dict[str, Any]) -> TokenUsage:
    idet, odet = as_dict(u.get("input_token_details")), as_dict(u.get("output_token_details"))
    cdet = as_dict(idet.get("cached_tokens_details"))

    def n(d: dict[str, Any], key: str) -> int:
        v = as_int(d.get(key))
        return v if v is not None and v > 0 else 0

    return TokenUsage(
        input=n(u, "input_tokens"), output=n(u, "output_tokens"), total=n(u, "total_tokens"),
        cached=n(idet, "cached_tokens"), input_text=n(idet, "text_tokens"), input_audio=n(idet, "audio_tokens"),
        input_image=n(idet, "image_tokens"), cached_text=n(cdet, "text_tokens"), cached_audio=n(cdet, "audio_tokens"),
        cached_image=n(cdet, "image_tokens"), output_text=n(odet, "text_tokens"), output_audio=n(odet, "audio_tokens"),
    )


def _content_text(item: dict[str, Any]) -> str | None:
    texts = [p.get("text") or p.get("transcript") for p in item.get("content") or [] if isinstance(p, dict)]
    joined = " ".join(t for t in texts if isinstance(t, str))
    return joined[:PREVIEW] if joined else None


def _has_audio(item: dict[str, Any]) -> bool:
    return any(isinstance(p, dict) and p.get("type") in ("input_audio", "audio") for p in item.get("content") or [])


_Handler = Callable[[SessionBuilder, Session, Record, "float | None"], None]
_HANDLERS: dict[str, _Handler] = {
    "session.created": SessionBuilder._on_session,
    "session.updated": SessionBuilder._on_session,
    "session.update": SessionBuilder._on_session,
    "input_audio_buffer.append": SessionBuilder._on_append,
    "input_audio_buffer.speech_started": SessionBuilder._on_speech_started,
    "input_audio_buffer.speech_stopped": SessionBuilder._on_speech_stopped,
    "input_audio_buffer.committed": SessionBuilder._on_committed,
    "input_audio_buffer.commit": SessionBuilder._on_committed,
    "conversation.item.input_audio_transcription.completed": SessionBuilder._on_transcribed,
    "conversation.item.input_audio_transcription.failed": SessionBuilder._on_transcribed,
    "conversation.item.create": SessionBuilder._on_item_create,
    "conversation.item.created": SessionBuilder._on_item_create,
    "conversation.item.added": SessionBuilder._on_item_create,
    "response.create": SessionBuilder._on_response_create,
    "response.cancel": SessionBuilder._on_response_cancel,
    "conversation.item.truncate": SessionBuilder._on_truncate,
    "conversation.item.truncated": SessionBuilder._on_truncate,
    "error": SessionBuilder._on_error,
}
