"""One input, checked: the per-event work of the engine, with the consistency rules.

:class:`FileValidator` takes one input's records in order (schema verdicts, dialect
detection, then the rules); :func:`precheck` is the part of that work a ``--jobs`` worker can
do alone (both in :mod:`.prechecks`). Hot path: plain JSONL files are read by
:mod:`.fastread`; every other input line by line by the loader, with one fast verdict per event
(:mod:`.prechecks`); only events that fail go to the pure-Python explaining path
(:mod:`realtime_cli.engine.explain`).

Imports point down: :mod:`.validate` (runs) -> :mod:`.parallel` -> :mod:`.split` -> this module
-> :mod:`.fastread` -> :mod:`.prechecks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from realtime_cli.core.diagnostics import Diagnostic, FileSummary
from realtime_cli.engine import fastread
from realtime_cli.engine.collector import Collector
from realtime_cli.engine.explain import explain
from realtime_cli.engine.prechecks import (
    _DIALECT_BIT,
    _FAST,
    _RESPONSE_CARRIERS,
    _VALIDATORS,
    AUDIO_FIELDS,
    _Fast,
    _fast_entry,
    _verdict,
    audio_length,
)
from realtime_cli.logs import dialect as dl
from realtime_cli.logs.loader import (
    DEFAULT_MAX_LINE_BYTES,
    NO_LOGS,
    ParseFailure,
    Record,
    discover,
    iter_file,
)
from realtime_cli.rules import catalog as rules
from realtime_cli.rules.checker import RULE_ERRORS, SESSION_START, ConsistencyChecker

# While the dialect is unknown, records wait in a bounded buffer for a strong signal.
_PENDING_MAX_RECORDS = 2000
_PENDING_MAX_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Config:
    """Everything that shapes a validation run; built by the CLI or the public API."""

    dialect: str = "auto"
    enabled: frozenset[str] = rules.enabled_codes(None, None)
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    jobs: int = 1


class FileValidator:
    """Validates one input stream; feed records in order, then call :meth:`finish`."""

    def __init__(self, path: str, config: Config) -> None:
        self.path = path
        self.config = config
        self.out = Collector(path, config.enabled)
        self.summary = FileSummary(path)
        self.checker = ConsistencyChecker(self.out)
        self._feed = self.checker.feed_event
        self.dialect: str | None = None if config.dialect == "auto" else config.dialect
        # The fast-path table of the decided dialect (None while undecided).
        self._fast: dict[str, _Fast | None] | None = None
        self._fast_dialect = ""
        if self.dialect is not None:
            self._use_fast(self.dialect)
        self.forced = self.dialect is not None
        self._pending: list[Record] = []
        self._pending_bytes = 0
        self._mixed_reported = False
        self._first_signal: tuple[str, int] | None = None
        self._undetermined = False
        self._undetermined_noted = False
        self._legacy_seen: set[str] = set()
        self._response_ids: set[str] = set()
        # Schema verdicts computed by --jobs workers, by id(record), until the record is checked.
        self._known: dict[int, int] = {}

    # ------------------------------------------------------------------ input

    def add(self, item: Record | ParseFailure, known: int | None = None) -> None:
        """Feed the next record or parse failure. ``known``: verdicts from :func:`precheck`."""
        if type(item) is not Record:
            assert isinstance(item, ParseFailure)
            self.out.emit(item.code, item.message, line=item.line, col=item.col)
            if item.line:
                self.checker.ctx.unreadable = item.line
            return
        rec = item
        self.summary.events += 1
        ev = rec.event
        etype = ev.get("type")
        if rec.envelope == "response":
            etype = "realtime.response"
        elif type(etype) is not str:
            if "type" not in ev:
                message = "event has no `type` field"
            else:
                from realtime_cli.engine.explain import got

                message = f"`type` must be a string, got {got(etype)}"
            self.out.emit("RT005", message, line=rec.line, event=ev, json_path="$.type")
            self.checker.ctx.unreadable = rec.line
            return
        if self._fast is not None:
            # The common case (dialect decided): see _FAST.
            dialect = self._fast_dialect
            try:
                fast = self._fast[etype]
            except KeyError:
                fast = _fast_entry(dialect, etype)
            if fast is not None:
                if known is None:
                    field = fast[2]
                    if field is not None:
                        rec.audio_bytes = audio_length(ev.get(field))
                    ok = fast[1](ev)
                else:  # a --jobs worker's verdict (audio_bytes was filled by precheck too)
                    bit = _DIALECT_BIT[dialect]
                    ok = bool(known >> (bit + 1) & 1) if known >> bit & 1 else fast[1](ev)
                if not ok:
                    self._fast_failed(rec, fast, etype, ev, known)
                self._feed(rec, ev, etype, dialect)
                return
        if known is not None:
            self._known[id(rec)] = known  # audio_bytes was filled by precheck too
        else:
            field = AUDIO_FIELDS.get(etype)
            if field is not None:
                rec.audio_bytes = audio_length(ev.get(field))
        if self.dialect is None:
            sig = dl.strong_signal(ev, etype)
            if sig is None:
                self._pending.append(rec)
                self._pending_bytes += 256 + (rec.audio_bytes or 0)
                if len(self._pending) >= _PENDING_MAX_RECORDS or self._pending_bytes >= _PENDING_MAX_BYTES:
                    self._decide_without_signal()
                return
            self.dialect = sig
            self._use_fast(sig)
            self._first_signal = (sig, rec.line)
            self._flush()
        self._check(rec, etype)

    def consume(self, items: Iterable[Record | ParseFailure]) -> None:
        """:meth:`add` every item, with the common case inlined.

        The common case: a bare or enveloped event of a fast-path type (see ``_FAST``) once
        the dialect is decided, that does not start a session. It takes the same steps as
        :meth:`add` and :meth:`ConsistencyChecker.feed_event`, without their two calls and
        the attribute look-ups they repeat: ~0.2 us of the ~3 us an event costs on a text log.
        Everything else goes through :meth:`add`.
        """
        add = self.add
        checker = self.checker
        ctx = checker.ctx
        n = 0
        try:
            for item in items:
                table = self._fast
                if table is None or type(item) is not Record or item.envelope == "response":
                    add(item)
                    continue
                ev = item.event
                etype = ev.get("type")
                if type(etype) is not str or etype in SESSION_START:
                    add(item)
                    continue
                fast = table[etype] if etype in table else _fast_entry(self._fast_dialect, etype)
                if fast is None:
                    add(item)
                    continue
                n += 1
                field = fast[2]
                if field is not None:
                    item.audio_bytes = audio_length(ev.get(field))
                if not fast[1](ev):
                    self._fast_failed(item, fast, etype, ev)
                if checker.awaiting_start:
                    checker.note_start(item, etype)
                handlers = checker.handlers_for(etype)
                if handlers is None:
                    continue
                ctx.dialect = self._fast_dialect
                for handler in handlers:
                    try:
                        handler(item, ev)
                    except RULE_ERRORS:
                        continue
        finally:
            self.summary.events += n

    def _fast_failed(self, rec: Record, fast: _Fast, etype: str, ev: dict[str, Any], known: int | None = None) -> None:
        """A fast-path event its schema rejects (or, in an undecided log, the other dialect's)."""
        dialect = self._fast_dialect
        if self._undetermined and self._valid_in_other(dialect, etype, ev, known):
            self._note_undetermined(rec, etype, dialect)
        else:
            self._explain(rec, fast[0], ev, "RT101")

    def finish(self) -> tuple[FileSummary, list[Diagnostic]]:
        if self.dialect is None and self._pending:
            self._decide_without_signal()
        self.checker.finish()
        self.summary.dialect = None if self._undetermined else self.dialect
        self.summary.responses = len(self._response_ids)
        self.summary.elided = dict(self.out.elided)
        diags = sorted(self.out.diagnostics, key=Diagnostic.sort_key)
        return self.summary, diags

    @property
    def response_ids(self) -> set[str]:
        """Ids of the responses seen so far (``response.created``/``done``, standalone)."""
        return self._response_ids

    # ------------------------------------------------------------------ dialect

    def adopt_dialect(self, dialect: str, line: int) -> None:
        """Start as a sequential pass is at a later session start: ``dialect`` decided by the
        strong signal at ``line`` (used by :mod:`realtime_cli.engine.split`)."""
        self.dialect = dialect
        self._first_signal = (dialect, line)
        self._use_fast(dialect)

    def _use_fast(self, dialect: str) -> None:
        """Route later events of ``dialect`` through the fast path (see ``_FAST``)."""
        table = _FAST.get(dialect)
        if table is not None:
            self._fast, self._fast_dialect = table, dialect

    def _decide_without_signal(self) -> None:
        for rec in self._pending:
            t = rec.event.get("type")
            sig = dl.weak_signal(rec.event, t) if isinstance(t, str) else None
            if sig is not None:
                self.dialect = sig
                self._first_signal = (sig, rec.line)
                break
        else:
            # Nothing tells: shared events are accepted when valid in either dialect.
            self._undetermined = True
            self.dialect = dl.GA
        if self.dialect is not None:
            self._use_fast(self.dialect)
        self._flush()

    def _flush(self) -> None:
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        for rec in pending:
            etype = "realtime.response" if rec.envelope == "response" else rec.event["type"]
            self._check(rec, etype)

    # ------------------------------------------------------------------ checks

    def _check(self, rec: Record, etype: str) -> None:
        dialect = self.dialect
        assert dialect is not None
        ev = rec.event
        # Pop first, on every path: ids of freed records are reused.
        known = self._known.pop(id(rec), None) if self._known else None
        if etype == "realtime.response":
            self._check_response_object(rec, dialect, known)
            self._feed(rec, ev, etype, dialect)
            return
        sig = dl.strong_signal(ev, etype)
        use = dialect
        if sig is not None and sig != dialect:
            use = sig
            self._report_mixed(rec, etype, sig)
        found = _VALIDATORS.get(use, etype)
        if found is None:
            # Dialect-only names were routed above, so this type is in neither dialect.
            self.out.emit("RT102", f"unknown event type {_q(etype)}", line=rec.line, event=ev, json_path="$.type")
            self._feed(rec, ev, etype, dialect)
            return
        if etype in dl.LEGACY_EVENTS and etype not in self._legacy_seen:
            self._legacy_seen.add(etype)
            self.out.emit(
                "RT103",
                f"legacy event name `{etype}` (early WebRTC beta; later renamed); reported once per file",
                line=rec.line,
                event=ev,
            )
        sid, validator = found
        if not _verdict(known, use, validator, ev):
            if self._undetermined and self._valid_in_other(use, etype, ev, known):
                self._note_undetermined(rec, etype, use)
            else:
                self._explain(rec, sid, ev, "RT101")
        if etype in _RESPONSE_CARRIERS:
            resp = ev.get("response")
            if isinstance(resp, dict) and isinstance(resp.get("id"), str):
                self._response_ids.add(resp["id"])
        self._feed(rec, ev, etype, dialect)

    def _note_undetermined(self, rec: Record, etype: str, failed: str) -> None:
        if self._undetermined_noted:
            return
        self._undetermined_noted = True
        other = dl.GA if failed == dl.BETA else dl.BETA
        self.out.emit(
            "RT203",
            f"nothing in this log tells beta from GA, and `{etype}` is valid only as {other}; "
            "shared events are checked against both dialects (use --dialect to choose)",
            line=rec.line,
            event=rec.event,
        )

    def _valid_in_other(self, use: str, etype: str, ev: dict[str, Any], known: int | None) -> bool:
        other = dl.GA if use == dl.BETA else dl.BETA
        alt = _VALIDATORS.get(other, etype)
        return alt is not None and _verdict(known, other, alt[1], ev)

    def _check_response_object(self, rec: Record, dialect: str, known: int | None) -> None:
        ev = rec.event
        use = dl.response_dialect(ev) or dialect
        if isinstance(ev.get("id"), str):
            self._response_ids.add(ev["id"])
        sid, validator = _VALIDATORS.response(use)
        if not _verdict(known, use, validator, ev):
            self._explain(rec, sid, ev, "RT104", response_id=ev.get("id") if isinstance(ev.get("id"), str) else None)

    def _explain(self, rec: Record, sid: str, ev: dict[str, Any], code: str, response_id: str | None = None) -> None:
        if not self.out.wants(code) or not self.out.room(code):
            return  # (past the per-file cap the event is counted, not explained: see collector)
        problems = explain(sid, ev)
        if not problems:
            # The fast verdict was stricter than the reference (python-jsonschema on the bundled
            # schemas): the reference decides, and the event is valid.
            return
        if response_id is None:
            resp = ev.get("response")
            if isinstance(resp, dict) and isinstance(resp.get("id"), str):
                response_id = resp["id"]
            elif isinstance(ev.get("response_id"), str):
                response_id = ev["response_id"]
        for jpath, message in problems:
            self.out.emit(code, f"{message} at {jpath}", line=rec.line, event=ev, json_path=jpath, response_id=response_id,
                          grouped=True)

    def _report_mixed(self, rec: Record, etype: str, sig: str) -> None:
        if self._mixed_reported:
            return
        self._mixed_reported = True
        first = self._first_signal
        where = f" (the log was {first[0]} from line {first[1]})" if first else ""
        self.out.emit(
            "RT201",
            f"`{etype}` is a {sig} event in a {self.dialect} log{where}; mixed logs are reported, not guessed",
            line=rec.line,
            event=rec.event,
        )


def _q(text: str) -> str:
    from realtime_cli.engine.explain import short

    return short(text, 80)


def validate_stream(path: str, items: Iterable[Record | ParseFailure], config: Config) -> tuple[FileSummary, list[Diagnostic]]:
    """Validate an already-loaded sequence of records and failures as one input."""
    fv = FileValidator(path, config)
    fv.consume(items)
    return fv.finish()


def validate_file(path: str, config: Config, progress: Any = None) -> tuple[FileSummary, list[Diagnostic]]:
    """Validate one file (``-`` for stdin, reported as ``<stdin>``)."""
    if path != "-" and fastread.simple_file(path):
        fv = FileValidator(path, config)
        step = 0
        if progress is not None:
            from realtime_cli.engine.ticks import STEP_BYTES

            step = STEP_BYTES
        if fastread.consume_file(fv, path, audio_length, progress, step or 2 << 20):
            return fv.finish()
    items: Iterable[Record | ParseFailure] = iter_file(path, config.max_line_bytes)
    if progress is not None:  # a hook call every few MB, never per event (see .ticks)
        from realtime_cli.engine.ticks import ticking

        items = ticking(path, items, progress)
    if path == "-":
        items = (_rename(i, STDIN_NAME) for i in items)
        path = STDIN_NAME
    return validate_stream(path, items, config)


STDIN_NAME = "<stdin>"


def _rename(item: Record | ParseFailure, name: str) -> Record | ParseFailure:
    item.path = name
    return item


def iter_inputs(paths: list[str], config: Config, progress: Any = None) -> Iterator[tuple[FileSummary, list[Diagnostic]]]:
    """Validate each input in order; paths that cannot be read yield a summary marked unreadable."""
    for path, error in discover(paths):
        if error is not None:
            yield unreadable(path, error, config)
            continue
        summary, diags = validate_file(path, config, progress)
        if any(d.code == "RT006" and d.line == 0 for d in diags):
            summary.readable = False
        yield summary, diags


def unreadable(path: str, error: str, config: Config) -> tuple[FileSummary, list[Diagnostic]]:
    """The outcome for a path that cannot be read (RT006), or a directory with no log (RT008)."""
    code = "RT008" if error == NO_LOGS else "RT006"
    summary = FileSummary(path, readable=code != "RT006", is_log=code != "RT008")
    diag = Diagnostic(code, rules.RULES[code].severity, error, path)
    return summary, [diag] if code in config.enabled else []
