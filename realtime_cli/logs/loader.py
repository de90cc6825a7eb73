"""Bytes -> records: read JSONL / JSON-array logs, unwrap the envelopes real tools write.

Every physical line becomes either a :class:`Record` (one protocol event, or a standalone
``realtime.response``), a :class:`ParseFailure` (a diagnostic-to-be: the run goes on), or
nothing (a blank line). Line numbers always name the physical line in the file, also for
JSON-array files and for gzip input.

Nothing here prints or raises for anything the input can contain.
"""

from __future__ import annotations

import errno
import gzip
import io
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

# Parsing lives in jsonparse; its names stay importable from here (the loader's public face).
from realtime_cli.logs.jsonparse import FAILED, parse_slow

DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024
LOG_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
NO_LOGS = "no log files (*.jsonl, *.ndjson or their .gz forms) in this directory"
"""The ``discover`` 'error' for a directory with no log file: a warning (RT008), not RT006."""
_READ_CHUNK = 1 << 20
_OPEN_BUFFER = 1 << 16
_BOM = b"\xef\xbb\xbf"


class Record:
    """One protocol event (or standalone ``realtime.response``) and where it came from.

    ``event`` is the unwrapped event dict. ``envelope`` names the log shape it came in
    (``bare``, ``time-source``, ``direction``, ``agents``, ``cookbook``, ``livekit``,
    ``lively4``, ``response``). ``direction`` is ``client``/``server`` when the envelope says
    so, else None. ``ts`` is the envelope's raw timestamp value, if any (see summaries for
    interpretation). ``audio_bytes`` is filled by the engine for audio payload events: the
    decoded length, or -1 when the payload is not valid base64. ``session`` is the envelope's
    own session id where it has one (lively4 ``sessionId``), else None.
    """

    __slots__ = ("audio_bytes", "direction", "envelope", "event", "line", "offset", "path", "session", "ts")

    def __init__(
        self,
        path: str,
        line: int,
        offset: int,
        event: dict[str, Any],
        envelope: str = "bare",
        direction: str | None = None,
        ts: Any = None,
    ) -> None:
        self.path = path
        self.line = line
        self.offset = offset
        self.event = event
        self.envelope = envelope
        self.direction = direction
        self.ts = ts
        self.audio_bytes: int | None = None
        self.session: str | None = None

    @property
    def type(self) -> Any:
        return self.event.get("type")

    def __repr__(self) -> str:
        return f"Record({self.path}:{self.line} {self.envelope} {self.event.get('type')!r})"


class ParseFailure:
    """A line (or file) that could not become a record: carries the diagnostic to emit."""

    __slots__ = ("code", "col", "line", "message", "offset", "path")

    def __init__(
        self, path: str, line: int, code: str, message: str, col: int = 1, offset: int = 0
    ) -> None:
        self.path = path
        self.line = line
        self.code = code
        self.message = message
        self.col = col
        self.offset = offset

    def __repr__(self) -> str:
        return f"ParseFailure({self.path}:{self.line}:{self.col} {self.code} {self.message})"


Item = Record | ParseFailure


# --------------------------------------------------------------------------- discovery


def discover(paths: list[str]) -> Iterator[tuple[str, str | None]]:
    """Expand CLI paths: directories are searched recursively for log files, sorted.

    Yields ``(path, error)``; ``error`` is None for a path to read, or a message for a path
    that does not exist or cannot be listed. ``-`` stands for stdin. Inside a directory only
    regular files are read: a FIFO or socket named ``*.jsonl`` would block the run forever,
    and a dangling symlink cannot be opened, so both are reported instead. A path named on
    the command line is always opened (``<(zcat log.gz)`` is a pipe, and meant).
    """
    for raw in paths:
        if raw == "-":
            yield raw, None
            continue
        p = Path(raw)
        try:
            is_dir = p.is_dir()
            exists = is_dir or p.exists()
        except OSError as exc:
            yield raw, f"cannot access: {exc.strerror or exc}"
            continue
        if not exists:
            yield raw, missing_reason(raw)
        elif is_dir:
            yield from _walk(raw)
        else:
            yield raw, None


