"""`rtcheck show`, `ls` and `stats` through the real CLI: goldens, lookups, hostile text, scale.

Goldens are Rich renders at 100 columns with colour off. To refresh them after a deliberate
change: ``RTCHECK_UPDATE_GOLDEN=1 python -m pytest tests/acceptance/test_inspect.py``.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from benchmarks.loggen import write_log
from realtime_cli.cli.main import app
from realtime_cli.logs.loader import unwrap

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
INSPECT = "tests/fixtures/inspect"
GA = f"{INSPECT}/ga_session.jsonl"
TRUNCATED = f"{INSPECT}/beta_truncated.jsonl"
HOSTILE = f"{INSPECT}/hostile.jsonl"
REAL = "tests/fixtures/real/LivelyKernel__lively4-core__ai-workspace-replay-events.json"


class Run:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def invoke(*args: str, input: bytes | None = None, columns: int = 100, color: bool = False) -> Run:
    """Run the CLI in-process from the repository root (relative paths keep goldens stable)."""
    env = {"COLUMNS": str(columns)}
    if not color:
        env["NO_COLOR"] = "1"
    old = Path.cwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Run(result.exit_code, result.stdout, result.stderr)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("RTCHECK_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"render differs from {path}:\n{text}"


# --------------------------------------------------------------------------- goldens


@pytest.mark.parametrize(
    ("golden", "args"),
    [
        ("show_ga_audio.txt", ("show", "resp_CdZaW1", GA)),
        ("show_ga_function_bad_usage.txt", ("show", "resp_CdZaW2222222222222222", GA)),
        ("show_beta_truncated.txt", ("show", "resp_BtrUNC", TRUNCATED)),
        ("show_hostile.txt", ("show", "last", HOSTILE)),
        ("ls_inspect.txt", ("ls", INSPECT)),
        ("stats_inspect.txt", ("stats", GA, TRUNCATED, REAL)),
    ],
)
def test_golden_renders(golden: str, args: tuple[str, ...]) -> None:
    run = invoke(*args)
    assert run.code == 0, run
    check_golden(golden, run.stdout)


# --------------------------------------------------------------------------- show specifics


def test_show_marks_usage_that_does_not_add_up() -> None:
    run = invoke("show", "resp_CdZaW2", GA)
    assert "999 !" in run.stdout, run
    assert "total_tokens 999 != input 150 + output 20" in run.stdout


def test_truncated_log_shows_the_response_as_incomplete() -> None:
    run = invoke("show", "resp_BtrUNC", TRUNCATED)
    assert run.code == 0, run
    assert "incomplete: no response.done in the log" in run.stdout
    assert "The answer is 42" in run.stdout
    assert "usage  no response.done in the log" in run.stdout


def test_ambiguous_prefix_lists_candidates_and_exits_1() -> None:
    run = invoke("show", "resp_CdZaW", INSPECT)
    assert run.code == 1, run
    assert "matches 2 responses" in run.stderr
    assert "resp_CdZaW1111111111111111" in run.stderr and "resp_CdZaW2222222222222222" in run.stderr
    assert run.stdout == ""


def test_not_found_suggests_the_closest_ids() -> None:
    run = invoke("show", "resp_CdZaX1111", INSPECT)
    assert run.code == 1, run
    assert "no response, item or call resp_CdZaX1111" in run.stderr
    assert "closest ids: resp_CdZaW1111111111111111" in run.stderr


def test_unreadable_input_exits_2() -> None:
    run = invoke("show", "last", "tests/fixtures/inspect/missing.jsonl")
    assert run.code == 2, run
    assert "no such file or directory" in run.stderr
    assert invoke("ls", "tests/fixtures/inspect/missing.jsonl").code == 2
    assert invoke("stats", "tests/fixtures/inspect/missing.jsonl").code == 2


def test_usage_errors_exit_2() -> None:
    assert invoke("show", "last", GA, "--format", "xml").code == 2
    assert invoke("ls", GA, "--color", "sometimes").code == 2


def test_last_is_the_most_recent_response() -> None:
    run = invoke("show", "last", GA, "--format", "json")
    assert json.loads(run.stdout)["response"]["id"] == "resp_CdZaW2222222222222222", run


def test_show_json_shape() -> None:
    run = invoke("show", "resp_CdZaW1", GA, "--format", "json")
    data = json.loads(run.stdout)
    assert data["version"] == 2 and data["command"] == "show" and data["state"] == "found"
    resp = data["response"]
    assert resp["id"] == "resp_CdZaW1111111111111111"
    assert resp["output"][0]["audio"] == {"deltas": 2, "bytes": 9600, "invalid_deltas": 0, "duration_ms": 200.0}
    assert resp["timeline"]["ms_to_first_output"] == 450.0
    assert resp["timeline"]["ms_to_done"] == 1300.0
    assert set(resp) >= {"status", "status_details", "usage", "usage_problems", "output", "timeline", "diagnostics"}
    miss = json.loads(invoke("show", "resp_nope", GA, "--format", "json").stdout)
    assert (miss["found"], miss["state"], miss["response"]) == (False, "not_found", None)


def test_base64_audio_is_never_printed() -> None:
    audio = base64.b64encode(bytes(4800)).decode()
    for fmt in ("text", "json"):
        run = invoke("show", "resp_CdZaW1", GA, "--full", "--format", fmt)
        assert run.code == 0, run
        assert audio[:64] not in run.stdout


@pytest.mark.parametrize("color", [False, True])
def test_hostile_content_is_escaped(color: bool) -> None:
    run = invoke("show", "last", HOSTILE, "--full", *(["--color", "always"] if color else []), color=color, columns=300)
    assert run.code == 0, run
    out = run.stdout
    assert "[bold red]fake[/bold red]" in out  # markup shown, not interpreted
    assert "\\x1b[31mred" in out and "\\u202eevil" in out and "back\\rspace\\" in out
    for raw in ("\x1b[31m", "\x1b]8;", "\u202e", "\r", "\x08", "\x1b[2J", "\x1b[5m"):
        assert raw not in out, repr(raw)
    assert "[link=https://evil.example]x[/link]" in out
    # The only escape sequences are Rich's own SGR styles.
    if color:
        assert "\x1b[" in out


def test_gzip_and_stdin_are_streamed(tmp_path: Path) -> None:
    gz = tmp_path / "ga.jsonl.gz"
    gz.write_bytes(gzip.compress((ROOT / GA).read_bytes()))
    a = json.loads(invoke("show", "resp_CdZaW1", str(gz), "--format", "json").stdout)
    b = json.loads(invoke("show", "resp_CdZaW1", "-", "--format", "json", input=(ROOT / GA).read_bytes()).stdout)
    c = json.loads(invoke("show", "resp_CdZaW1", GA, "--format", "json").stdout)
    assert a["scan"]["files_streamed"] == b["scan"]["files_streamed"] == 1
    assert c["scan"]["files_mapped"] == 1
    for d in (a, b):
        assert d["response"]["output"] == c["response"]["output"]
        assert d["response"]["timeline"]["events"] == c["response"]["timeline"]["events"]


# --------------------------------------------------------------------------- ls / stats


def test_ls_status_filter() -> None:
    data = json.loads(invoke("ls", INSPECT, "--status", "unfinished", "--format", "json").stdout)
    assert [r["id"] for r in data["responses"]] == ["resp_BtrUNC000000000000001"]
    data = json.loads(invoke("ls", INSPECT, "--status", "completed,failed", "--status", "cancelled", "--format", "json").stdout)
    assert len(data["responses"]) == 3 and data["version"] == 2


def test_stats_json_shape() -> None:
    data = json.loads(invoke("stats", GA, TRUNCATED, "--format", "json").stdout)
    assert data["version"] == 2 and data["command"] == "stats"
    assert data["totals"]["files"] == 2 and data["totals"]["statuses"] == {"completed": 2, "unfinished": 1}
    ga, beta = data["logs"]
    (s,) = ga["sessions"]
    u = s["usage"]
    assert (u["input_tokens"], u["output_tokens"], u["total_tokens"], u["cached_tokens"], u["cached_share"]) == (270, 70, 1169, 16, 0.0593)
    assert s["audio"]["in_seconds"] == 0.1 and s["audio"]["out_seconds"] == 0.2
    assert s["model"] == "gpt-realtime" and s["cost"]["usd"] is not None
    assert s["diagnostics"].get("RT501") == 1  # the planted usage mismatch, found by validate
    assert beta["dialect"] == "beta" and beta["sessions"][0]["statuses"] == {"unfinished": 1}


# --------------------------------------------------------------------------- the judgment


def _truth(path: Path) -> dict[str, dict[str, Any]]:
    """Straight from the raw file: every response id with status, total tokens and item ids."""
    out: dict[str, dict[str, Any]] = {}
    text = path.read_text(encoding="utf-8")
    values = json.loads(text) if text.lstrip().startswith("[") else [json.loads(ln) for ln in text.splitlines() if ln.strip()]
    for value in values:
        ev = unwrap(value)[0]
        if ev is None:
            continue
        if ev.get("type") in ("response.created", "response.done"):
            resp = ev["response"]
            usage = resp.get("usage") or {}
            out[resp["id"]] = {
                "status": resp["status"],
                "total": usage.get("total_tokens"),
                "items": [it["id"] for it in resp.get("output") or [] if it.get("id")],
            }
    return out


def _generated(tmp_path: Path) -> list[Path]:
    logs = []
    for dialect, envelope, seed in (("ga", "bare", 1), ("beta", "bare", 2), ("ga", "time-source", 3), ("beta", "livekit", 4), ("ga", "lively4", 5)):
        p = tmp_path / f"{dialect}-{envelope}.jsonl"
        write_log(p, dialect, turns=8, seed=seed, envelope=envelope, chunk_ms=200)
        logs.append(p)
    return logs


def test_every_response_is_shown_and_listed(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    shutil.copy(ROOT / REAL, real)
    for log in [real, *_generated(tmp_path)]:
        truth = _truth(log)
        listed = invoke("ls", str(log), columns=250)
        assert listed.code == 0, listed
        for rid in truth:
            assert rid in listed.stdout, (log, rid, listed)
        ls_ids = [r["id"] for r in json.loads(invoke("ls", str(log), "--format", "json").stdout)["responses"]]
        assert sorted(ls_ids) == sorted(truth), log
        for rid, want in truth.items():
            run = invoke("show", rid, str(log), columns=250)
            assert run.code == 0, (log, rid, run)
            assert rid in run.stdout and want["status"] in run.stdout, (log, rid, run)
            if want["total"] is not None:
                assert f"{want['total']:,}" in run.stdout, (log, rid, run)
            for item_id in want["items"]:
                assert item_id in run.stdout, (log, rid, item_id, run)
    # The real recorded session holds input events only: there is no response to show.
    assert _truth(real) == {}


def test_show_on_a_large_log_parses_a_small_fraction(tmp_path: Path) -> None:
    log = tmp_path / "big.jsonl"
    stats = write_log(log, "ga", size_mb=20, seed=7)
    truth = _truth(log)
    rid = list(truth)[len(truth) // 2]
    data = json.loads(invoke("show", rid, str(log), "--format", "json").stdout)
    assert data["found"] and data["response"]["id"] == rid
    parsed = data["scan"]["lines_parsed"]
    # The response's own lines plus show's context window (back to the second earlier
    # response.done, for the turn that triggered it): still a small fraction of the log.
    assert 0 < parsed < stats["records"] * 0.08, (parsed, stats)
    # ... and it is the same response a full parse would give.
    assert [i["id"] for i in data["response"]["output"]] == truth[rid]["items"]
    assert data["response"]["timeline"]["events"].get("response.create", 0) <= 1


def test_junk_values_render_without_a_traceback(tmp_path: Path) -> None:
    events = [
        {"type": "response.create", "response": None},
        {"type": "response.created", "response": {"id": "resp_1", "status": ["x"], "output": [1, {"id": 5}],
                                                  "status_details": {"reason": {"a": 1}, "error": "e"},
                                                  "metadata": {"k": {"nested": True}}, "max_output_tokens": 99}},
        {"type": "response.output_item.added", "response_id": "resp_1", "output_index": 0, "item": {"id": "item_1", "type": 4}},
        {"type": "response.function_call_arguments.done", "response_id": "resp_1", "item_id": "item_1", "arguments": "{not json"},
        {"type": "response.done", "response": {"id": "resp_1", "status": "failed", "usage": {"total_tokens": -1, "input_tokens": "a"},
                                               "status_details": {"type": "failed", "error": {"type": "server_error", "code": None}}}},
        {"type": "response.done", "response": {"id": "resp_2", "status": None}},
    ]
    log = tmp_path / "junk.jsonl"
    log.write_text("".join(json.dumps({**e, "event_id": f"event_{i}"}) + "\n" for i, e in enumerate(events)), encoding="utf-8")
    for args in (("show", "resp_1"), ("show", "last"), ("ls",), ("stats",)):
        for fmt in ("text", "json"):
            run = invoke(*args, str(log), "--format", fmt)
            assert run.code == 0, (args, run)
    out = invoke("show", "resp_1", str(log), columns=200).stdout
    assert "failed" in out and "failed (server_error)" in out and "{not json" in out
