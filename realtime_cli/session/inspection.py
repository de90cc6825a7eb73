"""The core calls behind ``show``, ``ls`` and ``stats``: paths in, plain data out.

Each takes a frozen config built by :mod:`realtime_cli.cli.inspect_commands` and returns an outcome
dataclass that :mod:`realtime_cli.views.terminal` draws (or that is dumped as JSON). Nothing here
prints.
"""

from __future__ import annotations

import heapq
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from realtime_cli.core.diagnostics import Diagnostic
from realtime_cli.engine.validate import Config, FileValidator
from realtime_cli.logs.loader import DEFAULT_MAX_LINE_BYTES, ParseFailure, discover, iter_file
from realtime_cli.rules import catalog as rules
from realtime_cli.session import refs
from realtime_cli.session.builder import SessionBuilder
from realtime_cli.session.context import Context, response_context
from realtime_cli.session.locate import LAST, FileHits, ScanCounter, search
from realtime_cli.session.model import ResponseInfo, RunModel
from realtime_cli.session.prices import Price
from realtime_cli.session.summaries import ResponseSummary, build_responses

FOUND, AMBIGUOUS, NOT_FOUND = "found", "ambiguous", "not_found"


@dataclass(frozen=True, slots=True)
class InspectConfig:
    """Options shared by show / ls / stats."""

    paths: tuple[str, ...]
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    statuses: frozenset[str] = frozenset()
    """``ls --status``: keep only responses with these statuses (empty = all)."""
    enabled: frozenset[str] = frozenset(rules.RULES)
    prices: Mapping[str, Price] | None = None
    """The price table (bundled + ``[tool.rtcheck.prices]``); None: the bundled one."""


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
    context: Context | None = None
    """The session model around the response: its turn, model, latency, calls answered."""
    resolved: str | None = None
    """The response id a ``FILE:LINE``, item id or call id query led to."""


@dataclass(slots=True)
class Row:
    """One ``ls`` line: what a response was, in a few figures (a few hundred bytes)."""

    path: str
    line: int
    id: str
    status: str
    reason: str | None
    items: int
    tokens: int | None
    latency_ms: float | None
    cost_usd: float | None
    last_line: int
    session: int


@dataclass(slots=True)
class StatsOutcome:
    """The session model of every input (counters only) and the inputs that failed."""

    run: RunModel = field(default_factory=RunModel)
    errors: list[tuple[str, str]] = field(default_factory=list)
    diagnostics: Counter[str] = field(default_factory=Counter)


def show(config: InspectConfig, query: str) -> ShowOutcome:
    """Find the response ``query`` names and summarise it: a response id, a unique prefix of
    one, ``last``, ``FILE:LINE`` (the response that line belongs to or, for a user input, the
    response it triggered), an item id or a call id."""
    at = _file_line(query)
    if at is not None:
        rid = refs.response_at(at[0], at[1], config.max_line_bytes)
        out = _show_id(replace(config, paths=(at[0],)), rid, query) if rid else ShowOutcome(query)
        out.query, out.resolved = query, rid
        return out
    out = _show_id(config, query, query)
    if out.state == NOT_FOUND and query != LAST:
        rid, path = refs.response_for_ref(config.paths, query, config.max_line_bytes)
        if rid is not None and path is not None:
            errors = out.errors
            out = _show_id(replace(config, paths=(path,)), rid, query)
            out.errors = errors + out.errors
            out.resolved = rid
    return out


def _file_line(query: str) -> tuple[str, int] | None:
    path, sep, line = query.rpartition(":")
    if sep and path and line.isdigit() and int(line) > 0 and (path == "-" or os.path.isfile(path)):
        return path, int(line)
    return None


def _show_id(config: InspectConfig, query: str, shown_query: str) -> ShowOutcome:
    out = ShowOutcome(shown_query)
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
    out.context = response_context(hits.path, records, exact, out.counter, config.max_line_bytes, config.prices)
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


