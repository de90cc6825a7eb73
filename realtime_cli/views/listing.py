"""``rtcheck ls``: one line per response, streamed, fitting 80 columns.

Rows arrive from :func:`realtime_cli.session.inspection.iter_rows` while the logs are read and
are written as they come (no table is laid out: laying out a Rich Table per run cost four
times the scan). The path is printed once per file, as a heading; every row is one line at any
width, piped or not. Log content (ids, reasons) goes through :func:`clean`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from rich.console import Console
from rich.text import Text

from realtime_cli.core.safety import clean
from realtime_cli.session.inspection import Row
from realtime_cli.session.model import NO_CLOCK

LS_JSON_VERSION = 2
_STATUS_STYLE = {"completed": "green", "cancelled": "yellow", "unfinished": "yellow", "incomplete": "magenta", "failed": "bold red"}
_BATCH = 200  # rows per console write when colouring


def _fit(value: str, width: int, *, middle: bool = False) -> str:
    if len(value) <= width:
        return value
    if middle:  # ids differ at both ends: keep both
        head = (width - 1) // 2
        return value[:head] + "…" + value[len(value) - (width - 1 - head):]
    return value[: width - 1] + "…"


def _tokens(n: int | None) -> str:
    if n is None:
        return "-"
    return f"{n:,}" if n < 1_000_000 else f"{n / 1_000_000:.1f}M"


def _latency(ms: float | None) -> str:
    if ms is None:
        return "-"
    return f"{ms:,.0f}ms" if abs(ms) < 10_000 else f"{ms / 1000:,.1f}s"


def _cost(usd: float | None) -> str:
    if usd is None:
        return "-"
    return f"${usd:.4f}" if usd < 10 else f"${usd:,.0f}"


class Layout:
    """Column widths for a terminal width: the id and the status share what is left."""

    def __init__(self, width: int) -> None:
        width = max(80, width)
        fixed = 7 + 2 + 6 + 8 + 8 + 6  # line, items, tokens, latency, cost, separators
        rest = width - 1 - fixed
        self.id_w = min(34, max(26, rest - 18))
        self.status_w = rest - self.id_w

    def header(self) -> str:
        return (f"{'LINE':>7} {'ID':<{self.id_w}} {'STATUS':<{self.status_w}} {'IT':>2} {'TOKENS':>6} "
                f"{'LATENCY':>7} {'COST':>7}")

    def cells(self, r: Row) -> tuple[str, str, str]:
        """(before status, status, after status) of a row, already escaped and cut."""
        status = r.status if not r.reason else f"{r.status}: {r.reason}"
        before = f"{r.line:>7} {_fit(clean(r.id), self.id_w, middle=True):<{self.id_w}} "
        after = f" {min(r.items, 99):>2} {_tokens(r.tokens):>6} {_latency(r.latency_ms):>7} {_cost(r.cost_usd):>7}"
        return before, f"{_fit(clean(status), self.status_w):<{self.status_w}}", after


def render_ls(console: Console, rows: Iterable[Row], *, limit: int | None = None) -> int:
    """Write the rows as they come, a heading per file; returns how many were shown."""
    layout = Layout(console.width)
    plain = console.no_color or not console.is_terminal
    out: IO[str] = console.file
    shown = 0
    with_latency = False
    path: str | None = None
    batch = Text()
    pending = 0

    def flush() -> None:
        nonlocal batch, pending
        if pending:
            console.print(batch, no_wrap=True, overflow="ignore", crop=False, soft_wrap=True)
            batch, pending = Text(), 0

    for r in rows:
        if limit is not None and shown >= limit:
            break
        lines: list[tuple[str, str]] = []
        if r.path != path:
            if path is None:
                lines.append((layout.header(), "dim"))
            else:
                lines.append(("", ""))
            path = r.path
            lines.append((clean(r.path, 400), "bold"))
        before, status, after = layout.cells(r)
        shown += 1
        with_latency = with_latency or r.latency_ms is not None
        if plain:
            buf = io.StringIO()
            for text, _ in lines:
                buf.write(text + "\n")
            buf.write(before + status + after + "\n")
            out.write(buf.getvalue())
            continue
        for text, style in lines:
            batch.append(text + "\n", style=style)
        batch.append(before)
        batch.append(status, style=_STATUS_STYLE.get(r.status, "bold"))
        batch.append(after + "\n")
        pending += 1
        if pending >= _BATCH or lines:
            flush()
    flush()
    if not shown:
        console.print(Text("no responses", style="dim"))
        return 0
    note = f"{shown:,} response{'s' if shown != 1 else ''}"
    if not with_latency:
        note += f"; latency: {NO_CLOCK}"
    console.print(Text(note, style="dim"))
    return shown


def row_dict(r: Row) -> dict[str, Any]:
    """The JSON shape of one ``ls`` row."""
    return {
        "path": r.path, "line": r.line, "last_line": r.last_line, "session": r.session, "id": r.id,
        "status": r.status, "reason": r.reason, "output_items": r.items, "total_tokens": r.tokens,
        "latency_ms": None if r.latency_ms is None else round(r.latency_ms, 1),
        "cost_usd": None if r.cost_usd is None else round(r.cost_usd, 6),
    }


def ls_json_stream(rows: Iterable[Row], errors: list[tuple[str, str]], limit: int | None = None) -> Iterator[str]:
    """``ls --format json`` in pieces, so rows stream out instead of piling up in memory."""
    yield f'{{\n  "version": {LS_JSON_VERSION},\n  "command": "ls",\n  "responses": ['
    n = 0
    for r in rows:
        if limit is not None and n >= limit:
            break
        yield ("," if n else "") + "\n    " + json.dumps(row_dict(r), ensure_ascii=True)
        n += 1
    yield ("\n  " if n else "") + "],\n  \"errors\": " + json.dumps(
        [{"path": p, "message": m} for p, m in errors], ensure_ascii=True
    ) + "\n}\n"
