"""What ``show`` needs around one response: its turn, model, timings and the tool outputs.

The response's own records come from :mod:`realtime_cli.session.locate` (a byte search, no full
parse). Its context comes from two regions before it, read a block at a time:

* a window of every line, back to the second earlier ``response.done`` (a function-call round
  trip) and at most :data:`WINDOW` bytes;
* before that window, back to its session's start (``session.created``, or the file's start)
  and at most :data:`TURN_SCAN` bytes, only the lines that can start, close or claim a turn
  (found by their bytes: speech, commits, conversation items, ``response.create(d)``, the
  session's own events), fed to :meth:`SessionBuilder.skim` (turns only, no responses built).
  The builder then numbers turns as a full read does, and the turn a follow-up response
  answers is found however many responses back it began.

When the session starts further back than :data:`TURN_SCAN`, the turn's number is not counted
(:attr:`Context.turn_counted` is False; the view says so) rather than numbered from the window.
The lines after the response that carry its call ids (the ``function_call_output`` sent back)
are read too. Gzip, JSON-array and piped inputs cannot be searched by bytes and are read again
in full, through the same builder, so both paths give the same turn.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from realtime_cli.logs.loader import Record, iter_file, line_runs
from realtime_cli.session.builder import SessionBuilder
from realtime_cli.session.locate import ScanCounter, _Searched, count_newlines, mappable
from realtime_cli.session.model import ResponseInfo, Session, Turn
from realtime_cli.session.prices import Price

WINDOW = 16 << 20
"""Bytes read before a response, at most, to find the turn that triggered it."""
TURN_SCAN = 64 << 20
"""Bytes before the window searched, at most, for the lines that number turns. ``show``'s
promise is to be quick on any log (a fraction of a full validate); numbering a turn of a
session that began more than this far back costs seconds per 100 MB, so such a turn is shown
unnumbered, with the reason, and ``ls``/``stats`` (which read the whole log) number it."""
_BACK = 2  # earlier response.done lines the window reaches back over
_BLOCK = 4 << 20
# The lines a turn or a response's start depends on (see the module docstring).
_TURN_NEEDLES = (
    b'"input_audio_buffer.speech_', b'"input_audio_buffer.commit', b'"conversation.item.create',
    b'"conversation.item.added"', b'"conversation.item.input_audio_transcription.', b'"response.create',
    b'"session.',
)
_ECHOES = (b'"conversation.item.added"', b'"conversation.item.created"')


def _turn_line(line: bytes | bytearray | memoryview) -> bool:
    """False for the server's echo of an item that is not the user's (most of them): only a
    user message can start a turn there."""
    data = bytes(line[:4096]) if len(line) > 4096 else bytes(line)
    if any(e in data for e in _ECHOES) and b'"conversation.item.create"' not in data:
        return b'"user"' in line
    return True
_CALL_HITS = 50  # lines holding a call id read after the response, at most


@dataclass(slots=True)
class Context:
    """The session model's view of one response."""

    info: ResponseInfo | None = None
    turn: Turn | None = None
    session: Session | None = None
    clock: str | None = None
    read: bool = True
    """False for standard input: it was read once, by the search, and cannot be read again for
    the turn, the model or the timings (the view says so instead of "not in the log")."""
    turn_counted: bool = True
    """False when the session began more than :data:`TURN_SCAN` bytes before the response:
    the turn was found but its number within the session is not known."""