def matches_status(status: str, statuses: frozenset[str]) -> bool:
    """``ls --status`` filter (``unfinished``: no response.done in the log)."""
    return not statuses or status in statuses


def _row(info: ResponseInfo) -> Row:
    return Row(
        info.path, info.first_line, info.id, info.shown_status, info.reason, len(info.items),
        info.total_tokens, info.latency_ms, info.cost_usd, info.last_line, info.session_index,
    )


def iter_rows(config: InspectConfig, errors: list[tuple[str, str]]) -> Iterator[Row]:
    """Every response of every input as a :class:`Row`, streamed in the order responses start.

    A row is ready once its response is done; it waits only for responses that started before
    it and are still open (at most ``_HOLD`` rows wait, so memory stays bounded: past that,
    rows come out in the order they finish). Input problems are appended to ``errors``.
    """
    for path, error in discover(list(config.paths)):
        if error is not None:
            errors.append((path, error))
            continue
        ready: list[tuple[int, int, Row]] = []
        take = _collector(ready, config.statuses)

        builder = SessionBuilder(path, keep=False, prices=config.prices, on_response=take)
        for item in iter_file(path, config.max_line_bytes):
            if isinstance(item, ParseFailure) and item.code == "RT006" and item.line == 0:
                errors.append((path, item.message))
            builder.add(item)
            if ready:
                bound = builder.open_first_line()
                while ready and (bound is None or ready[0][0] < bound or len(ready) > _HOLD):
                    yield heapq.heappop(ready)[2]
        builder.finish()
        while ready:
            yield heapq.heappop(ready)[2]


_HOLD = 10_000


def _collector(ready: list[tuple[int, int, Row]], statuses: frozenset[str]) -> Callable[[ResponseInfo], None]:
    """The builder's on_response: rows that pass ``--status`` go on the ``ready`` heap."""
    seq = 0

    def take(info: ResponseInfo) -> None:
        nonlocal seq
        row = _row(info)
        if matches_status(row.status, statuses):
            seq += 1
            heapq.heappush(ready, (row.line, seq, row))

    return take

LS_SORTS = ("line", "latency", "tokens", "cost", "status")
"""``ls --sort`` keys (``line``: file order, the default; the others: largest first)."""
LS_STATUSES = ("completed", "cancelled", "failed", "incomplete", "in_progress", "unfinished")


def sort_rows(rows: Iterable[Row], key: str) -> list[Row]:
    """Rows ordered by ``key`` (largest first; rows without the figure last)."""
    if key == "status":
        return sorted(rows, key=lambda r: (r.status, r.path, r.line))

    def value(r: Row) -> float:
        v = {"latency": r.latency_ms, "tokens": r.tokens, "cost": r.cost_usd}.get(key)
        return float("-inf") if v is None else float(v)

    return sorted(rows, key=lambda r: (-value(r), r.path, r.line))


def collect_stats(config: InspectConfig) -> StatsOutcome:
    """The session model of every input (counters and latency arrays only), validating each
    input in the same pass (diagnostics by code, per session too)."""
    out = StatsOutcome()
    vconfig = Config(enabled=config.enabled, max_line_bytes=config.max_line_bytes)
    for path, error in discover(list(config.paths)):
        if error is not None:
            out.errors.append((path, error))
            continue
        fv = FileValidator(path, vconfig)
        sb = SessionBuilder(path, keep=False, prices=config.prices)
        for item in iter_file(path, config.max_line_bytes):
            fv.add(item)  # first: the validator fills rec.audio_bytes, which the builder reuses
            sb.add(item)
        summary, diags = fv.finish()
        log = sb.finish(diags, summary.dialect)
        out.diagnostics.update(d.code for d in diags)
        if not log.readable:
            out.errors.append((path, next((d.message for d in diags if d.code == "RT006"), "cannot read")))
        out.run.logs.append(log)
    return out
