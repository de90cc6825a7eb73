"""The public Python API: validate logs from code (a test suite, a notebook, a Dask job)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any

from realtime_cli.core.diagnostics import Diagnostic, FileSummary, Result, Severity
from realtime_cli.rules import catalog as rules
from realtime_cli.session.model import RunModel


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate_path` found: the diagnostics and the per-file counts."""

    diagnostics: tuple[Diagnostic, ...]
    files: tuple[FileSummary, ...]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.WARNING]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings and info allowed)."""
        return not self.errors

    def codes(self) -> list[str]:
        return [d.code for d in self.diagnostics]


def _config(dialect: str, select: Sequence[str] | None, ignore: Sequence[str] | None) -> Any:
    from realtime_cli.engine.validate import Config

    if dialect not in ("auto", "beta", "ga"):
        raise ValueError(f"dialect must be auto, beta or ga, not {dialect!r}")
    return Config(dialect=dialect, enabled=rules.enabled_codes(select, ignore))


def _report(result: Result) -> ValidationReport:
    return ValidationReport(tuple(result.diagnostics), tuple(result.files))


def validate_paths(
    paths: Iterable[str | PathLike[str]],
    *,
    dialect: str = "auto",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> ValidationReport:
    """Validate log files or directories (``.jsonl``/``.ndjson``, optionally ``.gz``)."""
    from realtime_cli.engine.validate import run

    return _report(run([str(p) for p in paths], _config(dialect, select, ignore)))


def validate_path(
    path: str | PathLike[str],
    *,
    dialect: str = "auto",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> ValidationReport:
    """Validate one log file (or directory). Never raises for bad log content."""
    return validate_paths([path], dialect=dialect, select=select, ignore=ignore)


def validate_events(
    events: Iterable[dict[str, Any]],
    *,
    name: str = "<events>",
    dialect: str = "auto",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> ValidationReport:
    """Validate already-parsed records (bare events or any supported envelope), in order.

    Each record's position in ``events`` (1-based) stands in for its line number.
    """
    from realtime_cli.engine.validate import validate_stream
    from realtime_cli.logs.loader import ParseFailure, Record, unwrap

    def items() -> Iterable[Record | ParseFailure]:
        for i, obj in enumerate(events, 1):
            if not isinstance(obj, dict):
                yield ParseFailure(name, i, "RT004", f"expected a JSON object, got {type(obj).__name__}")
                continue
            ev, env, direction, ts, problem = unwrap(obj)
            if ev is None:
                yield ParseFailure(name, i, "RT011" if env == "synthetic" else "RT009", problem or "no event")
            else:
                yield Record(name, i, 0, ev, env, direction, ts)

    summary, diags = validate_stream(name, items(), _config(dialect, select, ignore))
    return ValidationReport(tuple(diags), (summary,))


def load_sessions(
    paths: str | PathLike[str] | Iterable[str | PathLike[str]],
    *,
    prices: dict[str, dict[str, float]] | None = None,
) -> RunModel:
    """Build the session model of log files or directories (see :mod:`realtime_cli.session.model`).

    Returns a :class:`RunModel`: its ``sessions`` (turns, responses, interruptions, unanswered
    function calls), ``latency`` percentiles, ``failure_reasons``, ``usage`` and ``cost``. Details
    are kept, so use it on recordings of test size. ``prices`` adds or overrides models in the
    bundled price table (USD per 1M tokens, the keys of ``[tool.rtcheck.prices]``). Never raises
    for bad log content: an unreadable input is a :class:`LogModel` with ``readable`` False.
    """
    from realtime_cli.logs.loader import discover, iter_file
    from realtime_cli.session.builder import SessionBuilder
    from realtime_cli.session.model import LogModel
    from realtime_cli.session.prices import price_table

    names = [str(paths)] if isinstance(paths, str | PathLike) else [str(p) for p in paths]
    table = price_table(prices)
    run = RunModel()
    for path, error in discover(names):
        if error is not None:
            run.logs.append(LogModel(path, readable=False))
            continue
        builder = SessionBuilder(path, keep=True, prices=table)
        for item in iter_file(path):
            builder.add(item)
        run.logs.append(builder.finish())
    return run
