"""The progress hook: how often the engine calls it, what it counts, when a bar is drawn."""

from __future__ import annotations

import io
import itertools
import os
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from benchmarks.loggen import write_log
from realtime_cli.cli import progress
from realtime_cli.engine import parallel, ticks
from realtime_cli.engine.validate import Config, run
from realtime_cli.logs.loader import Record, iter_file


def _terminal(width: int = 120) -> tuple[Console, io.StringIO]:
    """A console that believes it is a terminal, writing into a buffer we can read."""
    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=width, color_system=None), buf


class Calls:
    """A hook that records its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, path: str, done: int) -> None:
        self.calls.append((path, done))

    def of(self, path: Path) -> list[int]:
        return [d for p, d in self.calls if p == str(path)]


# ----------------------------------------------------------------------------- ticking


def test_ticking_calls_once_per_step_and_passes_every_item(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    size = write_log(log, "ga", profile="text", turns=30, seed=1)["bytes"]
    step = 64 * 1024
    hook = Calls()
    items = list(progress.ticking(str(log), iter_file(str(log)), hook, step))
    assert [r.line for r in items] == [r.line for r in iter_file(str(log))]
    done = hook.of(log)
    # one call per crossed step boundary, not per event
    assert size // step - 2 <= len(done) <= size // step
    assert len(done) < len(items) / 10
    assert done == sorted(done)
    assert all(b - a >= step for a, b in itertools.pairwise(done))
    assert done[-1] <= size


def test_ticking_default_step_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    write_log(log, "ga", profile="text", turns=5, seed=1)
    monkeypatch.setattr(ticks, "STEP_BYTES", 1000)
    hook = Calls()
    for _ in progress.ticking(str(log), iter_file(str(log)), hook):
        pass
    assert len(hook.calls) > 5


# ----------------------------------------------------------------------------- counting


def test_byte_progress_counts_each_file_once_and_clamps() -> None:
    console, buf = _terminal()
    bp = progress.ByteProgress({"a.jsonl": 100, "b.jsonl": 50, "c.jsonl.gz": 30}, console, delay=60)
    assert bp.total == 180
    bp("a.jsonl", 40)
    bp("a.jsonl", 30)  # never backwards
    assert bp.done == 40
    bp("a.jsonl", 500)  # an offset past the size (the file grew): clamped
    assert bp.done == 100
    bp("<stdin>", 10_000)  # nothing measurable
    bp("c.jsonl.gz", 25)  # decompressed offsets are not file bytes
    assert bp.done == 100
    bp("c.jsonl.gz", progress.FINISHED)
    bp("b.jsonl", progress.FINISHED)
    bp("b.jsonl", progress.FINISHED)
    assert bp.done == bp.total == 180
    bp.close()
    assert buf.getvalue() == ""  # never drawn: not entered, so no timer either


def test_a_fast_run_never_draws() -> None:
    console, buf = _terminal()
    with progress.ByteProgress({"a.jsonl": 1000}, console, delay=30) as bp:
        bp("a.jsonl", 500)
        bp("a.jsonl", progress.FINISHED)
    assert not bp.shown
    assert buf.getvalue() == ""


def test_a_large_input_draws_at_once_and_erases_on_exit() -> None:
    console, buf = _terminal()
    with progress.ByteProgress({"/logs/big.jsonl": 10_000_000}, console, delay=30, large=1000) as bp:
        assert bp.shown
        bp("/logs/big.jsonl", 5_000_000)
    out = buf.getvalue()
    assert "validating big.jsonl" in out
    assert "/10.0 MB" in out
    assert out.endswith("\x1b[2K")  # transient: the last thing written erases the bar line
    assert "\x1b[?25h" in out  # and the cursor comes back


def test_a_slow_run_draws_after_the_delay() -> None:
    console, buf = _terminal()
    with progress.ByteProgress({"a.jsonl": 1000}, console, delay=0.05) as bp:
        bp("a.jsonl", 200)
        deadline = time.monotonic() + 5
        while not bp.shown and time.monotonic() < deadline:
            time.sleep(0.01)
        assert bp.shown
        bp("a.jsonl", 600)
    assert "validating a.jsonl" in buf.getvalue()


def test_closing_before_the_timer_fires_cancels_it() -> None:
    console, buf = _terminal()
    bp = progress.ByteProgress({"a.jsonl": 1000}, console, delay=0.05)
    with bp:
        pass
    time.sleep(0.15)
    bp.show()  # a late timer callback must not draw after close
    assert not bp.shown
    assert buf.getvalue() == ""


def test_file_names_are_escaped_in_the_bar() -> None:
    console, buf = _terminal(200)
    name = "/x/[bold red]evil\x1b]0;pwned\x07.jsonl"
    with progress.ByteProgress({name: 10}, console, large=1):
        pass
    out = buf.getvalue()
    assert "[bold red]evil" in out  # shown literally, not parsed as markup
    assert "\\x1b]0;pwned\\x07" in out  # the escape sequence is made visible, not sent
    assert "\x1b]0;" not in out


# ----------------------------------------------------------------------------- when to show


def test_stderr_is_terminal_only_for_a_real_tty() -> None:
    read_fd, write_fd = os.pipe()
    master, slave = os.openpty()
    try:
        with open(write_fd, "w", closefd=False) as pipe, open(slave, "w", closefd=False) as tty:
            # --color always forces Rich's terminal mode; a pipe must still get no bar
            assert not progress.stderr_is_terminal(Console(file=pipe, force_terminal=True))
            assert not progress.stderr_is_terminal(Console(file=pipe))
            assert progress.stderr_is_terminal(Console(file=tty, _environ={"TERM": "xterm"}))
            assert not progress.stderr_is_terminal(Console(file=tty, _environ={"TERM": "dumb"}))
    finally:
        for fd in (read_fd, write_fd, master, slave):
            os.close(fd)


def test_for_validate_decides(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    log.write_bytes(b"{}\n" * 10)
    (tmp_path / "notes.txt").write_text("not a log")
    master, slave = os.openpty()
    try:
        with open(slave, "w", closefd=False) as tty:
            console = Console(file=tty, _environ={"TERM": "xterm"})
            assert progress.for_validate([str(tmp_path)], console, quiet=True) is None
            assert progress.for_validate(["-"], console, quiet=False) is None  # nothing to measure
            assert progress.for_validate([str(tmp_path / "missing.jsonl")], console, quiet=False) is None
            bp = progress.for_validate([str(tmp_path), "-"], console, quiet=False)
            assert bp is not None
            assert bp.sizes == {str(log): 30}
            assert 0 <= bp.delay <= progress.DELAY_S
    finally:
        os.close(master)
        os.close(slave)
    console, _ = _terminal()  # force_terminal on a buffer: not a tty
    assert progress.for_validate([str(log)], console, quiet=False) is None


# ----------------------------------------------------------------------------- the engine's calls


def _logs(tmp_path: Path) -> list[Path]:
    paths = [tmp_path / "ga.jsonl", tmp_path / "beta.jsonl", tmp_path / "text.jsonl"]
    write_log(paths[0], "ga", turns=4, seed=3)
    write_log(paths[1], "beta", turns=4, seed=4)
    write_log(paths[2], "ga", profile="text", turns=20, seed=5)
    return paths


def _check_calls(hook: Calls, paths: list[Path], *, step: int, events: int) -> None:
    order = [p for p, d in hook.calls if d == progress.FINISHED]
    assert order == [str(p) for p in paths]  # every input finished, once, in order
    for p in paths:
        done = hook.of(p)
        assert done[-1] == progress.FINISHED
        ticks = done[:-1]
        assert ticks == sorted(ticks)
        assert all(0 <= t <= p.stat().st_size for t in ticks)
        assert ticks, f"no progress inside {p.name}"
    # per step of bytes and per file, never per event
    assert len(hook.calls) <= sum(p.stat().st_size for p in paths) // step + 2 * len(paths)
    assert len(hook.calls) < events


def test_run_calls_the_hook_per_step_and_per_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    paths = _logs(tmp_path)
    monkeypatch.setattr(ticks, "STEP_BYTES", 16 * 1024)
    hook = Calls()
    with_hook = run([str(tmp_path)], Config(jobs=1), progress=hook)
    ordered = sorted(paths)  # a directory is read in sorted order
    _check_calls(hook, ordered, step=16 * 1024, events=with_hook.events)
    without = run([str(tmp_path)], Config(jobs=1))
    assert with_hook.diagnostics == without.diagnostics
    assert with_hook.files == without.files


def test_parallel_run_calls_the_hook_per_chunk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    write_log(big, "ga", turns=12, seed=3)  # audio: long lines, so --jobs 3 (more workers than files) splits it
    small = tmp_path / "small.jsonl"
    write_log(small, "ga", profile="text", turns=2, seed=1)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", max(64 * 1024, big.stat().st_size // 8))
    monkeypatch.setattr(parallel, "RANGE_SPLIT_MIN_CORES", 1)  # split on a 2-core machine too
    hook = Calls()
    result: Any = run([str(big), str(small)], Config(jobs=3), progress=hook)
    assert not result.input_error
    assert len([d for d in hook.of(big) if d > 0]) >= 3  # chunks report as they are consumed
    assert hook.of(small)[-1] == progress.FINISHED
    assert [p for p, d in hook.calls if d == progress.FINISHED] == [str(big), str(small)]
    sequential = run([str(big), str(small)], Config(jobs=1))
    assert result.diagnostics == sequential.diagnostics


def test_records_carry_the_offsets_ticking_relies_on(tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    log.write_bytes(b'{"type":"x","event_id":"1"}\n\n{"type":"y","event_id":"2"}\n')
    recs = [r for r in iter_file(str(log)) if isinstance(r, Record)]
    assert [r.offset for r in recs] == [0, 29]
