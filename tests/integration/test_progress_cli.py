"""`rtcheck validate` with stderr on a real pseudo-terminal: the bar appears there and only there.

The CLI runs in a subprocess whose stderr is a pty (what an interactive shell gives it) or a
pipe. Only the progress thresholds are lowered (no 1.5 s wait, no 64 MB input needed); the
terminal detection, the Rich rendering and the report are the real ones.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from benchmarks.loggen import write_log

ROOT = Path(__file__).resolve().parents[2]
# Show the bar at once for any input; everything else is the real entry point.
_LAUNCH = (
    "import sys; import realtime_cli.cli.progress as p; p.DELAY_S = 0.0; p.LARGE_BYTES = 0; "
    "from realtime_cli.cli.main import main; main(sys.argv[1:])"
)


def _run(args: list[str], *, tty: bool) -> tuple[int, bytes, bytes]:
    """Run the CLI; stdout is always a pipe, stderr a pty when ``tty``. Returns (rc, out, err)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "FORCE_TERMINAL")}
    env.update(TERM="xterm-256color", COLUMNS="100", LINES="30")
    cmd = [sys.executable, "-c", _LAUNCH, *args]
    if not tty:
        proc = subprocess.run(cmd, capture_output=True, env=env, cwd=ROOT, timeout=60, check=False)
        return proc.returncode, proc.stdout, proc.stderr
    master, slave = os.openpty()
    err = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed its end
                return
            if not chunk:
                return
            err.extend(chunk)

    try:
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, env=env, cwd=ROOT)
        os.close(slave)
        slave = -1
        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        out, _ = child.communicate(timeout=60)
        reader.join(timeout=10)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    return child.returncode, out, bytes(err)


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two generated logs, one with a planted schema error (so every format has something)."""
    folder = tmp_path_factory.mktemp("progress")
    write_log(folder / "a.jsonl", "ga", turns=3, seed=2)
    bad = folder / "b.jsonl"
    write_log(bad, "ga", profile="text", turns=3, seed=3)
    lines = bad.read_bytes().splitlines(keepends=True)
    lines.insert(3, b'{"type": "response.done", "event_id": "event_planted"}\n')  # no response: RT101
    bad.write_bytes(b"".join(lines))
    return folder


def test_the_bar_is_drawn_on_a_terminal(logs: Path) -> None:
    rc, out, err = _run(["validate", str(logs), "-f", "json", "-j", "1"], tty=True)
    assert rc == 1, err
    assert b"validating a.jsonl" in err
    assert re.search(rb"[\d.]+/[\d.]+ [kM]B", err)  # bytes done / total
    assert err.rstrip(b"\r\n").endswith(b"\x1b[2K")  # and erased before the report
    assert b'"version"' in out and b"validating" not in out


@pytest.mark.parametrize("fmt", ["json", "github", "sarif", "text"])
def test_stdout_is_identical_with_and_without_the_bar(logs: Path, fmt: str) -> None:
    args = ["validate", str(logs), "-f", fmt, "--color", "never"]
    rc_tty, out_tty, err_tty = _run(args, tty=True)
    rc_pipe, out_pipe, err_pipe = _run(args, tty=False)
    assert b"validating" in err_tty
    assert err_pipe == b""  # a pipe never gets the bar
    assert (rc_tty, _timeless(out_tty)) == (rc_pipe, _timeless(out_pipe))
    assert b"\x1b" not in out_tty


def _timeless(out: bytes) -> bytes:
    """The report without the run's duration, the one part that differs between two runs."""
    out = re.sub(rb'"elapsed_seconds": [0-9.e-]+', b'"elapsed_seconds": T', out)
    return re.sub(rb" in [0-9.]+s: ", b" in Ts: ", out)


def test_no_bar_with_quiet(logs: Path) -> None:
    rc, out, err = _run(["validate", str(logs), "--quiet"], tty=True)
    assert rc == 1
    assert b"validating" not in err
    assert err == b""
    assert b"RT" in out


def test_no_bar_in_a_pipe_even_with_color_always(logs: Path) -> None:
    _, _, err = _run(["validate", str(logs), "--color", "always", "-f", "json"], tty=False)
    assert err == b""
