"""Reporters render a :class:`~realtime_cli.diagnostics.Result`; they never decide anything.

``REPORTERS`` maps a ``--format`` name to its reporter class; the CLI's choices come from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console

    from realtime_cli.diagnostics import Result


class Reporter(Protocol):
    def __init__(self, console: Console, *, quiet: bool = False) -> None: ...

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
