"""``rtcheck show``: one response on one screen, and its versioned JSON shape.

A one-item response fits 30 lines at 120 columns: a header (id, status and reason, model,
dialect, lines, latency, cost), the turn that triggered it, the output (transcript, text,
function call with its arguments and the output sent back), the interruption, usage, a
timeline with times relative to the end of the user's turn, and the diagnostics. The event-count
table only with ``--events``.

Every piece of log content goes through :func:`realtime_cli.core.safety.clean` and reaches Rich
as :class:`rich.text.Text`, never as markup. Long text is cut unless ``full``; base64 audio is
never shown (only its duration). The console is passed in: nothing here creates one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.text import Text

from realtime_cli.core.safety import clean
from realtime_cli.session.context import Context
from realtime_cli.session.inspection import AMBIGUOUS, FOUND, ShowOutcome
from realtime_cli.session.model import NO_CLOCK, FunctionCall, Interruption, ResponseInfo, Turn
from realtime_cli.session.summaries import (
    JSON_VERSION,
    ItemSummary,
    ResponseSummary,
    event_type,
    pretty_json_text,
    response_dict,
    usage_checks,
)
from realtime_cli.session.timing import Clock
from realtime_cli.views.reporters.json_ import diagnostic_dict
from realtime_cli.views.reporters.text import format_line
from realtime_cli.views.stats import fmt_ms, fmt_usd

CUT = 300
"""Characters of one text shown when --full is not given."""
_TIMELINE = 10
"""Timeline rows shown (runs of the same event type are one row)."""
_CANDIDATES = 10
"""Matching ids listed when a prefix is ambiguous."""

_STATUS_STYLE = {
    "completed": "bold green", "in_progress": "yellow", "unfinished": "yellow", "cancelled": "yellow",
    "incomplete": "magenta", "failed": "bold red",
}


def _limit(full: bool) -> int | None:
    return None if full else CUT


def _one_line(value: Any, limit: int | None) -> str:
    """Log text on one line: newlines shown as ⏎, everything else escaped."""
    return clean(str(value).replace("\r\n", "\n").replace("\n", " ⏎ "), limit)


def _multiline(value: str, limit: int | None, indent: str) -> str:
    if limit is not None and len(value) > limit:
        value = value[:limit] + f"…(+{len(value) - limit} chars)"
    return ("\n" + indent).join(clean(part) for part in value.split("\n"))


# --------------------------------------------------------------------------- header


def _status(r: ResponseSummary) -> Text:
    s = r.status if r.done else "unfinished"
    line = Text(clean(s or "unknown", 40), style=_STATUS_STYLE.get(s or "", "bold"))
    sd: dict[str, Any] = r.status_details or {}
    err: dict[str, Any] = sd["error"] if isinstance(sd.get("error"), dict) else {}
    bits = [str(v) for v in (sd.get("reason"), err.get("code"), err.get("type")) if v is not None]
    if bits:
        line.append(" (" + clean(", ".join(dict.fromkeys(bits)), 200) + ")")
    if isinstance(err.get("message"), str):
        line.append(": " + _one_line(err["message"], 200))
    return line


def _header(r: ResponseSummary, ctx: Context | None) -> Text:
    info = ctx.info if ctx else None
    head = Text()
    head.append(clean(r.id, 200), style="bold")
    head.append("  ")
    head.append_text(_status(r))
    model = ctx.session.model if ctx and ctx.session else None
    bits = [model or "model not in the log", r.dialect or "dialect ?", f"lines {r.first_line}-{r.last_line}"]
    if info is not None:
        if info.latency_ms is not None:
            bits.append(f"latency {fmt_ms(info.latency_ms)}")
        if info.cost_usd is not None:
            bits.append(fmt_usd(info.cost_usd))
    head.append("\n" + clean(r.path, 300) + "  ·  " + "  ·  ".join(clean(b, 120) for b in bits), style="dim")
    details = []
    if r.voice:
        details.append(f"voice {r.voice}")
    if r.audio_format:
        details.append(f"audio {r.audio_format}")
    if r.modalities is not None:
        details.append("modalities " + ",".join(r.modalities))
    if r.temperature is not None:
        details.append(f"temperature {r.temperature}")
    if r.max_output_tokens is not None:
        details.append(f"max_output_tokens {r.max_output_tokens}")
    if r.conversation_id:
        details.append(f"conversation {r.conversation_id}")
    if r.metadata:
        details.append("metadata " + ", ".join(f"{k}={v}" for k, v in r.metadata.items()))
    if details:
        head.append("\n" + _one_line("  ·  ".join(details), 400), style="dim")
    if not r.done:
        head.append("\nincomplete: no response.done in the log (rebuilt from its events)", style="bold yellow")
    return head


# --------------------------------------------------------------------------- turn and output


def _turn(turn: Turn | None, info: ResponseInfo | None, full: bool) -> Text:
    out = Text()
    out.append("turn", style="bold")
    if turn is None:
        out.append("  no user input before this response in the log", style="dim")
        return out
    out.append(f" {turn.index}  ")
    if turn.kind == "speech":
        span = ""
        if turn.audio_start_ms is not None and turn.audio_end_ms is not None:
            span = f" {turn.audio_start_ms / 1000:,.2f}-{turn.audio_end_ms / 1000:,.2f} s"
        out.append(f"speech{span}", style="cyan")
    else:
        out.append("text" if turn.kind == "text" else "audio committed by the client", style="cyan")
    out.append(f" (line {turn.line}" + (f", {clean(turn.item_id, 80)})" if turn.item_id else ")"), style="dim")
    said = turn.transcript if turn.transcript is not None else turn.text
    if said is not None:
        out.append("\n  “" + _one_line(said, _limit(full)) + "”")
    elif turn.transcription_failed:
        out.append(f"\n  transcription failed: {clean(turn.transcription_failed, 80)}", style="yellow")
    if info is not None and info.trigger is not None and turn.response_ids and turn.response_ids[0] != info.id:
        out.append(f"\n  follow-up response (measured from the client's {_TRIGGER.get(info.trigger, info.trigger)})", style="dim")
    return out


_TRIGGER = {"speech": "end of speech", "create": "response.create", "item": "conversation.item.create"}


def _call_lines(out: Text, call: FunctionCall | None, it: ItemSummary, full: bool) -> None:
    name = it.name or (call.name if call else None)
    cid = it.call_id or (call.call_id if call else None)
    out.append("\n     ")
    out.append(clean(name or "?", 120), style="bold")
    out.append("(" + _multiline(pretty_json_text(it.arguments or ""), _limit(full), "     ") + ")")
    if cid:
        out.append(f"  {clean(cid, 80)}", style="dim")
    if call is not None and call.answered:
        out.append(f"\n     ⮑ output sent back (line {call.output_line}): ", style="green")
        out.append(_one_line(call.output or "", _limit(full)))
    elif call is not None or cid:
        out.append("\n     ⮑ no function_call_output sent back in the log", style="yellow")


def _output(r: ResponseSummary, info: ResponseInfo | None, full: bool) -> Text:
    out = Text()
    out.append("output", style="bold")
    if not r.items:
        out.append("  none", style="dim")
        return out
    calls = {c.call_id: c for c in info.function_calls} if info else {}
    for it in r.items:
        out.append(f"\n  #{it.index if it.index is not None else '?'} ")
        out.append(clean(it.type or "item", 40), style="cyan")
        if it.status:
            out.append(f" {clean(it.status, 40)}")
        if it.id:
            out.append(f"  {clean(it.id, 80)}", style="dim")
        if it.audio_deltas:
            ms = it.audio_ms(r.bytes_per_ms)
            out.append(f"  audio {fmt_ms(ms)}")
            if it.invalid_audio_deltas:
                out.append(f" ({it.invalid_audio_deltas} deltas not base64)", style="yellow")
        for label, value in (("transcript", it.transcript), ("text", it.text)):
            if value is not None:
                out.append(f"\n     {label}: ", style="bold")
                out.append(_multiline(value, _limit(full), "     "))
        if it.type in ("function_call", "mcp_call") or it.arguments is not None:
            _call_lines(out, calls.get(it.call_id), it, full)
        elif it.output is not None:
            out.append("\n     output: ", style="bold")
            out.append(_one_line(it.output, _limit(full)))
    return out


def _interruption(intr: Interruption) -> Text:
    out = Text()
    out.append("interrupted", style="bold yellow")
    why = {"turn_detected": "the user spoke (turn_detected)", "client_cancelled": "the client cancelled it",
           "truncated": "playback cut short (item truncated)"}.get(intr.reason, clean(intr.reason, 80))
    out.append(f"  {why}, line {intr.line}")
    gen = "audio not in the log" if intr.audio_generated_ms is None else f"{fmt_ms(intr.audio_generated_ms)} generated"
    heard = "" if intr.audio_heard_ms is None else f", {fmt_ms(intr.audio_heard_ms)} heard"
    by = f" ({intr.truncated_by} truncate, line {intr.truncate_line})" if intr.truncated_by else ", not truncated"
    out.append(f"\n  {gen}{heard}{by}")
    if intr.barge_in_turn is not None:
        became = {True: "became", False: "did not become", None: "may become"}[intr.produced_turn]
        out.append(f"; the barge-in (turn {intr.barge_in_turn}) {became} a turn with a response")
    return out


def _usage(r: ResponseSummary) -> Text:
    out = Text()
    out.append("usage", style="bold")
    u = r.usage if isinstance(r.usage, dict) else None
    if u is None:
        out.append("  " + ("not reported" if r.done else "no response.done in the log"), style="dim")
        return out
    idet: dict[str, Any] = u["input_token_details"] if isinstance(u.get("input_token_details"), dict) else {}
    odet: dict[str, Any] = u["output_token_details"] if isinstance(u.get("output_token_details"), dict) else {}

    def n(v: Any) -> str:
        return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else "-"

    out.append(
        f"  input {n(u.get('input_tokens'))} (text {n(idet.get('text_tokens'))}, audio {n(idet.get('audio_tokens'))}"
        + (f", image {n(idet.get('image_tokens'))}" if idet.get("image_tokens") else "")
        + f"; cached {n(idet.get('cached_tokens'))})  output {n(u.get('output_tokens'))} (text "
        f"{n(odet.get('text_tokens'))}, audio {n(odet.get('audio_tokens'))})  total {n(u.get('total_tokens'))}"
    )
    for c in usage_checks(u):
        out.append("\n  ! ", style="bold red")
        out.append(clean(c.message, 200))
    return out


# --------------------------------------------------------------------------- timeline


def _timeline(r: ResponseSummary, info: ResponseInfo | None) -> Text:
    out = Text()
    out.append("timeline", style="bold")
    clock = Clock()
    times = [clock.read(rec) for rec in r.records]
    origin = info.t_anchor if info is not None and info.t_anchor is not None else next((t for t in times if t is not None), None)
    if origin is None:
        out.append(f"  lines {r.first_line}-{r.last_line}; {NO_CLOCK}", style="dim")
    elif info is not None and info.t_anchor is not None:
        out.append(f"  (from the {_TRIGGER.get(info.trigger or '', 'first event')})", style="dim")
    runs: list[tuple[str, int, float | None, int]] = []
    for rec, t in zip(r.records, times, strict=True):
        etype = event_type(rec) or "(no type)"
        if runs and runs[-1][0] == etype:
            name, line, t0, count = runs[-1]
            runs[-1] = (name, line, t0, count + 1)
        else:
            runs.append((etype, rec.line, t, 1))
    shown = runs if len(runs) <= _TIMELINE else [*runs[: _TIMELINE - 2], runs[-1]]
    for i, (etype, line, t, count) in enumerate(shown):
        if len(runs) > _TIMELINE and i == _TIMELINE - 2:
            out.append(f"\n  … {len(runs) - _TIMELINE + 1} more", style="dim")
        rel = "" if origin is None or t is None else f"+{fmt_ms(t - origin)}"
        out.append(f"\n  {rel:>10}  L{line:<6} {clean(etype, 80)}" + (f" x{count}" if count > 1 else ""))
    return out


def _event_counts(r: ResponseSummary) -> Text:
    out = Text("events", style="bold")
    for etype, n in r.counts.most_common():
        out.append(f"\n  {n:>6}  {clean(etype, 100)}")
    return out


def _diagnostics(outcome: ShowOutcome) -> Text:
    if not outcome.diagnostics:
        return Text("diagnostics  none", style="dim")
    out = Text(f"diagnostics ({len(outcome.diagnostics)})", style="bold")
    for d in outcome.diagnostics:
        out.append("\n")
        out.append_text(format_line(d))
    return out


def render_show(console: Console, outcome: ShowOutcome, *, full: bool = False, events: bool = False) -> None:
    """Draw a found response (see the module docstring for the parts)."""
    r = outcome.response
    if r is None:
        return
    ctx = outcome.context
    info = ctx.info if ctx else None
    parts = [_header(r, ctx), _turn(ctx.turn if ctx else None, info, full), _output(r, info, full)]
    if info is not None and info.interruption is not None:
        parts.append(_interruption(info.interruption))
    parts += [_usage(r), _timeline(r, info)]
    if events:
        parts.append(_event_counts(r))
    parts.append(_diagnostics(outcome))
    for part in parts:
        console.print(part)


def render_lookup_failure(console: Console, outcome: ShowOutcome) -> None:
    """An ambiguous prefix (the first candidates and the count) or an unknown id (the closest)."""
    q = clean(outcome.query, 200)
    if outcome.state == AMBIGUOUS:
        n = len(outcome.candidates)
        console.print(Text(f"rtcheck: {q} matches {n:,} responses; give more of the id:"))
        for rid, path in outcome.candidates[:_CANDIDATES]:
            console.print(Text(f"  {clean(rid, 200)}  ({clean(path, 400)})"))
        if n > _CANDIDATES:
            console.print(Text(f"  … and {n - _CANDIDATES:,} more"))
        return
    console.print(Text(f"rtcheck: no response, item or call {q} in the given logs"))
    if outcome.close:
        console.print(Text("closest ids: " + ", ".join(clean(c, 200) for c in outcome.close)))


# --------------------------------------------------------------------------- JSON


def r1(v: float | None) -> float | None:
    """Rounded to 0.1 (ms), None kept."""
    return None if v is None else round(v, 1)


def _context_dict(ctx: Context | None) -> dict[str, Any] | None:
    if ctx is None or ctx.info is None:
        return None
    info, turn = ctx.info, ctx.turn
    intr = info.interruption
    return {
        "model": ctx.session.model if ctx.session else None,
        "session_index": info.session_index,
        "clock": ctx.clock,
        "trigger": info.trigger,
        "latency_ms": r1(info.latency_ms),
        "to_created_ms": r1(info.to_created_ms),
        "to_done_ms": r1(info.to_done_ms),
        "cost_usd": None if info.cost_usd is None else round(info.cost_usd, 6),
        "turn": None if turn is None else {
            "index": turn.index, "kind": turn.kind, "line": turn.line, "item_id": turn.item_id,
            "audio_start_ms": turn.audio_start_ms, "audio_end_ms": turn.audio_end_ms,
            "transcript": turn.transcript, "text": turn.text,
            "transcription_latency_ms": r1(turn.transcription_latency_ms),
        },
        "function_calls": [
            {"call_id": c.call_id, "name": c.name, "answered": c.answered, "output": c.output, "output_line": c.output_line}
            for c in info.function_calls
        ],
        "interruption": None if intr is None else {
            "reason": intr.reason, "line": intr.line, "item_id": intr.item_id,
            "audio_generated_ms": r1(intr.audio_generated_ms), "audio_heard_ms": r1(intr.audio_heard_ms),
            "truncated_by": intr.truncated_by, "truncate_line": intr.truncate_line,
            "barge_in_turn": intr.barge_in_turn, "produced_turn": intr.produced_turn,
        },
    }


def show_json(outcome: ShowOutcome) -> dict[str, Any]:
    """``show --format json`` (shape in the README; ``version`` 2)."""
    resp = None
    if outcome.response is not None:
        resp = response_dict(outcome.response)
        resp["diagnostics"] = [diagnostic_dict(d) for d in outcome.diagnostics]
        resp["session"] = _context_dict(outcome.context)
    return {
        "version": JSON_VERSION,
        "command": "show",
        "query": outcome.query,
        "resolved_id": outcome.resolved,
        "state": outcome.state,
        "found": outcome.state == FOUND,
        "response": resp,
        "candidates": [{"id": rid, "path": p} for rid, p in outcome.candidates[:100]],
        "candidates_total": len(outcome.candidates),
        "close_matches": list(outcome.close),
        "errors": _errors(outcome.errors),
        "scan": {
            "lines_parsed": outcome.counter.lines_parsed,
            "files_mapped": outcome.counter.files_mapped,
            "files_streamed": outcome.counter.files_streamed,
        },
    }


def _errors(errors: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"path": p, "message": m} for p, m in errors]
