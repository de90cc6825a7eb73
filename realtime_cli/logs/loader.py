"""Bytes -> records: read JSONL / JSON-array logs, unwrap the envelopes real tools write.

Every physical line becomes either a :class:`Record` (one protocol event, or a standalone
``realtime.response``), a :class:`ParseFailure` (a diagnostic-to-be: the run goes on), or
nothing (a blank line). Line numbers always name the physical line in the file, also for
JSON-array files (:mod:`realtime_cli.logs.arrays`), for gzip input and for UTF-16/UTF-32
input (:mod:`realtime_cli.logs.streams`).

Nothing here prints or raises for anything the input can contain.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

import orjson

from realtime_cli.logs.arrays import iter_array
from realtime_cli.logs.discovery import LOG_SUFFIXES, NO_LOGS, discover
from realtime_cli.logs.jsonparse import FAILED, LARGE, loads_large, parse_slow
from realtime_cli.logs.records import (
    READ_ERRORS,
    Item,
    ParseFailure,
    Record,
    read_failure,
    to_items,
    unwrap,
)
from realtime_cli.logs.streams import READ_CHUNK, GzipRaw, open_input, sniff_encoding, transcoded

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "LOG_SUFFIXES",
    "NO_LOGS",
    "Item",
    "ParseFailure",
    "Record",
    "byte_searchable",
    "discover",
    "iter_file",
    "line_runs",
    "unwrap",
]

DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024
_READ_CHUNK = READ_CHUNK
_BOM = b"\xef\xbb\xbf"
# Former private names, still used by tests and the engine.
_GzipRaw = GzipRaw
_open = open_input
_to_items = to_items


# --------------------------------------------------------------------------- reading


def iter_file(path: str, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Iterator[Item]:
    """Yield the records and parse failures of one input, in order. Never raises for bad input.

    ``path`` ``-`` reads stdin. An input whose first value is a JSON array is streamed
    element by element (:mod:`realtime_cli.logs.arrays`); otherwise it is read line by line.
    UTF-16 and UTF-32 inputs are decoded (one RT013 note says so).
    """
    try:
        stream = open_input(path)
    except OSError as exc:
        yield ParseFailure(path, 0, "RT006", f"cannot open: {exc.strerror or exc}")
        return
    try:
        yield from _iter_stream(path, stream, max_line_bytes)
    finally:
        if path != "-":  # stdin belongs to the process, not to us
            stream.close()


def byte_searchable(path: str) -> bool:
    """True for a plain UTF-8 JSONL file, whose lines can be searched by their bytes and read
    by offset (see :mod:`realtime_cli.session.locate`): not stdin, gzip, a JSON array, or a
    UTF-16/UTF-32 file (those are read through :func:`iter_file`)."""
    if path == "-" or path.endswith(".gz"):
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if not head or head[:2] == b"\x1f\x8b" or sniff_encoding(head) is not None:
        return False
    body = head[3:] if head.startswith(_BOM) else head
    return not body.lstrip().startswith(b"[")


def _decoded(path: str, stream: IO[bytes]) -> tuple[IO[bytes], ParseFailure | None]:
    """``stream`` as UTF-8, and the RT013 note when it had to be decoded from UTF-16/32."""
    if not isinstance(stream, io.BufferedReader):
        return stream, None
    found = sniff_encoding(stream.peek(4)[:4])
    if found is None:
        return stream, None
    codec, bom, label = found
    note = ParseFailure(
        path, 1, "RT013",
        f"input is {label}, not UTF-8; decoded and checked (a line that is not valid {label.split()[0]} "
        "is reported as invalid UTF-8, RT002; byte offsets are those of its UTF-8 form)",
    )
    return transcoded(stream, codec, bom), note


def _iter_stream(
    path: str, stream: IO[bytes], max_line_bytes: int, *, lineno: int = 0, offset: int = 0,
    tally: list[int] | None = None,
) -> Iterator[Item]:
    """The items of ``stream``; ``lineno``/``offset``: the line count and byte offset before
    it, when it is a range of a larger file (see :mod:`realtime_cli.engine.split`). ``tally``: gets
    the line count after the last line read appended, once the stream is exhausted."""
    first = True  # no content line seen yet
    saw_content = False
    binary_at = 0  # line where the input was found to look binary (0: it does not)
    binary_skipped = 0
    broken: ParseFailure | None = None
    long_cut = False
    chunk = min(_READ_CHUNK, max_line_bytes + 1)
    # Only a whole input is sniffed and may be a JSON array: a range of a file (the engine's
    # workers read those from memory or from an offset) is JSONL, a batch line included.
    whole = offset == 0 and isinstance(stream, io.BufferedReader)
    try:
        if whole:  # the encoding and the binary sniff are about the start of a file
            stream, note = _decoded(path, stream)
            if note is not None:
                yield note
        readline = stream.readline
        head = stream.peek(512)[:512] if whole and isinstance(stream, io.BufferedReader) else b""
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
            if first:
                if lineno == 1 and raw.startswith(_BOM):
                    raw = raw[3:]  # the line's offset stays that of the file's start
                if whole and raw.lstrip()[:1] == b"[" and not binary_at:
                    # A JSON array (one line or many, of any size): streamed element by element.
                    lineno = yield from iter_array(path, stream, raw, lineno, start, max_line_bytes)
                    if tally is not None:
                        tally.append(lineno)
                    return
                first = not raw.strip()
            if len(raw) == chunk and raw[-1] != 10:
                # A line longer than one chunk (rare): grow it in place, up to the limit.
                long, size = _long_line(readline, raw, max_line_bytes)
                offset += size - chunk
                if long is None:
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
                raw, long = long, None  # one name holds the line, so it can be let go
                long_cut = raw[-1] != 10  # before the in-place strip below removes the newline
            if len(raw) >= LARGE:
                value = loads_large(raw)  # held once more, not twice (see jsonparse)
                if value is not FAILED:
                    raw = b""  # not held while the record is checked downstream
            else:
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
                yield from to_items(path, lineno, start, value)
    except READ_ERRORS as exc:
        broken = read_failure(path, lineno + 1, offset, exc)
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


def _looks_binary(head: bytes) -> bool:
    # Only the start decides: a log that starts as JSON and later holds NUL garbage (a crash
    # that left zero-filled blocks) gets one precise diagnostic per bad line instead.
    return not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"["))
