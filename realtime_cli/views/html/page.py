"""From the session model and the validation result to what the report's templates show.

Everything a template prints is prepared here as plain strings and numbers: text from the log
goes through :func:`text` (control and bidi characters made visible, whitespace folded, cut to
a length) and is then HTML-escaped by the templates' autoescape. Nothing here is HTML.
"""

from __future__ import annotations

import bisect
import os
from collections import Counter
from dataclasses import dataclass, field

from realtime_cli.core.diagnostics import Diagnostic, FileSummary
from realtime_cli.session.model import (
    NO_CLOCK,
    LatencyStats,
    LogModel,
    ResponseInfo,
    Session,
    TokenUsage,
)
from realtime_cli.views.html.charts import DASH, Bar, Chart, bar_chart, fmt_ms, histogram
from realtime_cli.views.html.findings import FindingGroup, FindingRef, group_findings, text
from realtime_cli.views.html.timeline import ServerError, build_timeline

OPEN_LIMIT = 6
"""Up to this many sessions (and ``OPEN_RESPONSES`` responses), every session is open with its
charts drawn; past it, only the first is, and the others are folded with their charts built
only when one is opened (see report.js)."""
OPEN_RESPONSES = 1500
PAIR_WIDTH, PAIR_LEFT = 560.0, 56.0
"""The two latency charts sit side by side: each its own narrower viewBox, so their text is
as large as the full-width charts'."""
TEXT_LIMIT = 400
STATUS_ORDER = ("completed", "incomplete", "cancelled", "failed", "in_progress", "unfinished")


@dataclass(frozen=True, slots=True)
class FileReport:
    """One input after the single pass: its session model, validation result and the
    server ``error`` events (with their lines) for the timeline."""

    path: str
    log: LogModel
    summary: FileSummary
    diagnostics: list[Diagnostic]
    errors: list[ServerError] = field(default_factory=list)
    error: str | None = None
    """Why the input could not be read at all (None: it was read)."""


@dataclass(slots=True)
class Row:
    """One line of the turn table: a response (with its turn's user input on the first
    response of that turn), or a turn that got no response."""

    anchor: str
    turn: str
    user: str
    response_id: str
    said: str
    calls: list[str]
    status: str
    status_cls: str
    reason: str
    interrupted: str
    latency: str
    latency_ms: float | None
    tokens: str
    tokens_detail: str
    cost: str
    lines: str
    findings: list[FindingRef] = field(default_factory=list)


@dataclass(slots=True)
class SessionView:
    n: int
    anchor: str
    path: str
    file_name: str
    session_id: str
    model: str
    dialect: str
    start_line: int
    duration: str
    duration_ms: float | None
    turns: int
    responses: int
    statuses: list[tuple[str, int]]
    failure_reasons: list[tuple[str, int]]
    server_errors: list[tuple[str, int]]
    interruptions: int
    calls: str
    tokens: int
    tokens_detail: str
    cost: str
    cost_usd: float | None
    latency: LatencyStats
    p50: str
    p95: str
    findings: dict[str, int]
    clock_note: str | None
    timeline: Chart
    latency_bars: Chart | None
    latency_hist: Chart | None
    tokens_chart: Chart | None
    token_keys: list[tuple[str, str]]
    """(css class, label) of the token kinds the chart shows, for its legend."""
    cost_chart: Chart | None
    rows: list[Row]
    groups: list[FindingGroup]

    @property
    def failed(self) -> int:
        return dict(self.statuses).get("failed", 0)


@dataclass(slots=True)
class ReportView:
    title: str
    files: list[tuple[str, str]]
    """(path, note): inputs and what became of them."""
    sessions: list[SessionView]
    totals: dict[str, str]
    lazy: bool
    unread: int = 0
    """Inputs that could not be read at all."""
    sessionless: list[tuple[str, list[FindingGroup]]] = field(default_factory=list)
    """(path, findings) of inputs that hold no session but have findings (e.g. nothing parsed)."""


