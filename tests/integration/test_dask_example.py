"""examples/dask_validate.py: a partitioned log collection validated on real Dask schedulers.

A handful of generated (clean) logs, one planted defect; the example's aggregate must find
exactly that defect, with its file and line, whatever the scheduler and pattern. The example
runs as a script (as a user runs it) on the process-based schedulers, where every task result
crosses a process boundary, and in-process for the clean-collection check.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import pickle
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pytest

from benchmarks.loggen import write_log
from realtime_cli import validate_events, validate_path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "dask_validate.py"
LOGS = [  # name, dialect, profile, seed
    ("day1/ga-audio.jsonl", "ga", "audio", 1),
    ("day1/beta-audio.jsonl", "beta", "audio", 2),
    ("day2/ga-text.jsonl", "ga", "text", 3),
    ("day2/beta-text.jsonl", "beta", "text", 4),
    ("day2/ga-more.jsonl", "ga", "audio", 5),
]
DEFECT_FILE = "day2/ga-more.jsonl"


def _load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dask_validate_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plant(path: Path) -> int:
    """Make one transcript delta's ``event_id`` a number (a schema error, nothing else). Its line."""
    lines = path.read_bytes().splitlines(keepends=True)
    for n, raw in enumerate(lines):
        ev = orjson.loads(raw)
        if ev["type"] == "response.output_audio_transcript.delta":
            ev["event_id"] = 12345
            lines[n] = orjson.dumps(ev) + b"\n"
            path.write_bytes(b"".join(lines))
            return n + 1
    raise AssertionError("no transcript delta to plant the defect in")


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The generated collection: folder, total events, and where the defect is."""
    root = tmp_path_factory.mktemp("dask-logs")
    events = 0
    for name, dialect, profile, seed in LOGS:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        events += write_log(path, dialect, profile=profile, turns=2, seed=seed, chunk_ms=20)["records"]
        assert validate_path(path).diagnostics == (), f"{name} is not clean to start with"
    # A gzip member of the collection, clean: the loader reads it in either pattern.
    gz = root / "day1" / "ga-text.jsonl.gz"
    raw = root / "ga-text.tmp"
    events += write_log(raw, "ga", profile="text", turns=1, seed=6)["records"]
    gz.write_bytes(gzip.compress(raw.read_bytes()))
    raw.unlink()
    line = _plant(root / DEFECT_FILE)
    return {"root": root, "events": events, "path": str(root / DEFECT_FILE), "line": line, "files": len(LOGS) + 1}


def _run_example(*args: str) -> tuple[int, dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE), *args, "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def _assert_only_the_defect(summary: dict[str, Any], collection: dict[str, Any]) -> None:
    assert summary["files"] == collection["files"]
    assert summary["events"] == collection["events"]
    assert summary["by_code"] == {"RT101": 1}
    assert summary["errors"] == 1
    [found] = summary["findings"]
    assert found["path"] == collection["path"]
    assert found["line"] == collection["line"]
    assert found["code"] == "RT101"
    assert found["json_path"] == "$.event_id"
    assert found["event_type"] == "response.output_audio_transcript.delta"


@pytest.mark.parametrize(
    ("scheduler", "pattern"),
    [("processes", "files"), ("processes", "lines"), ("distributed", "files")],
)
def test_the_aggregate_finds_exactly_the_planted_defect(collection: dict[str, Any], scheduler: str, pattern: str) -> None:
    rc, summary = _run_example(str(collection["root"]), "--scheduler", scheduler, "--pattern", pattern)
    assert rc == 1
    _assert_only_the_defect(summary, collection)


def test_globs_and_a_clean_collection_in_process(collection: dict[str, Any]) -> None:
    example = _load_example()
    clean = sorted(str(p) for p in collection["root"].glob("day1/*"))
    assert example.expand([str(collection["root"] / "day1" / "*")]) == clean
    summary = example.aggregate(example.validate_files(clean), scheduler="synchronous")
    assert summary["findings"] == [] and summary["by_code"] == {} and summary["files"] == len(clean) == 3
    summary = example.aggregate(example.validate_lines([collection["path"]]), scheduler="threads")
    assert [(f["line"], f["code"]) for f in summary["findings"]] == [(collection["line"], "RT101")]


def test_reports_survive_pickling(collection: dict[str, Any]) -> None:
    """What the process-based and distributed schedulers do to every task result."""
    report = validate_path(collection["path"])
    again = pickle.loads(pickle.dumps(report))
    assert again == report
    assert again.codes() == ["RT101"] and not again.ok
    events = [orjson.loads(x) for x in Path(collection["path"]).read_bytes().splitlines()]
    from_events = validate_events(events, name="session")
    assert pickle.loads(pickle.dumps(from_events)) == from_events
    assert [d.line for d in from_events.diagnostics] == [collection["line"]]
