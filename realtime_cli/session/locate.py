"""Find one response's records in a log without parsing every line.

``show`` on a 200 MB log must not cost a full parse. A plain JSONL file is read in blocks and
searched with ``find`` for the id (or id prefix) bytes; only the lines that contain them are
parsed, plus the one ``response.create`` that precedes the response's ``response.created``
(it carries no response id). Line numbers are counted in the same pass, at C speed. Memory
stays at a few 4 MiB blocks whatever the file's size. ``.gz`` files, stdin and whole-file JSON
arrays cannot be searched this way and are streamed through the loader instead, keeping only the
records that can still be shown (:class:`_Kept`): memory stays bounded there too.

:class:`ScanCounter` records how many lines were parsed, so tests (and ``--verbose`` style
diagnostics) can prove the prefilter worked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from realtime_cli.logs.jsonparse import parse_json
from realtime_cli.logs.loader import (
    DEFAULT_MAX_LINE_BYTES,
    ParseFailure,
    Record,
    byte_searchable,
    iter_file,
    line_runs,
    unwrap,
)
from realtime_cli.session.summaries import event_type, response_id_of

LAST = "last"
_CREATE = b'"response.create"'
_CREATED = b'"response.created"'
# Lines that can name a response, for the backwards search behind `show last`.
_RESPONSE_MARKERS = (b'"response_id"', _CREATED, b'"response.done"', b'"realtime.response"')
_ID_PATTERNS = (
    re.compile(rb'"(resp_[A-Za-z0-9_\-]{1,64})"'),
    re.compile(rb'"response_id"\s*:\s*"([^"\\]{1,128})"'),
)
_BLOCK = 4 << 20  # one read of a forward scan
_SEEK_BLOCK = 64 << 10  # the first read of a search for a nearby line boundary or event


@dataclass(slots=True)
class ScanCounter:
    """How much work a search did: lines parsed, and files searched by their bytes
    (``files_mapped``, a name kept from when they were memory-mapped) vs. streamed."""

    lines_parsed: int = 0
    files_mapped: int = 0
    files_streamed: int = 0


@dataclass(slots=True)
class FileHits:
    """What one input contributed to a search."""

    path: str
    ids: list[str] = field(default_factory=list)
    """Response ids matching the query, in order of first appearance."""
    records: dict[str, list[Record]] = field(default_factory=dict)
    """Records per matching id, in file order (the preceding response.create included)."""
    all_ids: set[str] = field(default_factory=set)
    """Every response id seen (filled only when nothing matched, for 'did you mean')."""
    error: str | None = None


def mappable(path: str) -> bool:
    """True for a plain, non-empty UTF-8 JSONL file (not stdin, gzip, a JSON-array file or a
    UTF-16/UTF-32 one): :func:`realtime_cli.logs.loader.byte_searchable`."""
    return byte_searchable(path)


def _matches(rid: str, query: str) -> bool:
    return rid.startswith(query)


# --------------------------------------------------------------------------- byte search


class _Searched:
    """A plain JSONL file searched by its bytes, a block at a time.

    No mmap: the pages of a mapping count as this process's memory (mapping a 200 MB log gave
    ``show`` a 232 MB peak RSS), and filling the page table of a whole mapping cost more than
    copying the blocks (35 ms against 14 ms for 200 MB). Memory stays at a few blocks whatever
    the size of the file; a line longer than ``max_line_bytes`` is never held whole.
    """

    def __init__(self, f: Any, size: int, path: str, counter: ScanCounter, max_line_bytes: int) -> None:
        self.f = f  # unbuffered: every read says where it starts
        self.size = size
        self.path = path
        self.counter = counter
        self.max_line_bytes = max_line_bytes

    def read(self, start: int, end: int) -> bytes:
        self.f.seek(start)
        data: bytes = self.f.read(max(0, end - start)) or b""
        return data

    def chunks(self) -> Iterator[tuple[int, bytearray, int, int, int]]:
        """:func:`realtime_cli.logs.loader.line_runs` of the file: lines over the limit skipped."""
        return line_runs(self.f, max_line=self.max_line_bytes, block=_BLOCK)

    def line_bounds(self, pos: int) -> tuple[int, int]:
        """``(start, end)`` of the line holding byte ``pos`` (``end``: its newline)."""
        start = self.rfind(b"\n", 0, pos) + 1
        end = self.find(b"\n", pos, self.size)
        return start, self.size if end < 0 else end

    def find(self, needle: bytes, lo: int, hi: int) -> int:
        """First offset of ``needle`` in ``[lo, hi)``, or -1: reads forward, small blocks first."""
        overlap = len(needle) - 1
        step = max(_SEEK_BLOCK, 2 * len(needle))  # past the overlap: every read moves on
        while lo < hi:
            top = min(hi, lo + step)
            data = self.read(lo, top)
            if not data:
                return -1
            at = data.find(needle)
            if at >= 0:
                return lo + at
            if top >= hi:
                return -1
            lo = top - overlap
            step = max(min(step * 4, _BLOCK), step)
        return -1

    def rfind(self, needle: bytes, lo: int, hi: int) -> int:
        """Last offset of ``needle`` in ``[lo, hi)``, or -1: reads backwards, small blocks first."""
        overlap = len(needle) - 1
        step = max(_SEEK_BLOCK, 2 * len(needle))
        while hi > lo:
            bottom = max(lo, hi - step)
            at = self.read(bottom, hi).rfind(needle)
            if at >= 0:
                return bottom + at
            if bottom <= lo:
                return -1
            hi = bottom + overlap
            step = max(min(step * 4, _BLOCK), step)
        return -1

    def hits(self, needle: bytes) -> Iterator[tuple[int, int, bytes, int]]:
        """``(start, end, line, number)`` of every line that contains ``needle``, in order:
        its offsets, its bytes and its 1-based line number (newlines are counted on the way,
        in the same pass)."""
        lines = 1  # the number of the line at ``counted``
        for base, buf, begin, end, skipped in self.chunks():
            lines += skipped
            counted = begin
            pos = buf.find(needle, begin, end)
            while pos >= 0:
                start = max(begin, buf.rfind(b"\n", begin, pos) + 1)
                stop = buf.find(b"\n", pos, end)
                if stop < 0:
                    stop = end
                lines += count_newlines(buf, counted, start)
                counted = start
                yield base + start, base + stop, bytes(buf[start:stop]), lines
                pos = buf.find(needle, stop + 1, end)
            lines += count_newlines(buf, counted, end)

    def parse(self, start: int, end: int, line: bytes | None = None) -> dict[str, Any] | None:
        """The unwrapped event of one line (``line``: its bytes, if at hand), or None."""
        if end - start > self.max_line_bytes:
            return None
        self.counter.lines_parsed += 1
        raw = self.read(start, end) if line is None else line
        if start == 0 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        value, _code, _ = parse_json(raw.strip())
        # A line that parsed with only a warning (NaN, a lone surrogate: RT010) still parsed:
        # the loader keeps it, so the byte search must too (issue 18 item 5).
        if not isinstance(value, dict):
            return None
        return value

    def record(self, start: int, value: dict[str, Any], line: int) -> Record | None:
        event, envelope, direction, ts, _ = unwrap(value)
        if event is None:
            return None
        return Record(self.path, line, start, event, envelope, direction, ts)

    def newlines(self, start: int, end: int) -> int:
        """The newlines in ``[start, end)`` of the file."""
        n = 0
        while start < end:
            data = self.read(start, min(end, start + _BLOCK))
            if not data:
                break
            n += count_newlines(data)
            start += len(data)
        return n

    def last_response_id(self) -> str | None:
        """The response named by the last line that names one (scanning from the end)."""
        hi = self.size
        while hi > 0:
            pos = max(self.rfind(m, 0, hi) for m in _RESPONSE_MARKERS)
            if pos < 0:
                return None
            start, end = self.line_bounds(pos)
            value = self.parse(start, end)
            if value is not None:
                rec = self.record(start, value, 0)
                rid = response_id_of(rec) if rec is not None else None
                if rid is not None:
                    return rid
            hi = start
        return None

    def preceding_create(self, before: int) -> int | None:
        """Start of the response.create line that a response.created at ``before`` answers."""
        pos = self.rfind(_CREATE, 0, before)
        if pos < 0:
            return None
        start, end = self.line_bounds(pos)
        # Another response.created in between means that create was answered already.
        if self.find(_CREATED, end, before) >= 0:
            return None
        return start

    def all_ids(self) -> set[str]:
        found: set[str] = set()
        for _, buf, begin, end, _ in self.chunks():
            for pat in _ID_PATTERNS:
                for m in pat.finditer(buf, begin, end):
                    found.add(m.group(1).decode("utf-8", "replace"))
                    if len(found) > 100_000:  # enough for 'did you mean'
                        return found
        return found


def count_newlines(data: bytes | bytearray, start: int = 0, end: int | None = None) -> int:
    """``data.count(b"\\n", start, end)``, several times faster when lines are long.

    ``bytes.count`` looks at every byte (~3.5 GB/s here); ``find`` jumps with ``memchr``.
    With audio payloads (lines of ~8 KB), hopping from newline to newline is five times
    faster (10 ms against 50 ms over 200 MB). With short lines the hops cost more than the
    count, so once newlines turn out to be under 1 KiB apart on average the rest is counted.
    """
    stop = len(data) if end is None else end
    n = 0
    find = data.find
    pos = find(b"\n", start, stop)
    while pos >= 0:
        n += 1
        if not n & 63 and pos - start < n << 10:
            return n + data.count(b"\n", pos + 1, stop)
        pos = find(b"\n", pos + 1, stop)
    return n


def _search_bytes(path: str, query: str, counter: ScanCounter, max_line_bytes: int) -> FileHits:
    hits = FileHits(path)
    with open(path, "rb", buffering=0) as fh:
        counter.files_mapped += 1
        m = _Searched(fh, os.fstat(fh.fileno()).st_size, path, counter, max_line_bytes)
        last = query == LAST
        if last:
            rid = m.last_response_id()
            if rid is None:
                return hits
            query = rid
        parsed: dict[str, list[tuple[int, Record]]] = {}
        for start, end, line, number in m.hits(query.encode("utf-8", "surrogatepass")):
            value = m.parse(start, end, line)
            if value is None:
                continue
            rec = m.record(start, value, number)
            rid = response_id_of(rec) if rec is not None else None
            if rec is None or rid is None or not _matches(rid, query):
                continue
            if rid not in parsed:
                parsed[rid] = []
                hits.ids.append(rid)
                if len(hits.ids) == 2:
                    # Two ids: ambiguous unless the query is one of them exactly. Only an exact
                    # id's records can still be shown, so keep no others (a short prefix such as
                    # `resp_` matches every response of a log: their records would fill memory).
                    for other in hits.ids:
                        if other != query:
                            parsed[other].clear()
            if len(hits.ids) == 1 or rid == query:
                parsed[rid].append((start, rec))
        if not hits.ids:
            hits.all_ids = m.all_ids()
            return hits
        if last:  # `last` names exactly one response, not every id it is a prefix of
            hits.ids = [query] if query in parsed else []
        # Exact id beats a prefix match; a prefix of several ids is shown as ambiguous from the
        # ids alone. Only a response that can be shown gets its records built.
        chosen = [query] if query in parsed else hits.ids if len(hits.ids) == 1 else []
        for rid in chosen:
            lines = parsed[rid]
            first = lines[0][0]
            created = next((s for s, r in lines if event_type(r) == "response.created"), None)
            if created is not None and created == first:
                cstart = m.preceding_create(first)
                if cstart is not None:
                    cvalue = m.parse(cstart, m.line_bounds(cstart)[1])
                    cline = lines[0][1].line - m.newlines(cstart, first)
                    crec = m.record(cstart, cvalue, cline) if cvalue is not None else None
                    if crec is not None:
                        lines = [(cstart, crec), *lines]
            hits.records[rid] = [r for _, r in lines]
    return hits


# --------------------------------------------------------------------------- streaming path


_MAX_IDS = 100_000  # ids kept for 'did you mean': enough, and bounded
_KEEP_OPEN = 256  # responses whose records a `last` search keeps while they are unfinished


class _Kept:
    """The records a streamed search keeps, bounded whatever the input's size.

    A prefix query keeps the records of every matching id until a second id matches; from then
    on only an id equal to the query can be shown (the byte search does the same), so the others'
    records are dropped. ``last`` cannot know the last response until the end: it keeps the
    response that spoke last and the unfinished ones (at most ``_KEEP_OPEN``), and drops a
    finished response's records once another response speaks. If the last response turns out
    to be one whose records were dropped, :func:`_search_stream` reads the input again for it.
    """

    def __init__(self, query: str) -> None:
        self.query = query
        self.per_id: dict[str, list[Record]] = {}
        self.ids: list[str] = []  # matching ids, in order of first appearance (prefix queries)
        self._seen: set[str] = set()  # the same, for look-ups
        self.done: set[str] = set()  # kept ids whose response.done was seen
        self.dropped: set[str] = set()  # ids whose records were dropped (`last` only)
        self.forgot = False  # `dropped` grew too large and was cleared: no id is sure to be whole

    def add(self, rid: str, rec: Record, etype: str | None, pending: Record | None) -> None:
        """Keep ``rec`` of response ``rid`` if it can still be shown; ``pending``: the
        response.create read last, kept before the response's response.created."""
        recs = self.per_id.get(rid)
        if recs is None:
            if self.query == LAST:
                self._drop_finished(rid)
            else:
                if rid in self._seen:
                    return  # its records were dropped: it can no longer be shown
                self._seen.add(rid)
                self.ids.append(rid)
                if len(self.ids) == 2 and self.ids[0] != self.query:
                    self.per_id.pop(self.ids[0]).clear()
                if len(self.ids) >= 2 and rid != self.query:
                    return
            recs = self.per_id[rid] = []
        if etype == "response.created" and pending is not None and not recs:
            recs.append(pending)
        recs.append(rec)
        if etype == "response.done":
            self.done.add(rid)

    def _drop_finished(self, speaking: str) -> None:
        """``last``: response ``speaking`` speaks for the first time (or again). The finished
        responses' records are not needed unless they speak again; the unfinished are capped."""
        others = [r for r in self.per_id if r != speaking]
        unfinished = [r for r in others if r not in self.done]
        drop = [r for r in others if r in self.done] + unfinished[: max(0, len(unfinished) - _KEEP_OPEN)]
        for r in drop:
            del self.per_id[r]
            self.done.discard(r)
            self.dropped.add(r)
        if len(self.dropped) > _MAX_IDS:
            self.dropped.clear()
            self.forgot = True

    def whole(self, rid: str) -> bool:
        """True when every record of ``rid`` is kept."""
        return rid in self.per_id and rid not in self.dropped and not self.forgot