def said_by(r: ResponseInfo) -> str:
    """What a response produced, as one line: transcript or text, else its function calls."""
    for it in r.items:
        if it.transcript or it.text:
            return text(it.transcript or it.text, TEXT_LIMIT)
    return ""


def _call_text(r: ResponseInfo) -> list[str]:
    out = []
    for c in r.function_calls:
        line = f"{text(c.name, 80) or 'function'}({text(c.arguments, 200)})"
        if c.answered:
            line += f" → {text(c.output, 160) or '(empty)'} (line {c.output_line})"
        else:
            line += " → no output sent back"
        out.append(line)
    return out


def _tokens(r: ResponseInfo) -> tuple[str, str]:
    u = r.usage
    if u is None:
        return "", ""
    detail = (f"in {u.input:,} (text {u.input_text:,}, audio {u.input_audio:,}, cached {u.cached:,}); "
              f"out {u.output:,} (text {u.output_text:,}, audio {u.output_audio:,})")
    return f"{u.input:,} / {u.output:,}", detail


def _usd(v: float | None) -> str:
    if v is None:
        return ""
    return f"${v:.4f}" if v < 1 else f"${v:,.2f}"


def _assign(diags: list[Diagnostic], sessions: list[Session]) -> dict[int, list[Diagnostic]]:
    """Findings by session index: the session whose lines hold the finding's line (file-level
    findings and lines between sessions go to the session before, else the first)."""
    out: dict[int, list[Diagnostic]] = {}
    if not sessions:
        return out
    starts = [s.first_line for s in sessions]
    for d in diags:
        i = max(bisect.bisect_right(starts, d.line) - 1, 0)
        out.setdefault(i, []).append(d)
    return out


TOKEN_KINDS = (("in-text", "input text"), ("in-audio", "input audio"), ("in-image", "input image"),
               ("in-other", "input (not split)"), ("cached", "cached input"), ("out-text", "output text"),
               ("out-audio", "output audio"), ("out-other", "output (not split)"))


def token_parts(u: TokenUsage) -> tuple[tuple[float, str], ...]:
    """A response's tokens as stacked parts, bottom-up. Usage without the per-modality
    details still shows: what the details do not account for is "not split"."""
    split_in = (u.input_text - u.cached_text) + (u.input_audio - u.cached_audio) + (u.input_image - u.cached_image)
    parts = (
        (u.input_text - u.cached_text, "in-text"), (u.input_audio - u.cached_audio, "in-audio"),
        (u.input_image - u.cached_image, "in-image"), (u.input - u.cached - split_in, "in-other"),
        (u.cached, "cached"), (u.output_text, "out-text"), (u.output_audio, "out-audio"),
        (u.output - u.output_text - u.output_audio, "out-other"),
    )
    return tuple((float(max(v, 0)), c) for v, c in parts)


def _status_cls(status: str) -> str:
    return "st-" + "".join(c if c.isalnum() else "-" for c in status.lower())


