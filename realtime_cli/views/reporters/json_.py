"""Machine-readable output. The shape is documented in the README and versioned.

``{"version": 1, "tool": {...}, "summary": {...}, "files": [...], "diagnostics": [...]}``
"""

from __future__ import annotations

from typing import Any

import orjson

from realtime_cli.core.diagnostics import Diagnostic, Result, Severity
from realtime_cli.rules import catalog as rules
from realtime_cli.views.reporters import Output

SCHEMA_VERSION = 1


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": rules.RULES[d.code].name,
        "severity": d.severity.label,
        "message": d.message,
        "path": d.path,
        "line": d.line,
        "col": d.col,
        "event_type": d.event_type,
        "event_id": d.event_id,
        "json_path": d.json_path,
        "response_id": d.response_id,
    }


def result_dict(result: Result) -> dict[str, Any]:
    from realtime_cli import __version__

    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "rtcheck", "version": __version__},
        "summary": {
            "files": len(result.files),
            "events": result.events,
            "responses": result.responses,
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "info": result.count(Severity.INFO),
            "elapsed_seconds": round(result.elapsed, 6),
        },
        "files": [
            {"path": f.path, "dialect": f.dialect, "events": f.events, "responses": f.responses, "readable": f.readable}
            for f in result.files
        ],
        "diagnostics": [diagnostic_dict(d) for d in result.diagnostics],
    }


class JsonReporter:
    def __init__(self, console: Output, *, quiet: bool = False) -> None:
        self.console = console

    def report(self, result: Result) -> None:
        try:
            data = orjson.dumps(result_dict(result), option=orjson.OPT_INDENT_2)
        except TypeError:  # a lone surrogate (e.g. a non-UTF-8 file name): replace, don't crash
            from realtime_cli.core.safety import utf8_safe_tree

            data = orjson.dumps(utf8_safe_tree(result_dict(result)), option=orjson.OPT_INDENT_2)
        # Bypass Rich: JSON must reach the stream byte-exact (no wrapping, no markup).
        self.console.file.write(data.decode("utf-8") + "\n")
