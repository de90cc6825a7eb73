"""Human-readable output: ``path:line:col: CODE message``, Rich-coloured on a terminal.

Where Rich would print no colour at all (stdout is not a terminal, e.g. pre-commit or a pipe,
or ``--color never``) the CLI hands the reporter a :class:`~realtime_cli.views.reporters.PlainOutput`
and the same text is written without importing Rich (~15 ms of start-up): each line is the
``plain`` text of the Rich line, which holds no tab or control character (log text goes through
:func:`~realtime_cli.core.safety.clean`), so Rich would have written it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from realtime_cli.core.diagnostics import Diagnostic, Result, Severity
from realtime_cli.core.safety import clean
from realtime_cli.views.reporters import PlainOutput, StreamingReporter

if TYPE_CHECKING:
    from rich.text import Text

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}

Parts = list[tuple[str, str]]
"""A line as ``(text, style)`` pieces; ``""`` is no style."""


def line_parts(d: Diagnostic) -> Parts:
    """One diagnostic as styled pieces (no markup is parsed from log content)."""
    parts = [
        (f"{clean(d.path)}:{d.line}:{d.col}:", "bold"),
        (" ", ""),
        (d.code, _STYLE[d.severity]),
        (" ", ""),
        (clean(d.message, 400), ""),
    ]
    extra = []
    if d.event_type:
        extra.append(clean(d.event_type, 80))
    if d.event_id:
        extra.append(clean(d.event_id, 80))
    if extra:
        parts.append((f" [{' '.join(extra)}]", "dim"))
    return parts


def summary_parts(result: Result) -> Parts:
    """The closing ``Checked N files, ...`` line as styled pieces."""
    errors, warnings, infos = (result.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    n_files = result.checked_files
    return [
        (
            f"Checked {plural(n_files, 'file')}, {plural(result.events, 'event')}, "
            f"{plural(result.responses, 'response')} in {result.elapsed:.2f}s: ",
            "",
        ),
        (plural(errors, "error"), "bold red" if errors else "green"),
        (f", {plural(warnings, 'warning')}", "yellow" if warnings else ""),
        (f", {infos} info", ""),
    ]


def to_text(parts: Parts) -> Text:
    """Styled pieces -> one Rich Text line."""
    from rich.text import Text

    line = Text()
    for text, style in parts:
        line.append(text, style=style)
    return line


def format_line(d: Diagnostic) -> Text:
    """One diagnostic as a single Rich Text line (no markup is parsed from log content)."""
    return to_text(line_parts(d))


class TextReporter(StreamingReporter):
    """Writes to a Rich Console, or, given a :class:`PlainOutput`, the same text uncoloured.

    Each input's lines are written (and flushed) as soon as that input is done.
    """

    def __init__(self, console: Any, *, quiet: bool = False, statistics: bool = False) -> None:
        super().__init__(console, quiet=quiet, statistics=statistics)
        self._any = False  # a finding was printed: an empty line before the summary

    def _write(self, lines: Iterable[Parts | None]) -> None:
        if isinstance(self.console, PlainOutput):
            self.console.write_lines("".join(text for text, _ in parts) if parts else "" for parts in lines)
            return
        c = self.console
        for parts in lines:
            if parts is None:
                c.print()
            else:
                c.print(to_text(parts), soft_wrap=True, highlight=False)

    def emit(self, diagnostics: list[Diagnostic]) -> None:
        self._any = True
        self._write(line_parts(d) for d in diagnostics)

    def elided(self, path: str, counts: dict[str, int]) -> None:
        self._any = True
        self._write(elided_parts(path, code, n) for code, n in counts.items())

    def summary(self, result: Result) -> None:
        if self.quiet:
            return
        self._write([None, summary_parts(result)] if self._any else [summary_parts(result)])

    def write_statistics(self, result: Result) -> None:
        from realtime_cli.views.reporters.statistics import text_lines

        lines: list[Parts | None] = [[(line, "")] for line in text_lines(result, quiet=self.quiet)]
        if not self.quiet:
            lines += [None, summary_parts(result)] if lines else [summary_parts(result)]
        self._write(lines)


def elided_parts(path: str, code: str, count: int) -> Parts:
    """``path: and 1,999,000 more RT001 in this file``: findings a per-file cap did not keep."""
    return [(f"{clean(path)}:", "bold"), (f" and {count:,} more ", "dim"), (code, "dim"), (" in this file", "dim")]


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
