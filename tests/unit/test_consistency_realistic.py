"""Acceptance for the consistency rules: realistic generated sessions are clean, and each single
planted defect is caught and located (by line and, where it has one, by response id)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from benchmarks.loggen import ENVELOPES, generate_events, write_log
from realtime_cli.core.diagnostics import Diagnostic
from realtime_cli.engine.validate import Config, run

Events = list[dict[str, Any]]

# Sessions with tools, audio, a function call and a cancelled response (seeds picked for that).
SESSIONS = {"ga": {"dialect": "ga", "seed": 2}, "beta": {"dialect": "beta", "seed": 2}}


def _events(dialect: str) -> Events:
    args = SESSIONS[dialect]
    return list(generate_events(args["dialect"], turns=6, seed=args["seed"], chunk_ms=5))


def _run(tmp_path: Path, events: Events, name: str = "log.jsonl") -> list[Diagnostic]:
    path = tmp_path / name
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    return run([str(path)], Config()).diagnostics


def _index(events: Events, pred: Callable[[dict[str, Any]], bool], nth: int = 0) -> int:
    hits = [i for i, e in enumerate(events) if pred(e)]
    assert len(hits) > nth, "the generated session lacks the event this defect needs"
    return hits[nth]


def _type(t: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e.get("type") == t


def _created_line(events: Events, rid: str) -> int:
    return 1 + _index(events, lambda e: e["type"] == "response.created" and e["response"]["id"] == rid)


def _found(diags: list[Diagnostic], code: str) -> list[tuple[int, str | None]]:
    return [(d.line, d.response_id) for d in diags if d.code == code]


# --------------------------------------------------------------------------- clean logs


@pytest.mark.parametrize("dialect", ["ga", "beta"])
@pytest.mark.parametrize("profile", ["audio", "text"])
@pytest.mark.parametrize("webrtc", [False, True])
def test_generated_sessions_give_no_findings(tmp_path: Path, dialect: str, profile: str, webrtc: bool) -> None:
    for seed in (1, 2, 3):
        events = list(generate_events(dialect, profile=profile, turns=6, seed=seed, webrtc=webrtc, chunk_ms=5))
        diags = _run(tmp_path, events)
        assert diags == [], f"{dialect}/{profile}/webrtc={webrtc}/seed={seed}: {diags[:5]}"


@pytest.mark.parametrize("envelope", ENVELOPES)
@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_every_envelope_is_clean(tmp_path: Path, envelope: str, dialect: str) -> None:
    path = tmp_path / f"{dialect}-{envelope}.jsonl"
    write_log(path, dialect, turns=4, seed=1, envelope=envelope, chunk_ms=5)
    diags = run([str(path)], Config()).diagnostics
    if envelope in ("cookbook", "livekit"):
        # Their recorders cut or elide audio payloads by design: one note, nothing else.
        assert [d.code for d in diags] == ["RT801"], diags[:5]
    else:
        assert diags == [], diags[:5]


# --------------------------------------------------------------------------- planted defects


@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_lost_response_done(tmp_path: Path, dialect: str) -> None:
    events = _events(dialect)
    i = _index(events, lambda e: e["type"] == "response.done" and e["response"]["status"] == "completed")
    rid = events[i]["response"]["id"]
    del events[i]
    diags = _run(tmp_path, events)
    assert _found(diags, "RT301") == [(_created_line(events, rid), rid)]


@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_usage_that_does_not_add_up(tmp_path: Path, dialect: str) -> None:
    events = _events(dialect)
    i = _index(events, lambda e: e["type"] == "response.done" and e["response"]["usage"]["output_tokens"] > 0)
    events[i]["response"]["usage"]["total_tokens"] += 7
    diags = _run(tmp_path, events)
    assert _found(diags, "RT501") == [(i + 1, events[i]["response"]["id"])]
    assert {d.code for d in diags} == {"RT501"}


@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_cached_tokens_above_input(tmp_path: Path, dialect: str) -> None:
    events = _events(dialect)
    i = _index(events, lambda e: e["type"] == "response.done" and e["response"]["usage"]["input_tokens"] > 0)
    usage = events[i]["response"]["usage"]
    det = usage["input_token_details"]
    det["cached_tokens"] = usage["input_tokens"] + 5
    if isinstance(det.get("cached_tokens_details"), dict):  # keep the details consistent: one defect only
        det["cached_tokens_details"] = {"text_tokens": det["cached_tokens"], "audio_tokens": 0}
    diags = _run(tmp_path, events)
    assert _found(diags, "RT505") == [(i + 1, events[i]["response"]["id"])]
    assert {d.code for d in diags} == {"RT505"}


@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_duplicated_response_done(tmp_path: Path, dialect: str) -> None:
    events = _events(dialect)
    i = _index(events, _type("response.done"), 1)
    events.insert(i + 1, copy.deepcopy(events[i]))
    diags = _run(tmp_path, events)
    assert _found(diags, "RT302") == [(i + 2, events[i]["response"]["id"])]
    assert {d.code for d in diags} == {"RT302"}


@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_transcript_delta_differs_from_done(tmp_path: Path, dialect: str) -> None:
    events = _events(dialect)
    delta_type = "response.output_audio_transcript.delta" if dialect == "ga" else "response.audio_transcript.delta"
    i = _index(events, _type(delta_type), 3)
    events[i]["delta"] = events[i]["delta"] + "X"
    iid = events[i]["item_id"]
    done = _index(events, lambda e: e["type"] == delta_type.replace(".delta", ".done") and e["item_id"] == iid)
    diags = _run(tmp_path, events)
    assert _found(diags, "RT405") == [(done + 1, events[i]["response_id"])]
    assert {d.code for d in diags} == {"RT405"}


@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_arguments_delta_differs_from_done(tmp_path: Path, dialect: str) -> None:
    events = _events(dialect)
    i = _index(events, _type("response.function_call_arguments.delta"))
    events[i]["delta"] = events[i]["delta"].replace("{", "[", 1) if "{" in events[i]["delta"] else events[i]["delta"] + " "
    done = _index(events, lambda e: e["type"] == "response.function_call_arguments.done" and e["item_id"] == events[i]["item_id"])
    diags = _run(tmp_path, events)
    assert _found(diags, "RT405") == [(done + 1, events[i]["response_id"])]
    assert {d.code for d in diags} == {"RT405"}


@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_unknown_call_id(tmp_path: Path, dialect: str) -> None:
    events = _events(dialect)
    i = _index(events, lambda e: e["type"] == "conversation.item.create" and e["item"]["type"] == "function_call_output")
    old = events[i]["item"]["call_id"]
    for e in events[i:]:  # the client's item and the server's echo of it
        item = e.get("item")
        if isinstance(item, dict) and item.get("call_id") == old and item["type"] == "function_call_output":
            item["call_id"] = "call_NOPE"
    diags = _run(tmp_path, events)
    assert [line for line, _ in _found(diags, "RT601")] == [i + 1]
    assert {d.code for d in diags} == {"RT601"}


@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_contradicting_status_details(tmp_path: Path, dialect: str) -> None:
    events = _events(dialect)
    i = _index(events, lambda e: e["type"] == "response.done" and e["response"]["status"] == "cancelled")
    events[i]["response"]["status_details"]["type"] = "incomplete"
    diags = _run(tmp_path, events)
    assert _found(diags, "RT306") == [(i + 1, events[i]["response"]["id"])]
    assert {d.code for d in diags} == {"RT306"}


@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_event_for_unknown_response(tmp_path: Path, dialect: str) -> None:
    events = _events(dialect)
    i = _index(events, lambda e: e.get("type", "").endswith("transcript.delta") and "response_id" in e, 2)
    events[i]["response_id"] = "resp_NOPE"
    diags = _run(tmp_path, events)
    assert _found(diags, "RT304") == [(i + 1, "resp_NOPE")]
    assert {d.code for d in diags} == {"RT304"}


def test_truncate_past_the_audio_sent(tmp_path: Path) -> None:
    events = _events("beta")
    i = _index(events, _type("conversation.item.truncate"))
    events[i]["audio_end_ms"] += 500
    diags = _run(tmp_path, events)
    assert [line for line, _ in _found(diags, "RT605")] == [i + 1]
    assert {d.code for d in diags} == {"RT605"}


def test_beta_event_inside_a_ga_log(tmp_path: Path) -> None:
    events = _events("ga")
    i = _index(events, _type("response.output_audio_transcript.delta"))
    beta = dict(events[i], type="response.audio_transcript.delta")
    events.insert(i + 1, beta)
    diags = _run(tmp_path, events)
    assert [d.line for d in diags if d.code == "RT201"] == [i + 2]


def test_beta_docs_response_done_breaks_cached_le_input(tmp_path: Path) -> None:
    # PROTOCOL.md 1.6: the beta docs example of response.done has cached_tokens 384 > input 127.
    example = Path(__file__).resolve().parent.parent / "fixtures" / "spec_examples" / "beta" / "RealtimeServerEventResponseDone.json"
    event = orjson.loads(example.read_bytes())
    path = tmp_path / "docs.jsonl"
    path.write_bytes(orjson.dumps(event) + b"\n")
    diags = run([str(path)], Config(enabled=frozenset({"RT505"}))).diagnostics
    assert [(d.code, d.line, d.response_id) for d in diags] == [("RT505", 1, "resp_001")]
    assert "384" in diags[0].message and "127" in diags[0].message
