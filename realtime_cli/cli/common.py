"""What the typer commands of :mod:`realtime_cli.cli.main` and :mod:`realtime_cli.cli.inspect_commands` share:
consoles, error exits, the choices of every choice option, help formatting, rule selection and
input paths. A module of its own so that either command module imports it without importing
the other.

Every bad option value is a click ``BadParameter`` (a choice type or a callback that raises
one), so all of them read alike: ``Error: Invalid value for '--format' / '-f': 'xml' is not one
of 'text', 'json', 'github', 'sarif'.``, exit code 2. A bad value in ``[tool.rtcheck]`` is a
configuration error naming the file, the key and the line.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class Dialect(StrEnum):
    auto = "auto"
    beta = "beta"
    ga = "ga"


class ReportFormat(StrEnum):
    """``validate --format``: the reporters of :data:`realtime_cli.views.reporters.REPORTER_NAMES`."""

    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


class InspectFormat(StrEnum):
    """``--format`` of show, ls, stats and schema list."""

    text = "text"
    json = "json"


class RulesFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


STATUSES = ("completed", "cancelled", "failed", "incomplete", "in_progress", "unfinished")
"""``ls --status`` values: the response statuses of the protocol and ``unfinished`` (no
response.done in the log); :data:`realtime_cli.session.inspection.LS_STATUSES` (a test keeps
them equal; the CLI does not import the session package to print its help)."""


class LsSort(StrEnum):
    """``ls --sort``: :data:`realtime_cli.session.inspection.LS_SORTS`."""

    line = "line"
    latency = "latency"
    tokens = "tokens"
    cost = "cost"
    status = "status"
STATUS_METAVAR = "<" + "|".join(STATUSES) + ">"


def choices_text(values: tuple[str, ...] | list[str]) -> str:
    """``'a', 'b', 'c'``: the choices as click names them in its own errors."""
    return ", ".join(repr(v) for v in values)


def check_statuses(values: list[str] | None) -> list[str] | None:
    """``ls --status`` callback: each comma-separated value must be one of :data:`STATUSES`."""
    for value in values or []:
        for item in value.split(","):
            if item.strip() and item.strip() not in STATUSES:
                raise typer.BadParameter(f"{item.strip()!r} is not one of {choices_text(STATUSES)}.")
    return values


def help_width() -> int:
    """The width help text is wrapped at: the terminal's (``COLUMNS`` when set), else 80."""
    import shutil

    return max(shutil.get_terminal_size().columns, 50)


class RtcheckGroup(TyperGroup):
    """The command list shows each command's whole first sentence, wrapped to the terminal,
    never cut to ``...`` (click shortens summaries to fit one line)."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 10_000}
"""Help follows the terminal's width (click caps it at 80 columns by default)."""


def examples(*lines: str) -> str:
    """An epilog paragraph of example command lines, kept as written (click's ``\\b``)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def make_console(color: str = "auto", *, stderr: bool = False, literal: bool = False) -> Any:
    """A Console for this invocation. ``auto`` colours only a terminal and honours NO_COLOR.

    ``literal``: plain strings are printed as they are, never parsed for markup or emoji codes
    (for renderers whose strings are all literal text; it spares Rich's emoji table, ~1.5 ms).
    """
    from rich.console import Console

    parse = not literal
    if color == "always":
        return Console(stderr=stderr, force_terminal=True, no_color=False, highlight=False, markup=parse, emoji=parse)
    if color == "never":
        return Console(stderr=stderr, no_color=True, color_system=None, highlight=False, markup=parse, emoji=parse)
    return Console(stderr=stderr, highlight=False, markup=parse, emoji=parse)


def fail(message: str, code: int = 2) -> NoReturn:
    from realtime_cli.core.safety import clean

    sys.stderr.write(f"rtcheck: {clean(message)}\n")
    raise typer.Exit(code)


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(x for x in v.split(",") if x.strip())
    return out


def selected_codes(file_config: Any, select: list[str] | None, ignore: list[str] | None) -> frozenset[str]:
    """Rule selection, applied in order like ruff's: the file's select and ignore, then the
    command line's. A ``--select`` on the command line replaces the file's selection
    (including its ignores); ``--ignore`` always removes.

    A selector that matches no rule, or a ``--select`` that names nothing, is a
    ``BadParameter`` of its option (the file's own are checked by :mod:`realtime_cli.core.config`).
    """
    from realtime_cli.rules import catalog as rules

    cli_select = _split(select)
    if select is not None and not cli_select:
        raise typer.BadParameter(f"{','.join(select)!r} names no rule code or prefix (see `rtcheck rules`).", param_hint="'--select'")
    try:
        chosen = set(rules.enabled_codes(cli_select, None)) if cli_select else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--select'") from None
    if chosen is None:
        chosen = _file_selection(file_config)
    try:
        ignored = rules.expand(_split(ignore))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--ignore'") from None
    return frozenset(chosen - ignored)


def _file_selection(file_config: Any) -> set[str]:
    """The codes ``[tool.rtcheck]`` select and ignore selects; an unknown code is a
    configuration error at its key's line."""
    from realtime_cli.rules import catalog as rules

    chosen = {c for c, r in rules.RULES.items() if r.default}
    for key in ("select", "ignore"):
        value = file_config.get(key)
        if value is None:
            continue
        try:
            codes = rules.expand(value)
        except ValueError as exc:
            raise file_config.error(key, str(exc)) from None
        chosen = codes if key == "select" else chosen - codes
    return chosen


def inspect_settings() -> tuple[Any, frozenset[str], Any]:
    """What show, ls, stats and report read from ``[tool.rtcheck]``: the table itself, the
    codes it enables and the price table (exit 2 on a bad configuration)."""
    from realtime_cli.core import config as cfgmod
    from realtime_cli.session.prices import price_table

    try:
        fc = cfgmod.load()
        return fc, selected_codes(fc, None, None), price_table(cfgmod.prices(fc))
    except (cfgmod.ConfigError, OSError, ValueError) as exc:
        fail(str(exc))


def resolve_paths(paths: list[str] | None, file_config: Any) -> list[str]:
    """CLI paths; else stdin when piped; else the configured or discovered project logs."""
    from realtime_cli.core.config import default_log_paths
    from realtime_cli.logs.discovery import default_roots

    if paths:
        return paths
    if stdin_is_piped():
        return ["-"]
    return default_roots(default_log_paths(file_config))


def stdin_is_piped() -> bool:
    """True when stdin is a pipe or a redirected file (not a terminal, not /dev/null)."""
    import stat

    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)
