"""rtcheck: validate and inspect OpenAI Realtime API event logs.

The public API, for asserting in a test suite that a recorded session is valid::

    from realtime_cli import validate_path
    assert validate_path("session.jsonl").ok

Names are resolved lazily (PEP 562), so the command line does not pay for the API module
when it does not use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from realtime_cli.api import ValidationReport, validate_events, validate_path, validate_paths

__all__ = ["ValidationReport", "__version__", "validate_events", "validate_path", "validate_paths"]

__version__ = "0.1.0"
"""The package version: hatchling reads it from here into the distribution's metadata
(``[tool.hatch.version]``). A constant, not an ``importlib.metadata`` lookup: that import
costs ~7 ms, and every ``--format json`` or ``sarif`` report names the version."""

_API = frozenset({"ValidationReport", "validate_events", "validate_path", "validate_paths"})


def __getattr__(name: str) -> Any:
    if name in _API:
        from realtime_cli import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'realtime_cli' has no attribute {name!r}")