def missing_reason(path: str) -> str:
    """Why a path that ``Path.exists()`` calls missing cannot be opened: a symlink loop or a
    dangling symlink is not "no such file or directory" (``exists()`` hides ELOOP)."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "cannot open: a symbolic link loop (too many levels of symbolic links)"
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return "cannot open: dangling symbolic link (its target does not exist)"
        if exc.errno != errno.ENOENT:
            return f"cannot open: {exc.strerror or exc}"
    return "no such file or directory"


def _walk(top: str) -> Iterator[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []

    def onerror(exc: OSError) -> None:
        found.append((str(exc.filename or top), f"cannot list: {exc.strerror or exc}"))

    for root, dirs, files in os.walk(top, onerror=onerror):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.endswith(LOG_SUFFIXES):
                continue
            full = os.path.join(root, name)
            try:
                mode = os.stat(full).st_mode
            except OSError as exc:
                found.append((full, f"cannot open: {exc.strerror or exc}"))
                continue
            if stat.S_ISREG(mode):
                found.append((full, None))
            else:
                found.append((full, "not a regular file (a FIFO, socket or device); skipped"))
    if not found:  # e.g. logs saved as .json: a silent 'checked 0 files' would hide it
        found.append((top, NO_LOGS))
    found.sort(key=lambda item: item[0])
    yield from found


# --------------------------------------------------------------------------- opening


def _open(path: str) -> IO[bytes]:
    raw: IO[bytes]
    if path == "-":
        if sys.stdin is None:  # started with stdin closed (`<&-`)
            raise OSError(errno.EBADF, "standard input is closed")
        raw = sys.stdin.buffer
        name = ""
    else:
        # A 64 KiB buffer, not the default (st_blksize, often 4 KiB): an audio line of 8 KB
        # then takes one read instead of several joined copies; 64 KiB reads a 200 MB
        # audio log in about half the time and a text log ~10% faster (benchmarks/README.md).
        raw = open(path, "rb", buffering=_OPEN_BUFFER)  # noqa: SIM115 - closed by the caller
        name = path
    try:
        head = raw.peek(2)[:2] if isinstance(raw, io.BufferedReader) else b""
    except OSError:
        if path != "-":
            raw.close()
        raise
    if head == b"\x1f\x8b" or name.endswith(".gz"):
        # BufferedReader: line iteration in C. _GzipRaw instead of gzip.GzipFile so that a
        # truncated or corrupt stream still yields every complete line before the damage.
        return io.BufferedReader(_GzipRaw(raw), buffer_size=_READ_CHUNK)
    return raw


class _GzipRaw(io.RawIOBase):
    """Streaming gzip decompression that hands out all it can before reporting damage.

    ``gzip.GzipFile`` raises in the middle of a buffer fill and loses the lines decoded in it.
    Here decompressed data is always delivered first; the error (``EOFError`` for a
    truncated stream, ``zlib.error``/``BadGzipFile`` for corruption) comes on the next read.
    The 8-byte member trailer (CRC, size) is held back and fed alone, so a CRC mismatch
    costs no data. Output per step is capped (``_READ_CHUNK``): a gzip bomb streams, it is
    never inflated into memory at once. Multi-member files (``cat a.gz b.gz``) are read whole.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._d = zlib.decompressobj(31)
        self._fed = False  # has the current member received input?
        self._held = b""
        self._pending = memoryview(b"")
        self._error: Exception | None = None
        self._input_done = False
        self._finished = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            if self._error is not None:
                raise self._error
            if self._finished:
                return 0
            try:
                self._step()
            except zlib.error as exc:
                self._error = exc
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _step(self) -> None:
        d = self._d
        if d.unconsumed_tail:
            out = d.decompress(d.unconsumed_tail, _READ_CHUNK)
        else:
            if self._input_done:
                feed, self._held = self._held, b""
                if not feed:
                    if self._fed and not d.eof:
                        self._error = EOFError("compressed file ended before the end-of-stream marker was reached")
                    self._finished = True
                    return
            else:
                chunk = self._raw.read(_READ_CHUNK)
                if not chunk:
                    self._input_done = True
                    return
                buf = self._held + chunk
                feed, self._held = buf[:-8], buf[-8:]
                if not feed:
                    return
            if not self._fed and feed[:2] != b"\x1f\x8b" and not feed.strip(b"\x00"):
                return  # zero padding after the last member, as gzip tolerates
            if not self._fed and len(feed) >= 2 and feed[:2] != b"\x1f\x8b":
                raise gzip.BadGzipFile(f"not a gzip file (starts with {feed[:2]!r})")
            self._fed = True
            out = d.decompress(feed, _READ_CHUNK)
        if d.eof:  # end of one member: anything after it starts the next one
            rest = d.unused_data
            self._d = zlib.decompressobj(31)
            self._fed = False
            self._held = rest + self._held
        self._pending = memoryview(out)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


