"""Reporters render a :class:`~realtime_cli.core.diagnostics.Result`; they never decide anything.

``REPORTERS`` maps a ``--format`` name to its reporter class; the CLI's choices come from it.
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from realtime_cli.core.diagnostics import Result


class Output(Protocol):
    """Where a machine-format reporter writes: anything with a text ``file`` (a Rich Console,
    or :class:`PlainOutput`, so json/github/sarif runs never import Rich)."""

    @property
    def file(self) -> IO[str]: ...


class PlainOutput:
    """Standard output without Rich: for the machine formats, and for text that Rich would
    print without colour (see :func:`plain_text_ok`)."""

    @property
    def file(self) -> IO[str]:
        return sys.stdout

    def write_lines(self, lines: Iterable[str]) -> None:
        """Write each line and a newline, then flush, as a colourless Rich Console does (an
        unencodable character raises with Rich's hint; a closed pipe raises in here, too)."""
        out = self.file
        try:
            for line in lines:
                out.write(line + "\n")
        except UnicodeEncodeError as error:
            error.reason = f"{error.reason}\n*** You may need to add PYTHONIOENCODING=utf-8 to your environment ***"
            raise
        out.flush()


def plain_text_ok(color: str, environ: Mapping[str, str] | None = None) -> bool:
    """True when a Rich Console for stdout with this ``--color`` would print no escape code,
    so the text reporter can write plain text and skip importing Rich.

    ``never`` never colours. ``auto`` colours only a terminal; Rich's own checks are
    mirrored conservatively: stdout must report it is not a tty, and anything that can make
    Rich treat it as one (``FORCE_COLOR``, ``TTY_COMPATIBLE``) or render elsewhere (Jupyter)
    sends the output through Rich as before.
    """
    if color not in ("auto", "never"):
        return False
    env = os.environ if environ is None else environ
    if "get_ipython" in vars(builtins) or sys.stdout is None:  # Rich renders to the notebook, or nowhere
        return False
    if color == "never":
        return True
    if "FORCE_COLOR" in env or "TTY_COMPATIBLE" in env:
        return False
    try:
        return sys.stdout.isatty() is False
    except (AttributeError, ValueError, OSError):
        return False


class Reporter(Protocol):
    def __init__(self, console: Any, *, quiet: bool = False) -> None: ...

    def report(self, result: Result) -> None: ...


def get_reporter(name: str) -> type[Reporter]:
    """Import lazily: a run pays only for the reporter it uses."""
    if name == "text":
        from realtime_cli.views.reporters.text import TextReporter

        return TextReporter
    if name == "json":
        from realtime_cli.views.reporters.json_ import JsonReporter

        return JsonReporter
    if name == "github":
        from realtime_cli.views.reporters.github import GithubReporter

        return GithubReporter
    if name == "sarif":
        from realtime_cli.views.reporters.sarif import SarifReporter

        return SarifReporter
    raise KeyError(name)


REPORTER_NAMES = ("text", "json", "github", "sarif")
MACHINE_FORMATS = frozenset({"json", "github", "sarif"})
