"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per finding.

GitHub turns these lines into annotations on the pull request. The format and its escaping
follow the Actions toolkit (``@actions/core`` ``command.ts``): in the message ``%``, CR and LF
are percent-encoded; in properties ``:`` and ``,`` are too, since they delimit the command.
Log text is :func:`~realtime_cli.core.safety.clean`-ed first, so no ESC, CR or bidi character from
a log reaches the CI log raw, and messages are bounded.
"""

from __future__ import annotations

import os

from realtime_cli.core.diagnostics import Diagnostic, Result, Severity
from realtime_cli.core.safety import DEFAULT_LIMIT, clean
from realtime_cli.rules import catalog as rules
from realtime_cli.views.reporters import StreamingReporter

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow-command message (the part after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value (``file=``, ``title=`` ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_path(path: str) -> str:
    """The path GitHub expects: relative to the workspace (the cwd) when inside it, ``/``-separated."""
    if os.path.isabs(path):
        try:
            rel = os.path.relpath(path)
        except ValueError:  # another drive on Windows
            rel = path
        if not rel.startswith(".."):
            path = rel
    return path.replace(os.sep, "/")


def format_command(d: Diagnostic) -> str:
    """One diagnostic as one workflow-command line (no trailing newline)."""
    props = [f"file={escape_property(clean(annotation_path(d.path), 300))}"]
    if d.line > 0:  # line 0 = the whole file: an annotation on the file, not on a line
        props.append(f"line={d.line}")
        props.append(f"col={max(d.col, 1)}")
    title = f"{d.code} {rules.RULES[d.code].name}" if d.code in rules.RULES else d.code
    props.append(f"title={escape_property(clean(title, 100))}")
    message = clean(d.message, DEFAULT_LIMIT)
    extra = [clean(x, 80) for x in (d.event_type, d.event_id) if x]
    if extra:
        message += f" [{' '.join(extra)}]"
    return f"::{_COMMAND[d.severity]} {','.join(props)}::{escape_data(message)}"


class GithubReporter(StreamingReporter):
    """``--format github``: annotations for GitHub Actions, then a one-line plain summary.

    Written to the stream directly (Rich would wrap long lines and break the commands), one
    input at a time as the run goes.
    """

    def emit(self, diagnostics: list[Diagnostic]) -> None:
        out = self.console.file
        out.write("".join(format_command(d) + "\n" for d in diagnostics))
        out.flush()

    def elided(self, path: str, counts: dict[str, int]) -> None:
        out = self.console.file
        file_prop = f"file={escape_property(clean(annotation_path(path), 300))}"
        for code, n in counts.items():
            out.write(f"::notice {file_prop},title={escape_property(code)}::{escape_data(f'and {n:,} more {code} in this file')}\n")
        out.flush()

    def summary(self, result: Result) -> None:
        if self.quiet:
            return
        out = self.console.file
        errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
        out.write(
            f"rtcheck: {result.checked_files} file(s), {result.events} events: "
            f"{errors} error(s), {warnings} warning(s), {result.count(Severity.INFO)} info\n"
        )
        out.flush()

    def write_statistics(self, result: Result) -> None:
        super().write_statistics(result)
        self.summary(result)
