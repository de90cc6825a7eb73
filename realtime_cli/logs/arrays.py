"""JSON-array logs, streamed one element at a time with physical line numbers.

A file whose first value is a JSON array (``json.dump(events, f)`` on one line, a pretty
printed array over many, one element per line) is read element by element: memory holds one
element and one read block, whatever the size of the array. Each element is parsed by orjson
as it is found, so a Record's line is the physical line where its element starts.

Finding where an element ends costs almost nothing in the common case: the first ``}`` (or
``]``) followed by ``,`` or ``]`` is tried as the end, and orjson either parses the span (then
it *is* the element: a JSON value that parses completely cannot continue past its closing
bracket) or says it ended early (try the next such place). Only an element that is malformed,
or much nested in an awkward way, is scanned bracket by bracket (strings skipped whole, by a
regular expression, never byte by byte in Python).

After the array closes, the rest of the stream is read the same way: further arrays (one
batch per line) or objects are records too; anything else is reported (RT001) line by line.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import IO

import orjson

from realtime_cli.logs.jsonparse import FAILED, LARGE, loads_large, parse_slow
from realtime_cli.logs.records import (
    READ_ERRORS,
    Item,
    ParseFailure,
    Record,
    read_failure,
    to_items,
)

_CHUNK = 1 << 20
_WS = b" \t\r\n"
# A place where an element of the array may end: its closing bracket, then the next element
# (a comma and an opening bracket) or the array's end. Inner objects mostly end otherwise
# (``}, "key"``), so few places are tried in vain.
_CANDIDATE = re.compile(rb"[}\]][ \t\r\n]*(?:,[ \t\r\n]*[{\[]|\])")
_SMALL = 1 << 16  # spans shorter than this are copied for orjson: cheaper than a memoryview
# Everything up to the next bracket, with strings skipped whole (they may hold brackets); a
# string that does not close on its line (or in the buffer) stops the match at its quote.
_BRACKET = re.compile(rb'[^"\[\]{}]*(?:"[^"\\\n]*(?:\\[^\n][^"\\\n]*)*"[^"\[\]{}]*)*([\[\]{}"])')
_STRING_BODY = re.compile(rb'[^"\\\n]*(?:\\[^\n][^"\\\n]*)*')
_LITERAL = re.compile(rb'[^\s,\[\]{}"]*')
_NESTING = 2  # arrays in arrays are streamed; deeper ones are elements (RT004, or RT001 if too deep)
_MAX_TRIES = 12  # orjson attempts at candidate ends before the exact bracket scan


class _Buffer:
    """The unread part of the stream: ``buf[0]`` is at file offset ``base``; newlines before
    ``lpos`` are counted in ``line`` (the physical line of ``buf[lpos]``)."""

    def __init__(self, stream: IO[bytes], head: bytes | bytearray, line: int, offset: int) -> None:
        # read1: one read of the raw stream at a time, so that what a damaged gzip stream
        # gave before its damage is delivered first (read() would drop it with the error).
        self.read = getattr(stream, "read1", stream.read)
        self.buf = bytearray(head)
        self.base = offset
        self.line = line
        self.lpos = 0
        self.line_start = offset  # file offset where the current line starts
        self.eof = False

    def more(self) -> bool:
        """Append one block; False at the end of the stream."""
        if self.eof:
            return False
        data = self.read(_CHUNK)
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def line_at(self, pos: int) -> int:
        """The physical line of ``buf[pos]``; positions must be asked in increasing order."""
        buf = self.buf
        if pos > self.lpos:
            n = buf.count(b"\n", self.lpos, pos)
            if n:
                self.line += n
                self.line_start = self.base + buf.rfind(b"\n", self.lpos, pos) + 1
            self.lpos = pos
        return self.line

    def column(self, pos: int) -> int:
        return self.base + pos - self.line_start + 1

    def drop(self, pos: int) -> None:
        """Forget ``buf[:pos]`` (its newlines are counted first)."""
        if pos:
            self.line_at(pos)
            # A new, smaller buffer: ``del buf[:pos]`` would keep the old allocation.
            self.buf = self.buf[pos:]
            self.base += pos
            self.lpos -= pos

    def skip_ws(self, pos: int) -> int:
        """The position of the next byte that is not white space, or -1 at the end."""
        while True:
            buf = self.buf
            n = len(buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            if pos < n:
                return pos
            if not self.more():
                return -1


class _Element:
    """Where one element ends, and its value when orjson already parsed it on the way."""

    __slots__ = ("cut", "end", "size", "value")

    def __init__(self, end: int, value: object, size: int, cut: bool = False) -> None:
        self.end = end  # position after the element (-1: too long, drained)
        self.value = value  # FAILED: not parsed yet
        self.size = size
        self.cut = cut  # the stream ended inside it


def iter_array(
    path: str, stream: IO[bytes], head: bytes | bytearray, line: int, offset: int, max_bytes: int
) -> Generator[Item, None, int]:
    """Items of a stream whose first value is a JSON array; ``head`` was already read from it
    (it starts at file offset ``offset``, on physical line ``line``). Returns the number of
    the last line read. Never raises for bad input; a read error ends it with RT006/RT007.
    """
    sb = _Buffer(stream, head, line, offset)
    try:
        yield from _scan(path, sb, max_bytes)
    except READ_ERRORS as exc:
        yield read_failure(path, _lines(sb) + 1, sb.base + len(sb.buf), exc)
    return _lines(sb)


def _lines(sb: _Buffer) -> int:
    """The number of the last line read (a newline at the very end starts no line)."""
    n = sb.line_at(len(sb.buf))
    return n - 1 if sb.buf.endswith(b"\n") else n


def _scan(path: str, sb: _Buffer, max_bytes: int) -> Generator[Item, None, None]:
    depth = 0  # 0: between top-level values; 1: inside an array; 2: inside an array in it
    expecting = first = False  # in an array: an element must come next; nothing came yet
    elements = 0
    cut_at = 0  # the line of an element the stream ended in
    sep = b""  # the bytes between two elements, as last seen ("}, {", "},\n  {", ...)
    small = min(_SMALL, max_bytes)  # the fast path's reach: never past the limit
    pos = 0
    while True:
        if pos > _CHUNK:
            sb.drop(pos)
            pos = 0
        pos = sb.skip_ws(pos)
        if pos < 0:
            break
        buf = sb.buf
        c = buf[pos]
        if c == 0x7B and depth and expecting:
            # The common case, kept short: an object that ends where the separator between
            # elements seen last time is found next (a plain ``find``: memchr speed), or else
            # at the first candidate end; orjson's parse proves it.
            at = buf.find(sep, pos + 1, pos + small) if sep else -1
            if at >= 0:
                end, nxt = at + 1, at + len(sep)
            else:
                m = _CANDIDATE.search(buf, pos + 1, pos + small)
                end, nxt = (m.start() + 1, m.end()) if m is not None else (0, 0)
            if end:
                try:
                    value = orjson.loads(buf[pos:end])
                except orjson.JSONDecodeError:
                    value = FAILED
                if value is not FAILED:
                    line = sb.line_at(pos)
                    elements += 1
                    if type(value) is dict and "type" in value and "event_id" in value:
                        yield Record(path, line, sb.base + pos, value, "bare", None, value.get("timestamp"))
                    else:
                        yield from to_items(path, line, sb.base + pos, value)
                    first = False
                    if buf[nxt - 1] == 0x5D:  # "]": the array ends here
                        depth, expecting, pos = depth - 1, False, nxt
                    else:
                        if at < 0:
                            sep = bytes(buf[end - 1:nxt])
                        pos = nxt - 1  # at the next element's opening bracket
                    continue
        if depth == 0:
            if c == 0x5B:  # "["
                depth, expecting, first = 1, True, True
                pos += 1
                continue
            if c != 0x7B:  # only "{" may follow an array: a record (one batch or event per line)
                yield _failure(path, sb, pos, "unexpected content after the closing ] of the JSON array")
                pos = _next_line(sb, pos)
                continue
        elif c == 0x5D:  # "]"
            if expecting and not first:
                yield _failure(path, sb, pos, "invalid JSON array: a comma before the closing ]")
            depth, expecting, first = depth - 1, False, False
            pos += 1
            continue
        elif c == 0x5B and depth < _NESTING:
            # An array of batches (arrays of events): streamed too, however big a batch is.
            if not expecting:
                yield _failure(path, sb, pos, "invalid JSON array: a comma is missing before this element")
            depth, expecting, first = depth + 1, True, True
            pos += 1
            continue
        elif c == 0x2C:  # ","
            if expecting:
                yield _failure(path, sb, pos, "invalid JSON array: an empty element (two commas, or a comma after [)")
            expecting, first = True, False
            pos += 1
            continue
        elif not expecting:
            yield _failure(path, sb, pos, "invalid JSON array: a comma is missing before this element")
        line = sb.line_at(pos)
        start_off, col = sb.base + pos, sb.column(pos)
        el = _element(sb, pos, max_bytes)
        expecting = first = False
        elements += 1
        if el.end < 0:  # drained: the buffer now starts after the element
            yield ParseFailure(
                path, line, "RT003",
                f"array element is {el.size} bytes, over the limit of {max_bytes} bytes "
                "(--max-line-bytes); skipped, the elements after it are still checked",
                col=col, offset=start_off,
            )
            pos = 0
            continue
        if el.cut:
            cut_at = line
            break
        value = el.value
        if value is FAILED:
            value, problems = parse_slow(sb.buf[pos:el.end])
            for code, msg, _col in problems:
                yield ParseFailure(path, line, code, msg, col=col, offset=start_off)
        pos = el.end
        if el.size >= LARGE:  # let the element's bytes go before its record is checked
            sb.drop(pos)
            buf, pos = sb.buf, 0
        if value is not FAILED:
            yield from to_items(path, line, start_off, value)
    if depth:
        if cut_at:
            line, what = cut_at, "its last element is cut off"
        else:
            body = len(sb.buf.rstrip())
            line, what = (sb.line_at(body) if body else sb.line), "no closing ]"
        yield ParseFailure(
            path, line, "RT001", f"JSON array is not closed ({what}): the file is truncated",
            offset=sb.base + len(sb.buf),
        )
    elif not elements:
        yield ParseFailure(path, 0, "RT008", "no events: the JSON array is empty")


def _failure(path: str, sb: _Buffer, pos: int, message: str) -> ParseFailure:
    return ParseFailure(path, sb.line_at(pos), "RT001", message, col=sb.column(pos), offset=sb.base + pos)


def _next_line(sb: _Buffer, pos: int) -> int:
    """The position after the newline that ends ``pos``'s line (the buffer's end at EOF)."""
    while True:
        nl = sb.buf.find(b"\n", pos)
        if nl >= 0:
            return nl + 1
        pos = len(sb.buf)
        sb.drop(pos)  # garbage is never held
        pos = 0
        if not sb.more():
            return len(sb.buf)


def _element(sb: _Buffer, start: int, max_bytes: int) -> _Element:
    c = sb.buf[start]
    if c in b"{[":
        found = _by_candidates(sb, start, max_bytes)
        return found if found is not None else _by_brackets(sb, start, max_bytes)
    if c == 0x22:  # '"': a string element (not a record: RT004 later)
        end = _string_end(sb, start, max_bytes)
        return _Element(-1, FAILED, -end) if end < 0 else _Element(end, FAILED, end - start)
    return _literal(sb, start, max_bytes)


def _literal(sb: _Buffer, start: int, max_bytes: int) -> _Element:
    """A number or literal (or garbage) up to the next delimiter; a stray bracket is one byte."""
    dropped = 0
    while True:
        m = _LITERAL.match(sb.buf, start)
        end = m.end() if m else start
        if end < len(sb.buf):
            if dropped or end - start > max_bytes:
                return _drained(sb, end, dropped + end - start)
            return _Element(max(end, start + 1), FAILED, max(end, start + 1) - start)
        if dropped or end - start > max_bytes:
            dropped += end - start
            sb.drop(end)
            start = 0
        if not sb.more():
            if dropped:
                return _drained(sb, 0, dropped)
            return _Element(end, FAILED, end - start)


def _by_candidates(sb: _Buffer, start: int, max_bytes: int) -> _Element | None:
    """Find the element's end where orjson parses it; None: leave it to the exact scan."""
    search = start + 1
    tries = 0
    while tries < _MAX_TRIES:
        m = _CANDIDATE.search(sb.buf, search)
        if m is None:
            if len(sb.buf) - start > max_bytes:
                return None
            # A candidate may be cut at the block's end: look at the last bytes again.
            search = max(search, len(sb.buf) - 256)
            if not sb.more():
                return None
            continue
        end = m.start() + 1
        if end - start > max_bytes:
            return None  # too long: the exact scan drains it
        tries += 1
        try:
            if end - start < _SMALL:
                value = orjson.loads(sb.buf[start:end])
            else:
                with memoryview(sb.buf) as view, view[start:end] as span:
                    value = loads_large(span) if end - start >= LARGE else FAILED
                    if value is FAILED:
                        value = orjson.loads(span)
        except orjson.JSONDecodeError as exc:
            if exc.pos < end - start:  # a real error, not a value cut short: scan exactly
                return None
            search = end
            continue
        return _Element(end, value, end - start)
    return None


