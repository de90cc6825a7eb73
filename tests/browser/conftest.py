"""Headless Chromium for the report's browser tests.

Playwright drives Debian's ``/usr/bin/chromium`` (``apt-get install chromium``; CI's .ci/run
installs it); Playwright's own browser download is never used. In CI (the ``CI`` variable set)
a missing browser or driver fails the tests; elsewhere they skip with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("RTCHECK_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
LOCAL_SCHEMES = ("file:", "about:", "data:")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"{reason} (these tests fail instead of skipping when CI is set)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module (a fresh profile, no network features).

    Not per session: Playwright runs a thread while it is open, and a process with a second
    thread makes ``validate --jobs`` spawn its workers instead of forking them, which changes
    what later tests in the same run observe."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable('Playwright is not installed (pip install -e ".[test]")')
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@dataclass
class Opened:
    """A report page as loaded, with everything it tried to say or fetch."""

    page: Any
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def remote_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]

    @property
    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind in ("error", "warning")] + self.errors


@pytest.fixture
def open_report(browser: Any) -> Iterator[Any]:
    """``open_report(path)`` loads a report from disk and records console output, page errors
    and every request."""
    contexts: list[Any] = []

    def _open(path: Path, width: int = 1280) -> Opened:
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(ctx)
        page = ctx.new_page()
        opened = Opened(page)
        page.on("console", lambda m: opened.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.on("request", lambda r: opened.requests.append(r.url))
        page.goto(path.as_uri(), wait_until="load")
        return opened

    yield _open
    for ctx in contexts:
        ctx.close()


def _make_report(logs: list[Path], out: Path) -> Path:
    proc = subprocess.run([sys.executable, "-m", "realtime_cli", "report", *map(str, logs), "-o", str(out)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture
def make_report() -> Any:
    """``make_report([logs], out)`` runs ``rtcheck report`` as a user would; returns the page."""
    return _make_report
