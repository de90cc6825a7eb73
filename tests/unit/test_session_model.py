"""The session model against values computed here, straight from the raw events.

The expected latencies are recomputed in the test from the raw lines (the definition in the
README: end of the user's turn -> first output delta), not from the builder's own code.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest

from benchmarks.loggen import write_log
from realtime_cli import load_sessions
from realtime_cli.logs.loader import unwrap
from realtime_cli.session.model import nearest_rank
from realtime_cli.session.prices import BUNDLED, lookup, price_table, usage_cost

FIRST_OUTPUT = ("response.output_audio.delta", "response.audio.delta", "response.output_audio_transcript.delta",
                "response.audio_transcript.delta", "response.output_text.delta", "response.text.delta",
                "response.function_call_arguments.delta")


def _events(path: Path) -> list[tuple[dict[str, Any], float | None]]:
    out = []
    for line in path.read_text().splitlines():
        obj = json.loads(line)
        ev, _, _, ts, _ = unwrap(obj)
        if ev is None:
            continue
        t = None
        if isinstance(ts, str):
            t = dt.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1000
        out.append((ev, t))
    return out


def _expected_latencies(path: Path) -> list[float]:
    """Independent: anchor = last speech_stopped, else the last response.create / item.create,
    used once; latency = first output delta of the next response - anchor."""
    anchor: tuple[str, float] | None = None
    open_: dict[str, float | None] = {}
    out: list[float] = []
    for ev, t in _events(path):
        ty = ev.get("type")
        if ty == "input_audio_buffer.speech_stopped" and t is not None:
            anchor = ("speech", t)
        elif ty in ("response.create", "conversation.item.create") and t is not None:
            if anchor is None or anchor[0] != "speech":
                anchor = ("client", t)
        elif ty == "response.created":
            open_[ev["response"]["id"]] = anchor[1] if anchor else None
            anchor = None
        elif ty in FIRST_OUTPUT and ev.get("response_id") in open_:
            a = open_.pop(ev["response_id"])
            if a is not None:
                out.append(t - a if t is not None else math.nan)
    return out


@pytest.mark.parametrize("seed", [1, 2, 7])
def test_latency_percentiles_match_an_independent_computation(tmp_path: Path, seed: int) -> None:
    log = tmp_path / "timed.jsonl"
    write_log(log, "ga", turns=20, seed=seed, envelope="time-source")
    expected = sorted(_expected_latencies(log))
    run = load_sessions(log)
    got = sorted(r.latency_ms for r in run.responses if r.latency_ms is not None)
    assert got == pytest.approx(expected)
    assert len(expected) >= 10
    lat = run.latency
    n = len(expected)
    for p, value in ((50, lat.p50), (90, lat.p90), (95, lat.p95), (99, lat.p99)):
        assert value == pytest.approx(expected[math.ceil(p / 100 * n) - 1])
    assert lat.max == pytest.approx(expected[-1])


def test_nearest_rank_definition() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert [nearest_rank(values, p) for p in (50, 90, 95, 99, 100)] == [10.0, 18.0, 19.0, 20.0, 20.0]
    assert nearest_rank([5.0], 99) == 5.0


def test_statuses_and_failure_reasons_match_the_log(tmp_path: Path) -> None:
    log = tmp_path / "x.jsonl"
    write_log(log, "beta", turns=30, seed=4, envelope="bare")
    statuses: dict[str, int] = {}
    reasons: dict[str, int] = {}
    for ev, _ in _events(log):
        if ev.get("type") == "response.done":
            r = ev["response"]
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
            if r["status"] != "completed":
                sd = r.get("status_details") or {}
                why = sd.get("reason") or (sd.get("error") or {}).get("code") or "no reason given"
                key = f"{r['status']}: {why}"
                reasons[key] = reasons.get(key, 0) + 1
    run = load_sessions(log)
    assert dict(run.statuses) == statuses
    assert dict(run.failure_reasons) == reasons


def test_interruption_heard_vs_generated_and_barge_in(tmp_path: Path) -> None:
    ev = lambda line: json.dumps(line)  # noqa: E731
    audio = "AAAA" * 1200  # 3,600 bytes of PCM16 = 75 ms
    lines = [
        {"type": "session.created", "event_id": "e1", "session": {"id": "s", "model": "gpt-realtime"}},
        {"type": "input_audio_buffer.speech_started", "event_id": "e2", "audio_start_ms": 100, "item_id": "u1"},
        {"type": "input_audio_buffer.speech_stopped", "event_id": "e3", "audio_end_ms": 900, "item_id": "u1"},
        {"type": "response.created", "event_id": "e4", "response": {"id": "r1", "status": "in_progress", "output": []}},
        {"type": "response.output_item.added", "event_id": "e5", "response_id": "r1", "output_index": 0,
         "item": {"id": "a1", "type": "message", "role": "assistant", "content": []}},
        {"type": "response.output_audio.delta", "event_id": "e6", "response_id": "r1", "item_id": "a1",
         "output_index": 0, "content_index": 0, "delta": audio},
        {"type": "input_audio_buffer.speech_started", "event_id": "e7", "audio_start_ms": 1500, "item_id": "u2"},
        {"type": "response.done", "event_id": "e8", "response": {
            "id": "r1", "status": "cancelled", "status_details": {"type": "cancelled", "reason": "turn_detected"},
            "output": [{"id": "a1", "type": "message", "status": "incomplete"}]}},
        {"type": "conversation.item.truncate", "event_id": "c1", "item_id": "a1", "content_index": 0, "audio_end_ms": 40},
        {"type": "conversation.item.truncated", "event_id": "e9", "item_id": "a1", "content_index": 0, "audio_end_ms": 40},
        {"type": "input_audio_buffer.speech_stopped", "event_id": "e10", "audio_end_ms": 2100, "item_id": "u2"},
        {"type": "response.created", "event_id": "e11", "response": {"id": "r2", "status": "in_progress", "output": []}},
        {"type": "response.done", "event_id": "e12", "response": {"id": "r2", "status": "completed", "output": []}},
    ]
    log = tmp_path / "barge.jsonl"
    log.write_text("\n".join(ev(x) for x in lines) + "\n")
    run = load_sessions(log)
    (s,) = run.sessions
    (cut,) = s.interruptions
    assert cut.reason == "turn_detected" and cut.item_id == "a1"
    assert cut.audio_generated_ms == pytest.approx(75.0) and cut.audio_heard_ms == 40.0
    assert cut.truncated_by == "client" and cut.truncate_line == 9
    assert cut.barge_in_turn == 2 and cut.produced_turn is True
    assert s.interruption_count == 1 and s.turn_count == 2
    assert [t.speech_ms for t in s.turns] == [800, 600]


def test_cost_uses_the_dated_snapshot_and_names_unknown_models(tmp_path: Path) -> None:
    usage = {"input_tokens": 1000, "output_tokens": 1000, "input_token_details": {
        "text_tokens": 0, "audio_tokens": 1000, "cached_tokens": 0}, "output_token_details": {"text_tokens": 0, "audio_tokens": 1000}}
    old = lookup(BUNDLED, "gpt-4o-realtime-preview-2024-10-01")
    new = lookup(BUNDLED, "gpt-4o-realtime-preview-2024-12-17")
    assert old is not None and new is not None
    assert usage_cost(old, usage) == pytest.approx((100 + 200) / 1000)
    assert usage_cost(new, usage) == pytest.approx((40 + 80) / 1000)
    assert lookup(BUNDLED, "gpt-realtime-2025-08-28") is BUNDLED["gpt-realtime"]
    assert lookup(BUNDLED, "gpt-5-realtime-imaginary") is None
    table = price_table({"my-model": {"audio_input": 1.0}})
    assert lookup(table, "my-model") is not None and lookup(table, "my-model").audio_input == 1.0  # type: ignore[union-attr]
    log = tmp_path / "unknown.jsonl"
    log.write_text("\n".join(json.dumps(x) for x in [
        {"type": "session.created", "event_id": "e1", "session": {"id": "s", "model": "mystery-model"}},
        {"type": "response.done", "event_id": "e2", "response": {"id": "r", "status": "completed", "output": [], "usage": usage}},
    ]) + "\n")
    run = load_sessions(log)
    assert dict(run.cost.unpriced) == {"mystery-model": 1} and run.cost.usd == 0
