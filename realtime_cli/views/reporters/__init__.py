"""Reporters render what a run finds; they never decide anything.

A reporter is fed as the run goes (:class:`StreamingReporter`): :meth:`~StreamingReporter.begin`
once, :meth:`~StreamingReporter.file` with each input's summary and findings as soon as that
input is done (the engine's ``run(..., on_file=...)``), :meth:`~StreamingReporter.end` with the
tallies. Nothing holds every finding of a run, so memory does not grow with their number.
:meth:`~StreamingReporter.report` renders a finished :class:`~realtime_cli.core.diagnostics.Result`
the same way (the public API and tests).

:func:`get_reporter` maps a ``--format`` name (:data:`REPORTER_NAMES`) to its reporter class.
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from realtime_cli.core.diagnostics import Diagnostic, FileSummary, Result


class Output(Protocol):
    """Where a machine-format reporter writes: anything with a text ``file`` (a Rich Console,
    or :class:`PlainOutput`, so json/github/sarif runs never import Rich)."""

    @property
    def file(self) -> IO[str]: ...


class PlainOutput:
    """Standard output (or ``stream``, e.g. ``--output-file``) without Rich: for the machine
    formats, and for text that Rich would print without colour (see :func:`plain_text_ok`)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream

    @property
    def file(self) -> IO[str]:
        return sys.stdout if self._stream is None else self._stream

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


class StreamingReporter:
    """The shape every reporter shares; subclasses write :meth:`emit`, :meth:`elided`,
    :meth:`summary` and, if they have a header, :meth:`begin`.

    ``quiet`` drops info findings (and the summary, where a format has one); ``statistics``
    replaces the findings by one count per code at the end (ruff's ``--statistics``).
    """

    def __init__(self, console: Any, *, quiet: bool = False, statistics: bool = False) -> None:
        self.console = console
        self.quiet = quiet
        self.statistics = statistics

    def begin(self) -> None:
        """Called once, before the first input."""

    def file(self, summary: FileSummary, diagnostics: list[Diagnostic]) -> None:
        """One finished input: its findings (sorted) and the counts the engine elided."""
        if self.statistics:
            return
        if self.quiet:
            from realtime_cli.core.diagnostics import Severity

            diagnostics = [d for d in diagnostics if d.severity >= Severity.WARNING]
        if diagnostics:
            self.emit(diagnostics)
        elided = shown_elided(summary, quiet=self.quiet)
        if elided:
            self.elided(summary.path, elided)

    def end(self, result: Result) -> None:
        """Called once, after the last input, with the run's tallies."""
        if self.statistics:
            self.write_statistics(result)
        else:
            self.summary(result)

    def report(self, result: Result) -> None:
        """Render a finished result: each file's findings in input order, then the end."""
        self.begin()
        by_path: dict[str, list[Diagnostic]] = {}
        for d in result.diagnostics:
            by_path.setdefault(d.path, []).append(d)
        for summary in result.files:
            self.file(summary, by_path.pop(summary.path, []))
        if not self.statistics:  # findings of no listed file (a result built by hand)
            rest = [d for ds in by_path.values() for d in ds if not (self.quiet and d.severity.label == "info")]
            if rest:
                self.emit(rest)
        self.end(result)

    def emit(self, diagnostics: list[Diagnostic]) -> None:
        """Write these findings (already filtered for ``quiet``)."""
        raise NotImplementedError

    def elided(self, path: str, counts: dict[str, int]) -> None:
        """Say that ``counts[code]`` more findings of each code were not kept for ``path``."""
        raise NotImplementedError

    def summary(self, result: Result) -> None:
        """Write the closing summary (and close the document, for JSON formats)."""
        raise NotImplementedError

    def write_statistics(self, result: Result) -> None:
        """``--statistics``: one line per code, most frequent first (text; JSON overrides)."""
        from realtime_cli.views.reporters.statistics import text_lines

        out = self.console.file
        for line in text_lines(result, quiet=self.quiet):
            out.write(line + "\n")
        out.flush()


def shown_elided(summary: FileSummary, *, quiet: bool) -> dict[str, int]:
    """The elided counts of ``summary`` a report shows: all, or with ``quiet`` not info codes."""
    if not summary.elided:
        return {}
    if not quiet:
        return dict(sorted(summary.elided.items()))
    from realtime_cli.rules import catalog as rules

    return {
        code: n
        for code, n in sorted(summary.elided.items())
        if code not in rules.RULES or rules.RULES[code].severity.label != "info"
    }


def get_reporter(name: str) -> type[StreamingReporter]:
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
