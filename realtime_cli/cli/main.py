"""Typer commands: options -> a frozen config -> one call into the core -> an exit code.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error, unreadable input or
internal error, 130 on Ctrl-C. Nothing a user can cause ends in a traceback.
"""

# No `from __future__ import annotations` here: typer reads every parameter's annotation at
# each start, and string annotations cost a compile() each (~2.5 ms per run in all).
import os
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from realtime_cli import __version__
from realtime_cli.cli import inspect_commands as cli_inspect
from realtime_cli.cli import report_command, rule_command
from realtime_cli.cli.common import Color, fail, make_console, resolve_paths, selected_codes

app = typer.Typer(
    name="rtcheck",
    help="Validate and inspect OpenAI Realtime API event logs (JSONL, beta and GA dialects).",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
schema_app = typer.Typer(help="List and print the bundled JSON Schemas.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")


class DialectOpt(StrEnum):
    auto = "auto"
    beta = "beta"
    ga = "ga"


class UsageError(Exception):
    """A bad option or configuration: message to stderr, exit code 2."""


def _version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"rtcheck {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Validate and inspect OpenAI Realtime API event logs."""


@app.command(
    epilog="Exit codes: 0 clean; 1 findings at or above --fail-on; 2 usage error, unreadable "
    "input or internal error; 130 interrupted. Rule codes: rtcheck rules."
)
def validate(
    paths: Annotated[list[str] | None, typer.Argument(help="Log files or directories; - for stdin.", show_default=False)] = None,
    dialect: Annotated[DialectOpt | None, typer.Option("--dialect", help="Protocol dialect [default: auto].")] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these rule codes or prefixes (comma-separated).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these rule codes or prefixes (comma-separated).")] = None,
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="Lowest severity that makes the exit code 1: error, warning or info [default: error].")] = None,
    output_format: Annotated[str | None, typer.Option("--format", "-f", help="Output format: text, json, github or sarif [default: text].")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings and errors; no summary.")] = False,
    color: Annotated[Color, typer.Option("--color", help="Colour the text output.")] = Color.auto,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=0, help="Worker processes (0 = one per core): across files, and within a large log at its session starts.")] = None,
    max_line_bytes: Annotated[int | None, typer.Option("--max-line-bytes", min=1, help="Skip (and report) lines longer than this.")] = None,
) -> None:
    """Check every event against the bundled schemas and the cross-event rules."""
    from realtime_cli.core import config as cfgmod
    from realtime_cli.core.diagnostics import Severity
    from realtime_cli.engine.validate import Config, exit_code, run
    from realtime_cli.logs.loader import DEFAULT_MAX_LINE_BYTES
    from realtime_cli.views.reporters import (
        MACHINE_FORMATS,
        REPORTER_NAMES,
        PlainOutput,
        get_reporter,
        plain_text_ok,
    )

    try:
        fc = cfgmod.load()
    except (cfgmod.ConfigError, OSError, ValueError) as exc:
        fail(str(exc))
    fmt = output_format or fc.get("format", "text")
    if fmt not in REPORTER_NAMES:
        fail(f"unknown --format {fmt!r} (choose from {', '.join(REPORTER_NAMES)})")
    dia = dialect.value if dialect else fc.get("dialect", "auto")
    if dia not in ("auto", "beta", "ga"):
        fail(f"unknown dialect {dia!r} (choose auto, beta or ga)")
    try:
        threshold = Severity.parse(fail_on or fc.get("fail-on", "error"))
        enabled = selected_codes(fc, select, ignore)
    except ValueError as exc:
        fail(str(exc))
    config = Config(
        dialect=dia,
        enabled=enabled,
        max_line_bytes=max_line_bytes or fc.get("max-line-bytes") or DEFAULT_MAX_LINE_BYTES,
        jobs=jobs if jobs is not None else fc.get("jobs", 0),
    )
    inputs = resolve_paths(paths, fc)
    # A bar on stderr only for a terminal, not --quiet, and only once the run proves slow or large.
    bar = None
    if not quiet and _isatty(sys.stderr):  # no Rich console (or its import) for a piped stderr
        from realtime_cli.cli.progress import for_validate

        bar = for_validate(inputs, make_console(color.value, stderr=True), quiet=quiet)
    if bar is None:
        result = run(inputs, config)
    else:
        with bar:  # leaving erases the bar: the report below is all that stays on screen
            result = run(inputs, config, progress=bar)
    # Text that Rich would print uncoloured (a pipe, pre-commit, --color never) skips Rich too.
    plain = fmt in MACHINE_FORMATS or (fmt == "text" and plain_text_ok(color.value))
    output = PlainOutput() if plain else make_console(color.value)
    get_reporter(fmt)(output, quiet=quiet).report(result)
    raise typer.Exit(exit_code(result, threshold))


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


