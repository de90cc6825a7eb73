"""Exact splits of one log at its session boundaries, for ``--jobs``.

The consistency rules keep state (open responses, known items, call ids, the session's
config) for the length of a session, and start afresh at every ``session.created`` (or
``transcription_session.created``): the engine closes the previous session there (its
unfinished responses are reported) and builds new rule state (see
:meth:`realtime_cli.consistency.ConsistencyChecker._session_boundary`). No rule state crosses
that line, so a log that holds several sessions can be validated as independent byte ranges,
each starting at a session start, in parallel, with exactly the findings of one sequential pass.

What does cross a session boundary is per-input and is reconciled here:

- the dialect, decided once per input by its first strong signal: the ranges after the first
  take the decision of the sequential pass (:func:`early_signal`), so a file is split only
  when that signal comes early (within the window the engine would buffer);
- the notes given once per input (RT201 mixed dialects, RT203, RT801, RT802, RT803, and RT103
  once per legacy event name): the first, in file order, is kept (:func:`merge`);
- line numbers and byte offsets: every range is read with its file-wide first line number and
  offset, so messages that cite another line ("after its response.done (line N)") are right;
- the summary: events are summed, responses counted over the union of the ranges' ids.

A single-session log has no such boundary and is not split here.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from realtime_cli import loader
from realtime_cli.diagnostics import Diagnostic, FileSummary
from realtime_cli.loader import ParseFailure, Record

_NEEDLE = b"session.created"  # also found in transcription_session.created
# Codes a sequential pass reports at most once per input (RT103: once per event name, which
# its message carries).
ONCE_PER_INPUT = frozenset({"RT201", "RT203", "RT801", "RT802", "RT803"})
_COUNT_BLOCK = 4 * 1024 * 1024
_MAX_START_LINE = 1024 * 1024  # a session.created line is a few KB

Outcome = tuple[FileSummary, list[Diagnostic]]


def session_offsets(path: str) -> list[tuple[int, int]]:
    """``(byte offset, line number)`` of the lines that start a session, after the first line."""
    return list(iter_session_starts(path))


def iter_session_starts(path: str) -> Iterator[tuple[int, int]]:
    """:func:`session_offsets`, lazily: each start as soon as the scan reaches it.

    A candidate is any line containing ``session.created``; it counts only when it parses as
    one object whose event (after unwrapping the log's envelope) has that type, so the same
    words inside instructions or transcripts do not split anything. One buffered pass that
    counts newlines as it goes (no mmap: mapped pages would count as this process's memory).
    """
    needle = _NEEDLE
    base = 0  # file offset of buf[0]; buf always starts at a line start
    lines = 0  # newlines before buf[0]
    buf = b""
    skipping = False  # inside a line too long to be a session start
    with open(path, "rb") as f:
        while True:
            block = f.read(_COUNT_BLOCK)
            if not block:
                break
            if skipping:
                nl = block.find(b"\n")
                if nl < 0:
                    base += len(block)
                    continue
                skipping = False
                base += nl + 1
                lines += 1
                block = block[nl + 1:]
            buf = buf + block if buf else block
            last = buf.rfind(b"\n")
            if last < 0:
                if len(buf) > _MAX_START_LINE:
                    base += len(buf)
                    buf = b""
                    skipping = True
                continue
            hit = buf.find(needle, 0, last)
            counted = 0  # position up to which newlines are counted into ``lines``
            while hit >= 0:
                start = buf.rfind(b"\n", 0, hit) + 1
                stop = buf.find(b"\n", hit)
                if start + base > 0 and stop - start <= _MAX_START_LINE and _starts_session(buf[start:stop]):
                    lines += buf.count(b"\n", counted, start)
                    counted = start
                    yield base + start, lines + 1
                hit = buf.find(needle, stop, last)
            lines += buf.count(b"\n", counted, last + 1)
            base += last + 1
            buf = buf[last + 1:]


def _starts_session(line: bytes) -> bool:
    body = line.strip()
    if not body.startswith(b"{"):
        return False  # a BOM or an array bracket: the loader treats such a line specially
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    if type(value) is not dict:
        return False
    from realtime_cli.consistency import SESSION_START

    event = loader.unwrap(value)[0]
    return event is not None and event.get("type") in SESSION_START


def plan(path: str, jobs: int, min_bytes: int) -> list[tuple[int, int, int]]:
    """:func:`iter_plan` as a list; ``[]`` when it would be one range (nothing to split)."""
    out = list(iter_plan(path, jobs, min_bytes))
    return out if len(out) > 1 else []


def iter_plan(path: str, jobs: int, min_bytes: int) -> Iterator[tuple[int, int, int]]:
    """``(start, end, first line number)`` ranges covering the file, each a run of whole sessions.

    Consecutive sessions are grouped until a range holds about ``1/(8*jobs)`` of the file (at
    least ``min_bytes``), so that a few workers stay busy without many tiny tasks. Lazy: a
    range is yielded as soon as the scan finds its end, so its worker starts while the scan
    goes on. A log of one session is one range.
    """
    size = os.path.getsize(path)
    target = max(min_bytes, size // max(1, 8 * jobs))
    start, first = 0, 1
    for off, line in iter_session_starts(path):
        if off - start >= target and size - off >= min_bytes // 2:
            yield start, off, first
            start, first = off, line
    yield start, size, first


def early_signal(path: str, config: Any) -> tuple[str, int] | None:
    """The dialect the engine will decide for ``path`` and the line that decides it.

    The engine decides at the first strong signal unless its pending buffer fills first; this
    scan stops well before that buffer could fill, so a signal found here is the one the
    engine uses. None: no early signal (such a file is not split).
    """
    from realtime_cli import dialect as dl
    from realtime_cli.validate import AUDIO_FIELDS, audio_length

    records = weight = 0
    for item in loader.iter_file(path, config.max_line_bytes):
        if type(item) is not Record:
            continue
        ev = item.event
        etype = "realtime.response" if item.envelope == "response" else ev.get("type")
        if type(etype) is not str:
            continue
        sig = dl.strong_signal(ev, etype)
        if sig is not None:
            return sig, item.line
        field = AUDIO_FIELDS.get(etype)
        weight += 256 + (max(0, audio_length(ev.get(field))) if field else 0)
        records += 1
        if records >= 500 or weight >= 2 * 1024 * 1024:
            return None
    return None


def range_task(path: str, start: int, end: int, first_line: int, config: Any, signal: tuple[str, int] | None) -> Any:
    """Validate one range of whole sessions; returns ``(summary, diagnostics, response ids)``.

    The first range is validated exactly as the start of the file. A later range starts with
    the dialect the sequential pass decided (``signal``), as it would be at that line. The
    range is streamed from the file: memory does not grow with its size.
    """
    from realtime_cli.validate import FileValidator

    fv = FileValidator(path, config)
    if start > 0 and signal is not None and fv.dialect is None:
        fv.adopt_dialect(*signal)
    with open(path, "rb") as f:
        f.seek(start)
        stream = io.BufferedReader(_Limited(f, end - start), buffer_size=1 << 20)
        items = loader._iter_stream(path, stream, config.max_line_bytes, lineno=first_line - 1, offset=start)
        # "empty input" is about the whole file, which is not empty here.
        fv.consume(i for i in items if type(i) is not ParseFailure or i.code != "RT008" or i.line != 0)
    summary, diags = fv.finish()
    return summary, diags, fv.response_ids


class _Limited(io.RawIOBase):
    """The next ``limit`` bytes of a file, as a raw stream."""

    def __init__(self, f: Any, limit: int) -> None:
        super().__init__()
        self._f = f
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        with memoryview(buffer) as view:
            n = self._f.readinto(view[: self._left]) or 0
        self._left -= n
        return n


def run(pool: Any, path: str, ranges: Iterable[tuple[int, int, int]], config: Any,
        signal: tuple[str, int] | None, progress: Any = None) -> Outcome:
    """Validate ``ranges`` of ``path`` in ``pool`` and merge them (see the module docstring).

    Each range is submitted as soon as ``ranges`` yields it (see :func:`iter_plan`)."""
    pending = [(end, pool.apply_async(range_task, (path, start, end, line, config, signal)))
               for start, end, line in ranges]
    parts = []
    for end, task in pending:
        parts.append(task.get())
        if progress is not None:
            progress(path, end)
    return merge(path, parts)


def merge(path: str, parts: list[Any]) -> Outcome:
    """One outcome from the ranges' ``(summary, diagnostics, response ids)``, in file order."""
    summary = FileSummary(path)
    summary.dialect = parts[0][0].dialect
    ids: set[str] = set()
    seen: set[Any] = set()
    diags: list[Diagnostic] = []
    for part_summary, part_diags, part_ids in parts:
        summary.events += part_summary.events
        summary.readable = summary.readable and part_summary.readable
        ids |= part_ids
        for d in part_diags:  # each range's diagnostics are sorted: the first is the earliest
            key = d.code if d.code in ONCE_PER_INPUT else (d.code, d.message) if d.code == "RT103" else None
            if key in seen:
                continue
            if key is not None:
                seen.add(key)
            diags.append(d)
    summary.responses = len(ids)
    diags.sort(key=Diagnostic.sort_key)
    return summary, diags
