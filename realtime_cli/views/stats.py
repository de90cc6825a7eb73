"""``rtcheck stats``: totals first, then one line per session; details and events on request.

Reads only the session model (:mod:`realtime_cli.session.model`). The JSON shape
(``version`` :data:`STATS_JSON_VERSION`) is documented in the README, "stats".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.text import Text

from realtime_cli.core.safety import clean
from realtime_cli.session.inspection import StatsOutcome
from realtime_cli.session.model import (
    NO_CLOCK,
    Cost,
    LatencyStats,
    LogModel,
    RunModel,
    Session,
    TokenUsage,
)
from realtime_cli.session.prices import PRICES_AS_OF

STATS_JSON_VERSION = 2
_LABEL = 15


# --------------------------------------------------------------------------- formatting


def fmt_ms(v: float | None) -> str:
    """``620 ms`` / ``1.25 s`` / ``-``."""
    if v is None:
        return "-"
    return f"{v:,.0f} ms" if abs(v) < 10_000 else f"{v / 1000:,.1f} s"


def fmt_usd(v: float | None) -> str:
    """Dollars with the precision small amounts need."""
    if v is None:
        return "-"
    if v == 0:
        return "$0"
    return f"${v:,.4f}" if v < 1 else f"${v:,.2f}"


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def _counts(counter: Counter[str], limit: int = 80) -> str:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return " · ".join(f"{clean(k, limit)} {v:,}" for k, v in items)


def latency_text(lat: LatencyStats) -> str:
    """``p50 620 ms · p90 ... · max ... (12, nearest-rank)``."""
    if not lat.count:
        return "-"
    def c(v: float | None) -> str:
        return fmt_ms(v).replace(" ", "")

    return (
        f"p50 {c(lat.p50)}  p90 {c(lat.p90)}  p95 {c(lat.p95)}  p99 {c(lat.p99)}  max {c(lat.max)}"
        f"  (n={lat.count:,}, {lat.method})"
    )


def usage_text(u: TokenUsage) -> str:
    share = u.cached_share
    cached = f" (cached {u.cached:,} = {share:.1%})" if share is not None else ""
    return f"input {u.input:,}{cached}, output {u.output:,}, total {u.total:,}"


def cost_text(c: Cost) -> str:
    if not c.known and not c.unpriced_responses:
        return "-"
    text = fmt_usd(c.usd) if c.known else "unknown"
    if c.unpriced:
        named = sorted(m for m in c.unpriced if not m.startswith("("))
        why = f"no price for {', '.join(clean(m, 60) for m in named)} in [tool.rtcheck.prices]" if named else ""
        if len(named) < len(c.unpriced):
            why += ("; " if why else "") + "model not in the log"
        text += f"; {c.unpriced_responses:,} response(s) not priced ({why})"
    return text


def _audio_text(sessions: Iterable[Session]) -> str:
    ss = list(sessions)
    if not any(s.audio_in_events or s.audio_out_events for s in ss):
        return "audio not in this log"
    a_in = sum(s.audio_in_ms for s in ss) / 1000
    a_out = sum(s.audio_out_ms for s in ss) / 1000
    return f"in {a_in:,.1f} s, out {a_out:,.1f} s"


def _block(rows: list[tuple[str, str]]) -> Text:
    out = Text()
    for i, (label, value) in enumerate(rows):
        if i:
            out.append("\n")
        out.append(f"{label:<{_LABEL}}", style="bold")
        out.append(value)
    return out


def _summary_rows(sessions: list[Session], statuses: Counter[str], diagnostics: Counter[str]) -> list[tuple[str, str]]:
    n_resp = sum(s.response_count for s in sessions)
    reasons: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    usage, cost = TokenUsage(), Cost()
    for s in sessions:
        reasons.update(s.failure_reasons)
        errors.update(s.errors)
        usage.add(s.usage)
        cost.add(s.cost)
    interruptions = sum(s.interruption_count for s in sessions)
    produced = sum(s.barge_ins_producing_turns for s in sessions)
    calls = sum(s.call_count for s in sessions)
    answered = sum(s.answered_calls for s in sessions)
    lat = LatencyStats.of([v for s in sessions for v in s.latencies])
    tlat = LatencyStats.of([v for s in sessions for v in s.transcription_latencies])
    clock = any(s.has_clock for s in sessions)
    rows = [
        ("responses", f"{n_resp:,}" + (f" ({_counts(statuses)})" if statuses else "")),
        ("failures", _counts(reasons) if reasons else "none"),
        ("server errors", _counts(errors) if errors else "none"),
        ("interruptions", f"{interruptions:,} of {n_resp:,} responses ({_pct(interruptions, n_resp)})"
         + (f"; {produced:,} barge-in(s) became a turn" if interruptions else "")),
        ("tool calls", f"{calls:,}" + (f", {answered:,} answered, {calls - answered:,} unanswered" if calls else "")),
        ("tokens", usage_text(usage)),
        ("audio", _audio_text(sessions)),
        ("cost", cost_text(cost)),
        ("latency", latency_text(lat) if clock else NO_CLOCK),
    ]
    if tlat.count:
        rows.append(("transcription", latency_text(tlat)))
    rows.append(("diagnostics", _counts(diagnostics) if diagnostics else "none"))
    return rows


# --------------------------------------------------------------------------- text


def _headline(run: RunModel) -> str:
    sessions = run.sessions
    files = len(run.logs)
    return (
        f"{files:,} file{'s' if files != 1 else ''} · {len(sessions):,} session{'s' if len(sessions) != 1 else ''} · "
        f"{run.turn_count:,} turn{'s' if run.turn_count != 1 else ''} · {run.response_count:,} "
        f"response{'s' if run.response_count != 1 else ''}"
    )


def _file_heading(log: LogModel) -> Text:
    head = Text(clean(log.path, 400), style="bold underline")
    bits = [f"dialect {log.dialect or 'undetermined'}", f"times: {log.clock}" if log.clock else NO_CLOCK]
    if log.unreadable_lines:
        bits.append(f"{log.unreadable_lines:,} unreadable line(s)")
    head.append("  " + ", ".join(bits), style="dim")
    return head


_SESSION_HEAD = f"{'#':>4}  {'session':<18} {'model':<18} {'turns':>5} {'resp':>5} {'fail':>4} {'p50':>8} {'cost':>8}"


def _short(value: str | None, width: int) -> str:
    v = clean(value or "-")
    return v if len(v) <= width else v[: width - 1] + "…"


def session_line(s: Session, wide: bool) -> str:
    """One compact line (76 columns; the lines are added when the terminal is wide)."""
    fails = sum(s.statuses.get(k, 0) for k in ("failed", "incomplete", "cancelled"))
    line = (
        f"{s.index:>4}  {_short(s.session_id, 18):<18} {_short(s.model, 18):<18} {s.turn_count:>5,} "
        f"{s.response_count:>5,} {fails:>4,} {fmt_ms(s.latency.p50):>8} "
        f"{fmt_usd(s.cost.usd) if s.cost.known else '-':>8}"
    )
    if wide:
        line += f"  L{s.first_line}-{s.last_line}"
    return line


def render_stats(console: Console, outcome: StatsOutcome, *, by_session: bool = False, events: bool = False) -> None:
    """Totals first, then per file a heading and one line per session."""
    run = outcome.run
    sessions = run.sessions
    console.print(Text(_headline(run), style="bold"))
    console.print(_block(_summary_rows(sessions, run.statuses, outcome.diagnostics)))
    if events:
        total: Counter[str] = Counter()
        for s in sessions:
            total.update(s.events)
        console.print(_block([("events", _counts(total, 120) or "none")]))
    wide = console.width >= 100
    for log in run.logs:
        console.print()
        console.print(_file_heading(log))
        if not log.sessions:
            console.print(Text("   no events", style="dim"))
            continue
        if not by_session:
            console.print(Text(_SESSION_HEAD + ("  lines" if wide else ""), style="dim"))
            for s in log.sessions:
                console.print(Text(session_line(s, wide)), no_wrap=True, overflow="ellipsis")
            continue
        for s in log.sessions:
            console.print()
            _render_session(console, s, events)


def _render_session(console: Console, s: Session, events: bool) -> None:
    title = f"session {s.index}"
    if s.session_id:
        title += f" {clean(s.session_id, 120)}"
    title += f"  lines {s.first_line}-{s.last_line}"
    console.print(Text(title, style="bold"))
    rows = [
        ("model", clean(s.model or "not in the log", 120)),
        ("duration", fmt_ms(s.duration_ms) if s.has_clock else NO_CLOCK),
        ("turns", f"{s.turn_count:,}"),
        *_summary_rows([s], s.statuses, s.diagnostics),
    ]
    if events:
        rows.append(("events", _counts(s.events, 120) or "none"))
    console.print(_block(rows))


# --------------------------------------------------------------------------- JSON


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def _lat(lat: LatencyStats) -> dict[str, Any]:
    r = _r
    return {"count": lat.count, "p50": r(lat.p50), "p90": r(lat.p90), "p95": r(lat.p95), "p99": r(lat.p99),
            "max": r(lat.max), "mean": r(lat.mean), "method": lat.method, "unit": "ms"}


def _usage_dict(u: TokenUsage) -> dict[str, Any]:
    share = u.cached_share
    return {
        "input_tokens": u.input, "output_tokens": u.output, "total_tokens": u.total, "cached_tokens": u.cached,
        "cached_share": None if share is None else round(share, 4),
        "input": {"text": u.input_text, "audio": u.input_audio, "image": u.input_image},
        "cached": {"text": u.cached_text, "audio": u.cached_audio, "image": u.cached_image},
        "output": {"text": u.output_text, "audio": u.output_audio},
    }


def _cost_dict(c: Cost) -> dict[str, Any]:
    return {
        "usd": round(c.usd, 6) if c.known else None, "priced_responses": c.priced_responses,
        "unpriced_responses": c.unpriced_responses, "unpriced_models": dict(sorted(c.unpriced.items())),
        "prices_as_of": PRICES_AS_OF,
    }


def _figures(sessions: list[Session]) -> dict[str, Any]:
    usage, cost = TokenUsage(), Cost()
    statuses: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for s in sessions:
        usage.add(s.usage)
        cost.add(s.cost)
        statuses.update(s.statuses)
        reasons.update(s.failure_reasons)
        errors.update(s.errors)
    n_resp = sum(s.response_count for s in sessions)
    interruptions = sum(s.interruption_count for s in sessions)
    calls = sum(s.call_count for s in sessions)
    answered = sum(s.answered_calls for s in sessions)
    in_log = any(s.audio_in_events or s.audio_out_events for s in sessions)
    return {
        "turns": sum(s.turn_count for s in sessions),
        "responses": n_resp,
        "statuses": dict(sorted(statuses.items())),
        "failure_reasons": dict(sorted(reasons.items())),
        "server_errors": dict(sorted(errors.items())),
        "interruptions": {
            "count": interruptions, "share": round(interruptions / n_resp, 4) if n_resp else None,
            "barge_ins_producing_turns": sum(s.barge_ins_producing_turns for s in sessions),
        },
        "tool_calls": {"count": calls, "answered": answered, "unanswered": calls - answered},
        "usage": _usage_dict(usage),
        "audio": {
            "in_log": in_log,
            "in_seconds": round(sum(s.audio_in_ms for s in sessions) / 1000, 3) if in_log else None,
            "out_seconds": round(sum(s.audio_out_ms for s in sessions) / 1000, 3) if in_log else None,
        },
        "cost": _cost_dict(cost),
        "latency": _lat(LatencyStats.of([v for s in sessions for v in s.latencies])),
        "transcription_latency": _lat(LatencyStats.of([v for s in sessions for v in s.transcription_latencies])),
    }


def session_dict(s: Session) -> dict[str, Any]:
    """The JSON shape of one session in ``stats``."""
    return {
        "index": s.index, "session_id": s.session_id, "model": s.model, "dialect": s.dialect,
        "first_line": s.first_line, "last_line": s.last_line,
        "duration_ms": None if s.duration_ms is None else round(s.duration_ms, 1),
        **_figures([s]),
        "diagnostics": dict(sorted(s.diagnostics.items())),
        "events": dict(sorted(s.events.items())),
    }


def stats_json(outcome: StatsOutcome) -> dict[str, Any]:
    """``stats --format json`` (version 2, documented in the README)."""
    run = outcome.run
    sessions = run.sessions
    return {
        "version": STATS_JSON_VERSION,
        "command": "stats",
        "totals": {
            "files": len(run.logs), "sessions": len(sessions), **_figures(sessions),
            "diagnostics": dict(sorted(outcome.diagnostics.items())),
        },
        "logs": [
            {
                "path": log.path, "dialect": log.dialect, "clock": log.clock,
                "unreadable_lines": log.unreadable_lines,
                "sessions": [session_dict(s) for s in log.sessions],
            }
            for log in run.logs
        ],
        "errors": [{"path": p, "message": m} for p, m in outcome.errors],
    }