def _by_brackets(sb: _Buffer, start: int, max_bytes: int) -> _Element:
    """The exact end of a ``{...}`` or ``[...]`` element; past ``max_bytes`` it is drained
    (counted, never held). At the end of the stream it ends where the stream does."""
    depth = 0
    pos = start
    dropped = 0  # bytes of this element already forgotten (draining)
    while True:
        m = _BRACKET.match(sb.buf, pos)
        if m is not None:
            at = m.start(1)
            if sb.buf[at] == 0x22:  # a string the expression could not close in the buffer
                end = _string_end(sb, at, max_bytes)
                if end < 0:  # a string too long to hold: drained up to its end
                    dropped += at - start - end
                    pos = start = 0
                else:
                    pos = end
                continue
            depth += 1 if sb.buf[at] in b"{[" else -1
            pos = at + 1
            if depth == 0:
                size = dropped + pos - start
                if dropped or size > max_bytes:
                    return _drained(sb, pos, size)
                return _Element(pos, FAILED, size)
            continue
        pos = len(sb.buf)
        if dropped or pos - start > max_bytes:  # too long: count it, do not hold it
            dropped += pos - start
            sb.drop(pos)
            pos = start = 0
        if not sb.more():
            if dropped:
                return _drained(sb, pos, dropped + pos - start)
            return _Element(pos, FAILED, pos - start, cut=True)


