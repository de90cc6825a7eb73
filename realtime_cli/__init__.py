"""rtcheck: validate and inspect OpenAI Realtime API event logs.

The public API, for asserting in a test suite that a recorded session is valid::

    from realtime_cli import validate_path
    assert validate_path("session.jsonl").ok

and what happened in it (turns, latency, failures, interruptions, tool calls, cost)::

    from realtime_cli import load_sessions
    run = load_sessions("session.jsonl")
    assert run.failed == 0, run.failure_reasons
    assert (run.latency.p95 or 0) < 1200          # ms, nearest-rank
    assert not run.unanswered_calls

Names are resolved lazily (PEP 562), so the command line does not pay for the API module
when it does not use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from realtime_cli.api import (
        ValidationReport,
        load_sessions,
        validate_events,
        validate_path,
        validate_paths,
    )
    from realtime_cli.session.model import (
        Cost,
        FunctionCall,
        Interruption,
        LatencyStats,
        LogModel,
        ResponseInfo,
        RunModel,
        Session,
        TokenUsage,
        Turn,
    )

__all__ = [
    "Cost", "FunctionCall", "Interruption", "LatencyStats", "LogModel", "ResponseInfo", "RunModel", "Session",
    "TokenUsage", "Turn", "ValidationReport", "__version__", "load_sessions", "validate_events", "validate_path",
    "validate_paths",
]

__version__ = "0.1.0"
"""The package version: hatchling reads it from here into the distribution's metadata
(``[tool.hatch.version]``). A constant, not an ``importlib.metadata`` lookup: that import
costs ~7 ms, and every ``--format json`` or ``sarif`` report names the version."""

_API = frozenset({"ValidationReport", "load_sessions", "validate_events", "validate_path", "validate_paths"})
_MODEL = frozenset({
    "Cost", "FunctionCall", "Interruption", "LatencyStats", "LogModel", "ResponseInfo", "RunModel", "Session",
    "TokenUsage", "Turn",
})


def __getattr__(name: str) -> Any:
    if name in _API or name in _MODEL:
        import importlib

        module = importlib.import_module("realtime_cli.api" if name in _API else "realtime_cli.session.model")
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'realtime_cli' has no attribute {name!r}")
