"""rtcheck: validate and inspect OpenAI Realtime API event logs.

The public API, for asserting in a test suite that a recorded session is valid::

    from realtime_cli import validate_path
    assert not validate_path("session.jsonl").errors
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rtcheck")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

from realtime_cli.api import ValidationReport, validate_events, validate_path, validate_paths

__all__ = ["ValidationReport", "__version__", "validate_events", "validate_path", "validate_paths"]
