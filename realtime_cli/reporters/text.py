"""Human-readable output: ``path:line:col: CODE message``, Rich-coloured on a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from realtime_cli.diagnostics import Diagnostic, Result, Severity
from realtime_cli.safety import clean

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def format_line(d: Diagnostic) -> Text:
    """One diagnostic as a single Rich Text line (no markup is parsed from log content)."""
    line = Text()
    line.append(f"{clean(d.path)}:{d.line}:{d.col}:", style="bold")
    line.append(" ")
    line.append(d.code, style=_STYLE[d.severity])
    line.append(" ")
    line.append(clean(d.message, 400))
    extra = []
    if d.event_type:
        extra.append(clean(d.event_type, 80))
    if d.event_id:
        extra.append(clean(d.event_id, 80))
    if extra:
        line.append(f" [{' '.join(extra)}]", style="dim")
    return line


class TextReporter:
    def __init__(self, console: Console, *, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet

    def report(self, result: Result) -> None:
        c = self.console
        for d in result.diagnostics:
            if self.quiet and d.severity < Severity.WARNING:
                continue
            c.print(format_line(d), soft_wrap=True, highlight=False)
        if self.quiet:
            return
        errors, warnings, infos = (result.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        n_files = len(result.files)
        summary = Text()
        summary.append(
            f"Checked {plural(n_files, 'file')}, {plural(result.events, 'event')}, "
            f"{plural(result.responses, 'response')} in {result.elapsed:.2f}s: "
        )
        summary.append(plural(errors, "error"), style="bold red" if errors else "green")
        summary.append(f", {plural(warnings, 'warning')}", style="yellow" if warnings else "")
        summary.append(f", {infos} info")
        if result.diagnostics:
            c.print()
        c.print(summary, soft_wrap=True, highlight=False)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
