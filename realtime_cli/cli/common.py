"""What the typer commands of :mod:`realtime_cli.cli.main` and :mod:`realtime_cli.cli.inspect_commands` share:
consoles, error exits, rule selection and input paths. A module of its own so that either
command module imports it without importing the other."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from typing import Any, NoReturn

import typer


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


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
    (including its ignores); ``--ignore`` always removes."""
    from realtime_cli.rules import catalog as rules

    cli_select = _split(select)
    if cli_select:
        chosen = set(rules.enabled_codes(cli_select, None))
    else:
        chosen = set(rules.enabled_codes(file_config.get("select"), file_config.get("ignore")))
    return frozenset(chosen - rules.expand(_split(ignore)))


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