def session_view(n: int, fr: FileReport, s: Session, diags: list[Diagnostic]) -> SessionView:
    """Everything the template shows for one session."""
    anchor = f"s{n}"
    responses = s.responses
    groups, refs = group_findings(diags, anchor, responses)
    turn_of = {rid: t for t in s.turns for rid in t.response_ids}
    rows: list[Row] = []
    shown_turns: set[int] = set()
    lat_bars: list[Bar] = []
    tok_bars: list[Bar] = []
    cost_bars: list[Bar] = []
    used: set[str] = set()
    turn_rows = {t.index: t for t in s.turns}
    for k, r in enumerate(responses):
        href = f"#{anchor}-r{k + 1}"
        turn = turn_of.get(r.id) or (turn_rows.get(r.turn_index) if r.turn_index is not None else None)
        user = ""
        turn_label = ""
        if turn is not None:
            turn_label = str(turn.index)
            if turn.index not in shown_turns:
                shown_turns.add(turn.index)
                user = text(turn.transcript or turn.text) or ("(speech, no transcript in the log)" if turn.kind == "speech" else "")
            else:
                user = "↳ follow-up"
        said = said_by(r)
        tokens, detail = _tokens(r)
        it = r.interruption
        interrupted = ""
        if it is not None:
            interrupted = f"interrupted ({it.reason})"
            if it.audio_heard_ms is not None:
                interrupted += f": heard {fmt_ms(it.audio_heard_ms)} of {fmt_ms(it.audio_generated_ms)}"
            if it.barge_in_turn is not None:
                interrupted += f"; barge-in: turn {it.barge_in_turn}"
                if it.produced_turn is not None:
                    interrupted += ", answered" if it.produced_turn else ", which got no response"
        rows.append(Row(
            anchor=href[1:], turn=turn_label, user=user, response_id=text(r.id, 200), said=said,
            calls=_call_text(r), status=r.shown_status, status_cls=_status_cls(r.shown_status),
            reason="" if it is not None and it.reason == r.reason else text(r.reason or r.error_message, 200),
            interrupted=interrupted,
            latency=fmt_ms(r.latency_ms) if r.latency_ms is not None else "", latency_ms=r.latency_ms,
            tokens=tokens, tokens_detail=detail, cost=_usd(r.cost_usd),
            lines=f"{r.first_line}{DASH}{r.last_line}", findings=refs.get(k, []),
        ))
        ms = r.latency_ms
        lat_bars.append(Bar(((ms, f"lat {_status_cls(r.shown_status)}"),) if ms is not None else (), href))
        u = r.usage
        if u is not None:
            parts = token_parts(u)
            used.update(c for v, c in parts if v > 0)
            tok_bars.append(Bar(tuple((float(v), c) for v, c in parts), href))
        else:
            tok_bars.append(Bar((), href))
        cost_bars.append(Bar(((r.cost_usd or 0.0, "cost"),), href))
    # Turns that got no response still show in the table, in log order among the responses.
    silent = [t for t in s.turns if t.index not in shown_turns]
    if silent:
        order = [(r.first_line, k) for k, r in enumerate(responses)]
        for t in silent:
            order.append((t.line, len(rows)))
            rows.append(Row(
                anchor=f"{anchor}-t{t.index}", turn=str(t.index), user=text(t.transcript or t.text),
                response_id="", said="", calls=[], status="no response", status_cls="st-none",
                reason=text(t.transcription_failed, 200), interrupted="", latency="", latency_ms=None,
                tokens="", tokens_detail="", cost="", lines=str(t.line),
            ))
        rows = [rows[k] for _, k in sorted(order)]
    lat = s.latency
    marks = tuple((name, v) for name, v in (("p50", lat.p50), ("p95", lat.p95)) if v is not None)
    values = [v for v in s.latencies]
    latency_bars = bar_chart("response latency, in order", lat_bars, "ms", "latency", marks=marks, kind="latency",
                             width=PAIR_WIDTH, left=PAIR_LEFT) if values else None
    latency_hist = histogram("latency distribution", values, marks, width=PAIR_WIDTH, left=PAIR_LEFT) if values else None
    tokens_chart = bar_chart("tokens per response", tok_bars, "n", "tokens", kind="tokens") if any(b.parts for b in tok_bars) else None
    cost_chart = bar_chart("cost per response", cost_bars, "usd", "USD", height=120, kind="cost") if s.cost.known else None
    u = s.usage
    sev = Counter(d.severity.label for d in diags)
    cost = _usd(s.cost.usd) if s.cost.known else ""
    if s.cost.unpriced:
        cost += (" + " if cost else "") + "not priced: " + ", ".join(text(m, 60) for m in sorted(s.cost.unpriced))
    statuses = sorted(s.statuses.items(), key=lambda kv: (STATUS_ORDER.index(kv[0]) if kv[0] in STATUS_ORDER else 99, kv[0]))
    unfinished = sum(1 for r in responses if r.status is None)
    if unfinished and "unfinished" not in s.statuses:
        statuses.append(("unfinished", unfinished))
    return SessionView(
        n=n, anchor=anchor, path=text(fr.path, 300), file_name=text(os.path.basename(fr.path) or fr.path, 80), session_id=text(s.session_id, 120) or "(no session id)",
        model=text(s.model, 80) or DASH, dialect=s.dialect or fr.log.dialect or DASH, start_line=s.first_line,
        duration=fmt_ms(s.duration_ms) if s.duration_ms is not None else f"lines {s.first_line}{DASH}{s.last_line}",
        duration_ms=s.duration_ms, turns=s.turn_count or len(s.turns), responses=s.response_count or len(responses),
        statuses=[(text(k, 60), v) for k, v in statuses], failure_reasons=[(text(k, 120), v) for k, v in s.failure_reasons.most_common()],
        server_errors=[(text(k, 120), v) for k, v in s.errors.most_common()], interruptions=s.interruption_count,
        calls=f"{s.answered_calls}/{s.call_count} answered" if s.call_count else "",
        tokens=u.total, tokens_detail=f"in {u.input:,} ({u.cached:,} cached) · out {u.output:,}",
        cost=cost, cost_usd=s.cost.usd if s.cost.known else None, latency=lat,
        p50=fmt_ms(lat.p50) if lat.p50 is not None else "", p95=fmt_ms(lat.p95) if lat.p95 is not None else "",
        findings={k: sev.get(k, 0) for k in ("error", "warning", "info")},
        clock_note=None if s.has_clock else NO_CLOCK,
        timeline=build_timeline(s, [e for e in fr.errors if s.first_line <= e.line <= s.last_line], anchor),
        latency_bars=latency_bars, latency_hist=latency_hist, tokens_chart=tokens_chart, cost_chart=cost_chart,
        token_keys=[(c, label) for c, label in TOKEN_KINDS if c in used],
        rows=rows, groups=groups,
    )