def response_context(
    path: str,
    records: list[Record],
    rid: str,
    counter: ScanCounter,
    max_line_bytes: int,
    prices: Mapping[str, Price] | None = None,
    session_number: int | None = None,
) -> Context:
    """Build the context of response ``rid`` (whose records, in file order, are ``records``).
    ``session_number``: its session's number in the file, when the byte search counted it (the
    window read here starts at that session, which the builder would number 1)."""
    out = Context()

    def capture(info: ResponseInfo) -> None:
        if info.id == rid:
            out.info = info

    builder = SessionBuilder(path, keep=True, prices=prices, on_response=capture)
    if records and mappable(path) and records[0].offset >= 0:
        try:
            out.turn_counted = _feed_window(builder, path, records, counter, max_line_bytes)
        except OSError:
            return out
    elif path != "-":
        for item in iter_file(path, max_line_bytes):
            builder.add(item)
    else:
        out.read = False  # stdin was read once already
        return out
    log = builder.finish()
    windowed = records and mappable(path) and records[0].offset >= 0
    if windowed and session_number is not None and session_number > 1:
        shift = session_number - 1
        for s in log.sessions:
            s.index += shift
        for r in [out.info] if out.info is not None else []:
            r.session_index += shift
    intr = out.info.interruption if out.info is not None else None
    if windowed and intr is not None and intr.barge_in_turn is not None and intr.produced_turn is False:
        # The window ends with the response: whether the barge-in got a response is after it.
        try:
            intr.produced_turn = _barge_in_answered(path, records, counter, max_line_bytes)
        except OSError:
            intr.produced_turn = None
    if out.info is not None:
        session = next((s for s in log.sessions if s.index == out.info.session_index), None)
        out.session = session
        if session is not None and out.info.turn_index is not None:
            out.turn = next((t for t in session.turns if t.index == out.info.turn_index), None)
    out.clock = log.clock
    return out


def _feed_window(builder: SessionBuilder, path: str, records: list[Record], counter: ScanCounter, max_line_bytes: int) -> bool:
    """Feed the lines before, of and after the response; False if turns could not be counted."""
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
        s_start = m.line_bounds(created)[0] if created >= 0 else 0
        counted = True
        start = max(start, s_start)
        first_line = records[0].line - m.newlines(start, first)
        if s_start < start:
            if start - s_start <= TURN_SCAN:
                line = first_line - m.newlines(s_start, start)
                for rec in _records(m, s_start, start, line, _TURN_NEEDLES, _turn_line):
                    builder.skim(rec)
            else:  # the session began too far back: its first line still names the model
                counted = False
                c_end = m.line_bounds(s_start)[1]
                for rec in _records(m, s_start, c_end, first_line - m.newlines(s_start, start)):
                    builder.add(rec)
        # The response's own lines are parsed already: fed as they are, not read again (a
        # 60 MB audio line would be held twice).
        pos, line, prev = start, first_line, -1
        for rec in records:
            if rec.offset == prev:  # another event of the same line
                builder.add(rec)
                continue
            if rec.offset < pos:
                continue
            for other in _records(m, pos, rec.offset, line):
                builder.add(other)
            builder.add(rec)
            prev, line = rec.offset, rec.line + 1
            pos = m.line_bounds(rec.offset)[1] + 1
        for other in _records(m, pos, last_end, line):
            builder.add(other)
        _feed_call_outputs(builder, m, records, last_end, records[-1].line)
        return counted


_NEXT_NEEDLES = (b'"response.created"', b'"input_audio_buffer.speech_started"', b'"session.created"',
                 b'"conversation.item.create"')


def _barge_in_answered(path: str, records: list[Record], counter: ScanCounter, max_line_bytes: int) -> bool | None:
    """Whether the user's speech that interrupted the response got a response of its own, read
    after the response as the builder would: yes at the next ``response.created``, no once
    another turn or session starts first (or the log ends); None past :data:`WINDOW` bytes."""
    with open(path, "rb", buffering=0) as fh:
        m = _Searched(fh, os.fstat(fh.fileno()).st_size, path, counter, max_line_bytes)
        after = m.line_bounds(records[-1].offset)[1] + 1
        bound = min(m.size, after + WINDOW)
        for rec in _records(m, after, bound, records[-1].line + 1, _NEXT_NEEDLES):
            etype = rec.event.get("type")
            if etype == "response.created":
                return True
            item = rec.event.get("item")
            if etype != "conversation.item.create" or (isinstance(item, dict) and item.get("role") == "user"):
                return False
        return False if bound >= m.size else None


class _Range:
    """Bytes ``[lo, hi)`` of an unbuffered file, as a file from offset 0 (for ``line_runs``)."""

    def __init__(self, f: Any, lo: int, hi: int) -> None:
        self.f, self.lo, self.hi, self.pos = f, lo, hi, 0

    def seek(self, pos: int) -> None:
        self.pos = pos
        self.f.seek(self.lo + pos)

    def readinto(self, view: memoryview) -> int:
        n = min(len(view), self.hi - self.lo - self.pos)
        if n <= 0:
            return 0
        got: int = self.f.readinto(view[:n]) or 0
        self.pos += got
        return got


