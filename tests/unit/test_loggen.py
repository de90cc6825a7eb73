"""The log generator: deterministic, realistic (self-consistent), every event type, every envelope."""

from __future__ import annotations

import base64
import json
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from benchmarks import loggen
from realtime_cli.api import validate_events, validate_path
from realtime_cli.logs.loader import Record, iter_file

KINDS = [("ga", "audio", False), ("ga", "audio", True), ("ga", "text", False),
         ("beta", "audio", False), ("beta", "audio", True), ("beta", "text", False)]


# delta type -> (its final event type, the final field); used to check text == concatenated deltas.
DELTA_DONE = {
    "response.output_text.delta": ("response.output_text.done", "text"),
    "response.text.delta": ("response.text.done", "text"),
    "response.output_audio_transcript.delta": ("response.output_audio_transcript.done", "transcript"),
    "response.audio_transcript.delta": ("response.audio_transcript.done", "transcript"),
    "response.function_call_arguments.delta": ("response.function_call_arguments.done", "arguments"),
    "conversation.item.input_audio_transcription.delta": (
        "conversation.item.input_audio_transcription.completed", "transcript"),
}
DONE_FIELD = dict(DELTA_DONE.values())


def _events(dialect: str, profile: str = "audio", turns: int = 6, seed: int = 1, **kw: Any) -> list[dict[str, Any]]:
    kw.setdefault("chunk_ms", 2)  # small payloads: fast tests, same structure
    return list(loggen.generate_events(dialect, profile=profile, turns=turns, seed=seed, **kw))


def test_same_seed_same_events_other_seed_other_events() -> None:
    a = _events("ga", seed=7)
    assert a == _events("ga", seed=7)
    assert a != _events("ga", seed=8)
    assert _events("beta", "text", seed=7) == _events("beta", "text", seed=7)


@pytest.mark.parametrize(("dialect", "profile", "webrtc"), KINDS)
def test_long_log_has_every_generated_type_of_its_dialect(dialect: str, profile: str, webrtc: bool) -> None:
    seen = Counter(e["type"] for e in _events(dialect, profile, turns=70, seed=3, webrtc=webrtc))
    expected = loggen.generated_types(dialect, profile, webrtc=webrtc)
    assert expected - set(seen) == set()
    assert set(seen) - expected == set()
    # Dialect purity: no event of the other dialect's renamed families.
    other = "beta" if dialect == "ga" else "ga"
    assert not {t for t in seen if t in loggen._NAMES[other].values()}


def test_generated_types_cover_the_realtime_session_events() -> None:
    """What the generator cannot produce is a short, explicit list (documented in loggen)."""
    from realtime_cli.logs import dialect as dl

    for d in ("ga", "beta"):
        covered = set()
        for dd, profile, webrtc in KINDS:
            if dd == d:
                covered |= loggen.generated_types(d, profile, webrtc=webrtc)
        missing = dl.ALL_EVENTS[d] - covered
        assert missing <= {
            "error", "input_audio_buffer.commit", "transcription_session.update", "conversation.created",
            "transcription_session.updated", "conversation.item.created",
            "conversation.item.input_audio_transcription.segment",
            "input_audio_buffer.timeout_triggered", "input_audio_buffer.dtmf_event_received",
            "mcp_list_tools.in_progress", "mcp_list_tools.completed", "mcp_list_tools.failed",
            "response.mcp_call_arguments.delta", "response.mcp_call_arguments.done",
            "response.mcp_call.in_progress", "response.mcp_call.completed", "response.mcp_call.failed",
        }, sorted(missing)


@pytest.mark.parametrize(("dialect", "profile", "webrtc"), KINDS)
def test_sessions_are_self_consistent(dialect: str, profile: str, webrtc: bool) -> None:
    """The invariants rtcheck's rules check hold by construction (checked here independently)."""
    evs = _events(dialect, profile, turns=40, seed=5, webrtc=webrtc)
    deltas: dict[tuple[str, str], list[str]] = defaultdict(list)
    audio_ms: Counter[str] = Counter()
    streamed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    created, done = [], []
    calls: set[str] = set()
    ids = set()
    for ev in evs:
        t = ev["type"]
        eid = ev["event_id"]
        assert eid not in ids
        ids.add(eid)
        if t in DELTA_DONE:
            deltas[(DELTA_DONE[t][0], ev["item_id"])].append(ev["delta"])
        if t in ("response.output_audio.delta", "response.audio.delta"):
            audio_ms[ev["item_id"]] += len(base64.b64decode(ev["delta"], validate=True)) // 48
        if t in DONE_FIELD:
            final = ev[DONE_FIELD[t]]
            assert "".join(deltas.pop((t, ev["item_id"]), [])) == final, ev
        if t == "response.output_item.done":
            streamed[ev["response_id"]].append(ev["item"])
            if ev["item"]["type"] == "function_call":
                calls.add(ev["item"]["call_id"])
                args = json.loads(ev["item"]["arguments"])
                assert isinstance(args, dict) and args
        if t == "conversation.item.create" and ev["item"]["type"] == "function_call_output":
            assert ev["item"]["call_id"] in calls
        if t == "conversation.item.truncate":
            assert 0 < ev["audio_end_ms"] <= audio_ms[ev["item_id"]]
        if t == "response.created":
            r = ev["response"]
            assert (r["status"], r["usage"], r["output"]) == ("in_progress", None, [])
            assert len(created) == len(done), "overlapping responses"
            created.append(r["id"])
        if t == "response.done":
            r = ev["response"]
            assert r["id"] == created[-1]
            done.append(r["id"])
            assert r["output"] == streamed.pop(r["id"], [])
            u = r["usage"]
            det = u["input_token_details"]
            assert u["total_tokens"] == u["input_tokens"] + u["output_tokens"]
            assert u["input_tokens"] == det["text_tokens"] + det["audio_tokens"] + det.get("image_tokens", 0)
            assert u["output_tokens"] == sum(u["output_token_details"].values())
            assert det["cached_tokens"] == sum(det["cached_tokens_details"].values()) <= u["input_tokens"]
            sd = r["status_details"]
            assert (sd is None) == (r["status"] == "completed")
            if sd is not None:
                assert sd["type"] == r["status"]
    assert created == done
    assert any(r for r in created)


