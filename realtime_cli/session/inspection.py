"""The core calls behind ``show``, ``ls`` and ``stats``: paths in, plain data out.

Each takes a frozen config built by :mod:`realtime_cli.cli.inspect_commands` and returns an outcome
dataclass that :mod:`realtime_cli.views.terminal` draws (or that is dumped as JSON). Nothing here
prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from realtime_cli.core.diagnostics import Diagnostic
from realtime_cli.engine.validate import Config, FileValidator
from realtime_cli.logs.loader import DEFAULT_MAX_LINE_BYTES, ParseFailure, discover, iter_file
from realtime_cli.rules import catalog as rules
from realtime_cli.session.locate import LAST, FileHits, ScanCounter, search
from realtime_cli.session.summaries import (
    UNFINISHED,
    ResponseBuilder,
    ResponseSummary,
    build_responses,
    event_type,
)

if TYPE_CHECKING:  # stats (and difflib) are imported by the commands that use them
    from realtime_cli.session.stats import LogStats

FOUND, AMBIGUOUS, NOT_FOUND = "found", "ambiguous", "not_found"


@dataclass(frozen=True, slots=True)
class InspectConfig:
    """Options shared by show / ls / stats."""

    paths: tuple[str, ...]
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    statuses: frozenset[str] = frozenset()
    """``ls --status``: keep only responses with these statuses (empty = all)."""
    enabled: frozenset[str] = frozenset(rules.RULES)


@dataclass(slots=True)
class ShowOutcome:
    """The result of looking one response up."""

    query: str
    state: str = NOT_FOUND
    response: ResponseSummary | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    candidates: list[tuple[str, str]] = field(default_factory=list)
    """(id, path) of every matching response when the prefix is ambiguous."""
    close: list[str] = field(default_factory=list)
    """The closest known ids when nothing matched."""
    errors: list[tuple[str, str]] = field(default_factory=list)
    counter: ScanCounter = field(default_factory=ScanCounter)


@dataclass(slots=True)
class ListOutcome:
    """Every response of the inputs (after the status filter), in input order."""

    responses: list[ResponseSummary] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class StatsOutcome:
    """Per-input statistics."""

    logs: list[LogStats] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def show(config: InspectConfig, query: str) -> ShowOutcome:
    """Find the response ``query`` names (full id, unique prefix, or ``last``) and summarise it."""
    out = ShowOutcome(query)
    found: list[FileHits] = []
    all_ids: set[str] = set()
    for path, error in discover(list(config.paths)):
        if error is not None:
            out.errors.append((path, error))
            continue
        hits = search(path, query, out.counter, config.max_line_bytes)
        if hits.error is not None:
            out.errors.append((path, hits.error))
        if hits.ids:
            found.append(hits)
        all_ids |= hits.all_ids
    if query == LAST and found:
        found = found[-1:]  # the most recent response is in the last input that has one
    owner: dict[str, FileHits] = {}
    for hits in found:
        for rid in hits.ids:
            owner.setdefault(rid, hits)
    exact = query if query in owner else (found[-1].ids[0] if query == LAST and found else None)
    if exact is None and len(owner) == 1:
        exact = next(iter(owner))
    if exact is None:
        if owner:
            out.state = AMBIGUOUS
            out.candidates = [(rid, h.path) for rid, h in owner.items()]
        else:
            out.close = closest(query, all_ids)
        return out
    hits = owner[exact]
    records = hits.records.get(exact, [])
    responses = [r for r in build_responses(records, hits.path, keep_records=True) if r.id == exact]
    if not responses:  # cannot happen: the id came from these records
        return out
    resp = responses[0]
    # Validate exactly this response's records, in the dialect they show.
    fv = FileValidator(hits.path, Config(dialect=resp.dialect or "auto", enabled=config.enabled, max_line_bytes=config.max_line_bytes))
    for rec in records:
        fv.add(rec)
    _, diags = fv.finish()
    out.state = FOUND
    out.response = resp
    out.diagnostics = diags
    return out


def closest(query: str, ids: set[str], n: int = 5) -> list[str]:
    """The ids most like ``query``; a query is usually a prefix, so compare like with like."""
    import difflib

    scored = []
    for rid in ids:
        sm = difflib.SequenceMatcher(None, query, rid[: len(query)])
        score = max(sm.ratio(), difflib.SequenceMatcher(None, query, rid).ratio())
        if score >= 0.6:
            scored.append((-score, rid))
    return [rid for _, rid in sorted(scored)[:n]]


def matches_status(resp: ResponseSummary, statuses: frozenset[str]) -> bool:
    """``ls --status`` filter: a status name, or ``unfinished`` for responses with no done."""
    if not statuses:
        return True
    key = resp.status if resp.done else UNFINISHED
    return key in statuses or (resp.status or "unknown") in statuses


def list_responses(config: InspectConfig) -> ListOutcome:
    """Every response of every input, one streaming pass each."""
    out = ListOutcome()
    for path, error in discover(list(config.paths)):
        if error is not None:
            out.errors.append((path, error))
            continue
        builder = ResponseBuilder(path)
        for item in iter_file(path, config.max_line_bytes):
            if isinstance(item, ParseFailure):
                if item.code == "RT006" and item.line == 0:
                    out.errors.append((path, item.message))
                continue
            resp = builder.feed(item)
            if resp is not None and event_type(item) == "response.done":
                resp.slim()  # memory bounded by the rows, not by the log's text
        out.responses.extend(r for r in builder.finish() if matches_status(r, config.statuses))
    return out


def collect_stats(config: InspectConfig) -> StatsOutcome:
    """Per-input (and per-session) statistics, validating in the same pass."""
    from realtime_cli.session.stats import StatsBuilder

    out = StatsOutcome()
    vconfig = Config(enabled=config.enabled, max_line_bytes=config.max_line_bytes)
    for path, error in discover(list(config.paths)):
        if error is not None:
            out.errors.append((path, error))
            continue
        fv = FileValidator(path, vconfig)
        sb = StatsBuilder(path)
        for item in iter_file(path, config.max_line_bytes):
            fv.add(item)  # first: the validator fills rec.audio_bytes, which stats reuses
            sb.feed(item)
        summary, diags = fv.finish()
        st = sb.finish(diags, summary.dialect)
        if not st.readable:
            out.errors.append((path, next((d.message for d in diags if d.code == "RT006"), "cannot read")))
        out.logs.append(st)
    return out
