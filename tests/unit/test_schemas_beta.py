"""The beta-dialect schemas (schemas/beta/**): well-formed, complete, faithful to the wire, precise.

Every check runs both engines: jsonschema-rs (the hot path's ``is_valid``) and the pure-Python
explaining path, which must locate each planted defect by JSON path with exactly one message.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from realtime_cli.cli.main import app
from realtime_cli.engine import schema_store as ss
from realtime_cli.engine.explain import explain

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ALL_TYPES = FIXTURES / "valid" / "beta_all_types.jsonl"
WEBRTC = FIXTURES / "valid" / "beta_webrtc_session.jsonl"
SPEC_EXAMPLES = FIXTURES / "spec_examples" / "beta"
BETA_EVENTS: dict[str, dict[str, Any]] = ss.index()["events"]["beta"]


def beta_sids() -> list[str]:
    return sorted(sid for sid in ss.all_schemas() if sid.startswith(ss.BASE_URI + "beta/"))


def event_sid(event_type: str) -> str:
    entry = ss.event_entry("beta", event_type)
    assert entry is not None, f"no beta schema for {event_type}"
    return ss.schema_id(entry["schema"])


def fast_ok(sid: str, instance: Any) -> bool:
    return bool(ss.fast_validator(sid).is_valid(instance))


def load_all_types() -> dict[str, dict[str, Any]]:
    """The first event of each type in the all-types fixture."""
    out: dict[str, dict[str, Any]] = {}
    for line in ALL_TYPES.read_text(encoding="utf-8").splitlines():
        ev = json.loads(line)
        out.setdefault(ev["type"], ev)
    return out


EVENTS = load_all_types()


# ---------------------------------------------------------------- the files themselves


def test_every_beta_event_in_the_index_has_a_schema_file() -> None:
    assert len(BETA_EVENTS) == 49
    assert sum(1 for e in BETA_EVENTS.values() if e["direction"] == "client") == 12
    assert (
        sum(1 for e in BETA_EVENTS.values() if e["direction"] == "server" and not e.get("legacy"))
        == 34
    )
    for event_type, entry in BETA_EVENTS.items():
        schema = ss.get_schema(ss.schema_id(entry["schema"]))
        assert schema["properties"]["type"] == {"const": event_type}


def test_beta_objects_of_the_index_exist() -> None:
    for name, rel in ss.index()["objects"]["beta"].items():
        assert ss.get_schema(ss.schema_id(rel))["$id"].endswith(rel), name


@pytest.mark.parametrize("sid", beta_sids())
def test_schema_is_well_formed(sid: str) -> None:
    schema = ss.get_schema(sid)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # The $id names the file's own path inside the bundle.
    assert ss.schema_root().joinpath(sid[len(ss.BASE_URI) :]).is_file()
    assert schema["title"] and schema["description"]
    # Objects stay open: the wire carries undocumented fields (custom_voice_id, timestamp, ...).
    text = json.dumps(schema)
    assert '"additionalProperties": false' not in text and '"unevaluatedProperties"' not in text


@pytest.mark.parametrize("sid", beta_sids())
def test_every_ref_resolves_inside_the_bundle(sid: str) -> None:
    resolver = ss.referencing_registry().resolver(base_uri=sid)
    refs = ss.references(sid)
    for ref in refs:
        assert ref.startswith(ss.BASE_URI), ref
        resolver.lookup(ref)  # raises if the target is not bundled
    ss.explain_validator(sid).is_valid({})  # resolves every $ref through the bundle registry, no retrieval


# ---------------------------------------------------------------- valid wire events


def test_all_types_fixture_covers_every_beta_type() -> None:
    assert set(EVENTS) == set(BETA_EVENTS)


@pytest.mark.parametrize("event_type", sorted(BETA_EVENTS))
def test_realistic_event_is_valid_in_both_engines(event_type: str) -> None:
    ev = EVENTS[event_type]
    sid = event_sid(event_type)
    assert fast_ok(sid, ev)
    assert explain(sid, ev) == []


def test_every_line_of_the_fixtures_is_valid() -> None:
    for path in (ALL_TYPES, WEBRTC):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            ev = json.loads(line)
            assert fast_ok(event_sid(ev["type"]), ev), f"{path.name}:{n}"


@pytest.mark.parametrize(
    ("event_type", "mutate"),
    [
        # nulls that the wire sends although the spec types them as strings or objects
        ("conversation.item.created", lambda e: e.update(previous_item_id=None)),
        ("input_audio_buffer.committed", lambda e: e.update(previous_item_id=None)),
        ("error", lambda e: e["error"].update(code=None, param=None, event_id=None)),
        (
            "response.created",
            lambda e: e["response"].update(status_details=None, usage=None, metadata=None),
        ),
        (
            "response.done",
            lambda e: e["response"].update(conversation_id=None, custom_voice_id=None),
        ),
        (
            "session.created",
            lambda e: e["session"].update(
                turn_detection=None,
                input_audio_transcription=None,
                input_audio_noise_reduction=None,
                client_secret=None,
            ),
        ),
        (
            "conversation.item.input_audio_transcription.completed",
            lambda e: e.update(logprobs=None),
        ),
        # legacy WebRTC names: {type, event_id?, response_id?}
        ("output_audio_buffer.audio_started", lambda e: [e.pop("event_id"), e.pop("response_id")]),
        ("output_audio_buffer.audio_cleared", lambda e: e.pop("response_id")),
        # beta in_progress status on items and responses; failed response with error.message
        ("response.output_item.added", lambda e: e["item"].update(status="in_progress")),
        (
            "response.done",
            lambda e: e["response"].update(
                status="failed",
                output=[],
                status_details={
                    "type": "failed",
                    "error": {"type": "server_error", "code": "internal", "message": "x"},
                },
            ),
        ),
        # item reference in response.create input, as an item and as a content part
        (
            "response.create",
            lambda e: e["response"].update(
                input=[
                    {"type": "item_reference", "id": "item_AthMhReSH0GfmEhmvrJte"},
                    {
                        "type": "message",
                        "role": "user",
                        "content": [{"type": "item_reference", "id": "item_1"}],
                    },
                ]
            ),
        ),
        # server-generated ids are not limited to 32 characters (only client-set ones are)
        ("conversation.item.created", lambda e: e["item"].update(id="item_" + "A" * 40)),
        # unknown fields are allowed (objects stay open)
        ("response.audio.delta", lambda e: e.update(timestamp="3:04:05 PM", obfuscation="x")),
        # "inf" and the bounds of the documented ranges
        (
            "session.update",
            lambda e: e["session"].update(max_response_output_tokens=4096, temperature=0.6),
        ),
        (
            "response.create",
            lambda e: e["response"].update(max_response_output_tokens="inf", temperature=1.2),
        ),
    ],
)
def test_wire_reality_is_accepted(event_type: str, mutate: Callable[[dict[str, Any]], Any]) -> None:
    ev = copy.deepcopy(EVENTS[event_type])
    mutate(ev)
    sid = event_sid(event_type)
    assert explain(sid, ev) == []
    assert fast_ok(sid, ev)


# ---------------------------------------------------------------- planted defects

LONG_ID = "item_" + "x" * 28  # 33 characters
assert len(LONG_ID) == 33


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(ev: dict[str, Any]) -> None:
        node: Any = ev
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return apply


def _drop(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def apply(ev: dict[str, Any]) -> None:
        node: Any = ev
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return apply


DEFECTS: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    # (event type, defect, JSON path of the one error, words the message must contain)
    ("response.audio.delta", _set(["output_index"], "0"), "$.output_index", "expected an integer"),
    ("response.text.delta", _drop(["delta"]), "$", "missing required field `delta`"),
    ("response.done", _drop(["response", "status_details"]), "$.response", "`status_details`"),
    ("conversation.item.truncate", _drop(["audio_end_ms"]), "$", "`audio_end_ms`"),
    ("error", _drop(["event_id"]), "$", "`event_id`"),
    (
        "response.done",
        _set(["response", "status"], "finished"),
        "$.response.status",
        "is not one of",
    ),
    ("session.update", _set(["session", "voice"], "bob"), "$.session.voice", "is not one of"),
    (
        "session.updated",
        _set(["session", "turn_detection", "type"], "vad"),
        "$.session.turn_detection.type",
        "is not one of",
    ),
    (
        "session.updated",
        _set(["session", "output_audio_format"], "pcm24"),
        "$.session.output_audio_format",
        "is not one of",
    ),
    (
        "response.content_part.added",
        _set(["part", "type"], "output_text"),
        "$.part.type",
        "is not one of",
    ),
    (
        "session.update",
        _set(["session", "temperature"], 1.5),
        "$.session.temperature",
        "above the maximum 1.2",
    ),
    (
        "response.create",
        _set(["response", "temperature"], 1.5),
        "$.response.temperature",
        "above the maximum 1.2",
    ),
    (
        "response.done",
        _set(["response", "temperature"], 1.5),
        "$.response.temperature",
        "above the maximum 1.2",
    ),
    (
        "session.update",
        _set(["session", "max_response_output_tokens"], 4097),
        "$.session.max_response_output_tokens",
        "above the maximum 4096",
    ),
    (
        "response.create",
        _set(["response", "max_response_output_tokens"], 0),
        "$.response.max_response_output_tokens",
        "below the minimum 1",
    ),
    (
        "response.created",
        _set(["response", "max_output_tokens"], "infinite"),
        "$.response.max_output_tokens",
        'expected "inf"',
    ),
    (
        "response.create",
        _set(["response", "metadata"], {f"k{i}": "v" for i in range(17)}),
        "$.response.metadata",
        "17 keys",
    ),
    (
        "response.done",
        _set(["response", "metadata"], {f"k{i}": "v" for i in range(17)}),
        "$.response.metadata",
        "17 keys",
    ),
    (
        "conversation.item.create",
        _set(["item", "id"], LONG_ID),
        "$.item.id",
        "longer than the maximum 32",
    ),
    (
        "conversation.item.create",
        _set(["item", "call_id"], "call_" + "y" * 28),
        "$.item.call_id",
        "longer than the maximum 32",
    ),
    (
        "input_audio_buffer.append",
        _set(["event_id"], "e" * 513),
        "$.event_id",
        "longer than the maximum 512",
    ),
    # GA shapes in a beta log are located precisely, not drowned in alternatives
    (
        "response.output_item.done",
        _set(["item", "content", 0, "type"], "output_audio"),
        "$.item.content[0].type",
        '"output_audio" is not one of "text", "audio"',
    ),
    (
        "conversation.item.created",
        _set(["item", "type"], "mcp_call"),
        "$.item.type",
        "is not one of",
    ),
    ("conversation.item.created", _drop(["item", "role"]), "$.item", "`role`"),
    (
        "response.output_item.added",
        _set(
            ["item"],
            {
                "id": "item_AthMi4Zvm8hV7atHtSELG",
                "object": "realtime.item",
                "type": "function_call",
                "status": "in_progress",
                "call_id": "call_1",
                "arguments": "",
            },
        ),
        "$.item",
        "missing required field `name`",
    ),
    (
        "conversation.item.create",
        _set(["item", "content", 0, "type"], "text"),
        "$.item.content[0].type",
        "is not one of",
    ),
    (
        "response.done",
        _set(["response", "usage"], "none"),
        "$.response.usage",
        "expected an object or null",
    ),
    (
        "response.done",
        _set(["response", "usage", "input_tokens"], -1),
        "$.response.usage.input_tokens",
        "below the minimum 0",
    ),
    (
        "response.done",
        _set(["response", "status_details"], {"type": "cancelled", "reason": "bored"}),
        "$.response.status_details.reason",
        "is not one of",
    ),
    (
        "conversation.created",
        _set(["conversation", "object"], "realtime.session"),
        "$.conversation.object",
        'expected "realtime.conversation"',
    ),
    (
        "rate_limits.updated",
        _set(["rate_limits", 0, "name"], "audio"),
        "$.rate_limits[0].name",
        "is not one of",
    ),
    (
        "transcription_session.update",
        _set(["session", "input_audio_transcription", "model"], "whisper-2"),
        "$.session.input_audio_transcription.model",
        "is not one of",
    ),
]


@pytest.mark.parametrize(
    ("event_type", "defect", "json_path", "words"),
    DEFECTS,
    ids=[f"{d[0]}:{d[2]}:{d[3][:20]}" for d in DEFECTS],
)
def test_planted_defect_is_caught_once_by_both_engines(
    event_type: str, defect: Callable[[dict[str, Any]], None], json_path: str, words: str
) -> None:
    ev = copy.deepcopy(EVENTS[event_type])
    defect(ev)
    sid = event_sid(event_type)
    assert not fast_ok(sid, ev)
    problems = explain(sid, ev)
    assert len(problems) == 1, problems
    assert problems[0][0] == json_path
    assert words in problems[0][1]


def test_client_id_limit_applies_only_to_client_items() -> None:
    # The same 33-character id is fine when the server reports the item.
    ev = copy.deepcopy(EVENTS["conversation.item.created"])
    ev["item"]["id"] = LONG_ID
    assert fast_ok(event_sid("conversation.item.created"), ev)


def test_client_cannot_create_assistant_audio() -> None:
    ev = copy.deepcopy(EVENTS["conversation.item.create"])
    ev["item"] = {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "audio", "transcript": "hi"}],
    }
    problems = explain(event_sid("conversation.item.create"), ev)
    assert problems == [("$.item.content[0].type", 'expected "text", got "audio"')]


def test_base64_audio_is_never_echoed_whole() -> None:
    ev = copy.deepcopy(EVENTS["input_audio_buffer.append"])
    ev["audio"] = 12345
    ev["event_id"] = "A" * 600
    for _, message in explain(event_sid("input_audio_buffer.append"), ev):
        assert "A" * 100 not in message


# ---------------------------------------------------------------- the spec's own examples


def _spec_example_sid(example: dict[str, Any]) -> str:
    if "type" in example:
        return event_sid(example["type"])
    if example.get("object") == "realtime.session":
        return ss.schema_id("beta/objects/session.json")
    assert example.get("object") == "realtime.transcription_session"
    return ss.schema_id("beta/objects/transcription_session.json")


SPEC_FILES = sorted(SPEC_EXAMPLES.glob("*.json"))


def test_spec_examples_are_all_there() -> None:
    assert len(SPEC_FILES) == 48
    assert (SPEC_EXAMPLES / "README.md").is_file()


@pytest.mark.parametrize("path", SPEC_FILES, ids=[p.stem for p in SPEC_FILES])
def test_spec_example_validates(path: Path) -> None:
    example = json.loads(path.read_text(encoding="utf-8"))
    sid = _spec_example_sid(example)
    assert explain(sid, example) == []
    assert fast_ok(sid, example)


def test_docs_response_done_is_schema_valid_but_arithmetically_wrong() -> None:
    # Kept valid on purpose: cached_tokens > input_tokens is a usage rule's finding (RT505), not a schema's.
    example = json.loads(
        (SPEC_EXAMPLES / "RealtimeServerEventResponseDone.json").read_text(encoding="utf-8")
    )
    usage = example["response"]["usage"]
    assert usage["input_token_details"]["cached_tokens"] > usage["input_tokens"]
    assert fast_ok(event_sid("response.done"), example)


# ---------------------------------------------------------------- through the CLI

RUNNER = CliRunner()


def test_webrtc_session_log_validates_clean_through_the_cli() -> None:
    result = RUNNER.invoke(app, ["validate", str(WEBRTC)], catch_exceptions=False)
    assert result.exit_code == 0, result.stdout


def test_webrtc_session_log_is_consistent() -> None:
    # The arithmetic the usage rules check, asserted here so the fixture cannot silently drift.
    created: set[str] = set()
    done: set[str] = set()
    for line in WEBRTC.read_text(encoding="utf-8").splitlines():
        ev = json.loads(line)
        if ev["type"] == "response.created":
            created.add(ev["response"]["id"])
        if ev["type"] == "response.done":
            done.add(ev["response"]["id"])
            u = ev["response"]["usage"]
            i, o = u["input_token_details"], u["output_token_details"]
            assert u["total_tokens"] == u["input_tokens"] + u["output_tokens"]
            assert u["input_tokens"] == i["text_tokens"] + i["audio_tokens"]
            assert u["output_tokens"] == o["text_tokens"] + o["audio_tokens"]
            assert (
                i["cached_tokens"] == sum(i["cached_tokens_details"].values()) <= u["input_tokens"]
            )
    assert created == done and len(done) == 4


def test_broken_beta_event_reports_one_precise_error(tmp_path: Path) -> None:
    ev = copy.deepcopy(EVENTS["response.done"])
    ev["response"]["temperature"] = 1.5
    log = tmp_path / "broken.jsonl"
    log.write_text(json.dumps(ev) + "\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["validate", "--dialect", "beta", str(log)], catch_exceptions=False)
    assert result.exit_code == 1, result.stdout
    assert "RT101" in result.stdout
    assert "1.5 is above the maximum 1.2 at $.response.temperature" in result.stdout
    assert result.stdout.count("RT101") == 1
