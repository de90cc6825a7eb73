"""rtcheck: validate and inspect OpenAI Realtime API event logs.

The public API, for asserting in a test suite that a recorded session is valid::

    from realtime_cli import validate_path
    assert validate_path("session.jsonl").ok

Names are resolved lazily (PEP 562), so the command line does not pay for
``importlib.metadata`` or the API module when it does not use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from realtime_cli.api import ValidationReport, validate_events, validate_path, validate_paths

__all__ = ["ValidationReport", "__version__", "validate_events", "validate_path", "validate_paths"]

_API = frozenset({"ValidationReport", "validate_events", "validate_path", "validate_paths"})


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("rtcheck")
        except PackageNotFoundError:  # a source tree that is not installed
            value = "0+unknown"
        globals()["__version__"] = value
        return value
    if name in _API:
        from realtime_cli import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'realtime_cli' has no attribute {name!r}")
