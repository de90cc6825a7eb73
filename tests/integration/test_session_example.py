"""examples/test_session_expectations.py runs as a user runs it (pytest on their recording).

On the bundled example log, and on a generated log with timestamps where the latency budget is
really checked: every test of the example passes, and the latency test is not skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.loggen import write_log

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "test_session_expectations.py"


def _pytest(log: Path | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if log is not None:
        env["RTCHECK_LOG"] = str(log)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(EXAMPLE)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )


def test_example_passes_on_the_bundled_log() -> None:
    done = _pytest(None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "failed" not in done.stdout


def test_example_checks_latency_on_a_timed_log(tmp_path: Path) -> None:
    log = tmp_path / "timed.jsonl"
    write_log(log, "ga", turns=6, seed=11, envelope="time-source", with_tools=False)
    done = _pytest(log)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 passed" in done.stdout and "skipped" not in done.stdout, done.stdout
