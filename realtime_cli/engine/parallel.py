"""``--jobs N``: validate across files and, within a large file, across byte ranges.

Cross-event rules need every record of a file in order, so they stay in the main process.
Workers do the per-line work that does not depend on other lines: read a newline-aligned byte
range, parse it with the loader's own line loop, digest audio payloads, and run the compiled
schema validators of *both* dialects on each event (the file's dialect is decided in the main
process, from the first strong signal anywhere in the file). They send back the records with
the verdicts, dropping base64 payloads that are valid (``audio_bytes`` keeps their length), and
the main process feeds them, in order and with file-wide line numbers and offsets, to the same
:class:`~realtime_cli.engine.filecheck.FileValidator` as ``--jobs 1``: the output is identical.

Inputs that cannot be split (gzip, stdin, JSON-array files, files that start like binary) are
validated whole, in a worker when several inputs are given. Workers are forked on Linux when
the process has a single thread, spawned otherwise (see :func:`_context`); only module-level
functions cross the process boundary either way.
"""

from __future__ import annotations

import io
import os
import sys
from collections import deque
from collections.abc import Iterator
from typing import Any

import orjson

from realtime_cli.core.diagnostics import Diagnostic, FileSummary
from realtime_cli.logs import loader
from realtime_cli.logs.loader import ParseFailure, Record

CHUNK_BYTES = 2 * 1024 * 1024  # one task: bounded, so results in flight stay small
# Splitting pays off when lines are long (audio payloads: parsing and decoding move to the
# workers, the main process gets small records). With short lines the main process's ordered
# consistency pass is the bottleneck and splitting only adds transfer cost (measured: a 50 MB
# text-only log took 3.1 s with --jobs 2 vs 1.2 s with --jobs 1), so such files stay whole.
MIN_MEAN_LINE_BYTES = 1024
# The byte-range split runs the ordered consistency pass in the main process beside the
# workers, so it needs a core of its own: on 2 cores it measured slower than one process
# (200 MB audio log: 0.36 s with --jobs 2 vs 0.29 s with --jobs 1), so it is used only when
# this many cores are both asked for and available.
RANGE_SPLIT_MIN_CORES = 3
# A range of whole sessions is worth a task from this size (a fork and a validator each).
SESSION_MIN_BYTES = 4 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"

Outcome = tuple[FileSummary, list[Diagnostic]]


def effective_jobs(jobs: int) -> int:
    """The worker count for ``--jobs`` (0 = one per available core)."""
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def splittable(path: str, min_bytes: int, *, long_lines: bool = True) -> bool:
    """True for a plain JSONL file of at least ``min_bytes`` whose first line is an object
    (and, with ``long_lines``, whose lines are long enough for byte-range splitting to pay)."""
    if path == "-" or path.endswith(".gz"):
        return False
    try:
        if os.path.getsize(path) < min_bytes:
            return False
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError:
        return False  # the sequential path reports it
    if head[:2] == b"\x1f\x8b" or b"\x00" in head:
        return False
    if head.startswith(_BOM):
        head = head[3:]
    if not head.lstrip().startswith(b"{"):
        return False
    return has_long_lines(path) if long_lines else True


def has_long_lines(path: str) -> bool:
    """True when the first MiB's lines average ``MIN_MEAN_LINE_BYTES`` or more (audio payloads)."""
    try:
        with open(path, "rb") as f:
            sample = f.read(1 << 20)
    except OSError:
        return False
    return len(sample) >= MIN_MEAN_LINE_BYTES * (sample.count(b"\n") or 1)


def ranges(path: str, chunk: int | None = None) -> list[tuple[int, int]]:
    """Newline-aligned byte ranges covering the file, each about ``chunk`` bytes.

    A range never starts with a line that the loader treats specially as the first line of an
    input (one that starts with a BOM or ``[``): such a line stays in the previous range, so
    every range reads exactly as it does inside the whole file.
    """
    chunk = chunk or CHUNK_BYTES  # read at call time: tests shrink it
    size = os.path.getsize(path)
    out: list[tuple[int, int]] = []
    start = 0
    with open(path, "rb") as f:
        while start < size:
            pos = start + chunk
            if pos >= size:
                out.append((start, size))
                break
            f.seek(pos)
            while True:
                buf = f.readline()  # rest of the line that straddles the cut
                pos += len(buf)
                if pos >= size:
                    break
                nxt = f.read(4096)
                f.seek(pos)
                if not (nxt.startswith(_BOM) or nxt.split(b"\n", 1)[0].lstrip().startswith(b"[")):
                    break
            end = min(pos, size)
            out.append((start, end))
            start = end
    return out