def _line_starts(buf: bytearray, begin: int, end: int, needles: tuple[bytes, ...]) -> list[int]:
    """Starts of the lines of ``buf[begin:end]`` that hold one of ``needles``, in order."""
    found: set[int] = set()
    for needle in needles:
        pos = buf.find(needle, begin, end)
        while pos >= 0:
            found.add(max(begin, buf.rfind(b"\n", begin, pos) + 1))
            stop = buf.find(b"\n", pos, end)
            if stop < 0:
                break
            pos = buf.find(needle, stop + 1, end)
    return sorted(found)


def _records(
    m: _Searched, start: int, end: int, line: int, needles: tuple[bytes, ...] | None = None,
    keep: Callable[[memoryview], bool] | None = None,
) -> Iterator[Record]:
    """The records of the lines in ``[start, end)``, numbered from ``line``, a block at a time
    (lines over the length limit skipped); with ``needles``, only the lines holding one."""
    for base, buf, begin, stop, skipped in line_runs(_Range(m.f, start, end), max_line=m.max_line_bytes, block=_BLOCK):
        line += skipped
        starts = _line_starts(buf, begin, stop, needles) if needles is not None else None
        pos, counted = begin, begin
        while pos < stop:
            if starts is not None:
                if not starts:
                    break
                pos = starts.pop(0)
                line += count_newlines(buf, counted, pos)
                counted = pos
            nl = buf.find(b"\n", pos, stop)
            eol = stop if nl < 0 else nl
            if eol > pos:
                at = start + base + pos
                with memoryview(buf) as whole, whole[pos:eol] as view:
                    value = m.parse(at, start + base + eol, view) if keep is None or keep(view) else None
                rec = m.record(at, value, line) if value is not None else None
                if rec is not None:
                    yield rec
            if starts is None:
                line += 1
                counted = pos = eol + 1
        line += count_newlines(buf, counted, stop)


def _feed_call_outputs(builder: SessionBuilder, m: _Searched, records: list[Record], after: int, line_at: int) -> None:
    """Feed the lines after the response that name one of its call ids (the output sent back)
    or truncate one of its items (the audio heard), as a full read would have fed them."""
    call_ids: list[str] = []
    item_ids: list[str] = []

    def add(ids: list[str], v: Any) -> None:
        if isinstance(v, str) and v not in ids:
            ids.append(v)

    for rec in records:
        add(call_ids, rec.event.get("call_id"))
        add(item_ids, rec.event.get("item_id"))
        item = rec.event.get("item")
        if isinstance(item, dict):
            add(call_ids, item.get("call_id"))
            add(item_ids, item.get("id"))
        resp = rec.event.get("response")
        for it in (resp.get("output") if isinstance(resp, dict) else None) or []:
            if isinstance(it, dict):
                add(call_ids, it.get("call_id"))
                add(item_ids, it.get("id"))
    calls: set[tuple[int, int]] = set()  # lines naming a call id: fed whatever they are
    truncates: set[tuple[int, int]] = set()  # lines naming an item id: fed if a truncate
    for ident, is_call in [(cid, True) for cid in call_ids[:20]] + [(iid, False) for iid in item_ids[:20]]:
        needle = f'"{ident}"'.encode("utf-8", "surrogatepass")
        pos = after
        for _ in range(_CALL_HITS):
            pos = m.find(needle, pos, m.size)
            if pos < 0:
                break
            bounds = m.line_bounds(pos)
            if is_call:
                calls.add(bounds)
            elif m.find(b'"conversation.item.truncate', bounds[0], bounds[1]) >= 0:
                truncates.add(bounds)
            pos = bounds[1] + 1
    last, line = after, line_at
    for s, e in sorted(calls | truncates):
        line += m.newlines(last, s)
        last = s
        for rec in _records(m, s, e, line):
            if (s, e) in calls or rec.event.get("type") in _TRUNCATES:
                builder.add(rec)


_TRUNCATES = ("conversation.item.truncate", "conversation.item.truncated")
