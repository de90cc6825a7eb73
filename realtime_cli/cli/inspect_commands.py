"""``rtcheck show``, ``rtcheck ls`` and ``rtcheck stats``: look at responses instead of JSON.

Thin commands: options -> :class:`realtime_cli.session.inspection.InspectConfig` -> one core call ->
render (text via Rich, or the versioned JSON shape) -> exit code.

Exit codes: 0 found / listed; 1 response not found or the prefix is ambiguous; 2 usage error
or an input that cannot be read.
"""

# No `from __future__ import annotations` here: typer reads every parameter's annotation at
# each start, and string annotations cost a compile() each (~2.5 ms per run in all).
import json
import sys
from typing import Annotated, Any

import typer

from realtime_cli.cli.common import (
    STATUS_METAVAR,
    Color,
    InspectFormat,
    LsSort,
    check_statuses,
    fail,
    make_console,
    resolve_paths,
)

_FORMATS = ("text", "json")

PathsArg = Annotated[
    list[str] | None,
    typer.Argument(help="Log files or directories; - for stdin [default: stdin when piped, else the project's logs].", show_default=False),
]
FormatOpt = Annotated[InspectFormat, typer.Option("--format", "-f", help="Output format.")]
ColorOpt = Annotated[Color, typer.Option("--color", help="Colour the text output (auto: a terminal only; honours NO_COLOR).")]
FullOpt = Annotated[bool, typer.Option("--full", help="Show long text in full (audio is never printed).")]
MaxLineOpt = Annotated[int | None, typer.Option("--max-line-bytes", min=1, metavar="N", help="Skip lines longer than this [default: 64 MiB].", show_default=False)]


def _config(paths: list[str] | None, max_line_bytes: int | None, statuses: frozenset[str] = frozenset()) -> Any:
    """Options + [tool.rtcheck] -> a frozen InspectConfig (exit 2 on a bad configuration)."""
    from realtime_cli.cli.common import inspect_settings
    from realtime_cli.logs.loader import DEFAULT_MAX_LINE_BYTES
    from realtime_cli.session.inspection import InspectConfig

    fc, enabled, prices = inspect_settings()
    return InspectConfig(
        paths=tuple(resolve_paths(paths, fc)),
        max_line_bytes=max_line_bytes or fc.get("max-line-bytes") or DEFAULT_MAX_LINE_BYTES,
        statuses=statuses,
        enabled=enabled,
        prices=prices,
    )


def _console(color: str, *, stderr: bool = False) -> Any:
    """render's console: every string render.py hands Rich is literal text (log content goes
    in as Text), so none is parsed for markup or emoji codes."""
    return make_console(color, stderr=stderr, literal=True)


def _check_format(fmt: str) -> None:
    if fmt not in _FORMATS:
        fail(f"unknown --format {fmt!r} (choose from {', '.join(_FORMATS)})")


def _dump(data: dict[str, Any]) -> None:
    # ensure_ascii: control and bidi characters from the log stay \u-escaped even when a
    # user cats the JSON to a terminal.
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=True) + "\n")


def _report_errors(errors: list[tuple[str, str]]) -> int:
    """Print input problems to stderr; exit code 2 when an input could not be read (a
    directory with no log file is said, but is not an unreadable input)."""
    from realtime_cli.core.safety import clean
    from realtime_cli.logs.loader import NO_LOGS

    for path, message in errors:
        sys.stderr.write(f"rtcheck: {clean(path, 400)}: {clean(message, 400)}\n")
    return 2 if any(message != NO_LOGS for _, message in errors) else 0