@app.command("rules")
def list_rules(
    output_format: Annotated[str, typer.Option("--format", "-f", help="text, json or markdown.")] = "text",
) -> None:
    """List every rule code with its severity and summary (text, json or markdown)."""
    from realtime_cli.rules import catalog as rules

    if output_format == "markdown":
        sys.stdout.write("| code | name | severity | default | what it means |\n| --- | --- | --- | --- | --- |\n")
        for r in rules.RULES.values():
            summary = r.summary.replace("|", "\\|")
            on = "on" if r.default else "off"
            sys.stdout.write(f"| `{r.code}` | {r.name} | {r.severity.label} | {on} | {summary} |\n")
        return
    if output_format == "json":
        import orjson

        data = [
            {"code": r.code, "name": r.name, "severity": r.severity.label, "default": r.default, "summary": r.summary}
            for r in rules.RULES.values()
        ]
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    if output_format != "text":
        fail("--format must be text, json or markdown")
    from rich.table import Table

    table = Table("code", "name", "severity", "default", "summary", box=None)
    for r in rules.RULES.values():
        table.add_row(r.code, r.name, r.severity.label, "on" if r.default else "off", r.summary)
    make_console().print(table)


@schema_app.command("list")
def schema_list(
    dialect: Annotated[DialectOpt | None, typer.Option("--dialect", help="Only this dialect.")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """List the bundled event schemas: dialect, direction, event type and $id."""
    from realtime_cli.engine import schema_store

    rows = []
    for dia, events in schema_store.index()["events"].items():
        if dialect and dialect.value not in ("auto", dia):
            continue
        for etype, entry in sorted(events.items()):
            rows.append({
                "dialect": dia,
                "direction": entry["direction"],
                "type": etype,
                "legacy": bool(entry.get("legacy", False)),
                "id": schema_store.schema_id(entry["schema"]),
            })
    if output_format == "json":
        import orjson

        sys.stdout.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    if output_format != "text":
        fail("--format must be text or json")
    from rich.table import Table

    table = Table("dialect", "direction", "event type", "$id", box=None)
    for r in rows:
        table.add_row(r["dialect"], r["direction"] + (" (legacy)" if r["legacy"] else ""), r["type"], r["id"])
    make_console().print(table)


@schema_app.command("show")
def schema_show(
    name: Annotated[str, typer.Argument(help="An event type (response.done), realtime.response, or a schema $id.")],
    dialect: Annotated[DialectOpt, typer.Option("--dialect", help="Which dialect's schema (auto: GA when both have it).")] = DialectOpt.auto,
    bundle: Annotated[bool, typer.Option("--bundle", help="Inline every referenced schema under $defs, for use elsewhere.")] = False,
) -> None:
    """Print one bundled schema as JSON."""
    import orjson

    from realtime_cli.engine import schema_store

    sid = _find_schema(name, dialect.value)
    schema = schema_store.get_schema(sid)
    if bundle:
        schema = schema_store.bundled(sid)
    sys.stdout.write(orjson.dumps(schema, option=orjson.OPT_INDENT_2).decode() + "\n")


def _find_schema(name: str, dialect: str) -> str:
    from realtime_cli.engine import schema_store

    if name in schema_store.all_schemas():
        return name
    order = ["ga", "beta"] if dialect == "auto" else [dialect]
    idx = schema_store.index()
    for dia in order:
        entry = idx["events"].get(dia, {}).get(name)
        if entry:
            return schema_store.schema_id(entry["schema"])
        obj = idx["objects"].get(dia, {}).get(name)
        if obj:
            return schema_store.schema_id(obj)
    known = sorted({t for d in order for t in idx["events"].get(d, {})} | {o for d in order for o in idx["objects"].get(d, {})})
    import difflib

    close = difflib.get_close_matches(name, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else " (see `rtcheck schema list`)"
    fail(f"no schema named {name!r} for dialect {dialect}{hint}")


# show / ls / stats live in cli_inspect (kept apart so that module can grow).
cli_inspect.register(app)
rule_command.register(app)  # `rtcheck rule CODE`: one rule's documentation
report_command.register(app)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: translate every exception at the edge.

    Typer has shipped click both as a dependency and vendored (``typer._click``), so the click
    exceptions are recognised by their shape (``exit_code`` and ``show``), not by import.
    """
    try:
        rv = app(args=argv, standalone_mode=False)
        code = rv if isinstance(rv, int) else 0
        if code == 130:  # typer turns Ctrl-C into Exit(130) itself, silently
            sys.stderr.write("rtcheck: interrupted\n")
    except typer.Exit as exc:
        code = exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("rtcheck: interrupted\n")
        code = 130
    except BrokenPipeError:
        # The reader went away (| head): silence the rest, no traceback.
        _silence_stdout()
        code = 1
    except Exception as exc:  # the CLI edge: nothing a user can cause ends in a traceback
        if _is_click_error(exc):
            exc.show()  # type: ignore[attr-defined]
            exit_code = getattr(exc, "exit_code", 2)
            code = exit_code if exit_code in (1, 2) else 2
        elif type(exc).__name__ == "Exit" and hasattr(exc, "exit_code"):
            code = int(exc.exit_code)
        else:
            if os.environ.get("RTCHECK_DEBUG") == "1":
                raise
            from realtime_cli.core.safety import clean

            sys.stderr.write(f"rtcheck: internal error: {clean(type(exc).__name__)}: {clean(str(exc), 500)}\n")
            sys.stderr.write("rtcheck: please report this with the input that caused it (RTCHECK_DEBUG=1 shows the traceback)\n")
            code = 2
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        code = code or 1
    sys.exit(code)


def _is_click_error(exc: BaseException) -> bool:
    return any(k.__name__ == "ClickException" for k in type(exc).__mro__) and hasattr(exc, "show")


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
