"""Lint and types are part of the test suite: ruff on everything, mypy --strict on the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_clean() -> None:
    proc = _run("ruff", "check", "realtime_cli", "tests", "benchmarks", "examples")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_mypy_strict() -> None:
    if shutil.which("mypy") is None and _run("mypy", "--version").returncode != 0:
        pytest.fail("mypy is a test dependency and must be installed")
    proc = _run("mypy", "--strict", "realtime_cli")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_module_imports_on_its_own() -> None:
    """Each module of the package imports first, in a fresh interpreter: no import cycle that
    only the usual entry order (``realtime_cli.cli.main`` first) happens to hide."""
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "realtime_cli").rglob("*.py")
        if p.name != "__main__.py"
    )
    procs = {
        m: subprocess.Popen([sys.executable, "-c", f"import {m}"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for m in modules
    }
    errors = {m: p.communicate()[1] for m, p in procs.items()}
    failed = {m: errors[m].strip().splitlines()[-1:] for m, p in procs.items() if p.returncode != 0}
    assert len(modules) > 30
    assert not failed, failed
