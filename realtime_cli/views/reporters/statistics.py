"""``rtcheck validate --statistics``: findings counted by code, most frequent first (as ruff).

Counts come from the run's tallies (:attr:`~realtime_cli.core.diagnostics.Result.by_code`), so they
include findings a per-file cap elided and cost nothing per finding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from realtime_cli.core.diagnostics import Result


def rows(result: Result, *, quiet: bool = False) -> list[dict[str, Any]]:
    """``{code, name, severity, count}`` per code found, by count (descending), then code.

    ``quiet`` leaves info codes out, as it leaves info findings out of the report.
    """
    from realtime_cli.rules import catalog as rules

    counted = []
    for code, count in result.by_code.items():
        rule = rules.RULES.get(code)
        severity = rule.severity.label if rule else "error"
        if count > 0 and not (quiet and severity == "info"):
            counted.append((-count, code, rule.name if rule else "", severity))
    return [{"code": code, "name": name, "severity": sev, "count": -neg} for neg, code, name, sev in sorted(counted)]


def text_lines(result: Result, *, quiet: bool = False) -> list[str]:
    """The text table: ``count  code  severity  name``, the counts right-aligned."""
    table = rows(result, quiet=quiet)
    if not table:
        return []
    width = max(len(str(r["count"])) for r in table)
    return [f"{r['count']:>{width}}  {r['code']}  {r['severity']:<7}  {r['name']}" for r in table]
