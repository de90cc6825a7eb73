"""Ctrl-C during a ``--jobs`` run: a terminal sends SIGINT to the whole process group, workers
included. The main process must stop, the workers die quietly (no ``Process ForkPoolWorker-N:``
traceback each) and the exit code is 130.

Each case runs the real entry point in a new session (its own process group), waits until its
worker processes exist, then signals the group as a terminal would. Workers start with ``fork``
normally and with ``spawn`` when the process already has a thread (the progress bar's timer in a
terminal), so both are tried.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Slow per line (each event fails its schema and is explained), so a few MB keep 2 workers busy.
_LINE = b'{"type":"response.done","event_id":"e","response":{"status":"bogus"}}\n'
_SPAWN_MAIN = """\
import sys
import threading
import time

from realtime_cli.cli.main import main

if __name__ == "__main__":
    threading.Thread(target=time.sleep, args=(120,), daemon=True).start()  # a thread: workers spawn
    main(sys.argv[1:])
"""

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="--jobs is capped at the available cores: one core starts no worker to interrupt",
)


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("interrupt")
    for i in range(6):
        (folder / f"part{i}.jsonl").write_bytes(_LINE * 20_000)
    (folder / "spawn_main.py").write_text(_SPAWN_MAIN, encoding="utf-8")
    return folder


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def _imported_rtcheck(pid: str) -> bool:
    """True once worker ``pid`` has loaded rtcheck's engine (it shows in its memory map)."""
    try:
        return "msgspec/_core" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def _ready(pid: int, spawned: bool) -> bool:
    """Both workers exist; spawned ones have also reached rtcheck's code (a fresh interpreter
    cannot ignore a signal before it runs any of it: see the report on this window)."""
    kids = _children(pid)
    # (spawn also starts multiprocessing's resource tracker: a child that is not a worker)
    return len([k for k in kids if not spawned or _imported_rtcheck(k)]) >= 2


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _interrupt(cmd: list[str], cwd: Path, delay: float, spawned: bool) -> tuple[int, str, int]:
    """Start ``cmd`` in its own process group, Ctrl-C the group once its workers run; return
    the exit code, stderr and how many workers there were. Fails if any process of the group
    outlives the main one by more than a few seconds (an orphaned worker)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(cwd / "stderr.txt", "w+b") as err_file:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err_file,
            start_new_session=True,
            # A shell without job control starts background jobs with SIGINT ignored, and that
            # is inherited; rtcheck rightly leaves an ignored SIGINT alone, so restore it here.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            deadline = time.monotonic() + 30
            while not _ready(proc.pid, spawned) and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.01)
            workers = len(_children(proc.pid))
            time.sleep(delay)
            os.killpg(proc.pid, signal.SIGINT)
            code = proc.wait(timeout=30)
            deadline = time.monotonic() + 10
            while _group_alive(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            orphans = _group_alive(proc.pid)
        finally:
            if _group_alive(proc.pid):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        err_file.seek(0)
        err = err_file.read().decode("utf-8", "replace")
    assert not orphans, f"a worker outlived the interrupted run: {err}"
    return code, err, workers


@pytest.mark.parametrize("start", ["fork", "spawn"])
@pytest.mark.parametrize("delay", [0.0, 0.02, 0.3])
def test_ctrl_c_to_the_process_group_is_quiet(logs: Path, start: str, delay: float) -> None:
    entry = ["-m", "realtime_cli"] if start == "fork" else [str(logs / "spawn_main.py")]
    files = sorted(str(p) for p in logs.glob("*.jsonl"))
    cmd = [sys.executable, *entry, "validate", "--jobs", "2", *files]
    code, err, workers = _interrupt(cmd, logs, delay, spawned=start == "spawn")
    assert workers >= 2, f"the run ended before its workers started: {err}"
    assert code == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err and "Process " not in err, err
    assert err.strip() == "rtcheck: interrupted", err