def _drained(sb: _Buffer, pos: int, size: int) -> _Element:
    sb.drop(pos)
    return _Element(-1, FAILED, size)


def _string_end(sb: _Buffer, quote: int, max_bytes: int) -> int:
    """The position after the string starting at ``quote``. A string does not span lines:
    at a newline (or the end of the stream) it is taken as ended there. A string longer than
    ``max_bytes`` is drained up to its end and ``-size`` returned (the buffer then starts
    right after it)."""
    pos = quote + 1
    dropped = 0
    while True:
        m = _STRING_BODY.match(sb.buf, pos)
        end = m.end() if m else pos
        n = len(sb.buf)
        if end < n and not (end == n - 1 and sb.buf[end] == 0x5C):
            end += 1 if sb.buf[end] == 0x22 else 0  # past the closing quote (not the newline)
            if dropped or end - quote > max_bytes:
                return -_drained(sb, end, dropped + end - quote).size
            return end
        keep = n - 1 if end < n else n  # a backslash cut from what it escapes stays
        if dropped or keep - quote > max_bytes:
            dropped += keep - quote
            sb.drop(keep)
            quote = 0
            keep = 0
        pos = keep
        if not sb.more():
            n = len(sb.buf)
            if dropped:
                return -_drained(sb, n, dropped + n - quote).size
            return n
