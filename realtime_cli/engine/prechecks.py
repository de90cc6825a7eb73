"""The per-event checks that need no other event: schema verdicts and the audio digest.

One fast valid/invalid verdict per event type, picked by a dict lookup on ``type`` (msgspec
Structs generated from the schemas: see :mod:`realtime_cli.engine.verdicts`), the exact base64
check of audio payloads, and :func:`precheck`, the part of an event's work a ``--jobs``
worker does alone. :mod:`.filecheck` (one input, in order, with the rules) builds on this.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from typing import Any

from realtime_cli.engine import schema_store, verdicts
from realtime_cli.logs import dialect as dl
from realtime_cli.logs.loader import Record

# Events whose base64 audio payload is digested (decoded length) for the consistency rules.
AUDIO_FIELDS = {
    "response.audio.delta": "delta",
    "response.output_audio.delta": "delta",
    "input_audio_buffer.append": "audio",
}
_RESPONSE_CARRIERS = frozenset({"response.created", "response.done"})
# Events whose content can prove a dialect (see dialect.strong_signal), besides the carriers.
_SESSION_SIGNALS = frozenset({"session.created", "session.updated"})


class _Validators:
    """Per-dialect lookup tables: event type -> compiled validator (built lazily)."""

    def __init__(self) -> None:
        self._fast: dict[tuple[str, str], tuple[str, Any] | None] = {}

    def get(self, dialect: str, event_type: str) -> tuple[str, Any] | None:
        key = (dialect, event_type)
        try:
            return self._fast[key]
        except KeyError:
            pass
        entry = schema_store.event_entry(dialect, event_type)
        found = None
        if entry is not None:
            sid = schema_store.schema_id(entry["schema"])
            found = (sid, verdicts.validator_for(dialect, event_type, sid))
        self._fast[key] = found
        return found

    def response(self, dialect: str) -> tuple[str, Any]:
        key = (dialect, "realtime.response")
        hit = self._fast.get(key)
        if hit is None:
            sid = schema_store.object_schema_id(dialect, "realtime.response")
            hit = (sid, schema_store.fast_validator(sid))
            self._fast[key] = hit
        return hit


_VALIDATORS = _Validators()

# Per dialect: event type -> (schema id, bound ``is_valid``, audio field or None) for the types
# whose check needs nothing but that dialect's validator: no content-dependent dialect signal
# (response.created/done, session.*, standalone responses), not legacy, not dialect-only for
# the *other* dialect, and known. Every other type maps to None and takes the general path.
# One str-keyed dict lookup per event instead of a tuple key, a signal call and a verdict call.
_Fast = tuple[str, Callable[[Any], bool], str | None]
_FAST: dict[str, dict[str, _Fast | None]] = {d: {} for d in dl.DIALECTS}


def _fast_entry(dialect: str, etype: str) -> _Fast | None:
    """Build (and cache) the fast-path entry of ``etype`` in ``dialect``."""
    entry: _Fast | None = None
    only = dl.DIALECT_ONLY.get(etype)
    content_signal = etype in _RESPONSE_CARRIERS or etype in _SESSION_SIGNALS or etype == "realtime.response"
    if (only is None or only == dialect) and not content_signal and etype not in dl.LEGACY_EVENTS:
        found = _VALIDATORS.get(dialect, etype)
        if found is not None:
            entry = (found[0], found[1].is_valid, AUDIO_FIELDS.get(etype))
    _FAST[dialect][etype] = entry
    return entry


_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_PADS = (b"", b"=", b"==")


def audio_length(payload: Any) -> int:
    """Decoded byte length of a base64 audio payload, or -1 if it is not valid base64.

    "Valid" is ``binascii.a2b_base64(strict_mode=True)``'s verdict. Canonical base64 (length
    a multiple of 4, only alphabet characters, at most two ``=`` and only at the end) is valid
    on every Python version and is recognised here without decoding: one ``translate`` that
    deletes the alphabet is ~3x cheaper than the decoder on a 7 KB payload (about 3 vs 9 us;
    see ``benchmarks/README.md``). Anything else goes to the decoder itself, whose strict rules
    for odd padding changed between Python versions.
    """
    if not isinstance(payload, str):
        return -1
    n = len(payload)
    if not n & 3 and payload.isascii():
        pad = 0 if payload[-1:] != "=" else 2 if payload[-2] == "=" else 1
        if payload.encode().translate(None, _B64_ALPHABET) == _B64_PADS[pad]:
            return (n - pad) * 3 // 4
    try:
        return len(binascii.a2b_base64(payload, strict_mode=True))
    except (binascii.Error, ValueError):
        return -1


# precheck verdict bits, per dialect index i in dl.DIALECTS: 1 << 2i = "has a schema",
# 1 << 2i+1 = "valid against it". An int crosses processes far cheaper than a dict.
_DIALECT_BIT = {d: 2 * i for i, d in enumerate(dl.DIALECTS)}


def precheck(rec: Record, dialect: str | None = None) -> int:
    """Per-record work that needs no other record (``--jobs`` workers run it).

    Fills ``rec.audio_bytes`` and returns the verdicts of the schemas the engine could pick for
    this record in either dialect, as bits (see ``_DIALECT_BIT``). When every verdict is
    "valid" and the audio payload is valid base64, the payload is replaced by ``""``: nothing
    downstream reads a valid payload (rules use ``audio_bytes``), and megabytes need not cross
    processes. ``dialect``: the file's dialect when known in advance (only it, and the dialect
    the event itself proves, are checked); None checks both.
    """
    ev = rec.event
    etype = "realtime.response" if rec.envelope == "response" else ev.get("type")
    if type(etype) is not str:
        return 0
    if dialect is not None and rec.envelope != "response":
        table = _FAST.get(dialect)
        if table is not None:
            fast = table[etype] if etype in table else _fast_entry(dialect, etype)
            if fast is not None:
                # A fast-path type proves no other dialect: only ``dialect``'s verdict is needed.
                bit = _DIALECT_BIT[dialect]
                ok = fast[1](ev)
                field = fast[2]
                if field is not None:
                    rec.audio_bytes = n = audio_length(ev.get(field))
                    if n >= 0 and ok:
                        ev[field] = ""
                return (1 << bit) | (int(ok) << (bit + 1))
    mask = 0
    all_ok = True
    wanted = _DIALECT_BIT
    if dialect is not None:
        sig = dl.strong_signal(ev, etype)
        wanted = {d: b for d, b in _DIALECT_BIT.items() if d in (dialect, sig)}
    for d, bit in wanted.items():
        found = _VALIDATORS.response(d) if etype == "realtime.response" else _VALIDATORS.get(d, etype)
        if found is not None:
            ok = bool(found[1].is_valid(ev))
            mask |= (1 << bit) | (int(ok) << (bit + 1))
            all_ok = all_ok and ok
    field = AUDIO_FIELDS.get(etype)
    if field is not None:
        rec.audio_bytes = n = audio_length(ev.get(field))
        if n >= 0 and mask and all_ok:
            ev[field] = ""
    return mask


def _verdict(known: int | None, dialect: str, validator: Any, ev: dict[str, Any]) -> bool:
    """A worker's verdict for ``dialect`` if there is one, else run the validator."""
    if known is not None:
        bit = _DIALECT_BIT[dialect]
        if known >> bit & 1:
            return bool(known >> (bit + 1) & 1)
    return bool(validator.is_valid(ev))
