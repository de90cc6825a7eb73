"""Start-up cost: what a command imports, and the plain-text path that spares Rich."""

from __future__ import annotations

import tomllib
from pathlib import Path

import realtime_cli

ROOT = Path(__file__).resolve().parents[2]


def test_version_constant_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert realtime_cli.__version__ == project["version"]