# --------------------------------------------------------------------------- envelopes


def unwrap(obj: dict[str, Any]) -> tuple[dict[str, Any] | None, str, str | None, Any, str | None]:
    """Find the protocol event inside one log record.

    Returns ``(event, envelope, direction, ts, problem)``. ``event`` is None when the record
    holds no event; ``problem`` then says why, and ``envelope`` is ``synthetic`` for logger
    entries that are legitimately not events (realtime-agents history entries) or
    ``unknown`` for records of no known shape.
    """
    if "type" in obj and "event_id" in obj:
        return obj, "bare", None, obj.get("timestamp"), None  # the common case, first
    ev = obj.get("event")
    if isinstance(ev, dict):
        if "source" in obj and "time" in obj:
            return ev, "time-source", _direction(obj.get("source")), obj.get("time"), None
        if "direction" in obj:
            return ev, "direction", _direction(obj.get("direction")), _envelope_time(obj), None
        if "turn_index" in obj or "event_index" in obj or "event_time_ms" in obj or "type" in obj:
            ts = obj.get("event_time_ms")
            return ev, "cookbook", _direction(obj.get("source")), ts, None
        return ev, "time-source", _direction(obj.get("source")), _envelope_time(obj), None
    lk = obj.get("lk.pii.event")
    if isinstance(lk, dict):
        msg = obj.get("message")
        direction = "client" if msg == ">>>" else "server" if msg == "<<<" else None
        return lk, "livekit", direction, obj.get("timestamp"), None
    if "eventData" in obj and "eventName" in obj:
        data = obj.get("eventData")
        direction = _direction(obj.get("direction"))
        if isinstance(data, dict) and isinstance(data.get("type"), str) and "." in data["type"]:
            return data, "agents", direction, obj.get("timestamp"), None
        return None, "synthetic", direction, obj.get("timestamp"), (
            f"realtime-agents entry {str(obj.get('eventName'))[:80]!r} is not a protocol event"
        )
    if obj.get("type") == "realtime" and "data" in obj:
        data = obj.get("data")
        if isinstance(data, dict):
            return data, "lively4", None, obj.get("timestamp"), None
        return None, "unknown", None, obj.get("timestamp"), "lively4 record whose `data` is not an object"
    if obj.get("object") == "realtime.response":
        return obj, "response", "server", None, None
    if "type" in obj or "event_id" in obj:
        # An event_id without a type is an event missing its type (RT005), not an unknown shape.
        return obj, "bare", None, obj.get("timestamp"), None
    return None, "unknown", None, None, "record matches no known log shape and has no `type`"


_ENVELOPE_TIME_KEYS = ("timestamp", "ts", "time", "t", "timestamp_ms", "time_ms", "ts_ms", "created_at")


def _envelope_time(obj: dict[str, Any]) -> Any:
    """The envelope's time under any of the usual names (``{ts, direction, event}`` logs too);
    the session model reads its unit once per file."""
    for key in _ENVELOPE_TIME_KEYS:
        if key in obj:
            return obj[key]
    return None


def _direction(value: Any) -> str | None:
    if value in ("client", "server"):
        return str(value)
    if value in ("sent", "outgoing", "out", ">>>"):
        return "client"
    if value in ("received", "incoming", "in", "<<<"):
        return "server"
    return None


