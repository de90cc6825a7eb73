"""Bounded state, mid-session logs, recorder cuts, tools, and robustness of the checker."""

from __future__ import annotations

import base64
import tracemalloc
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from realtime_cli.engine.collector import Collector
from realtime_cli.engine.validate import audio_length
from realtime_cli.logs.loader import Record
from realtime_cli.rules import catalog as rules
from realtime_cli.rules.checker import ConsistencyChecker
from realtime_cli.rules.context import OPEN_CAP

ALL = frozenset(rules.RULES)
SESSION = {"type": "session.created", "event_id": "event_s", "session": {"type": "realtime"}}


def _check(events: list[dict[str, Any]], dialect: str = "ga", enabled: frozenset[str] = ALL) -> list[tuple[str, int, str]]:
    out = Collector("x.jsonl", enabled)
    checker = ConsistencyChecker(out)
    for n, ev in enumerate(events, 1):
        rec = Record("x.jsonl", n, 0, ev)
        if ev.get("type") in ("response.output_audio.delta", "response.audio.delta"):
            rec.audio_bytes = audio_length(ev.get("delta"))
        checker.feed(rec, dialect)
    checker.finish()
    return [(d.code, d.line, d.message) for d in out.diagnostics]


def _created(rid: str, conv: Any = "conv_1") -> dict[str, Any]:
    return {"type": "response.created", "event_id": "e", "response": {"id": rid, "status": "in_progress", "conversation_id": conv}}


def _done(rid: str, **extra: Any) -> dict[str, Any]:
    return {"type": "response.done", "event_id": "e", "response": {"id": rid, "status": "completed", "output": [], **extra}}


# --------------------------------------------------------------------------- bounded memory


def test_100k_responses_that_never_finish_stay_bounded() -> None:
    out = Collector("x", ALL, cap=OPEN_CAP)  # every RT301 kept (the engine keeps 1000 per code)
    checker = ConsistencyChecker(out)
    ev: dict[str, Any] = {"type": "response.created", "event_id": "e", "response": {"status": "in_progress", "conversation_id": None}}
    tracemalloc.start()
    for i in range(100_000):
        ev["response"]["id"] = f"resp_{i:021d}"
        checker.feed(Record("x", i + 1, 0, ev), "ga")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # 10,000 open responses across two families, a few hundred bytes each.
    assert peak < 12 * 1024 * 1024, peak
    limits = [d for d in out.diagnostics if d.code == "RT803"]
    assert len(limits) == 1 and limits[0].line == OPEN_CAP + 1
    checker.finish()
    never = [d for d in out.diagnostics if d.code == "RT301"]
    assert len(never) == OPEN_CAP and never[-1].response_id == f"resp_{99_999:021d}"


def test_one_response_with_a_million_deltas_stays_bounded() -> None:
    out = Collector("x", ALL)
    checker = ConsistencyChecker(out)
    feed = checker.feed
    base = {"response_id": "resp_1", "item_id": "item_1", "output_index": 0, "content_index": 0}
    events = [
        SESSION,
        _created("resp_1"),
        {"type": "response.output_item.added", "event_id": "e", "response_id": "resp_1", "output_index": 0,
         "item": {"id": "item_1", "type": "message"}},
        {"type": "response.content_part.added", "event_id": "e", **base, "part": {"type": "text"}},
    ]
    for n, ev in enumerate(events, 1):
        feed(Record("x", n, 0, ev), "ga")
    delta = {"type": "response.output_text.delta", "event_id": "e", **base, "delta": "word "}
    rec = Record("x", 5, 0, delta)
    tracemalloc.start()
    for _ in range(1_000_000):
        feed(rec, "ga")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1024 * 1024, peak  # the deltas alone would be 5 MB of text
    good = {"type": "response.output_text.done", "event_id": "e", **base, "text": "word " * 1_000_000}
    feed(Record("x", 6, 0, good), "ga")
    assert [d.code for d in out.diagnostics] == []
    # A second stream whose final text differs by one character at the very end.
    base2 = dict(base, content_index=1)
    feed(Record("x", 7, 0, {"type": "response.content_part.added", "event_id": "e", **base2, "part": {"type": "text"}}), "ga")
    rec2 = Record("x", 8, 0, dict(delta, **base2))
    for _ in range(100_000):
        feed(rec2, "ga")
    bad = dict(good, **base2, text="word " * 99_999 + "worD ")
    feed(Record("x", 9, 0, bad), "ga")
    assert [(d.code, d.line) for d in out.diagnostics] == [("RT405", 9)]


