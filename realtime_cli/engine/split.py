"""Exact splits of one log at its session boundaries, for ``--jobs``.

The consistency rules keep state (open responses, known items, call ids, the session's
config) for the length of a session, and start afresh at every ``session.created`` (or
``transcription_session.created``): the engine closes the previous session there (its
unfinished responses are reported) and builds new rule state (see
:meth:`realtime_cli.rules.checker.ConsistencyChecker._session_boundary`). No rule state crosses
that line, so a log that holds several sessions can be validated as independent byte ranges,
each starting at a session start, in parallel, with exactly the findings of one sequential pass.

What does cross a session boundary is per-input and is reconciled here:

- the dialect, decided once per input by its first strong signal: the ranges after the first
  take the decision of the sequential pass (:func:`early_signal`), so a file is split only
  when that signal comes early (within the window the engine would buffer);
- the notes given once per input (RT201 mixed dialects, RT203, RT801, RT802, RT803, and RT103
  once per legacy event name): the first, in file order, is kept (:func:`merge`);
- line numbers: the scan finds session starts by their bytes and does not count lines (that
  count was a third of its cost, and on 2 cores the scan's CPU is taken from the workers). A
  range after the first is validated with line numbers relative to its start and reports its
  line count; the merge shifts its findings by the lines of the ranges before it. Only the
  ``line`` fields can be shifted: a range whose findings quote a line number in their text
  ("after its response.done (line N)", see ``Collector.cites_lines``) is validated again
  with its real first line, which is known by then. Such findings are rare (defects), so
  clean logs never pay for it;
- the summary: events are summed, responses counted over the union of the ranges' ids.

A single-session log has no such boundary and is not split here.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import orjson

from realtime_cli.core.diagnostics import Diagnostic, FileSummary
from realtime_cli.engine.collector import cap_merge
from realtime_cli.logs import loader
from realtime_cli.logs.loader import Record

_NEEDLE = b"session.created"  # also found in transcription_session.created
# Codes a sequential pass reports at most once per input (RT103: once per event name, which
# its message carries).
ONCE_PER_INPUT = frozenset({"RT201", "RT203", "RT801", "RT802", "RT803"})
_SCAN_BLOCK = 4 * 1024 * 1024
_MAX_START_LINE = 1024 * 1024  # a session.created line is a few KB

Outcome = tuple[FileSummary, list[Diagnostic]]


def session_offsets(path: str) -> list[int]:
    """Byte offsets of the lines that start a session, after the first line."""
    return list(iter_session_starts(path))


def iter_session_starts(path: str) -> Iterator[int]:
    """:func:`session_offsets`, lazily: each start as soon as the scan reaches it.

    A candidate is any line containing ``session.created``; it counts only when it parses as
    one object whose event (after unwrapping the log's envelope) has that type, so the same
    words inside instructions or transcripts do not split anything. One pass of
    :func:`realtime_cli.logs.loader.line_runs`: read and find, no newline count (see :func:`run`).
    """
    needle = _NEEDLE
    with open(path, "rb", buffering=0) as f:
        for base, buf, begin, end, _ in loader.line_runs(f, max_line=_MAX_START_LINE, block=_SCAN_BLOCK):
            hit = buf.find(needle, begin, end)
            while hit >= 0:
                start = max(begin, buf.rfind(b"\n", begin, hit) + 1)
                stop = buf.find(b"\n", hit, end)
                if stop < 0:
                    stop = end  # the last line, without a newline
                if base + start > 0 and stop - start <= _MAX_START_LINE and _starts_session(bytes(buf[start:stop])):
                    yield base + start
                hit = buf.find(needle, stop, end)


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
    from realtime_cli.rules.checker import SESSION_START

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
    goes on. A log of one session is one range. The first range's first line is 1; the
    others' is 0, unknown: they are validated with relative line numbers (see :func:`run`).
    """
    size = os.path.getsize(path)
    target = max(min_bytes, size // max(1, 8 * jobs))
    start, first = 0, 1
    for off in iter_session_starts(path):
        if off - start >= target and size - off >= min_bytes // 2:
            yield start, off, first
            start, first = off, 0
    yield start, size, first


def early_signal(path: str, config: Any) -> tuple[str, int] | None:
    """The dialect the engine will decide for ``path`` and the line that decides it.

    The engine decides at the first strong signal unless its pending buffer fills first; this
    scan stops well before that buffer could fill, so a signal found here is the one the
    engine uses. None: no early signal (such a file is not split).
    """
    from realtime_cli.engine.prechecks import AUDIO_FIELDS, audio_length
    from realtime_cli.logs import dialect as dl

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
    """Validate one range of whole sessions.

    Returns ``(summary, diagnostics, response ids, lines, cites_lines)``: ``lines`` is the
    number of lines in the range; ``cites_lines`` is True when a finding quotes a line
    number in its message. ``first_line`` 0: not known yet, lines are counted from the
    range's start (1 is its first line) and :func:`run` shifts them.

    The first range is validated exactly as the start of the file. A later range starts with
    the dialect the sequential pass decided (``signal``), as it would be at that line. The
    range is streamed from the file: memory does not grow with its size.
    """
    from realtime_cli.engine.filecheck import FileValidator

    fv = FileValidator(path, config)
    if start > 0 and signal is not None and fv.dialect is None:
        fv.adopt_dialect(*signal)
    before = max(0, first_line - 1)
    tally: list[int] = []
    with open(path, "rb") as f:
        f.seek(start)
        stream = io.BufferedReader(_Limited(f, end - start), buffer_size=1 << 20)
        fv.consume(loader._iter_stream(path, stream, config.max_line_bytes, lineno=before, offset=start, tally=tally))
    summary, _sorted = fv.finish()
    # In emission order, as the per-code cap is applied again across ranges (collector.cap_merge).
    # "empty input" is about the whole file, which is not empty here.
    diags = [d for d in fv.out.diagnostics if d.code != "RT008" or d.line != 0]
    # A range starts with a "{" line (a session start, or the file's first line: see
    # parallel.splittable), never a JSON array, so the loader read it line by line to its end.
    return summary, diags, fv.response_ids, tally[0] - before, fv.out.cites_lines


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

    Each range is submitted as soon as ``ranges`` yields it (see :func:`iter_plan`). A range
    read with relative line numbers gets the lines of the ranges before it added to its
    findings' lines; if one of its findings quotes a line number, it is validated again with
    its real first line instead.
    """
    pending = [(start, end, line, pool.apply_async(range_task, (path, start, end, line, config, signal)))
               for start, end, line in ranges]
    parts: list[Any] = []
    redo: list[tuple[int, Any]] = []
    before = 0  # lines before the range
    for start, end, line, task in pending:
        summary, diags, ids, lines, cites = task.get()
        if line == 0 and before:
            if cites:
                again = pool.apply_async(range_task, (path, start, end, before + 1, config, signal))
                redo.append((len(parts), again))
            else:
                diags = [replace(d, line=d.line + before) if d.line else d for d in diags]
        parts.append((summary, diags, ids))
        before += lines
        if progress is not None:
            progress(path, end)
    for index, again in redo:
        parts[index] = again.get()[:3]
    return merge(path, parts)


def merge(path: str, parts: list[Any]) -> Outcome:
    """One outcome from the ranges' ``(summary, diagnostics, response ids)``, in file order."""
    summary = FileSummary(path)
    summary.dialect = parts[0][0].dialect
    ids: set[str] = set()
    seen: set[Any] = set()
    capped: list[tuple[list[Diagnostic], dict[str, int]]] = []
    for part_summary, part_diags, part_ids in parts:
        summary.events += part_summary.events
        summary.readable = summary.readable and part_summary.readable
        ids |= part_ids
        kept = []
        # In emission order; a once-per-input code is emitted at most once per range.
        for d in part_diags:
            key = d.code if d.code in ONCE_PER_INPUT else (d.code, d.message) if d.code == "RT103" else None
            if key in seen:
                continue
            if key is not None:
                seen.add(key)
            kept.append(d)
        capped.append((kept, part_summary.elided))
    diags, summary.elided = cap_merge(capped)
    summary.responses = len(ids)
    diags.sort(key=Diagnostic.sort_key)
    return summary, diags