@pytest.mark.parametrize("dialect", ["ga", "beta"])
@pytest.mark.parametrize("profile", ["audio", "text"])
def test_rtcheck_finds_nothing_in_a_generated_session(dialect: str, profile: str) -> None:
    report = validate_events(_events(dialect, profile, turns=25, seed=11), name="generated")
    assert [d for d in report.diagnostics if d.severity.name != "INFO"] == []
    assert report.files[0].dialect == dialect


@pytest.mark.parametrize("envelope", loggen.ENVELOPES)
def test_every_envelope_unwraps_to_the_generated_events(envelope: str, tmp_path: Path) -> None:
    path = tmp_path / f"log-{envelope}.jsonl"
    stats = loggen.write_log(path, "ga", turns=3, seed=4, envelope=envelope, chunk_ms=20)
    records = [r for r in iter_file(str(path)) if isinstance(r, Record)]
    assert len(records) == stats["records"]
    assert {r.envelope for r in records} == {envelope}
    bare = _events("ga", turns=3, seed=4, chunk_ms=20)
    if envelope == "livekit":
        assert all(r.direction in ("client", "server") for r in records)
        bare = [e for e in bare if e["type"] != "input_audio_buffer.append"]
        assert all(r.event["delta"] == "..." for r in records if r.event["type"] == "response.output_audio.delta")
        assert [r.event["type"] for r in records] == [e["type"] for e in bare]
    elif envelope == "cookbook":
        cut = [r for r in records if "...[truncated " in json.dumps(r.event)]
        assert cut, "audio payloads over 400 chars must be cut like the cookbook recorder does"
        assert [r.event["type"] for r in records] == [e["type"] for e in bare]
    else:
        assert [r.event for r in records] == bare
    if envelope in ("time-source", "direction", "agents"):
        assert [r.direction for r in records] == [loggen.direction(e) for e in bare]


def test_size_mb_stops_at_a_turn_edge_and_gzip_works(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl.gz"
    stats = loggen.write_log(path, "beta", size_mb=0.3, seed=2, chunk_ms=20)
    assert stats["bytes"] >= 0.3 * 1024 * 1024
    report = validate_path(path)
    assert report.files[0].events == stats["records"]
    assert [d for d in report.diagnostics if d.severity.name != "INFO"] == []


def test_committed_fixture_set_is_what_the_generator_writes(tmp_path: Path, fixtures: Path) -> None:
    loggen.write_fixture_set(tmp_path)
    committed = fixtures / "valid" / "generated"
    for name in loggen.FIXTURE_SET:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name


def test_cli_writes_a_log(tmp_path: Path) -> None:
    out = tmp_path / "cli.jsonl"
    assert loggen.main(["--dialect", "beta", "--profile", "text", "--turns", "2", "-o", str(out)]) == 0
    types = [json.loads(line)["type"] for line in out.read_text().splitlines()]
    assert types[:2] == ["session.created", "conversation.created"]
    assert types.count("response.done") >= 2


@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_a_session_ends_at_its_expiry_and_the_next_one_starts(
    dialect: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Half a simulated minute per session (instead of 30) so that a small log holds several.
    monkeypatch.setattr(loggen, "SESSION_MS", 30_000)
    monkeypatch.setattr(loggen, "_TURN_MARGIN_MS", 3_000)
    log = tmp_path / "multi.jsonl"
    loggen.write_log(log, dialect, profile="text", turns=60, seed=1, envelope="time-source")
    records = [r for r in iter_file(str(log)) if isinstance(r, Record)]
    starts = [i for i, r in enumerate(records) if r.event["type"] == "session.created"]
    assert len(starts) >= 3
    ids = [records[i].event["session"]["id"] for i in starts]
    assert len(set(ids)) == len(ids)  # new sessions, not the same one again
    stamps = [datetime.fromisoformat(r.ts.replace("Z", "+00:00")).timestamp() for r in records]
    assert stamps == sorted(stamps)
    for a, b in zip(starts, [*starts[1:], len(records)], strict=True):
        expires = records[a].event["session"]["expires_at"]
        # No turn starts in a session's last 3 s; the turn in flight may run a little past.
        assert max(stamps[a:b]) <= expires + 20
    assert list(validate_path(str(log)).diagnostics) == []  # each session is clean on its own
