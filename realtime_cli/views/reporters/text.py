"""Human-readable output: ``path:line:col: CODE message``, Rich-coloured on a terminal.

Where Rich would print no colour at all (stdout is not a terminal, e.g. pre-commit or a pipe,
or ``--color never``) the CLI hands the reporter a :class:`~realtime_cli.views.reporters.PlainOutput`
and the same text is written without importing Rich (~15 ms of start-up): each line is the
``plain`` text of the Rich line, which holds no tab or control character (log text goes through
:func:`~realtime_cli.core.safety.clean`), so Rich would have written it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from realtime_cli.core.diagnostics import Diagnostic, Result, Severity
from realtime_cli.core.safety import clean
from realtime_cli.views.reporters import PlainOutput

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
    n_files = len(result.files)
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


class TextReporter:
    """Writes to a Rich Console, or, given a :class:`PlainOutput`, the same text uncoloured."""

    def __init__(self, console: Any, *, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet

    def lines(self, result: Result) -> Iterator[Parts | None]:
        """What the report prints, line by line (None: an empty line)."""
        for d in result.diagnostics:
            if self.quiet and d.severity < Severity.WARNING:
                continue
            yield line_parts(d)
        if self.quiet:
            return
        if result.diagnostics:
            yield None
        yield summary_parts(result)

    def report(self, result: Result) -> None:
        lines = self.lines(result)
        if isinstance(self.console, PlainOutput):
            self.console.write_lines("".join(text for text, _ in parts) if parts else "" for parts in lines)
            return
        c = self.console
        for parts in lines:
            if parts is None:
                c.print()
            else:
                c.print(to_text(parts), soft_wrap=True, highlight=False)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
