"""Machine-readable output. The shape is documented in the README and versioned.

``{"version": 1, "tool": {...}, "diagnostics": [...], "files": [...], "summary": {...}}``

The diagnostics are written as each input finishes (:mod:`~realtime_cli.views.reporters.jsonstream`),
so the files and the summary, known only at the end, come after them. Log text is bounded
(:func:`~realtime_cli.core.safety.shorten`) and C1, bidi and BOM characters are ``\\u``-escaped.
"""

from __future__ import annotations

from typing import Any

from realtime_cli.core.diagnostics import Diagnostic, FileSummary, Result, Severity
from realtime_cli.core.safety import DEFAULT_LIMIT, shorten
from realtime_cli.rules import catalog as rules
from realtime_cli.views.reporters import StreamingReporter
from realtime_cli.views.reporters.jsonstream import StreamedArray, dumps, placeholder

SCHEMA_VERSION = 1
ID_LIMIT = 200
"""Event types, ids and JSON paths are cut to this many characters (a log's ids are short)."""


def _short(value: str | None, limit: int = ID_LIMIT) -> str | None:
    return None if value is None else shorten(value, limit)


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    """One finding as the versioned JSON object; log text is bounded, never escaped here."""
    return {
        "code": d.code,
        "name": rules.RULES[d.code].name if d.code in rules.RULES else "",
        "severity": d.severity.label,
        "message": shorten(d.message, DEFAULT_LIMIT),
        "path": d.path,
        "line": d.line,
        "col": d.col,
        "event_type": _short(d.event_type),
        "event_id": _short(d.event_id),
        "json_path": _short(d.json_path, 2 * ID_LIMIT),
        "response_id": _short(d.response_id),
    }


def file_dict(f: FileSummary) -> dict[str, Any]:
    """One input's summary; ``elided``: findings past the per-file cap, by code."""
    return {
        "path": f.path,
        "dialect": f.dialect,
        "events": f.events,
        "responses": f.responses,
        "readable": f.readable,
        "elided": dict(sorted(f.elided.items())),
    }


def _head() -> dict[str, Any]:
    from realtime_cli import __version__

    return {"version": SCHEMA_VERSION, "tool": {"name": "rtcheck", "version": __version__}}


def summary_dict(result: Result) -> dict[str, Any]:
    """The run's totals: counts by severity and by code (elided findings included)."""
    return {
        "files": result.checked_files,
        "events": result.events,
        "responses": result.responses,
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "info": result.count(Severity.INFO),
        "by_code": dict(sorted(result.by_code.items())),
        "elided": sum(sum(f.elided.values()) for f in result.files),
        "elapsed_seconds": round(result.elapsed, 6),
    }


def result_dict(result: Result) -> dict[str, Any]:
    """The whole document for a finished result (the streamed output has the same content)."""
    return {
        **_head(),
        "diagnostics": [diagnostic_dict(d) for d in result.diagnostics],
        "files": [file_dict(f) for f in result.files],
        "summary": summary_dict(result),
    }


class JsonReporter(StreamingReporter):
    """``--format json``: one document on stdout, its diagnostics written as the run goes.

    Written to the stream directly (never through Rich: no wrapping, no markup).
    """

    def __init__(self, console: Any, *, quiet: bool = False, statistics: bool = False) -> None:
        super().__init__(console, quiet=quiet, statistics=statistics)
        self._array = StreamedArray(console.file)

    def begin(self) -> None:
        if not self.statistics:
            self._array.begin({**_head(), "diagnostics": placeholder()})

    def emit(self, diagnostics: list[Diagnostic]) -> None:
        self._array.items(diagnostic_dict(d) for d in diagnostics)

    def elided(self, path: str, counts: dict[str, int]) -> None:
        """Elided counts are in the file's entry (``files[].elided``), written at the end."""

    def summary(self, result: Result) -> None:
        self._array.end(
            {
                **_head(),
                "diagnostics": placeholder(),
                "files": [file_dict(f) for f in result.files],
                "summary": summary_dict(result),
            }
        )

    def write_statistics(self, result: Result) -> None:
        """``--statistics --format json``: a list of ``{code, name, severity, count}``."""
        from realtime_cli.views.reporters.statistics import rows

        out = self.console.file
        out.write(dumps(rows(result, quiet=self.quiet)) + "\n")
        out.flush()