def _to_items(path: str, line: int, offset: int, value: Any) -> Iterator[Item]:
    if not isinstance(value, dict):
        kind = type(value).__name__ if value is not None else "null"
        kind = {"list": "array", "str": "string", "int": "number", "float": "number", "bool": "boolean"}.get(kind, kind)
        yield ParseFailure(path, line, "RT004", f"expected a JSON object, got {kind}", offset=offset)
        return
    event, envelope, direction, ts, problem = unwrap(value)
    if event is None:
        code = "RT011" if envelope == "synthetic" else "RT009"
        yield ParseFailure(path, line, code, problem or "no event", offset=offset)
        return
    rec = Record(path, line, offset, event, envelope, direction, ts)
    if envelope == "lively4" and isinstance(value.get("sessionId"), str):
        rec.session = value["sessionId"]
    yield rec


# --------------------------------------------------------------------------- reading


def iter_file(path: str, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Iterator[Item]:
    """Yield the records and parse failures of one input, in order. Never raises for bad input.

    ``path`` ``-`` reads stdin. A file whose first non-blank byte is ``[`` is read as one
    JSON array of records when it parses as one; otherwise it is read line by line.
    """
    try:
        stream = _open(path)
    except OSError as exc:
        yield ParseFailure(path, 0, "RT006", f"cannot open: {exc.strerror or exc}")
        return
    try:
        yield from _iter_stream(path, stream, max_line_bytes)
    finally:
        if path != "-":  # stdin belongs to the process, not to us
            stream.close()


def _iter_stream(
    path: str, stream: IO[bytes], max_line_bytes: int, *, lineno: int = 0, offset: int = 0,
    tally: list[int] | None = None,
) -> Iterator[Item]:
    """The items of ``stream``; ``lineno``/``offset``: the line count and byte offset before
    it, when it is a range of a larger file (see :mod:`realtime_cli.engine.split`). ``tally``: gets
    the line count after the last line read appended, once the stream is exhausted."""
    first = True
    saw_content = False
    binary_at = 0  # line where the input was found to look binary (0: it does not)
    binary_skipped = 0
    broken: ParseFailure | None = None
    long_cut = False
    chunk = min(_READ_CHUNK, max_line_bytes + 1)
    readline = stream.readline
    try:
        # The binary sniff is about the start of a file, not of a range within it.
        head = stream.peek(512)[:512] if offset == 0 and isinstance(stream, io.BufferedReader) else b""
        if b"\x00" in head and _looks_binary(head):
            # Keep reading (a log with a binary preamble still has its events checked), but
            # report the garbage once instead of once per line.
            binary_at = 1
            saw_content = True
        while True:
            raw: bytes | bytearray = readline(chunk)
            if not raw:
                break
            lineno += 1
            start = offset
            offset += len(raw)
            if len(raw) == chunk and raw[-1] != 10:
                # A line longer than one chunk (rare): grow it in place, up to the limit.
                long, size = _long_line(readline, raw, max_line_bytes)
                offset += size - chunk
                if long is None:
                    first = False
                    saw_content = True
                    if binary_at:
                        break  # binary data with no newline in max_line_bytes: not a log, stop
                    yield ParseFailure(
                        path, lineno, "RT003",
                        f"line is {size} bytes, over the limit of {max_line_bytes} bytes "
                        "(--max-line-bytes); skipped, the lines after it are still checked",
                        offset=start,
                    )
                    continue
                raw = long
                long_cut = raw[-1] != 10  # before the in-place strip below removes the newline
            if first:
                first = False
                if raw.startswith(_BOM):
                    raw = raw[3:]
                if raw[:4096].lstrip().startswith(b"[") and not _looks_like_one_line_array(bytes(raw)):
                    yield from _iter_array(path, stream, bytes(raw), lineno, start)
                    return
            try:
                # orjson skips JSON whitespace around the value itself: no stripped copy of
                # every line (8 KB for an audio chunk) on the common path.
                value = orjson.loads(raw)
            except orjson.JSONDecodeError:
                value = FAILED
            if value is FAILED:
                body = raw.strip() if isinstance(raw, bytes) else _strip_in_place(raw)
                if not body:
                    continue
                saw_content = True
                value, problems = parse_slow(body)
                if binary_at and value is FAILED:
                    binary_skipped += 1
                    continue
                cut = not raw.endswith(b"\n") if isinstance(raw, bytes) else long_cut
                for code, msg, col in problems:
                    if value is FAILED and cut:
                        msg += "; the last line has no newline: the log was probably cut off while written"
                    yield ParseFailure(path, lineno, code, msg, col=col, offset=start)
                if value is FAILED:
                    continue
            saw_content = True
            if type(value) is dict and "type" in value and "event_id" in value:
                yield Record(path, lineno, start, value, "bare", None, value.get("timestamp"))
            elif binary_at and type(value) is not dict:
                binary_skipped += 1
            else:
                yield from _to_items(path, lineno, start, value)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        broken = ParseFailure(
            path, lineno + 1, "RT007",
            f"compressed input is truncated or corrupt ({_short_exc(exc)}); the rest is lost",
            offset=offset,
        )
    except OSError as exc:
        broken = ParseFailure(path, lineno + 1, "RT006", f"read error: {exc.strerror or _short_exc(exc)}", offset=offset)
    if tally is not None:
        tally.append(lineno)
    if binary_at:
        yield ParseFailure(
            path, binary_at, "RT012",
            f"input looks binary (NUL bytes), not a JSON log: {binary_skipped} unreadable "
            "line(s) skipped without further diagnostics",
        )
    if broken is not None:
        yield broken
    elif not saw_content:
        yield ParseFailure(path, 0, "RT008", "no events: the input is empty or blank")


def line_runs(f: Any, *, max_line: int, block: int) -> Iterator[tuple[int, bytearray, int, int, int]]:
    """Read a raw file from its start in blocks: ``(offset, buffer, begin, end, skipped)`` for
    each run of whole lines, ``buffer[begin:end]``, in file order (``offset``: that of
    ``buffer[0]``).

    For byte searches over whole files (session starts, ``show``). One buffer is read into and
    reused by the next run, so memory stays at about ``block`` (no mmap: mapped pages count as
    the process's memory; no new object per read: that cost page faults). A line longer than
    ``max_line``, which no search can use, is skipped without being held; ``skipped`` counts
    such lines since the previous run. The last run may end without a newline.
    """
    buf = bytearray(block)
    base = pos = kept = skipped = 0  # offset of buf[0]; of the next read; bytes carried over
    skipping = False  # inside a line too long to hold
    while True:
        if len(buf) < kept + block:
            buf.extend(bytes(kept + block - len(buf)))
        f.seek(pos)  # the caller may read elsewhere between runs
        with memoryview(buf) as view:
            got = f.readinto(view[kept:kept + block]) or 0
        if not got:
            break
        pos += got
        filled, begin = kept + got, 0
        if skipping:
            nl = buf.find(b"\n", 0, filled)
            if nl < 0:
                base, kept = base + filled, 0
                continue
            skipping, begin = False, nl + 1
            skipped += 1
        last = buf.rfind(b"\n", begin, filled)
        if last >= 0:
            yield base, buf, begin, last + 1, skipped
            begin, skipped = last + 1, 0
        rest = filled - begin
        if rest > max_line + 1:
            base, kept, skipping = base + filled, 0, True
        else:
            buf[:rest] = buf[begin:filled]
            base, kept = base + begin, rest
    if kept and not skipping:
        yield base, buf, 0, kept, skipped


def _long_line(readline: Any, head: bytes | bytearray, max_line_bytes: int) -> tuple[bytearray | None, int]:
    """Read the rest of a line that filled a whole chunk. Returns ``(line, size)``.

    The line grows in one bytearray (realloc, not chunks plus a join: a long line is held
    once). Past ``max_line_bytes`` it is dropped and the rest drained chunk by chunk;
    ``line`` is then None and ``size`` the full length.
    """
    buf = bytearray(head)
    while len(buf) <= max_line_bytes:
        more = readline(min(_READ_CHUNK, max_line_bytes + 1 - len(buf)))
        if not more:
            return buf, len(buf)
        buf += more
        if more[-1] == 10:  # reads stop at max + 1 bytes, so the content (sans newline) fits
            return buf, len(buf)
    size = len(buf)
    del buf
    while True:
        more = readline(_READ_CHUNK)
        size += len(more)
        if not more or more[-1] == 10:
            return None, size


def _strip_in_place(buf: bytearray) -> bytearray:
    """``bytes.strip()`` for a (long) bytearray without copying it."""
    end = len(buf)
    while end and buf[end - 1] in b" \t\r\n":
        end -= 1
    del buf[end:]
    i = 0
    while i < end and buf[i] in b" \t\r\n":
        i += 1
    del buf[:i]
    return buf


def _short_exc(exc: BaseException) -> str:
    return str(exc)[:200] or type(exc).__name__


def _looks_binary(head: bytes) -> bool:
    # Only the start decides: a log that starts as JSON and later holds NUL garbage (a crash
    # that left zero-filled blocks) gets one precise diagnostic per bad line instead.
    return not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"["))


