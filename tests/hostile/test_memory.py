"""Memory stays bounded on inputs built to grow it: big JSON arrays (one line, gzip, UTF-16),
an array of 100,000 tiny events, a line just under the limit.

Each case runs the real CLI in a child process and reads its peak RSS
(``RUSAGE_CHILDREN.ru_maxrss``, so one child per test module process at a time: the peak is
the largest child's). Inputs are generated into ``tmp_path`` and are big enough that the old
whole-array reading would break the bound several times over, small enough to run in about a
second. Bigger measurements: benchmarks/README.md.
"""

from __future__ import annotations

import gzip
import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

MB = 1024 * 1024
AUDIO = "A" * 65536  # valid base64, 48 KiB of audio
APPEND = json.dumps({"type": "input_audio_buffer.append", "event_id": "e", "audio": AUDIO}).encode()
DEFECT = b'{"type":"error","event_id":"event_defect","error":{"type":"invalid_request_error","code":"x"}}'

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units and fork semantics: Linux")


def _peak_of(path: Path, *args: str) -> tuple[int, dict[str, object], int]:
    """Run ``rtcheck validate --format json`` on ``path`` in a child; ``(exit, output, peak MB)``.

    The child is a fresh interpreter; RUSAGE_CHILDREN's peak is the largest child this
    process has waited for, so each measurement must exceed the earlier ones to be seen: the
    bounds below are checked against a baseline taken first in the same way.
    """
    proc = subprocess.run(
        [sys.executable, "-m", "realtime_cli", "validate", "--jobs", "1", "--format", "json", *args, str(path)],
        capture_output=True, timeout=120, check=False,
    )
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return proc.returncode, json.loads(proc.stdout), peak


def _child_peak(path: Path, *args: str) -> tuple[int, dict[str, object], int]:
    """Like :func:`_peak_of`, in a grandchild measured by its own parent: independent of
    whatever other children this test process ran before."""
    code = (
        "import json, resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
        "sys.stdout.write(json.dumps([p.returncode, p.stdout.decode(), p.stderr.decode(errors='replace'), peak]))\n"
    )
    cmd = [sys.executable, "-m", "realtime_cli", "validate", "--jobs", "1", "--format", "json", *args, str(path)]
    proc = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, timeout=120, check=True)
    rc, out, err, peak = json.loads(proc.stdout)
    assert "Traceback" not in err, err
    return int(rc), json.loads(out), int(peak)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> int:
    """Peak RSS of a run on a one-line log: the interpreter, schemas and validators."""
    p = tmp_path_factory.mktemp("base") / "one.jsonl"
    p.write_bytes(DEFECT + b"\n")
    return _child_peak(p)[2]


def _codes(out: dict[str, object]) -> set[tuple[str, int]]:
    diags = out["diagnostics"]
    assert isinstance(diags, list)
    return {(d["code"], d["line"]) for d in diags}


@pytest.mark.parametrize("shape", ["array", "batch"])
def test_big_one_line_array_streams(tmp_path: Path, baseline: int, shape: str) -> None:
    """60 MB in one line of one array (or of one batch in an array): the old reader held the
    file, then every element."""
    p = tmp_path / "big.json"
    with p.open("wb") as f:
        f.write(b"[" + (b"[" if shape == "batch" else b"") + DEFECT)
        for _ in range(60 * MB // len(APPEND)):
            f.write(b", " + APPEND)
        f.write(b", " + DEFECT + (b"]" if shape == "batch" else b"") + b"]")
    code, out, peak = _child_peak(p)
    assert code == 1 and ("RT101", 1) in _codes(out)
    assert len(out["diagnostics"]) == 2  # type: ignore[arg-type]
    assert peak < baseline + 30, (peak, baseline)


def test_gzip_of_one_array_streams(tmp_path: Path, baseline: int) -> None:
    """A small .gz that inflates to a big array (the 3.4 MB file that reached 2.1 GB)."""
    p = tmp_path / "big.json.gz"
    body = b"[\n" + b",\n".join([APPEND] * (80 * MB // len(APPEND)) + [DEFECT]) + b"\n]\n"
    p.write_bytes(gzip.compress(body, compresslevel=1))
    assert p.stat().st_size < 2 * MB
    code, out, peak = _child_peak(p)
    assert code == 1 and _codes(out) == {("RT101", body.count(b"\n") - 1)}
    assert peak < baseline + 30, (peak, baseline)


def test_utf16_array_streams(tmp_path: Path, baseline: int) -> None:
    p = tmp_path / "big16.json"
    body = "[" + ",\n".join([APPEND.decode()] * (24 * MB // len(APPEND)) + [DEFECT.decode()]) + "]"
    p.write_bytes(body.encode("utf-16"))
    code, out, peak = _child_peak(p)
    assert code == 1 and {c for c, _ in _codes(out)} == {"RT101", "RT013"}
    assert peak < baseline + 30, (peak, baseline)


def test_array_of_100k_tiny_events(tmp_path: Path, baseline: int) -> None:
    tiny = b'{"type":"x.y","event_id":"e"}'
    p = tmp_path / "tiny.json"
    p.write_bytes(b"[" + b",".join([tiny] * 100_000) + b"," + DEFECT + b"]")
    code, out, peak = _child_peak(p, "--ignore", "RT102")
    assert code == 1 and _codes(out) == {("RT101", 1)}
    assert peak < baseline + 30, (peak, baseline)


@pytest.mark.parametrize("shape", ["line", "element"])
def test_line_near_the_limit_costs_about_its_size_once_more(tmp_path: Path, baseline: int, shape: str) -> None:
    """A 40 MB audio line (or array element): the line plus the parsed value, no more
    (it was 3.4x the line before)."""
    size = 40 * MB
    big = json.dumps({"type": "input_audio_buffer.append", "event_id": "big", "audio": "A" * size}).encode()
    p = tmp_path / ("long.jsonl" if shape == "line" else "long.json")
    p.write_bytes(big + b"\n" + DEFECT + b"\n" if shape == "line" else b"[" + big + b",\n" + DEFECT + b"]")
    code, out, peak = _child_peak(p)
    assert code == 1 and _codes(out) == {("RT101", 2)}
    assert peak < baseline + 2.3 * size / MB, (peak, baseline)
