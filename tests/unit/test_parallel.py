"""--jobs: the parallel path gives exactly the --jobs 1 output, in content and order."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import loggen
from realtime_cli.engine import parallel
from realtime_cli.engine.validate import Config, run


def _write(path: Path, events: list[Any]) -> None:
    path.write_text("".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in events))


def _planted(dialect: str, seed: int) -> list[Any]:
    """A generated session with defects planted in the middle of delta bursts."""
    evs: list[Any] = list(loggen.generate_events(dialect, turns=14, seed=seed, chunk_ms=20))
    names = loggen._NAMES[dialect]
    audio = [i for i, e in enumerate(evs) if e["type"] == names["audio_delta"]]
    done = [i for i, e in enumerate(evs) if e["type"] == names["tr_done"]]
    evs[audio[len(audio) // 2]]["delta"] = "not base64!"  # RT406
    evs[done[1]]["transcript"] += " (edited)"  # RT405
    evs[audio[len(audio) // 3]]["output_index"] = "zero"  # RT101
    rd = [i for i, e in enumerate(evs) if e["type"] == "response.done"]
    del evs[rd[2]]  # RT301: a response that never finishes
    evs.insert(audio[10], "{not json")  # RT001 inside a burst of deltas
    evs.insert(audio[20], "")  # a blank line
    evs.insert(audio[30], '["a", "one-line array"]')  # not an object, and starts with [
    return evs


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tiny ranges so that boundaries fall inside bursts of deltas; split every file.
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 48 * 1024)
    monkeypatch.setattr(parallel, "MIN_MEAN_LINE_BYTES", 0)
    monkeypatch.setattr(parallel, "RANGE_SPLIT_MIN_CORES", 1)  # whatever this machine has


def _outcome(paths: list[Path], jobs: int) -> tuple[list[Any], list[Any]]:
    result = run([str(p) for p in paths], Config(jobs=jobs))
    return result.diagnostics, result.files


@pytest.mark.usefixtures("small_chunks")
def test_jobs_2_equals_jobs_1_on_planted_defects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    split_calls: list[str] = []
    real = parallel._split_file

    def spy(pool: Any, jobs: int, path: str, config: Any, *rest: Any) -> Any:
        split_calls.append(Path(path).name)
        return real(pool, jobs, path, config, *rest)

    monkeypatch.setattr(parallel, "_split_file", spy)
    ga, beta, text = tmp_path / "ga.jsonl", tmp_path / "beta.jsonl", tmp_path / "text.jsonl"
    _write(ga, _planted("ga", 3))
    _write(beta, _planted("beta", 4))
    _write(text, list(loggen.generate_events("ga", profile="text", turns=3, seed=1)))
    paths = [ga, tmp_path / "missing.jsonl", text, beta]
    assert len(parallel.ranges(str(ga))) > 5
    one = _outcome(paths, 1)
    # More workers than files, so large files are split into ranges (files come first).
    two = _outcome(paths, 4)
    assert split_calls == ["ga.jsonl", "beta.jsonl"]  # text.jsonl is small: whole, in a worker
    assert two == one
    codes = {d.code for d in one[0] if d.path == str(ga)}
    assert {"RT001", "RT004", "RT101", "RT301", "RT405", "RT406"} <= codes
    assert [f.dialect for f in one[1]] == ["ga", None, "ga", "beta"]


def test_ranges_are_newline_aligned_and_never_start_with_a_special_first_line(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    lines = [json.dumps({"type": "x", "event_id": f"e{i}", "pad": "y" * (i % 97)}) for i in range(4000)]
    for i in range(50, 4000, 50):
        lines[i] = "[1, 2"  # a broken array line: the loader treats one as an array file at line 1
    path.write_text("\n".join(lines) + "\n")
    data = path.read_bytes()
    rs = parallel.ranges(str(path), chunk=4096)
    assert rs[0][0] == 0 and rs[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(rs))
    for start, _ in rs[1:]:
        assert data[start - 1 : start] == b"\n"
        assert not data[start:].lstrip(b" ").startswith(b"[")


def test_unsplittable_inputs(tmp_path: Path) -> None:
    arr = tmp_path / "a.jsonl"
    arr.write_text("[\n" + ",\n".join(['{"type": "x"}'] * 10) + "\n]\n")
    gz = tmp_path / "b.jsonl.gz"
    gz.write_bytes(b"\x1f\x8b" + b"\x00" * 20)
    short = tmp_path / "c.jsonl"
    short.write_text('{"type": "x"}\n' * 100000)
    assert not parallel.splittable(str(arr), 0)
    assert not parallel.splittable(str(gz), 0)
    assert not parallel.splittable("-", 0)
    assert not parallel.splittable(str(short), 0)  # short lines: the main process is the bottleneck


def test_files_before_ranges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--jobs 0 must never be slower than one process: it only runs whole files in parallel
    (splitting one file measured no faster on 2 cores); an explicit --jobs N splits a file only
    when there are fewer files than workers."""
    logs = []
    for seed in (1, 2):
        p = tmp_path / f"s{seed}.jsonl"
        loggen.write_log(p, "ga", profile="audio", turns=6, seed=seed)
        logs.append(str(p))
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 4096)  # every file is 'large' for an explicit N
    cores = 3
    monkeypatch.setattr(parallel, "effective_jobs", lambda jobs: jobs or cores)
    calls: list[str] = []
    real_split = parallel._split_file

    def spy(pool: Any, jobs: int, path: str, *rest: Any) -> Any:
        calls.append(path)
        return real_split(pool, jobs, path, *rest)

    monkeypatch.setattr(parallel, "_split_file", spy)
    auto = run(logs, Config(jobs=0))
    assert calls == []
    explicit = run(logs, Config(jobs=2))
    assert calls == []  # as many files as workers: whole files keep both busy
    single = run(logs[:1], Config(jobs=3))
    assert calls == logs[:1]  # one file, three workers on three cores, explicitly asked: ranges
    calls.clear()
    assert run(logs[:1], Config(jobs=2)).diagnostics == single.diagnostics
    assert calls == []  # two workers: the main process's ordered pass needs a third core
    cores = 2
    assert run(logs[:1], Config(jobs=3)).diagnostics == single.diagnostics
    assert calls == []  # three asked, two cores: not split either
    assert [(d.line, d.code) for d in single.diagnostics] == [
        (d.line, d.code) for d in auto.diagnostics if d.path == logs[0]
    ]
    assert [(d.path, d.line, d.code) for d in auto.diagnostics] == [(d.path, d.line, d.code) for d in explicit.diagnostics]
    assert [f.events for f in auto.files] == [f.events for f in explicit.files]
