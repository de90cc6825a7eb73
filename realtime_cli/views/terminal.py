"""Rich rendering of the inspection outcomes, and their versioned JSON shapes.

Every piece of log content goes through :func:`realtime_cli.core.safety.clean` and reaches Rich as
:class:`rich.text.Text`, never as markup: a transcript holding ``[bold]``, ANSI or OSC 8
sequences, CR, backspace or bidi controls is shown escaped. Long text is cut unless ``full``;
base64 audio is never shown at all (only its decoded length and duration).
The console is always passed in: nothing here creates one. The CLI's console prints plain
strings literally (no markup, no emoji codes), so a ``str`` given to Rich here must be meant
exactly as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from realtime_cli.core.safety import clean
from realtime_cli.session.inspection import AMBIGUOUS, FOUND, ListOutcome, ShowOutcome, StatsOutcome
from realtime_cli.session.summaries import (
    JSON_VERSION,
    UNFINISHED,
    ItemSummary,
    ResponseSummary,
    pretty_json_text,
    response_dict,
    response_row,
    usage_checks,
)
from realtime_cli.views.reporters.json_ import diagnostic_dict
from realtime_cli.views.reporters.text import format_line

if TYPE_CHECKING:  # stats is imported by the stats command only
    from realtime_cli.session.stats import LogStats, SessionStats

CUT = 300
"""Characters of one text shown when --full is not given."""

_STATUS_STYLE = {
    "completed": "bold green",
    "in_progress": "yellow",
    UNFINISHED: "yellow",
    "cancelled": "yellow",
    "incomplete": "magenta",
    "failed": "bold red",
}


def _t(value: Any, limit: int | None = CUT, style: str = "") -> Text:
    """Untrusted value -> safe Text (escaped, optionally cut)."""
    if value is None:
        return Text("-", style="dim")
    return Text(clean(str(value), limit), style=style)


def _multiline(value: str, limit: int | None) -> str:
    """:func:`clean` that keeps line breaks (transcripts, pretty JSON) but escapes the rest."""
    if limit is not None and len(value) > limit:
        value = value[:limit] + f"…(+{len(value) - limit} chars)"
    return "\n".join(clean(part) for part in value.split("\n"))


def _status_text(status: str | None) -> Text:
    s = status or "unknown"
    return Text(clean(s, 40), style=_STATUS_STYLE.get(s, "bold"))


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def _limit(full: bool) -> int | None:
    return None if full else CUT


# --------------------------------------------------------------------------- show


def _status_line(r: ResponseSummary) -> Text:
    line = _status_text(r.status)
    sd = r.status_details or {}
    bits: list[str] = []
    if sd.get("reason") is not None:
        bits.append(f"reason: {sd['reason']}")
    err = sd.get("error")
    if isinstance(err, dict):
        for key in ("type", "code", "message"):
            if err.get(key) is not None:
                bits.append(f"error {key}: {err[key]}")
    if bits:
        line.append("  ")
        line.append(clean("; ".join(str(b) for b in bits), 400))
    if not r.done:
        line.append("  incomplete: no response.done in the log (rebuilt from its events)", style="bold yellow")
    return line


def _header(r: ResponseSummary, full: bool) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("response", _t(r.id, 200, "bold"))
    grid.add_row("status", _status_line(r))
    grid.add_row("conversation", _t(r.conversation_id, 200))
    grid.add_row("dialect", _t(r.dialect))
    grid.add_row("modalities", _t(", ".join(r.modalities) if r.modalities is not None else None))
    grid.add_row("voice", _t(r.voice))
    grid.add_row("audio format", _t(r.audio_format))
    grid.add_row("temperature", _t(r.temperature))
    grid.add_row("max output tokens", _t(r.max_output_tokens))
    meta = None
    if r.metadata:
        meta = ", ".join(f"{k}={v}" for k, v in r.metadata.items())
    grid.add_row("metadata", _t(meta, _limit(full)))
    grid.add_row("location", _t(f"{r.path}:{r.first_line}-{r.last_line}", 400))
    return grid


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _num(value: Any, mark: bool = False) -> Text:
    if isinstance(value, bool) or not isinstance(value, int):
        return Text("-", style="dim")
    text = Text(f"{value:,}")
    if mark:
        text.append(" !", style="bold red")
    return text


def _usage(r: ResponseSummary) -> RenderableType:
    u = r.usage
    if not isinstance(u, dict):
        why = "no response.done in the log" if not r.done else "not reported"
        return Text(f"usage: {why}", style="dim")
    checks = usage_checks(u)
    bad = {c.field for c in checks}
    idet = _obj(u.get("input_token_details"))
    odet = _obj(u.get("output_token_details"))
    cdet = _obj(idet.get("cached_tokens_details"))
    table = Table(title="usage", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    for col in ("", "tokens", "text", "audio", "image", "cached"):
        table.add_column(col, justify="left" if not col else "right")
    table.add_row(
        "input", _num(u.get("input_tokens"), "input_tokens" in bad), _num(idet.get("text_tokens")),
        _num(idet.get("audio_tokens")), _num(idet.get("image_tokens")),
        _num(idet.get("cached_tokens"), "cached_tokens" in bad),
    )
    table.add_row(
        "  cached", _num(idet.get("cached_tokens"), "cached_tokens" in bad), _num(cdet.get("text_tokens")),
        _num(cdet.get("audio_tokens")), _num(cdet.get("image_tokens")), Text(""),
    )
    table.add_row(
        "output", _num(u.get("output_tokens"), "output_tokens" in bad), _num(odet.get("text_tokens")),
        _num(odet.get("audio_tokens")), Text(""), Text(""),
    )
    table.add_row("total", _num(u.get("total_tokens"), "total_tokens" in bad), *(Text("") for _ in range(4)))
    if not checks:
        return table
    notes = Text()
    for c in checks:
        notes.append("! ", style="bold red")
        notes.append(clean(c.message, 200) + "\n")
    notes.rstrip()
    return Group(table, notes)


def _content(it: ItemSummary, per_ms: float, full: bool) -> Text:
    lim = _limit(full)
    out = Text()

    def line(label: str, value: Any, limit: int | None = lim) -> None:
        if out:
            out.append("\n")
        out.append(f"{label}: ", style="bold")
        out.append(_multiline(str(value), limit))

    if it.text is not None:
        line("text", it.text)
    if it.transcript is not None:
        line("transcript", it.transcript)
    if it.audio_deltas:
        ms = it.audio_ms(per_ms)
        desc = f"{ms:,.0f} ms" if ms is not None else "-"
        desc += f" ({it.audio_bytes:,} bytes in {it.audio_deltas} delta{'s' if it.audio_deltas != 1 else ''}"
        desc += f", {it.invalid_audio_deltas} not base64)" if it.invalid_audio_deltas else ")"
        line("audio", desc)
    if it.name is not None:
        line("function", it.name, 200)
    if it.arguments is not None:
        line("arguments", pretty_json_text(it.arguments))
    if it.call_id is not None:
        line("call_id", it.call_id, 200)
    if it.output is not None:
        line("output", it.output)
    return out


def _items(r: ResponseSummary, full: bool) -> RenderableType:
    if not r.items:
        return Text("output items: none", style="dim")
    table = Table(title="output items", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("id", overflow="fold")
    table.add_column("type", overflow="fold")
    table.add_column("role")
    table.add_column("status")
    table.add_column("content", ratio=1, overflow="fold")
    for it in r.items:
        table.add_row(
            _t(it.index), _t(it.id, 100), _t(it.type, 60), _t(it.role, 40), _t(it.status, 40),
            _content(it, r.bytes_per_ms, full),
        )
    return table


def _timeline(r: ResponseSummary) -> RenderableType:
    table = Table(title="events", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("event type")
    table.add_column("count", justify="right")
    for etype, n in r.counts.items():
        table.add_row(_t(etype, 100), str(n))
    info = Text()
    info.append(f"lines {r.first_line}-{r.last_line}")
    if r.ms_to_first_output is not None or r.ms_to_done is not None:
        info.append(f"; create -> first delta {_ms(r.ms_to_first_output)}")
        info.append(f"; create -> done {_ms(r.ms_to_done)}")
    else:
        info.append("; no timestamps for timings", style="dim")
    return Group(table, info)


def _diagnostics(outcome: ShowOutcome) -> RenderableType:
    if not outcome.diagnostics:
        return Text("diagnostics: none", style="dim")
    lines = [Text(f"diagnostics ({len(outcome.diagnostics)})", style="bold")]
    lines.extend(format_line(d) for d in outcome.diagnostics)
    return Group(*lines)


def render_show(console: Console, outcome: ShowOutcome, *, full: bool = False) -> None:
    """Draw a found response: header, usage, output items, event timeline, diagnostics."""
    r = outcome.response
    if r is None:
        return
    for part in (_header(r, full), _usage(r), _items(r, full), _timeline(r), _diagnostics(outcome)):
        console.print(part)
        console.print()


def render_lookup_failure(console: Console, outcome: ShowOutcome) -> None:
    """The message for an ambiguous prefix (the candidates) or an unknown id (the closest)."""
    q = clean(outcome.query, 200)
    if outcome.state == AMBIGUOUS:
        console.print(Text(f"rtcheck: {q!s} matches {len(outcome.candidates)} responses; give more of the id:"))
        for rid, path in outcome.candidates:
            console.print(Text(f"  {clean(rid, 200)}  ({clean(path, 400)})"))
        return
    console.print(Text(f"rtcheck: no response {q} in the given logs"))
    if outcome.close:
        console.print(Text("closest ids: " + ", ".join(clean(c, 200) for c in outcome.close)))


def show_json(outcome: ShowOutcome) -> dict[str, Any]:
    """``show --format json`` (shape in the README; ``version`` 1)."""
    resp = None
    if outcome.response is not None:
        resp = response_dict(outcome.response)
        resp["diagnostics"] = [diagnostic_dict(d) for d in outcome.diagnostics]
    return {
        "version": JSON_VERSION,
        "command": "show",
        "query": outcome.query,
        "state": outcome.state,
        "found": outcome.state == FOUND,
        "response": resp,
        "candidates": [{"id": rid, "path": p} for rid, p in outcome.candidates],
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


# --------------------------------------------------------------------------- ls


def render_ls(console: Console, outcome: ListOutcome, *, full: bool = False) -> None:
    """One row per response."""
    if not outcome.responses:
        console.print(Text("no responses", style="dim"))
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("id", no_wrap=not full, overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("items", justify="right")
    table.add_column("in", justify="right")
    table.add_column("out", justify="right")
    table.add_column("first line", overflow="fold", ratio=1)
    table.add_column("duration", justify="right")
    for r in outcome.responses:
        row = response_row(r)
        # Without response.done the last status seen (in_progress) would mislead.
        status = _status_text(r.status if r.done else UNFINISHED)
        table.add_row(
            _t(r.id, _limit(full)), status, str(row["output_items"]), _num(row["input_tokens"]),
            _num(row["output_tokens"]), _t(f"{r.path}:{r.first_line}", 300), _ms(r.ms_to_done),
        )
    console.print(table)
    n = len(outcome.responses)
    console.print(Text(f"{n} response{'s' if n != 1 else ''}", style="dim"))


def ls_json(outcome: ListOutcome) -> dict[str, Any]:
    """``ls --format json``."""
    return {
        "version": JSON_VERSION,
        "command": "ls",
        "responses": [response_row(r) for r in outcome.responses],
        "errors": _errors(outcome.errors),
    }


# --------------------------------------------------------------------------- stats


def _counts(counter: dict[str, int], empty: str = "none", limit: int | None = 120) -> Text:
    if not counter:
        return Text(empty, style="dim")
    out = Text()
    for i, (k, v) in enumerate(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))):
        if i:
            out.append("\n")
        out.append(f"{v:>7,}  ")
        out.append(clean(k, limit))
    return out


def _session_table(s: SessionStats, multiple: bool, full: bool) -> Table:
    title = f"session {s.index}" if multiple else "session"
    if s.session_id:
        title += f" {clean(s.session_id, _limit(full))}"
    title += f" (lines {s.first_line}-{s.last_line})"
    grid = Table(title=Text(title, style="bold"), title_justify="left", box=box.SIMPLE, show_header=False, show_edge=False)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("dialect", _t(s.dialect))
    grid.add_row("events", _counts(dict(s.events), limit=_limit(full)))
    grid.add_row("responses", _counts(dict(s.responses)))
    share = s.cached_share
    usage = (
        f"input {s.input_tokens:,}, output {s.output_tokens:,}, total {s.total_tokens:,}; "
        f"cached {s.cached_tokens:,}" + (f" ({share:.1%} of input)" if share is not None else "")
    )
    grid.add_row("usage", usage)
    grid.add_row(
        "audio",
        f"in {s.audio_in_ms / 1000:,.1f} s ({s.audio_in_bytes:,} bytes), "
        f"out {s.audio_out_ms / 1000:,.1f} s ({s.audio_out_bytes:,} bytes)",
    )
    grid.add_row("diagnostics", _counts(dict(s.diagnostics)))
    return grid


def _log(st: LogStats, full: bool) -> RenderableType:
    head = Text()
    head.append(clean(st.path, 400), style="bold underline")
    head.append(f"  dialect {clean(str(st.dialect or 'undetermined'))}")
    head.append(f", {len(st.sessions)} session(s)")
    if st.parse_failures:
        head.append(f", {st.parse_failures} unreadable line(s)", style="yellow")
    parts: list[RenderableType] = [head]
    multiple = len(st.sessions) > 1
    parts.extend(_session_table(s, multiple, full) for s in st.sessions)
    if multiple:
        parts.append(Text.assemble(("diagnostics in the file: ", "bold"), _counts(dict(st.diagnostics))))
    return Group(*parts)


def render_stats(console: Console, outcome: StatsOutcome, *, full: bool = False) -> None:
    """Per log and per session: events, responses, usage, audio seconds, diagnostics."""
    for i, st in enumerate(outcome.logs):
        if i:
            console.print()
        console.print(_log(st, full))


def stats_json(outcome: StatsOutcome) -> dict[str, Any]:
    """``stats --format json``."""
    from realtime_cli.session.stats import stats_dict

    return {
        "version": JSON_VERSION,
        "command": "stats",
        "logs": [stats_dict(st) for st in outcome.logs],
        "errors": _errors(outcome.errors),
    }
