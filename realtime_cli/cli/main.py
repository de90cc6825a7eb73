"""Typer commands: options -> a frozen config -> one call into the core -> an exit code.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error, unreadable input or
internal error, 130 on Ctrl-C. Nothing a user can cause ends in a traceback.
"""

# No `from __future__ import annotations` here: typer reads every parameter's annotation at
# each start, and string annotations cost a compile() each (~2.5 ms per run in all).
import os
import sys
from typing import Annotated, Any

import typer

from realtime_cli import __version__
from realtime_cli.cli import die_with_parent, load_prctl, report_command, rule_command
from realtime_cli.cli import inspect_commands as cli_inspect
from realtime_cli.cli.common import (
    CONTEXT_SETTINGS,
    Color,
    Dialect,
    FailOn,
    InspectFormat,
    ReportFormat,
    RtcheckGroup,
    RulesFormat,
    examples,
    fail,
    make_console,
    resolve_paths,
    selected_codes,
)

app = typer.Typer(
    name="rtcheck",
    cls=RtcheckGroup,
    help="Validate and inspect OpenAI Realtime API event logs (JSONL, beta and GA dialects).",
    epilog=examples(
        "rtcheck validate recordings/",
        "rtcheck show last session.jsonl",
        "rtcheck ls --status failed,unfinished recordings/",
    ),
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)
schema_app = typer.Typer(
    cls=RtcheckGroup,
    help="List and print the bundled JSON Schemas.",
    epilog=examples("rtcheck schema list --dialect ga", "rtcheck schema show response.done"),
    no_args_is_help=True,
)
app.add_typer(schema_app, name="schema")


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


_VALIDATE_EPILOG = (
    "Defaults come from [tool.rtcheck] in the nearest pyproject.toml, else as shown. "
    "Exit codes: 0 clean (or --exit-zero); 1 findings at or above --fail-on; 2 usage or "
    "configuration error, unreadable input or internal error; 130 interrupted. "
    "Rule codes: rtcheck rules.\n\n"
    + examples(
        "rtcheck validate recordings/ --ignore RT703",
        "rtcheck validate session.jsonl --statistics",
        "rtcheck validate --format sarif --output-file rtcheck.sarif logs/",
    )
)