def _search_stream(path: str, query: str, counter: ScanCounter, max_line_bytes: int, only: str | None = None) -> FileHits:
    """Stream ``path`` through the loader and keep what :class:`_Kept` allows. ``only``: the
    second read of a ``last`` search, which keeps this one id's records and nothing else."""
    hits = FileHits(path)
    counter.files_streamed += 1
    kept = _Kept(only if only is not None else query)
    pending_create: Record | None = None
    last_rid: str | None = None
    for item in iter_file(path, max_line_bytes):
        if isinstance(item, ParseFailure):
            if item.code == "RT006" and item.line == 0:
                hits.error = item.message
            continue
        counter.lines_parsed += 1
        etype = event_type(item)
        if etype == "response.create":
            pending_create = item
            continue
        rid = response_id_of(item)
        if rid is None:
            continue
        if len(hits.all_ids) < _MAX_IDS:
            hits.all_ids.add(rid)
        last_rid = rid
        skip = rid != only if only is not None else query != LAST and not _matches(rid, query)
        if skip:
            if etype == "response.created":
                pending_create = None
            continue
        kept.add(rid, item, etype, pending_create)
        if etype == "response.created":
            pending_create = None
    if query == LAST and only is None:
        if last_rid is None:
            return hits
        if not kept.whole(last_rid):
            if path == "-":
                hits.error = (f"cannot show the last response ({last_rid}) from stdin: its earlier events "
                              "were not kept (it spoke again after other responses had finished, or the "
                              f"stream holds over {_MAX_IDS:,} responses); run show on the log file")
                return hits
            return _search_stream(path, query, counter, max_line_bytes, only=last_rid)
        kept.ids = [last_rid]
    hits.ids = kept.ids
    hits.records = {rid: kept.per_id[rid] for rid in kept.ids if rid in kept.per_id}
    if hits.ids:
        hits.all_ids = set()
    return hits


def search(path: str, query: str, counter: ScanCounter, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> FileHits:
    """Find the responses of one input whose id starts with ``query`` (or ``last``)."""
    if mappable(path):
        try:
            return _search_bytes(path, query, counter, max_line_bytes)
        except OSError as exc:
            return FileHits(path, error=f"cannot read: {exc.strerror or exc}")
    if path != "-" and not os.path.exists(path):
        return FileHits(path, error="no such file or directory")
    return _search_stream(path, query, counter, max_line_bytes)