def show(
    response_id: Annotated[str, typer.Argument(help="A response id, a unique prefix of one, `last`, FILE:LINE, an item id or a call id.", show_default=False)],
    paths: PathsArg = None,
    output_format: FormatOpt = InspectFormat.text,
    color: ColorOpt = Color.auto,
    full: FullOpt = False,
    events: Annotated[bool, typer.Option("--events", help="Add the response's event counts by type.")] = False,
    max_line_bytes: MaxLineOpt = None,
) -> None:
    """Show one response: status and reason, the turn that triggered it, its output and tool
    results, interruption, usage, timeline and diagnostics."""
    from realtime_cli.session import inspection
    from realtime_cli.views import terminal as render

    _check_format(output_format)
    if not response_id.strip():
        fail("RESPONSE_ID is empty")
    config = _config(paths, max_line_bytes)
    outcome = inspection.show(config, response_id)
    code = _report_errors(outcome.errors)
    if output_format == "json":
        _dump(render.show_json(outcome))
    elif outcome.state == inspection.FOUND:
        render.render_show(_console(color.value), outcome, full=full, events=events)
    else:
        render.render_lookup_failure(_console(color.value, stderr=True), outcome)
    if outcome.state != inspection.FOUND:
        raise typer.Exit(code or 1)
    raise typer.Exit(code)


def ls(
    paths: PathsArg = None,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", "-s", metavar=STATUS_METAVAR, callback=check_statuses, help="Only responses with this status, repeatable or comma-separated (unfinished: no response.done) [default: all]."),
    ] = None,
    sort: Annotated[LsSort, typer.Option("--sort", help="Order: line (file order, streamed), latency, tokens, cost (largest first) or status.")] = LsSort.line,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, metavar="N", help="Show at most this many rows [default: all].", show_default=False)] = None,
    output_format: FormatOpt = InspectFormat.text,
    color: ColorOpt = Color.auto,
    max_line_bytes: MaxLineOpt = None,
) -> None:
    """List every response, one line each: line, id, status and reason, items, tokens, latency, cost."""
    from realtime_cli.session import inspection
    from realtime_cli.views import listing

    _check_format(output_format)
    statuses = frozenset(s.strip() for v in status or [] for s in v.split(",") if s.strip())
    bad = sorted(statuses - set(inspection.LS_STATUSES))
    if bad:
        fail(f"unknown --status {', '.join(map(repr, bad))} (choose from {', '.join(inspection.LS_STATUSES)})")
    if sort not in inspection.LS_SORTS:
        fail(f"unknown --sort {sort!r} (choose from {', '.join(inspection.LS_SORTS)})")
    config = _config(paths, max_line_bytes, statuses)
    errors: list[tuple[str, str]] = []
    rows: Any = inspection.iter_rows(config, errors)
    if sort != "line":
        rows = inspection.sort_rows(rows, sort)
    if output_format == "json":
        for piece in listing.ls_json_stream(rows, errors, limit):
            sys.stdout.write(piece)
    else:
        from realtime_cli.logs.discovery import describe

        listing.render_ls(_console(color.value), rows, limit=limit, where=describe(list(config.paths)), statuses=statuses)
    raise typer.Exit(_report_errors(errors))


def stats(
    paths: PathsArg = None,
    by_session: Annotated[bool, typer.Option("--by-session", help="Detail every session instead of one line each.")] = False,
    events: Annotated[bool, typer.Option("--events", help="Add event counts by type.")] = False,
    output_format: FormatOpt = InspectFormat.text,
    color: ColorOpt = Color.auto,
    max_line_bytes: MaxLineOpt = None,
) -> None:
    """Totals (responses by status, failure reasons, interruptions, tool calls, tokens, audio, cost,
    latency percentiles), then one line per session."""
    from realtime_cli.session import inspection
    from realtime_cli.views import stats as view

    _check_format(output_format)
    outcome = inspection.collect_stats(_config(paths, max_line_bytes))
    code = _report_errors(outcome.errors)
    if output_format == "json":
        _dump(view.stats_json(outcome))
    else:
        view.render_stats(_console(color.value), outcome, by_session=by_session, events=events)
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``show``, ``ls`` and ``stats`` to the rtcheck app."""
    app.command("show")(show)
    app.command("ls")(ls)
    app.command("stats")(stats)
