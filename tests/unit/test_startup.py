"""Start-up cost: what a command imports, and the plain-text path that spares Rich."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import realtime_cli

ROOT = Path(__file__).resolve().parents[2]
GA = ROOT / "examples" / "ga_session.jsonl"

# Modules a run must not load when it does not use them (each costs milliseconds).
NEVER = ("importlib.metadata", "multiprocessing", "hashlib", "tomllib")  # email: jsonschema_rs loads it
# Without these, Rich treats a pipe as a pipe (no colour), as in pre-commit or CI.
_ENV = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}


def test_version_constant_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert realtime_cli.__version__ == project["version"]


def _modules_after(args: list[str], cwd: Path) -> set[str]:
    """The modules loaded by one CLI run, in a fresh interpreter with stdout piped."""
    dump = cwd / "modules.txt"
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(dump)!r}, 'w').write('\\n'.join(sys.modules)))\n"
        "from realtime_cli.cli import main\n"
        f"main({args!r})\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=_ENV, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return set(dump.read_text().split("\n"))


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_validate_imports_no_rich_and_nothing_unused(tmp_path: Path, fmt: str) -> None:
    mods = _modules_after(["validate", "--format", fmt, str(GA)], tmp_path)
    assert "realtime_cli.validate" in mods  # the run did happen
    assert not {m for m in mods if m == "rich" or m.startswith("rich.")}, "rich imported"
    assert not {m for m in mods if m.startswith(NEVER)}
