"""Pure derivations behind show / ls / stats: usage arithmetic, timestamps, audio, rebuilding."""

from __future__ import annotations

from pathlib import Path

import pytest

from realtime_cli.logs.loader import Record, iter_file
from realtime_cli.session.builder import SessionBuilder
from realtime_cli.session.summaries import (
    build_responses,
    bytes_per_ms,
    response_dict,
    usage_checks,
)

INSPECT = Path(__file__).resolve().parent.parent / "fixtures" / "inspect"


def _records(name: str) -> list[Record]:
    return [r for r in iter_file(str(INSPECT / name)) if isinstance(r, Record)]


def _usage(total: int = 170, inp: int = 120, out: int = 50, cached: int = 16) -> dict[str, object]:
    return {
        "total_tokens": total,
        "input_tokens": inp,
        "output_tokens": out,
        "input_token_details": {
            "text_tokens": 20, "audio_tokens": 100, "cached_tokens": cached,
            "cached_tokens_details": {"text_tokens": 16, "audio_tokens": 0},
        },
        "output_token_details": {"text_tokens": 10, "audio_tokens": 40},
    }


def test_usage_that_adds_up_has_no_findings() -> None:
    assert usage_checks(_usage()) == []


@pytest.mark.parametrize(
    ("usage", "field"),
    [
        (_usage(total=171), "total_tokens"),
        (_usage(inp=121, total=171), "input_tokens"),
        (_usage(out=51, total=171), "output_tokens"),
        (_usage(cached=17), "cached_tokens"),
    ],
)
def test_each_usage_invariant_is_checked(usage: dict[str, object], field: str) -> None:
    assert [c.field for c in usage_checks(usage)] == [field]


def test_beta_docs_example_cached_exceeds_input() -> None:
    # The hand-written beta docs response.done: cached_tokens 384 > input_tokens 127.
    usage = {"total_tokens": 469, "input_tokens": 127, "output_tokens": 342,
             "input_token_details": {"cached_tokens": 384, "text_tokens": 119, "audio_tokens": 8},
             "output_token_details": {"text_tokens": 36, "audio_tokens": 306}}
    assert [c.message for c in usage_checks(usage)] == ["cached_tokens 384 > input_tokens 127"]


def test_usage_checks_tolerate_garbage() -> None:
    assert usage_checks(None) == []
    assert usage_checks({"total_tokens": "x", "input_token_details": []}) == []


@pytest.mark.parametrize(
    ("ts", "expected"),
    [
        ("2025-11-19T10:00:01.500Z", 1763546401500.0),
        (1763547636363, 1763547636363.0),
        (1763547636, 1763547636000.0),  # epoch seconds
        (250, 250.0),  # cookbook event_time_ms, relative
        ("3:04:05 PM", ((15 * 60 + 4) * 60 + 5) * 1000.0),
        ("12:00:01 AM", 1000.0),
        ("not a time", None),
        (True, None),
        (None, None),
    ],
)
def test_timestamps(ts: object, expected: float | None) -> None:
    from realtime_cli.session.timing import Clock

    assert Clock().convert(ts) == expected  # a fresh clock: the first value fixes the unit


def test_audio_bytes_per_ms() -> None:
    assert bytes_per_ms("pcm16") == 48
    assert bytes_per_ms("g711_ulaw") == bytes_per_ms("audio/pcmu") == 8
    assert bytes_per_ms("audio/pcm@24000") == 48
    assert bytes_per_ms(None) == 48


def test_ga_audio_response_is_rebuilt() -> None:
    r1, r2 = build_responses(_records("ga_session.jsonl"), "ga_session.jsonl")
    assert (r1.id, r1.status, r1.done, r1.dialect, r1.total_tokens) == ("resp_CdZaW1111111111111111", "completed", True, "ga", 170)
    (item,) = r1.items
    assert item.transcript == "Hello there! How can I help?"
    assert item.audio_ms(r1.bytes_per_ms) == 200.0  # two 100 ms PCM16 deltas
    assert r1.counts["response.create"] == 1  # the request that preceded response.created
    assert (r1.ms_to_first_output, r1.ms_to_done) == (450.0, 1300.0)
    (call,) = r2.items
    assert (call.type, call.name, call.call_id) == ("function_call", "get_weather", "call_abc123")
    assert call.arguments == '{"city":"Paris","unit":"c"}'
    assert [c.field for c in usage_checks(r2.usage)] == ["total_tokens"]


def test_truncated_response_is_rebuilt_from_deltas() -> None:
    (r,) = build_responses(_records("beta_truncated.jsonl"), "beta_truncated.jsonl")
    assert (r.done, r.status, r.usage, r.dialect) == (False, "in_progress", None, "beta")
    assert [(i.id, i.text) for i in r.items] == [("item_BtrUNC000000000000001", "The answer is 42")]
    d = response_dict(r)
    assert d["done"] is False and d["total_tokens"] is None


def test_g711_audio_duration() -> None:
    (r,) = build_responses(_records("hostile.jsonl"), "hostile.jsonl")
    assert r.items[0].audio_ms(r.bytes_per_ms) == 100.0  # 800 bytes at 8 bytes/ms