# --------------------------------------------------------------------------- mid-session and cuts


def test_mid_session_log_gives_one_note_not_a_flood() -> None:
    events: list[dict[str, Any]] = []
    for n in range(50):  # deltas of a response created before the log started
        events.append({"type": "response.output_audio_transcript.delta", "event_id": "e", "response_id": "resp_0",
                       "item_id": "item_0", "output_index": 0, "content_index": 0, "delta": f"w{n} "})
    events.append({"type": "conversation.item.truncate", "event_id": "c", "item_id": "item_0", "content_index": 0, "audio_end_ms": 10})
    events.append(_done("resp_0"))
    events += [_created("resp_1"), _done("resp_1")]
    found = _check(events)
    assert [(c, line) for c, line, _ in found] == [("RT802", 1)]


def test_after_the_first_creation_a_mid_session_log_is_checked_again() -> None:
    events = [{"type": "input_audio_buffer.speech_started", "event_id": "e", "item_id": "item_u", "audio_start_ms": 0},
              _created("resp_1"), _done("resp_1"), _done("resp_9")]
    assert [(c, line) for c, line, _ in _check(events)] == [("RT303", 4)]


def test_recorder_cut_arguments_are_skipped_and_noted_once() -> None:
    cut = '{"city": "' + "x" * 400 + '...[truncated 33 chars]'
    events = [SESSION,
              {"type": "session.update", "event_id": "c", "session": {"tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}}]}}]
    for n in range(3):
        events.append({"type": "response.function_call_arguments.done", "event_id": "e", "response_id": "r", "item_id": f"i{n}",
                       "call_id": f"c{n}", "name": "f", "arguments": cut})
    codes = [(c, line) for c, line, _ in _check(events, enabled=frozenset({"RT701", "RT702", "RT801"}))]
    assert codes == [("RT801", 3)]


def test_livekit_elided_audio_is_a_note_not_an_error() -> None:
    events = [SESSION, _created("r"),
              {"type": "response.output_audio.delta", "event_id": "e", "response_id": "r", "item_id": "i", "output_index": 0,
               "content_index": 0, "delta": "..."},
              {"type": "conversation.item.truncate", "event_id": "c", "item_id": "i", "content_index": 0, "audio_end_ms": 5000}]
    codes = [c for c, _, _ in _check(events, enabled=frozenset({"RT406", "RT605", "RT801"}))]
    assert codes == ["RT801"]


# --------------------------------------------------------------------------- tools


def _call(name: str, args: str, line_item: str = "i1") -> dict[str, Any]:
    return {"type": "response.function_call_arguments.done", "event_id": "e", "response_id": "r", "item_id": line_item,
            "call_id": "c1", "name": name, "arguments": args}


def test_broken_tool_schema_is_reported_once_and_never_fetched() -> None:
    tools = [{"type": "function", "name": "bad", "parameters": {"type": "object", "properties": {"a": {"pattern": "(["}}}},
             {"type": "function", "name": "remote", "parameters": {"$ref": "http://example.invalid/schema.json"}}]
    update = {"type": "session.update", "event_id": "c", "session": {"tools": tools}}
    echo = {"type": "session.updated", "event_id": "e", "session": {"tools": tools}}
    events = [SESSION, update, echo, _call("bad", '{"a": "x"}'), _call("remote", "{}", "i2")]
    found = [(c, line) for c, line, _ in _check(events, enabled=frozenset({"RT701", "RT702", "RT703"}))]
    assert found == [("RT702", 2), ("RT702", 2)]


def test_tool_schema_is_checked_and_undeclared_tool_flagged() -> None:
    params = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    update = {"type": "session.update", "event_id": "c", "session": {"tools": [{"type": "function", "name": "f", "parameters": params}]}}
    events = [SESSION, update, _call("f", '{"n": 3}'), _call("f", '{"n": "3"}', "i2"), _call("g", "{}", "i3"), _call("f", "{oops", "i4")]
    found = [(c, line) for c, line, _ in _check(events, enabled=frozenset({"RT701", "RT702", "RT703"}))]
    assert found == [("RT702", 4), ("RT703", 5), ("RT701", 6)]


def test_wrong_dialect_parameters_in_a_beta_log() -> None:
    update = {"type": "session.update", "event_id": "c", "session": {"type": "realtime", "output_modalities": ["audio"]}}
    create = {"type": "response.create", "event_id": "c2", "response": {"modalities": ["text"], "output_modalities": ["text"]}}
    found = [(c, line) for c, line, _ in _check([SESSION, update, create], dialect="beta", enabled=frozenset({"RT202"}))]
    assert found == [("RT202", 2), ("RT202", 2), ("RT202", 3)]


# --------------------------------------------------------------------------- audio accounting


def test_g711_audio_is_8_bytes_per_ms() -> None:
    session = {"type": "session.created", "event_id": "e", "session": {"output_audio_format": "g711_ulaw"}}
    delta = {"type": "response.audio.delta", "event_id": "e", "response_id": "r", "item_id": "i", "output_index": 0,
             "content_index": 0, "delta": base64.b64encode(bytes(800)).decode()}  # 100 ms of G.711

    def trunc(ms: int) -> dict[str, Any]:
        return {"type": "conversation.item.truncate", "event_id": "c", "item_id": "i", "content_index": 0, "audio_end_ms": ms}

    added = {"type": "response.output_item.added", "event_id": "e", "response_id": "r", "output_index": 0,
             "item": {"id": "i", "type": "message", "role": "assistant"}}
    ok = _check([session, _created("r"), added, delta, trunc(100)], dialect="beta", enabled=frozenset({"RT605"}))
    bad = _check([session, _created("r"), added, delta, trunc(101)], dialect="beta", enabled=frozenset({"RT605"}))
    assert ok == [] and [(c, line) for c, line, _ in bad] == [("RT605", 5)]


def test_null_previous_item_only_for_the_first_item() -> None:
    def added(iid: str, prev: Any) -> dict[str, Any]:
        return {"type": "conversation.item.added", "event_id": "e", "previous_item_id": prev,
                "item": {"id": iid, "type": "message", "role": "user", "content": []}}

    found = _check([SESSION, added("a", None), added("b", "a"), added("c", None)], enabled=frozenset({"RT603"}))
    assert [(c, line) for c, line, _ in found] == [("RT603", 4)]


# --------------------------------------------------------------------------- cost and robustness


def test_disabled_families_are_not_built() -> None:
    checker = ConsistencyChecker(Collector("x", frozenset({"RT501"})))
    assert [type(f).__name__ for f in checker.families] == ["Usage"]
    assert set(checker._dispatch) == {"response.done", "realtime.response"}


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)
_TYPES = st.sampled_from([
    "response.created", "response.done", "response.output_item.added", "response.output_item.done",
    "response.content_part.added", "response.content_part.done", "response.output_text.delta",
    "response.output_text.done", "response.function_call_arguments.done", "conversation.item.create",
    "conversation.item.added", "conversation.item.truncate", "response.create", "session.update",
    "session.created", "error", "response.output_audio.delta", "input_audio_buffer.append",
])
_FIELDS = st.sampled_from(["response", "item", "item_id", "response_id", "output_index", "content_index",
                           "delta", "text", "arguments", "session", "error", "previous_item_id", "audio_end_ms", "name"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_TYPES, st.dictionaries(_FIELDS, _json, max_size=5)), max_size=12))
def test_hostile_events_never_raise(events: list[tuple[str, dict[str, Any]]]) -> None:
    out = Collector("x", ALL)
    checker = ConsistencyChecker(out)
    for n, (t, fields) in enumerate(events, 1):
        rec = Record("x", n, 0, {"type": t, **fields})
        rec.audio_bytes = -1 if n % 2 else 3
        checker.feed(rec, "ga" if n % 3 else "beta")
    checker.finish()