@app.command(epilog=_VALIDATE_EPILOG)
def validate(
    paths: Annotated[list[str] | None, typer.Argument(help="Log files or directories; - for stdin [default: stdin when piped, else [tool.rtcheck] paths, else the current directory].", show_default=False)] = None,
    dialect: Annotated[Dialect | None, typer.Option("--dialect", help="Protocol dialect; auto detects it per file [default: auto].", show_default=False)] = None,
    select: Annotated[list[str] | None, typer.Option("--select", metavar="CODES", help="Only these rule codes or prefixes, comma-separated or repeated (ALL: every rule) [default: every rule that is on by default].", show_default=False)] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", metavar="CODES", help="Skip these rule codes or prefixes, comma-separated or repeated [default: none].", show_default=False)] = None,
    fail_on: Annotated[FailOn | None, typer.Option("--fail-on", case_sensitive=False, help="Lowest severity that makes the exit code 1 [default: error].", show_default=False)] = None,
    output_format: Annotated[ReportFormat | None, typer.Option("--format", "-f", help="Output format [default: text].", show_default=False)] = None,
    output_file: Annotated[str | None, typer.Option("--output-file", "-o", metavar="PATH", help="Write the report to this file instead of stdout [default: stdout].", show_default=False)] = None,
    statistics: Annotated[bool, typer.Option("--statistics", help="Count findings by code instead of listing them, most frequent first (text, json or github).")] = False,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings (2 still means an error).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings and errors; no summary.")] = False,
    color: Annotated[Color, typer.Option("--color", help="Colour the text output (auto: a terminal only; honours NO_COLOR) [default: auto].", show_default=False)] = Color.auto,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=0, metavar="N", help="Worker processes, at most one per available core (0 = one per core): across files, and within a large log at its session starts [default: 0].", show_default=False)] = None,
    max_line_bytes: Annotated[int | None, typer.Option("--max-line-bytes", min=1, metavar="N", help="Skip (and report) lines longer than this [default: 64 MiB].", show_default=False)] = None,
) -> None:
    """Check every event against the bundled schemas and the cross-event rules."""
    from realtime_cli.core import config as cfgmod
    from realtime_cli.core.diagnostics import Severity
    from realtime_cli.engine.validate import Config, exit_code
    from realtime_cli.logs.loader import DEFAULT_MAX_LINE_BYTES

    try:
        fc = cfgmod.load()
    except (cfgmod.ConfigError, OSError) as exc:
        fail(str(exc))
    fmt = output_format.value if output_format else fc.get("format", "text")
    if statistics and fmt == "sarif":
        raise typer.BadParameter("--statistics prints text or json, not sarif.", param_hint="'--statistics'")
    dia = dialect.value if dialect else fc.get("dialect", "auto")
    threshold = Severity.parse(fail_on.value if fail_on else fc.get("fail-on", "error"))
    try:
        enabled = selected_codes(fc, select, ignore)
    except cfgmod.ConfigError as exc:
        fail(str(exc))
    config = Config(
        dialect=dia,
        enabled=enabled,
        max_line_bytes=max_line_bytes or fc.get("max-line-bytes") or DEFAULT_MAX_LINE_BYTES,
        jobs=capped_jobs(jobs if jobs is not None else fc.get("jobs", 0)),
    )
    inputs = resolve_paths(paths, fc)
    if config.jobs != 1:
        load_prctl()  # before any worker is forked (see _quiet_interrupts)
    result = _run_and_report(inputs, config, fmt, output_file, quiet=quiet, statistics=statistics, color=color.value)
    code = exit_code(result, threshold)
    raise typer.Exit(0 if exit_zero and code == 1 else code)


def capped_jobs(jobs: int) -> int:
    """``--jobs``: more workers than available cores only compete for them, so ask for at most
    one per core (0 stays "one per core"; the engine starts none for a single input)."""
    if jobs <= 1:
        return jobs
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(jobs, cores))


def _run_and_report(
    inputs: list[str], config: Any, fmt: str, output_file: str | None, *, quiet: bool, statistics: bool, color: str
) -> Any:
    """Run the engine, handing each finished input straight to the reporter (nothing holds
    every finding); return the run's result (tallies)."""
    from realtime_cli.engine.validate import run
    from realtime_cli.views.reporters import (
        MACHINE_FORMATS,
        PlainOutput,
        get_reporter,
        plain_text_ok,
    )

    stream = _open_output(output_file, inputs) if output_file else None
    try:
        # Text that Rich would print uncoloured (a pipe, a file, pre-commit, --color never) skips Rich too.
        plain = stream is not None or fmt in MACHINE_FORMATS or (fmt == "text" and plain_text_ok(color))
        output = PlainOutput(stream) if plain else make_console(color)
        reporter = get_reporter(fmt)(output, quiet=quiet, statistics=statistics)
        # A bar on stderr only for a terminal, not --quiet, and only once the run proves slow or large.
        bar = None
        if not quiet and _isatty(sys.stderr):  # no Rich console (or its import) for a piped stderr
            from realtime_cli.cli.progress import for_validate

            bar = for_validate(inputs, make_console(color, stderr=True), quiet=quiet)
        reporter.begin()
        if bar is None:
            result = run(inputs, config, on_file=reporter.file)
        else:
            # The bar steps aside while a file's lines are printed on the same terminal.
            shares_screen = stream is None and _isatty(sys.stdout)

            def on_file(summary: Any, diagnostics: Any) -> None:
                if shares_screen:
                    with bar.paused():
                        reporter.file(summary, diagnostics)
                else:
                    reporter.file(summary, diagnostics)

            with bar:  # leaving erases the bar: the report is all that stays on screen
                result = run(inputs, config, progress=bar, on_file=on_file)
        reporter.end(result)
    finally:
        if stream is not None:
            stream.close()
    return result


