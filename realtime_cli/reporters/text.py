"""Human-readable output: ``path:line:col: CODE message``, Rich-coloured on a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from realtime_cli import rules
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
            f"Checked {n_files} file{'s' if n_files != 1 else ''}, {result.events} events, "
            f"{result.responses} responses in {result.elapsed:.2f}s: "
        )
        summary.append(f"{errors} error{'s' if errors != 1 else ''}", style="bold red" if errors else "green")
        summary.append(f", {warnings} warning{'s' if warnings != 1 else ''}", style="yellow" if warnings else "")
        summary.append(f", {infos} info")
        if result.diagnostics:
            c.print()
        c.print(summary, soft_wrap=True, highlight=False)


def rule_name(code: str) -> str:
    return rules.RULES[code].name