def test_done_without_streamed_events_still_lists_items() -> None:
    (done,) = [r for r in _records("ga_session.jsonl") if r.event["type"] == "response.done"][:1]
    (r,) = build_responses([done], "x")
    assert [i.id for i in r.items] == ["item_CdZaW1111111111111111"]
    assert r.items[0].audio_ms(r.bytes_per_ms) is None  # no deltas: duration unknown, not 0


def test_stats_split_sessions_and_sum_usage() -> None:
    recs = _records("ga_session.jsonl")
    sb = SessionBuilder("x")
    for rec in recs + recs:  # a second session.created starts a second session
        sb.add(rec)
    st = sb.finish([], "ga")
    assert [s.first_line for s in st.sessions] == [1, 1]
    s = st.sessions[0]
    assert dict(s.statuses) == {"completed": 2}
    u = s.usage
    assert (u.input, u.output, u.total, u.cached) == (270, 70, 1169, 16)
    assert (s.audio_in_ms, s.audio_out_ms) == (100.0, 200.0)


def _rec(line: int, event: dict[str, object]) -> Record:
    return Record("x", line, 0, event)


def test_wrongly_typed_events_do_not_break_the_rebuild() -> None:
    junk: list[dict[str, object]] = [
        {"type": "response.created", "response": "not an object"},
        {"type": "response.created", "response": {"id": "resp_1", "output": [1, None, {"id": 5}], "usage": [],
                                                  "status_details": "x", "metadata": [], "modalities": "audio",
                                                  "audio": {"output": {"format": 7}}}},
        {"type": "response.output_item.added", "response_id": "resp_1", "output_index": "0", "item": None},
        {"type": "response.output_text.delta", "response_id": "resp_1", "item_id": 3, "delta": 9},
        {"type": "response.output_audio.delta", "response_id": "resp_1", "item_id": "i", "delta": "!!not base64"},
        {"type": "response.function_call_arguments.done", "response_id": "resp_1", "arguments": {}},
        {"type": "response.done", "response": {"id": "resp_1", "status": 3, "usage": {"total_tokens": True}}},
        {"type": "session.created", "session": {"audio": {"output": {"format": {"type": "audio/pcm", "rate": "x"}}}}},
    ]
    (r,) = build_responses([_rec(i + 1, e) for i, e in enumerate(junk)], "x")
    assert r.id == "resp_1" and r.done and r.total_tokens is None
    assert any(it.invalid_audio_deltas == 1 for it in r.items)
    response_dict(r)  # the JSON shape is still built
    sb = SessionBuilder("x")
    for i, e in enumerate(junk):
        sb.add(_rec(i + 1, e))
    assert sb.finish([], None).sessions


def test_stats_split_sessions_by_envelope_session_id(tmp_path: Path) -> None:
    """lively4 records carry `sessionId`: a new id starts a session, with no session.created."""
    import json

    real = Path(__file__).resolve().parent.parent / "fixtures" / "real"
    records = json.loads((real / "LivelyKernel__lively4-core__ai-workspace-replay-events.json").read_text())
    log = tmp_path / "two.jsonl"
    lines = [json.dumps(r) for r in records] + [json.dumps(dict(r, sessionId="second")) for r in records]
    log.write_text("\n".join(lines) + "\n")
    sb = SessionBuilder(str(log))
    for item in iter_file(str(log)):
        sb.add(item)
    stats = sb.finish([], None)
    got = [(s.session_id, s.first_line, s.last_line) for s in stats.sessions]
    assert got == [(records[0]["sessionId"], 1, len(records)), ("second", len(records) + 1, 2 * len(records))]


def test_ls_rows_match_the_full_rebuild(tmp_path: Path) -> None:
    # ls streams one small row per response; its ids, statuses, lines and item counts are
    # those of the full rebuild (summaries), in file order.
    from benchmarks.loggen import write_log
    from realtime_cli.session import inspection

    log = tmp_path / "ga.jsonl"
    write_log(log, "ga", turns=12, seed=3, envelope="bare", chunk_ms=200)
    recs = [r for r in iter_file(str(log)) if isinstance(r, Record)]
    full = build_responses(recs, str(log), keep_records=False)
    errors: list[tuple[str, str]] = []
    rows = list(inspection.iter_rows(inspection.InspectConfig(paths=(str(log),)), errors))
    assert not errors
    assert [(r.id, r.status, r.line, r.last_line, r.items) for r in rows] == [
        (f.id, f.status if f.done else "unfinished", f.first_line, f.last_line, len(f.items)) for f in full
    ]
    assert len(rows) >= 12


def test_stats_names_barge_ins_only_when_the_user_spoke() -> None:
    # 85 client cancellations read "0 barge-ins became turns": there was no barge-in at all.
    from collections import Counter

    from realtime_cli.session.model import Session
    from realtime_cli.views.stats import _summary_rows

    s = Session(1, "x.jsonl", None, first_line=1)
    s.response_count, s.interruption_count = 10, 3
    row = dict(_summary_rows([s], Counter(), Counter()))["interruptions"]
    assert row == "3 of 10 responses (30.0%)"
    s.barge_ins, s.barge_ins_producing_turns = 2, 1
    row = dict(_summary_rows([s], Counter(), Counter()))["interruptions"]
    assert row == "3 of 10 responses (30.0%); 1 of 2 barge-ins became a turn with a response"
