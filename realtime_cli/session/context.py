"""What ``show`` needs around one response: its turn, model, timings and the tool outputs.

The response's own records come from :mod:`realtime_cli.session.locate` (a byte search, no full
parse). Its context comes from a bounded window before it: back to the second earlier
``response.done`` (which covers the turn that triggered it and a function-call round trip),
never past its session's ``session.created`` and at most :data:`WINDOW` bytes, plus that
``session.created`` line itself (the model) and the lines after the response that carry its
call ids (the ``function_call_output`` sent back). Gzip, JSON-array and piped inputs cannot be
searched by bytes and are read again in full, through the same builder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from realtime_cli.logs.loader import ParseFailure, Record, iter_file
from realtime_cli.session.builder import SessionBuilder
from realtime_cli.session.locate import ScanCounter, _Searched, mappable
from realtime_cli.session.model import ResponseInfo, Session, Turn
from realtime_cli.session.prices import Price

WINDOW = 16 << 20
"""Bytes read before a response, at most, to find the turn that triggered it."""
_BACK = 2  # earlier response.done lines the window reaches back over
_CALL_HITS = 50  # lines holding a call id read after the response, at most


@dataclass(slots=True)
class Context:
    """The session model's view of one response."""

    info: ResponseInfo | None = None
    turn: Turn | None = None
    session: Session | None = None
    clock: str | None = None


def response_context(
    path: str,
    records: list[Record],
    rid: str,
    counter: ScanCounter,
    max_line_bytes: int,
    prices: Mapping[str, Price] | None = None,
) -> Context:
    """Build the context of response ``rid`` (whose records, in file order, are ``records``)."""
    out = Context()

    def capture(info: ResponseInfo) -> None:
        if info.id == rid:
            out.info = info

    builder = SessionBuilder(path, keep=True, prices=prices, on_response=capture)
    if records and mappable(path) and records[0].offset >= 0:
        try:
            _feed_window(builder, path, records, counter, max_line_bytes)
        except OSError:
            return out
    elif path != "-":
        for item in iter_file(path, max_line_bytes):
            builder.add(item)
    else:
        return out  # stdin was read once already
    log = builder.finish()
    if out.info is not None:
        session = next((s for s in log.sessions if s.index == out.info.session_index), None)
        out.session = session
        if session is not None and out.info.turn_index is not None:
            out.turn = next((t for t in session.turns if t.index == out.info.turn_index), None)
    out.clock = log.clock
    return out


def _feed_window(builder: SessionBuilder, path: str, records: list[Record], counter: ScanCounter, max_line_bytes: int) -> None:
    with open(path, "rb", buffering=0) as fh:
        m = _Searched(fh, os.fstat(fh.fileno()).st_size, path, counter, max_line_bytes)
        first = records[0].offset
        _, last_end = m.line_bounds(records[-1].offset)
        start = first
        for _ in range(_BACK):
            pos = m.rfind(b'"response.done"', 0, start)
            if pos < 0:
                start = 0
                break
            start = m.line_bounds(pos)[0]
        start = max(start, m.line_bounds(max(0, first - WINDOW))[0])
        created = m.rfind(b'"session.created"', 0, first)
        if created >= 0:
            c_start, c_end = m.line_bounds(created)
            if c_start >= start:
                start = c_start
            else:  # the session began earlier: its first line still names the model
                line = records[0].line - m.newlines(c_start, first)
                for rec in _records(m, c_start, c_end, line):
                    builder.add(rec)
        first_line = records[0].line - m.newlines(start, first)
        for rec in _records(m, start, last_end, first_line):
            builder.add(rec)
        _feed_call_outputs(builder, m, records, last_end, records[-1].line)


def _records(m: _Searched, start: int, end: int, line: int) -> Iterator[Record]:
    """The records of the lines in ``[start, end)``, numbered from ``line``."""
    data = m.read(start, end)
    pos = 0
    while pos <= len(data):
        nl = data.find(b"\n", pos)
        stop = len(data) if nl < 0 else nl
        if stop > pos and stop - pos <= m.max_line_bytes:
            value = m.parse(start + pos, start + stop, bytes(data[pos:stop]))
            rec = m.record(start + pos, value, line) if value is not None else None
            if rec is not None:
                yield rec
        if nl < 0:
            break
        pos = nl + 1
        line += 1


def _feed_call_outputs(builder: SessionBuilder, m: _Searched, records: list[Record], after: int, line_at: int) -> None:
    """Feed the lines after the response that name one of its call ids."""
    call_ids: list[str] = []
    for rec in records:
        for key in ("call_id",):
            v = rec.event.get(key)
            if isinstance(v, str) and v not in call_ids:
                call_ids.append(v)
        item = rec.event.get("item")
        if isinstance(item, dict) and isinstance(item.get("call_id"), str) and item["call_id"] not in call_ids:
            call_ids.append(item["call_id"])
        resp = rec.event.get("response")
        for it in (resp.get("output") if isinstance(resp, dict) else None) or []:
            if isinstance(it, dict) and isinstance(it.get("call_id"), str) and it["call_id"] not in call_ids:
                call_ids.append(it["call_id"])
    hits: list[tuple[int, int]] = []
    for cid in call_ids[:20]:
        needle = f'"{cid}"'.encode("utf-8", "surrogatepass")
        pos = after
        for _ in range(_CALL_HITS):
            pos = m.find(needle, pos, m.size)
            if pos < 0:
                break
            bounds = m.line_bounds(pos)
            hits.append(bounds)
            pos = bounds[1] + 1
    last, line = after, line_at
    for s, e in sorted(set(hits)):
        line += m.newlines(last, s)
        last = s
        for rec in _records(m, s, e, line):
            if not isinstance(rec, ParseFailure):
                builder.add(rec)