def _open_output(path: str, inputs: list[str]) -> Any:
    """``--output-file``: open it for writing (UTF-8), refusing to overwrite an input."""
    from pathlib import Path

    from realtime_cli.logs.loader import LOG_SUFFIXES

    target = Path(path)
    if target.exists():
        resolved = target.resolve()
        for p in inputs:
            if p == "-":
                continue
            src = Path(p)
            try:
                same = src.exists() and (src.resolve() == resolved or os.path.samefile(src, target))
            except OSError:
                same = False
            under = src.is_dir() and resolved.is_relative_to(src.resolve()) and resolved.name.endswith(LOG_SUFFIXES)
            if same or under:
                fail(f"--output-file {path} is one of the inputs; rtcheck never overwrites an input")
    try:
        return open(target, "w", encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        fail(f"cannot write --output-file {path}: {exc.strerror or exc}")


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


@app.command("rules", epilog=examples("rtcheck rules", "rtcheck rules --format markdown > RULES.md"))
def list_rules(
    output_format: Annotated[RulesFormat, typer.Option("--format", "-f", help="Output format.")] = RulesFormat.text,
) -> None:
    """List every rule code with its name, severity, default and summary."""
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
    from rich.table import Table

    table = Table("code", "name", "severity", "default", "summary", box=None)
    for r in rules.RULES.values():
        table.add_row(r.code, r.name, r.severity.label, "on" if r.default else "off", r.summary)
    make_console().print(table)


@schema_app.command(
    "list",
    epilog=examples("rtcheck schema list --dialect ga", "rtcheck schema list --format json"),
)
def schema_list(
    dialect: Annotated[Dialect, typer.Option("--dialect", help="Only this dialect (auto: both).")] = Dialect.auto,
    output_format: Annotated[InspectFormat, typer.Option("--format", "-f", help="Output format.")] = InspectFormat.text,
) -> None:
    """List the bundled event schemas: dialect, direction, event type and $id.

    The text table is plain aligned columns, never cut or wrapped: the $id is the value to copy
    (into `rtcheck schema show` or another tool), so it is always printed whole.
    """
    from realtime_cli.engine import schema_store

    rows = []
    for dia, events in schema_store.index()["events"].items():
        if dialect.value not in ("auto", dia):
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
    table = [("dialect", "direction", "event type", "$id")] + [
        (r["dialect"], r["direction"] + (" (legacy)" if r["legacy"] else ""), r["type"], r["id"]) for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    sys.stdout.write("".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[3] + "\n" for row in table))


@schema_app.command(
    "show",
    epilog=examples("rtcheck schema show response.done", "rtcheck schema show realtime.response --dialect beta --bundle"),
)
def schema_show(
    name: Annotated[str, typer.Argument(help="An event type (response.done), realtime.response, or a schema $id.")],
    dialect: Annotated[Dialect, typer.Option("--dialect", help="Which dialect's schema (auto: GA when both have it).")] = Dialect.auto,
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

_INSPECT_EXAMPLES = {
    "show": examples("rtcheck show last session.jsonl", "rtcheck show resp_CZ34 recordings/ --format json"),
    "ls": examples("rtcheck ls recordings/", "rtcheck ls --status failed,unfinished session.jsonl"),
    "stats": examples("rtcheck stats recordings/", "rtcheck stats session.jsonl --format json"),
}
for _info in app.registered_commands:  # help ends with examples, like every other command's
    if _info.name in _INSPECT_EXAMPLES and not _info.epilog:
        _info.epilog = _INSPECT_EXAMPLES[_info.name]


def _quiet_interrupts() -> None:
    """Ctrl-C in a terminal sends SIGINT to the whole process group, ``--jobs`` workers
    included. Only the main process should act on it: it stops, erases the bar, terminates the
    pool and exits 130. A worker that raised KeyboardInterrupt would print a
    ``Process ForkPoolWorker-N:`` traceback each.

    Forked workers inherit the handler installed here, which ignores the signal in any process
    but this one: the main process's pool shutdown stops them (SIGTERM, at once, no traceback);
    a worker that died on its own could do so holding one of the pool's locks. Each worker
    also asks to die with this process (:func:`die_with_parent`), for a worker a pool loses
    when the signal lands while it is being started. In the main process a signal that lands
    inside an at-fork hook (where Python prints an exception and drops it) is raised a
    moment later, once the hook is done. Spawned workers do the same from the moment they import
    :mod:`realtime_cli.cli` (see there). A SIGINT that is already ignored (``nohup``, a
    background job) is left ignored.
    """
    import signal

    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return  # an embedding application, or SIGINT already ignored: leave it alone
    main_pid = os.getpid()
    forker = [main_pid]
    forking = [False]  # between a fork's first and last at-fork hook, in parent and child

    def interrupt_main(signum: int, frame: Any) -> None:
        # Inside an at-fork hook an exception is printed and lost; inside the pool's start-up
        # it leaves a half-built pool (or finalizer) behind. Raise it a moment later instead.
        if forking[0] or _starting_workers(frame):
            signal.signal(signal.SIGALRM, interrupt_main)
            signal.setitimer(signal.ITIMER_REAL, 0.002)
            return
        raise KeyboardInterrupt

    def on_sigint(signum: int, frame: Any) -> None:
        if os.getpid() == main_pid:
            interrupt_main(signum, frame)
        # A worker: ignore it. The main process ends the pool, which stops every worker at
        # once (SIGTERM); a worker must not die on its own while it may hold the pool's locks.

    def before_fork() -> None:  # nothing that can take long: a SIGINT here would be lost
        forker[0] = os.getpid()
        forking[0] = True

    def after_in_parent() -> None:
        forking[0] = False

    def in_child() -> None:
        try:
            die_with_parent()
            if os.getppid() != forker[0]:  # the process that forked this one is already gone
                os._exit(0)
            forking[0] = False
        except BaseException:  # a SIGINT inside this hook (where exceptions are only printed)
            os._exit(130)

    signal.signal(signal.SIGINT, on_sigint)
    os.register_at_fork(before=before_fork, after_in_parent=after_in_parent, after_in_child=in_child)


_START_UP = frozenset({"Pool", "__init__", "_repopulate_pool", "_repopulate_pool_static", "start", "_Popen", "_launch"})


def _starting_workers(frame: Any) -> bool:
    """True while ``frame`` is inside multiprocessing building a pool or starting a worker."""
    depth = 0
    while frame is not None and depth < 64:
        code = frame.f_code
        if code.co_name in _START_UP and f"multiprocessing{os.sep}" in code.co_filename:
            return True
        frame = frame.f_back
        depth += 1
    return False


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: translate every exception at the edge.

    Typer has shipped click both as a dependency and vendored (``typer._click``), so the click
    exceptions are recognised by their shape (``exit_code`` and ``show``), not by import.
    """
    _quiet_interrupts()
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
    if code == 130:
        _end_workers()
    sys.exit(code)


def _end_workers() -> None:
    """After Ctrl-C: stop any ``--jobs`` worker still running, and leave at once if one is.

    Normally the pool has already stopped its workers as the interrupt unwound. A Ctrl-C that
    lands while the pool is still starting them leaves a pool that never finished starting:
    its housekeeping thread keeps replacing stopped workers, and multiprocessing's exit
    handler would wait for them forever. Then the workers are stopped here and the process
    leaves without that handler (output is flushed first)."""
    mp = sys.modules.get("multiprocessing")
    if mp is None:
        return
    children = mp.active_children()
    if not children:
        return
    for child in children:
        child.terminate()  # SIGTERM: a worker dies at once and prints nothing
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(130)


def _is_click_error(exc: BaseException) -> bool:
    return any(k.__name__ == "ClickException" for k in type(exc).__mro__) and hasattr(exc, "show")


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