class _LineCounter(io.BytesIO):
    """A byte range read line by line that counts the newlines it hands out.

    ``bytes.count(b"\n")`` over a 2 MiB range costs ~0.5 ms, about a tenth of parsing a
    range of audio events; counting while reading costs a few microseconds for long lines.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.newlines = 0

    def readline(self, size: int | None = -1, /) -> bytes:
        line = super().readline(size)
        if line[-1:] == b"\n":
            self.newlines += 1
        return line


def _chunk_task(
    path: str, start: int, end: int, max_line_bytes: int, dialect: str | None
) -> tuple[int, bytes, bool]:
    """Worker: parse one range and pre-validate its records.

    Returns ``(lines, blob, is_pickle)``: the items as compact lists, serialised with orjson
    (a few times cheaper to load in the main process than pickled objects), or with pickle
    when a value orjson cannot write (an integer beyond 64 bits) is in the range.
    """
    from realtime_cli.engine.prechecks import precheck

    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    reader = _LineCounter(data)
    out: list[list[Any]] = []
    for item in loader._iter_stream(path, reader, max_line_bytes):
        if type(item) is Record:
            mask = precheck(item, dialect)
            out.append([item.line, item.offset, item.envelope, item.direction, item.ts,
                        item.audio_bytes, mask, item.event])
        elif type(item) is ParseFailure:
            if item.code == "RT008" and item.line == 0:
                continue  # "empty input" is about the whole file, which is not empty here
            out.append([item.line, item.offset, item.code, item.message, item.col])
    # Physical lines in the range: every newline was either read by the loop or is unread.
    lines = reader.newlines + reader.read().count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    del data, reader
    try:
        return lines, orjson.dumps(out), False
    except (orjson.JSONEncodeError, TypeError):
        import pickle

        return lines, pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL), True


def _file_task(path: str, config: Any) -> Outcome:
    """Worker: validate one whole input."""
    from realtime_cli.engine.filecheck import validate_file

    return validate_file(path, config)


def _split_file(pool: Any, jobs: int, path: str, config: Any, progress: Any = None) -> Outcome:
    from realtime_cli.engine.filecheck import FileValidator
    from realtime_cli.engine.split import early_signal

    fv = FileValidator(path, config)
    signal = None if fv.dialect else early_signal(path, config)
    dialect = fv.dialect or (signal[0] if signal else None)  # None: workers check both dialects
    todo = iter(ranges(path))
    window: deque[tuple[int, Any]] = deque()

    def submit() -> None:
        r = next(todo, None)
        if r is not None:
            window.append((r[0], pool.apply_async(_chunk_task, (path, r[0], r[1], config.max_line_bytes, dialect))))

    for _ in range(jobs + 1):  # a bounded window: memory does not grow with the file
        submit()
    line_base = 0
    while window:
        start, pending = window.popleft()
        if progress is not None:  # once per chunk: the bytes before this one are done
            progress(path, start)
        lines, blob, is_pickle = pending.get()
        submit()
        if is_pickle:
            import pickle

            items = pickle.loads(blob)
        else:
            items = orjson.loads(blob)
        del blob
        add = fv.add
        for it in items:
            if len(it) == 8:
                rec = Record(path, it[0] + line_base, it[1] + start, it[7], it[2], it[3], it[4])
                rec.audio_bytes = it[5]
                add(rec, it[6])
            else:
                add(ParseFailure(path, it[0] + line_base, it[2], it[3], col=it[4], offset=it[1] + start))
        del items
        line_base += lines
    return fv.finish()


def iter_inputs_parallel(paths: list[str], config: Any, progress: Any = None) -> Iterator[Outcome]:
    """Like :func:`realtime_cli.engine.filecheck.iter_inputs`, with ``config.jobs`` workers; same order."""
    from realtime_cli.engine.filecheck import iter_inputs, unreadable

    jobs = effective_jobs(config.jobs)
    found = list(loader.discover(paths))
    # Whole files first: a file validated whole in a worker sends back only its diagnostics.
    # Splitting one file makes the main process replay every record through the ordered
    # consistency pass, which measured no faster than one process on 2 cores
    # (benchmarks/README.md). So --jobs 0 (automatic) never splits, and an explicit --jobs N
    # splits only when there are fewer files than workers to keep busy.
    readable = [p for p, err in found if err is None and p != "-"]
    # A log of several sessions splits exactly at its session starts (realtime_cli.engine.split):
    # the workers run every rule, the main process only merges. Done automatically too.
    # (A log of one session is then one range: validated whole in a worker, as it would be.)
    by_session: dict[str, tuple[str, int] | None] = {}
    if jobs > 1 and len(readable) < jobs:
        from realtime_cli.engine import split as session_split

        for p in readable:
            # Finding the session starts costs one pass over the file (~0.12 s per 200 MB):
            # worth it where validation is slow per byte (text-heavy logs, ~70 MB/s), not on
            # audio-heavy logs (long lines, validated at ~450 MB/s), which keep the range split.
            if splittable(p, 2 * SESSION_MIN_BYTES, long_lines=False) and not has_long_lines(p):
                signal = session_split.early_signal(p, config) if config.dialect == "auto" else None
                if signal is not None or config.dialect != "auto":
                    by_session[p] = signal
    split = (
        set()
        if config.jobs == 0 or len(readable) >= jobs or min(jobs, effective_jobs(0)) < RANGE_SPLIT_MIN_CORES
        else {p for p in readable if p not in by_session and splittable(p, 2 * CHUNK_BYTES)}
    )
    whole = [p for p, err in found if err is None and p not in split and p not in by_session and p != "-"]
    if jobs <= 1 or (not split and not by_session and len(whole) <= 1):
        yield from iter_inputs(paths, config, progress)
        return
    with _context().Pool(jobs) as pool:
        queued: deque[Any] = deque()
        for path, error in found:
            if error is not None:
                queued.append(unreadable(path, error, config))
            elif path in by_session:
                while queued:
                    yield _resolve(queued.popleft())
                plan = session_split.iter_plan(path, jobs, SESSION_MIN_BYTES)
                yield _mark(session_split.run(pool, path, plan, config, by_session[path], progress))
            elif path in split:
                while queued:
                    yield _resolve(queued.popleft())
                yield _mark(_split_file(pool, jobs, path, config, progress))
            elif path == "-":
                while queued:
                    yield _resolve(queued.popleft())
                yield from iter_inputs(["-"], config, progress)
            else:
                queued.append(pool.apply_async(_file_task, (path, config)))
                while len(queued) > 4 * jobs:
                    yield _resolve(queued.popleft())
        while queued:
            yield _resolve(queued.popleft())


def _context() -> Any:
    """``fork`` on Linux when this process has no other thread, else ``spawn``.

    A spawned worker starts a fresh interpreter and imports the CLI, the engine and its
    validators again (~0.15 s on the benchmark machine, more than the whole per-event work of
    a 50 MB log); a forked one starts with all of that already loaded. Forking is unsafe only
    when another thread may hold a lock at that moment, so a process with threads (an
    embedding application) keeps ``spawn``, as do macOS (where ``fork`` is not safe with
    system frameworks) and Windows.
    """
    # Imported here: a run that starts no worker (--jobs 1, or one input) never loads
    # multiprocessing (~4 ms of start-up).
    import multiprocessing
    import threading

    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _resolve(entry: Any) -> Outcome:
    if isinstance(entry, tuple):
        return entry
    return _mark(entry.get())


def _mark(outcome: Outcome) -> Outcome:
    summary, diags = outcome
    if any(d.code == "RT006" and d.line == 0 for d in diags):
        summary.readable = False
    return summary, diags
