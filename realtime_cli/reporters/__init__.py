"""Reporters render a :class:`~realtime_cli.diagnostics.Result`; they never decide anything.

``REPORTERS`` maps a ``--format`` name to its reporter class; the CLI's choices come from it.
"""

from __future__ import annotations

import sys
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from realtime_cli.diagnostics import Result


class Output(Protocol):
    """Where a machine-format reporter writes: anything with a text ``file`` (a Rich Console,
    or :class:`PlainOutput`, so json/github/sarif runs never import Rich)."""

    @property
    def file(self) -> IO[str]: ...


class PlainOutput:
    """Standard output without Rich, for the machine formats."""

    @property
    def file(self) -> IO[str]:
        return sys.stdout


class Reporter(Protocol):
    def __init__(self, console: Any, *, quiet: bool = False) -> None: ...

    def report(self, result: Result) -> None: ...


def get_reporter(name: str) -> type[Reporter]:
    """Import lazily: a run pays only for the reporter it uses."""
    if name == "text":
        from realtime_cli.reporters.text import TextReporter

        return TextReporter
    if name == "json":
        from realtime_cli.reporters.json_ import JsonReporter

        return JsonReporter
    if name == "github":
        from realtime_cli.reporters.github import GithubReporter

        return GithubReporter
    if name == "sarif":
        from realtime_cli.reporters.sarif import SarifReporter

        return SarifReporter
    raise KeyError(name)


REPORTER_NAMES = ("text", "json", "github", "sarif")
MACHINE_FORMATS = frozenset({"json", "github", "sarif"})