def _looks_like_one_line_array(first_line: bytes) -> bool:
    """A first line whose brackets balance is a (bad) JSONL line, not the start of an array file.

    Only the first line is scanned. Balance, not a successful parse, decides: a first line
    that is a broken or too-deep array must not make the whole file one JSON document.
    """
    body = first_line.strip()
    if not body.endswith(b"]"):
        return False
    depth = 0
    for m in _TOKENS.finditer(body):
        c = m.group()[:1]
        if c in (b"[", b"{"):
            depth += 1
        elif c in (b"]", b"}"):
            depth -= 1
    return depth <= 0


# A whole-file JSON array: scan element boundaries so each element keeps its physical line.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{},]', re.S)


def _iter_array(path: str, stream: IO[bytes], first: bytes, first_line: int, base: int) -> Iterator[Item]:
    data = first + stream.read()
    depth = 0
    elem_start: int | None = None
    saw = False
    pos = data.index(b"[")
    ended = False
    counted = (0, first_line)  # (offset, line) already counted: keeps line numbering linear

    def line_of(at: int) -> int:
        nonlocal counted
        off, ln = counted
        ln += data.count(b"\n", off, at)
        counted = (at, ln)
        return ln

    m = None
    for m in _TOKENS.finditer(data, pos):
        tok = m.group()
        c = tok[:1]
        if c == b'"':
            if depth == 1 and elem_start is None:
                elem_start = m.start()
            continue
        if c in (b"[", b"{"):
            depth += 1
            if depth == 2 and elem_start is None:
                elem_start = m.start()
            continue
        if c in (b"]", b"}"):
            depth -= 1
            if depth == 0:
                if elem_start is None:
                    elem_start = _first_nonspace(data, pos + 1, m.start())
                if elem_start is not None:
                    yield from _array_elem(path, data, elem_start, m.start(), line_of(elem_start), base)
                    saw = True
                ended = True
                break
            continue
        # comma
        if depth == 1:
            if elem_start is None:
                elem_start = _first_nonspace(data, pos + 1, m.start())
            if elem_start is not None:
                yield from _array_elem(path, data, elem_start, m.start(), line_of(elem_start), base)
                saw = True
            elem_start = None
            pos = m.start()
    if not ended or m is None:
        line = first_line + data.count(b"\n", 0, len(data.rstrip()))
        yield ParseFailure(path, line, "RT001", "JSON array is not closed: the file is truncated", offset=base + len(data))
    elif data[m.end():].strip():
        line = first_line + data.count(b"\n", 0, m.end())
        yield ParseFailure(path, line, "RT001", "unexpected content after the closing ] of the JSON array", offset=base + m.end())
    elif not saw:
        yield ParseFailure(path, 0, "RT008", "no events: the JSON array is empty")


def _first_nonspace(data: bytes, start: int, end: int) -> int | None:
    seg = data[start:end]
    stripped = seg.lstrip()
    if not stripped:
        return None
    return start + (len(seg) - len(stripped))


def _array_elem(path: str, data: bytes, start: int, end: int, line: int, base: int) -> Iterator[Item]:
    chunk = data[start:end].strip()
    if not chunk:
        return
    value, problems = parse_slow(chunk)
    for code, msg, _col in problems:
        yield ParseFailure(path, line, code, msg, offset=base + start)
    if value is not FAILED:
        yield from _to_items(path, line, base + start, value)

