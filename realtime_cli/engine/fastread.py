"""The shortest path for the high-volume events of a plain JSONL file (issue 14).

About 80% of a real log is deltas (text, transcript, function-call arguments, audio). For a
bare line of one of those types, once its stream is open, this reader decodes *and* validates
the line in one C pass into its generated msgspec Struct (:mod:`.schema_types`) and does the
rules' whole work for it from the Struct's attributes: mark the response as seen, append the
text to its stream (or add the audio's decoded length), count the event. No dict, no
``Record``, no handler dispatch.

Everything else takes the general path, line by line, with the loader's own semantics: the
line is parsed by orjson (or classified by :func:`~realtime_cli.logs.jsonparse.parse_slow`),
wrapped as the loader wraps it, and fed to :meth:`FileValidator.add`. That includes a delta
whose stream is not open yet, whose response is unknown, whose audio is not valid base64,
or that msgspec rejects (the general path then explains it exactly as before). The output is
the general path's, byte for byte (``tests/unit/test_fast_paths.py`` compares them).

Only plain files whose start is ordinary JSONL take this reader: a gzip file, stdin, a BOM,
a JSON array, a binary start or a line over 1 MiB (found at any point: the file is then
validated again from its start by the general path) go to the loader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec
import orjson

from realtime_cli.engine import schema_types
from realtime_cli.engine.prechecks import _fast_entry
from realtime_cli.logs import loader, streams
from realtime_cli.logs.jsonparse import FAILED, parse_slow
from realtime_cli.logs.loader import ParseFailure, Record
from realtime_cli.rules import lifecycle, refs, structure
from realtime_cli.rules.context import OPEN_CAP, is_cut, put_bounded

if TYPE_CHECKING:
    from realtime_cli.engine.filecheck import FileValidator

_CHUNK = 1 << 20  # lines longer than this go to the loader (it grows them in place)
_HEAD = b'{"type":"'

# Hot event type -> (kind, has content_index, is audio). Text kinds match structure._DELTAS.
_HOT: dict[str, tuple[str, bool, bool]] = {
    **{t: (kind, ci, False) for t, (kind, ci) in structure._DELTAS.items()},
    "response.audio.delta": ("", True, True),
    "response.output_audio.delta": ("", True, True),
    "input_audio_buffer.append": ("append", False, True),
}
# The rule handlers the fast path stands in for, per kind of hot event (by function).
_TEXT_HANDLERS = (lifecycle.Lifecycle.on_response_event, structure.Structure.on_delta)
_AUDIO_HANDLERS = (lifecycle.Lifecycle.on_response_event, structure.Structure.on_audio, refs.Refs.on_audio)
_APPEND_HANDLERS = (lifecycle.Lifecycle.on_client, structure.Structure.on_append)


class _Bail(Exception):
    """This file needs the loader after all (a line over the chunk size)."""


def simple_file(path: str) -> bool:
    """Whether ``path`` is a plain file whose start this reader handles like the loader."""
    if path == "-" or path.endswith(".gz"):  # the loader reads a .gz name as gzip, whatever it holds
        return False
    try:
        with streams.open_plain(path) as f:
            head = f.read(4096)
    except OSError:
        return False
    if not head or head[:2] == b"\x1f\x8b" or head.startswith(loader._BOM) or b"\x00" in head[:512]:
        return False
    return not head.lstrip().startswith(b"[")


def _decoders(dialect: str) -> dict[bytes, tuple[Any, str, tuple[str, bool, bool]]]:
    table = {}
    for etype, spec in _HOT.items():
        cls = schema_types.EVENTS.get(dialect, {}).get(etype)
        if cls is not None:
            table[etype.encode()] = (msgspec.json.Decoder(cls), etype, spec)
    return table


_DECODERS: dict[str, dict[bytes, tuple[Any, str, tuple[str, bool, bool]]]] = {}


def consume_file(fv: FileValidator, path: str, audio_length: Callable[[Any], int], progress: Any = None,
                 step: int = 2 << 20) -> bool:
    """Feed every line of ``path`` to ``fv``. False when the loader must read it instead:
    ``fv`` may then have been fed part of the file and must be dropped.

    ``progress``: called as ``progress(path, offset)`` at the first line starting ``step``
    bytes after the previous call (as :func:`realtime_cli.engine.ticks.ticking` does).
    """
    if fv.config.max_line_bytes < _CHUNK:
        return False
    try:
        with streams.open_plain(path, 1 << 16) as f:
            _consume(fv, path, f, audio_length, progress, step)
    except (_Bail, OSError):
        return False
    return True


def _consume(fv: FileValidator, path: str, f: Any, audio_length: Callable[[Any], int], progress: Any,
             step: int) -> None:
    add = fv.add
    checker = fv.checker
    summary = fv.summary
    readline = f.readline
    decode_error = (msgspec.ValidationError, msgspec.DecodeError)
    lineno = offset = 0
    saw_content = False
    next_tick = step
    hot: dict[bytes, tuple[Any, str, tuple[str, bool, bool]]] = {}
    hot_dialect = ""
    fast_ok: dict[str, bool] = {}
    families_of: Any = None
    fams: tuple[Any, Any, Any] = (None, None, None)
    while True:
        raw = readline(_CHUNK)
        if not raw:
            break
        lineno += 1
        start = offset
        offset += len(raw)
        if len(raw) == _CHUNK and raw[-1] != 10:
            raise _Bail
        if progress is not None and start >= next_tick:
            progress(path, start)
            next_tick = start + step
        if fv._fast is not None and not checker.awaiting_start:
            if hot_dialect != fv._fast_dialect:
                hot_dialect = fv._fast_dialect
                hot = _DECODERS.get(hot_dialect) or _DECODERS.setdefault(hot_dialect, _decoders(hot_dialect))
            body: Any = raw
            entry = None
            if raw.startswith(_HEAD):
                end = raw.find(b'"', 9)
                entry = hot.get(raw[9:end]) if end > 0 else None
            else:
                # An event in an envelope ({"time", "source", "event"} and the like): the byte
                # search only picks the candidates; _inner decides, as the loader does.
                k = raw.find(_IN_ENVELOPE)
                if k > 0:
                    k += len(_IN_ENVELOPE)
                    end = raw.find(b'"', k)
                    entry = hot.get(raw[k:end]) if end > 0 else None
                    if entry is not None:
                        body = _inner(raw)
                        if body is None:
                            entry = None
            if entry is not None:
                if families_of is not checker.families:  # rebuilt at a session start
                    families_of, fast_ok, fams = checker.families, {}, _families(checker)
                etype = entry[1]
                ok = fast_ok.get(etype)
                if ok is None:
                    table = fv._fast
                    known = table[etype] if etype in table else _fast_entry(fv._fast_dialect, etype)
                    ok = fast_ok[etype] = known is not None and _handlers_match(checker, etype, entry[2])
                if ok:
                    n = -1
                    try:
                        if entry[2][2] and len(body) > _SLICE_MIN:
                            ev, n = _sliced(entry, bytes(body))
                        else:
                            ev = entry[0].decode(body)
                    except decode_error:
                        ev = None
                    if ev is not None and _fast_event(fams, ev, entry, audio_length, lineno, n):
                        saw_content = True
                        summary.events += 1
                        continue
        # The general path: the loader's per-line semantics.
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            value = FAILED
        if value is FAILED:
            body = raw.strip()
            if not body:
                continue
            saw_content = True
            value, problems = parse_slow(body)
            cut = not raw.endswith(b"\n")
            for code, msg, col in problems:
                if value is FAILED and cut:
                    msg += "; the last line has no newline: the log was probably cut off while written"
                add(ParseFailure(path, lineno, code, msg, col=col, offset=start))
            if value is FAILED:
                continue
        saw_content = True
        if type(value) is dict and "type" in value and "event_id" in value:
            add(Record(path, lineno, start, value, "bare", None, value.get("timestamp")))
        else:
            for item in loader._to_items(path, lineno, start, value):
                add(item)
    if not saw_content:
        raise _Bail  # an empty or blank file: the loader says so (RT008)


class _Envelope(msgspec.Struct):
    """The keys of a log record that decide where its event is (see ``logs.records.unwrap``)."""

    event: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    type: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    event_id: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


_ENVELOPE = msgspec.json.Decoder(_Envelope)
_IN_ENVELOPE = b'"event":{"type":"'


def _inner(raw: bytes) -> Any:
    """The event of an enveloped record (a ``msgspec.Raw``: its bytes, not copied), or None
    when the record is not one (then the general path reads it).

    ``unwrap`` takes a record's ``event`` value as its event unless the record itself has both
    ``type`` and ``event_id``: the same decision, on the keys as msgspec decodes them (escaped
    names; duplicates: the last one wins, as with orjson). That the value is an object of the
    expected type is then the Struct decoder's check (its ``type`` tag).
    """
    try:
        env = _ENVELOPE.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    if env.event is msgspec.UNSET or (env.type is not msgspec.UNSET and env.event_id is not msgspec.UNSET):
        return None
    return env.event


_SLICE_MIN = 1024  # audio lines longer than this have their payload sliced out (see _sliced)
_AUDIO_KEYS = {"append": (b'"audio":"', b'"audio"', "audio")}
_DELTA_KEYS = (b'"delta":"', b'"delta"', "delta")
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _sliced(entry: tuple[Any, str, tuple[str, bool, bool]], raw: bytes) -> tuple[Any, int]:
    """Decode an audio line without copying its payload into a ``str``: the payload is cut out
    of the raw bytes, checked as canonical base64 there, and the rest of the line is decoded and
    validated by msgspec with an empty payload in its place (the payload's schema is a bare
    ``string``, so an empty one stands for any). Returns ``(event, decoded length)``, or
    ``(event, -1)`` for a line this cannot read exactly (the caller then takes the Struct path).

    The cut is the top-level payload exactly when the line holds no backslash outside the
    payload (so no key is escaped and no ``"`` hides in a string), the key's quoted name occurs
    once in the whole line, and the decoded event's payload is the empty one put in its place.
    The payload itself holds only base64 characters (checked), so it has no escape either.
    About 2.5 us less per 8 KB line than decoding the payload into a ``str`` and checking that.
    """
    key, name, attr = _AUDIO_KEYS.get(entry[2][0], _DELTA_KEYS)
    i = raw.find(key)
    if i >= 0:
        s = i + len(key)
        j = raw.find(b'"', s)
        if j > 0:
            head = raw[:s]
            tail = raw[j:]
            size = j - s
            if (not size & 3 and b"\\" not in head and b"\\" not in tail and name not in tail
                    and raw.find(name, 0, i) < 0):
                pad = 0 if raw[j - 1] != 61 else 2 if raw[j - 2] == 61 else 1  # 61: "="
                # The characters outside the alphabet, counted without copying the payload out:
                # the line's, less the head's and the tail's, must be the payload's padding.
                rest = len(raw.translate(None, _B64_ALPHABET))
                if rest - len(head.translate(None, _B64_ALPHABET)) - len(tail.translate(None, _B64_ALPHABET)) == pad:
                    ev = entry[0].decode(head + tail)
                    if getattr(ev, attr) == "":
                        return ev, (size - pad) * 3 // 4
    return entry[0].decode(raw), -1


def _handlers_match(checker: Any, etype: str, spec: tuple[str, bool, bool]) -> bool:
    """Whether ``etype``'s handlers are exactly the ones the fast path stands in for."""
    handlers = checker.handlers_for(etype) or ()
    want = _APPEND_HANDLERS if spec[0] == "append" else _AUDIO_HANDLERS if spec[2] else _TEXT_HANDLERS
    return tuple(getattr(h, "__func__", None) for h in handlers) == want


def _families(checker: Any) -> tuple[Any, Any, Any]:
    """The (lifecycle, structure, refs) families of the checker's current session, or None each."""
    found: dict[type, Any] = {type(f): f for f in checker.families}
    return found.get(lifecycle.Lifecycle), found.get(structure.Structure), found.get(refs.Refs)


def _fast_event(fams: tuple[Any, Any, Any], ev: Any, entry: tuple[Any, str, tuple[str, bool, bool]],
                audio_length: Callable[[Any], int], line: int, n: int = -1) -> bool:
    """The rules' work for one valid hot event, if nothing in it needs the general path.

    ``n``: the audio payload's decoded length when :func:`_sliced` already has it (-1: not).
    Checks every precondition first and changes state only when all hold, so a False leaves
    everything as it was for the general path.
    """
    life, struct, ref = fams
    spec = entry[2]
    if spec[0] == "append":  # lifecycle.on_client, and structure.on_append for a valid payload
        if life is None or (n < 0 and audio_length(ev.audio) < 0):
            return False
        eid = ev.event_id
        if type(eid) is str:
            put_bounded(life.client_events, eid, (entry[1], line), OPEN_CAP)
        return True
    rid = ev.response_id
    st = life.open.get(rid) if life is not None else None
    if st is None:
        return False
    if spec[2]:  # audio
        if ref is None or not ref.ctx.full:
            return False
        iid = ev.item_id
        prev = ref.audio_ms.get(iid)
        if prev is None:
            return False
        if n < 0:
            n = audio_length(ev.delta)
            if n < 0:
                return False
        st.seen = True
        ref.audio_ms[iid] = prev + n / ref.response_bpm.get(rid, ref.session_bpm)
        return True
    if struct is None:
        return False
    stream = struct.streams.get((ev.item_id, ev.content_index if spec[1] else -1, spec[0]))
    if stream is None:
        return False
    st.seen = True
    d = ev.delta
    n = len(d)
    if n > 300 and is_cut(d):
        stream.cut = True
    if stream.hasher is None and stream.n + n <= structure._KEEP_CHARS:
        stream.parts.append(d)
        stream.lines.append(line)
        stream.n += n
    else:
        stream.add(d, line)
    return True


__all__ = ["consume_file", "simple_file"]
