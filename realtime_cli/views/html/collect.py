"""The report's one pass: every record of an input goes to the validator and to the session
builder (and server ``error`` events are noted with their line for the timeline). The log is
read once; nothing here renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from realtime_cli.engine.validate import Config, FileValidator
from realtime_cli.logs.loader import DEFAULT_MAX_LINE_BYTES, ParseFailure, discover, iter_file
from realtime_cli.rules import catalog
from realtime_cli.session.builder import SessionBuilder
from realtime_cli.session.model import LogModel
from realtime_cli.session.prices import Price
from realtime_cli.views.html.page import FileReport
from realtime_cli.views.html.timeline import ServerError

MAX_ERRORS_KEPT = 2000
"""Server error events placed on the timelines per input (all are counted by the model)."""


@dataclass(frozen=True, slots=True)
class ReportConfig:
    """What ``rtcheck report`` reads and how."""

    paths: tuple[str, ...]
    dialect: str = "auto"
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    enabled: frozenset[str] = frozenset(catalog.RULES)
    prices: Mapping[str, Price] | None = None
    """The price table (bundled + ``[tool.rtcheck.prices]``); None: the bundled one."""


def collect_file(path: str, config: ReportConfig) -> FileReport:
    """One input, one pass: validation result, session model and server errors."""
    fv = FileValidator(path, Config(dialect=config.dialect, enabled=config.enabled, max_line_bytes=config.max_line_bytes))
    sb = SessionBuilder(path, keep=True, prices=config.prices)
    errors: list[ServerError] = []
    unreadable: str | None = None
    for item in iter_file(path, config.max_line_bytes):
        fv.add(item)  # first: the validator fills rec.audio_bytes, which the builder reuses
        sb.add(item)
        if isinstance(item, ParseFailure):
            if item.code == "RT006" and item.line == 0:
                unreadable = item.message
        elif item.event.get("type") == "error" and len(errors) < MAX_ERRORS_KEPT:
            err = item.event.get("error")
            err = err if isinstance(err, dict) else {}
            code = err.get("code") or err.get("type") or "(no code)"
            message = err.get("message")
            errors.append(ServerError(item.line, str(code)[:200], message if isinstance(message, str) else ""))
    summary, diags = fv.finish()
    log = sb.finish(diags, summary.dialect)
    return FileReport(path, log, summary, diags, errors, unreadable)


def collect(config: ReportConfig) -> list[FileReport]:
    """Every input (files, directories, ``-``) in order; one that cannot be read is kept with
    its reason so the report says so."""
    from realtime_cli.core.diagnostics import FileSummary

    out = []
    for path, error in discover(list(config.paths)):
        if error is not None:
            out.append(FileReport(path, LogModel(path, readable=False), FileSummary(path, readable=False), [], [], error))
            continue
        out.append(collect_file(path, config))
    return out
