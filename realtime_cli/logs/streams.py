"""Opening an input: a file, stdin, gzip (streamed, damage reported late), UTF-16/UTF-32.

Every stream handed on is a ``BufferedReader`` of UTF-8 bytes, read in bounded steps: a gzip
bomb or a 2 GB UTF-16 log never sits in memory at once.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import io
import sys
import zlib
from typing import IO, Any

READ_CHUNK = 1 << 20
_OPEN_BUFFER = 1 << 16

# Longest first: UTF-32 LE's BOM starts with UTF-16 LE's.
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 BE"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 LE"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 LE"),
)
_JSON_START = frozenset(b"{[ \t\r\n")


def open_plain(path: str, buffering: int = -1) -> IO[bytes]:
    """Open a named file for binary reading: the one place the readers call ``open``, so a
    refusal (a locked file, or a test that simulates one) reaches every reader alike."""
    return open(path, "rb", buffering=buffering)


def open_input(path: str) -> IO[bytes]:
    """Open ``path`` (``-``: stdin) for reading; gzip is recognised by its magic or its name.

    Raises OSError when the input cannot be opened.
    """
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
        raw = open_plain(path, _OPEN_BUFFER)
        name = path
    try:
        head = raw.peek(2)[:2] if isinstance(raw, io.BufferedReader) else b""
    except OSError:
        if path != "-":
            raw.close()
        raise
    if head == b"\x1f\x8b" or name.endswith(".gz"):
        # BufferedReader: line iteration in C. GzipRaw instead of gzip.GzipFile so that a
        # truncated or corrupt stream still yields every complete line before the damage.
        return io.BufferedReader(GzipRaw(raw), buffer_size=READ_CHUNK)
    return raw


def sniff_encoding(head: bytes) -> tuple[str, int, str] | None:
    """``(codec, BOM length, label)`` when ``head`` (a file's first bytes) is UTF-16 or UTF-32.

    By the BOM first (Windows PowerShell 5's ``>`` writes UTF-16 LE with one); without a BOM,
    by the zero bytes around the first character, which in a JSON log is ASCII (``{``, ``[``
    or white space): the method of RFC 4627 section 3. None: UTF-8 (or not text at all).
    """
    for bom, codec, label in _BOMS:
        if head.startswith(bom):
            return codec, len(bom), label
    if len(head) < 4 or b"\x00" not in head[:4]:
        return None
    b0, b1, b2, b3 = head[:4]
    if b0 == b1 == b2 == 0 and b3 in _JSON_START:
        return "utf-32-be", 0, "UTF-32 BE (no BOM)"
    if b1 == b2 == b3 == 0 and b0 in _JSON_START:
        return "utf-32-le", 0, "UTF-32 LE (no BOM)"
    if b0 == 0 and b1 in _JSON_START and b2 == 0:
        return "utf-16-be", 0, "UTF-16 BE (no BOM)"
    if b1 == 0 and b0 in _JSON_START and b3 == 0:
        return "utf-16-le", 0, "UTF-16 LE (no BOM)"
    return None


def _mark_damage(exc: UnicodeError) -> tuple[str, int]:
    # Bytes that are not text in the input's encoding (a lone surrogate, an odd trailing
    # byte, a UTF-32 value past U+10FFFF) become a lone surrogate, which re-encodes to bytes
    # that are not UTF-8: that line then gets RT002 instead of being silently repaired.
    assert isinstance(exc, UnicodeDecodeError)
    return "\udcff", exc.end


codecs.register_error("rtcheck.mark", _mark_damage)


class Transcoded(io.RawIOBase):
    """A UTF-16/UTF-32 stream re-encoded as UTF-8, a bounded step at a time.

    Newlines map one to one, so line numbers stay physical; byte offsets are those of the
    UTF-8 form (the progress bar and ``Record.offset`` of such inputs are approximate).
    """

    def __init__(self, raw: IO[bytes], codec: str, skip: int) -> None:
        super().__init__()
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(codec)(errors="rtcheck.mark")
        self._skip = skip  # the BOM, still unread
        self._pending = memoryview(b"")
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            if self._done:
                return 0
            if self._skip:
                self._skip -= len(self._raw.read(self._skip))
                continue
            chunk = self._raw.read(READ_CHUNK)
            text = self._decoder.decode(chunk, final=not chunk)
            self._done = not chunk
            self._pending = memoryview(text.encode("utf-8", "surrogatepass"))
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def transcoded(stream: IO[bytes], codec: str, skip: int) -> io.BufferedReader:
    """``stream`` (positioned at its start, BOM included) as UTF-8 (see :class:`Transcoded`)."""
    return io.BufferedReader(Transcoded(stream, codec, skip), buffer_size=READ_CHUNK)


class GzipRaw(io.RawIOBase):
    """Streaming gzip decompression that hands out all it can before reporting damage.

    ``gzip.GzipFile`` raises in the middle of a buffer fill and loses the lines decoded in it.
    Here decompressed data is always delivered first; the error (``EOFError`` for a
    truncated stream, ``zlib.error``/``BadGzipFile`` for corruption) comes on the next read.
    The 8-byte member trailer (CRC, size) is held back and fed alone, so a CRC mismatch
    costs no data. Output per step is capped (``READ_CHUNK``): a gzip bomb streams, it is
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
            out = d.decompress(d.unconsumed_tail, READ_CHUNK)
        else:
            if self._input_done:
                feed, self._held = self._held, b""
                if not feed:
                    if self._fed and not d.eof:
                        self._error = EOFError("compressed file ended before the end-of-stream marker was reached")
                    self._finished = True
                    return
            else:
                chunk = self._raw.read(READ_CHUNK)
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
            out = d.decompress(feed, READ_CHUNK)
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