def report_view(files: list[FileReport]) -> ReportView:
    """The whole report: one view per session of every input, and the run's totals."""
    views: list[SessionView] = []
    notes: list[tuple[str, str]] = []
    sessionless: list[tuple[str, list[FindingGroup]]] = []
    for fr in files:
        if fr.error is not None:
            notes.append((text(fr.path, 300), "not read: " + text(fr.error, 300)))
            continue
        sessions = fr.log.sessions
        notes.append((text(fr.path, 300), f"{fr.summary.events:,} events, {len(sessions)} session{'s' if len(sessions) != 1 else ''}"))
        if not sessions and fr.diagnostics:
            sessionless.append((text(fr.path, 300), group_findings(fr.diagnostics, f"f{len(sessionless) + 1}", [])[0]))
        by_session = _assign(fr.diagnostics, sessions)
        for i, s in enumerate(sessions):
            views.append(session_view(len(views) + 1, fr, s, by_session.get(i, [])))
    run_lat = LatencyStats.of([v for fr in files for s in fr.log.sessions for v in s.latencies])
    statuses: Counter[str] = Counter()
    for v in views:
        statuses.update(dict(v.statuses))
    findings = Counter[str]()
    for v in views:
        findings.update(v.findings)
    cost_known = [v.cost_usd for v in views if v.cost_usd is not None]
    totals = {
        "sessions": f"{len(views):,}",
        "responses": f"{sum(v.responses for v in views):,}",
        "statuses": ", ".join(f"{n:,} {k}" for k, n in statuses.most_common()) or "none",
        "latency": f"p50 {fmt_ms(run_lat.p50)} · p95 {fmt_ms(run_lat.p95)} · max {fmt_ms(run_lat.max)}" if run_lat.count else NO_CLOCK,
        "tokens": f"{sum(v.tokens for v in views):,}",
        "cost": _usd(sum(cost_known)) if cost_known else "not priced",
        "findings": f"{findings['error']:,} errors, {findings['warning']:,} warnings, {findings['info']:,} info",
    }
    title = "rtcheck report: " + (text(files[0].path, 120) if len(files) == 1 else f"{len(files)} logs")
    lazy = len(views) > OPEN_LIMIT or sum(v.responses for v in views) > OPEN_RESPONSES
    unread = sum(1 for fr in files if fr.error is not None)
    return ReportView(title=title, files=notes, sessions=views, totals=totals, lazy=lazy, unread=unread, sessionless=sessionless)
