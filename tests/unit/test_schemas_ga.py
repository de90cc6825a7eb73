"""The GA schemas against real and realistic events: valid ones pass, single planted defects are
caught by both engines and located by JSON path, and the `schema` commands serve usable schemas."""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from realtime_cli.cli.main import app
from realtime_cli.engine import schema_store
from realtime_cli.engine.explain import explain
from realtime_cli.logs import dialect
from realtime_cli.logs.loader import Record, iter_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SPEC_EXAMPLES = sorted((FIXTURES / "spec_examples" / "ga").glob("*.json"))
REAL_SAMPLES = sorted((FIXTURES / "real").glob("*.json"))
VALID = [json.loads(line) for line in (FIXTURES / "schemas_ga" / "valid_events.jsonl").read_text("utf-8").splitlines()]


def sid_of(event_type: str) -> str:
    entry = schema_store.event_entry("ga", event_type)
    assert entry is not None, f"no GA schema for {event_type}"
    return schema_store.schema_id(entry["schema"])


def problems(event: dict[str, Any]) -> list[tuple[str, str]]:
    return explain(sid_of(event["type"]), event)


def fast_ok(event: dict[str, Any]) -> bool:
    return bool(schema_store.fast_validator(sid_of(event["type"])).is_valid(event))


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# ------------------------------------------------------------------ valid events


def test_valid_fixture_covers_every_ga_event_type() -> None:
    assert {e["type"] for e in VALID} == set(schema_store.index()["events"]["ga"])


@pytest.mark.parametrize("event", VALID, ids=[f"{i}-{e['type']}" for i, e in enumerate(VALID)])
def test_realistic_ga_event_passes_both_engines(event: dict[str, Any]) -> None:
    assert problems(event) == []
    assert fast_ok(event)


@pytest.mark.parametrize("path", SPEC_EXAMPLES, ids=[p.stem for p in SPEC_EXAMPLES])
def test_ga_spec_example_passes(path: Path) -> None:
    event = json.loads(path.read_text("utf-8"))
    assert problems(event) == []
    assert fast_ok(event)


def test_spec_examples_cover_every_non_legacy_ga_event() -> None:
    types = {json.loads(p.read_text("utf-8"))["type"] for p in SPEC_EXAMPLES}
    assert types == set(dialect.ALL_EVENTS[dialect.GA])


@pytest.mark.parametrize("path", REAL_SAMPLES, ids=[p.name for p in REAL_SAMPLES])
def test_real_capture_passes(path: Path) -> None:
    records = [r for r in iter_file(str(path)) if isinstance(r, Record)]
    assert len(records) >= 4
    for rec in records:
        assert problems(rec.event) == [], rec.event["type"]
        assert fast_ok(rec.event)


def test_unknown_fields_are_allowed_everywhere() -> None:
    """Objects stay open: tools inject `timestamp`, the wire adds fields before the spec does."""
    user_maps = {"metadata", "variables", "headers"}  # maps of user values, limited on purpose

    def decorate(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if key not in user_maps:
                    decorate(value)
            node["x_rtcheck_extra"] = "1"
        elif isinstance(node, list):
            for value in node:
                decorate(value)

    for event in VALID:
        decorated = copy.deepcopy(event)
        decorate(decorated)
        assert problems(decorated) == [], event["type"]
        assert fast_ok(decorated)


def test_server_item_ids_are_not_limited_to_32_chars() -> None:
    event = copy.deepcopy(_first("conversation.item.added"))
    event["item"]["id"] = "item_" + "x" * 60
    assert fast_ok(event) and problems(event) == []


# ------------------------------------------------------------------ planted defects


def _first(event_type: str, pred: Callable[[dict[str, Any]], bool] = lambda _e: True) -> dict[str, Any]:
    return next(e for e in VALID if e["type"] == event_type and pred(e))


def _status(status: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: bool(e["response"]["status"] == status)


def _item_type(kind: str, role: str | None = None) -> Callable[[dict[str, Any]], bool]:
    return lambda e: bool(e["item"]["type"] == kind and e["item"].get("role") == role)


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(event: dict[str, Any]) -> None:
        node: Any = event
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    return apply


def _del(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def apply(event: dict[str, Any]) -> None:
        node: Any = event
        for step in path[:-1]:
            node = node[step]
        del node[path[-1]]

    return apply


DONE = ("response.done", _status("completed"))
CANCELLED = ("response.done", _status("cancelled"))
FN_OUT = ("conversation.item.create", _item_type("function_call_output"))
USER_MSG = ("conversation.item.create", _item_type("message", "user"))
SYS_MSG = ("conversation.item.create", _item_type("message", "system"))
RT_SESSION = ("session.update", lambda e: bool(e["session"]["type"] == "realtime"))
OOB = ("response.create", lambda e: "response" in e)
MCP_CALL = ("response.output_item.done", lambda e: bool(e["item"]["type"] == "mcp_call"))

# (name, base event, defect, JSON path of the one expected problem, words the message must hold)
DEFECTS: list[tuple[str, tuple[str, Callable[[dict[str, Any]], bool]], Callable[[dict[str, Any]], None], str, str]] = [
    ("status_details absent, not null", DONE, _del(["response", "status_details"]), "$.response", "status_details"),
    ("unknown status", DONE, _set(["response", "status"], "done"), "$.response.status", "in_progress"),
    ("negative cached tokens", DONE, _set(["response", "usage", "input_token_details", "cached_tokens"], -5),
     "$.response.usage.input_token_details.cached_tokens", "minimum"),
    ("usage a string", DONE, _set(["response", "usage"], "n/a"), "$.response.usage", "object or null"),
    ("max_output_tokens above 4096", DONE, _set(["response", "max_output_tokens"], 5000),
     "$.response.max_output_tokens", "4096"),
    ("max_output_tokens other string", DONE, _set(["response", "max_output_tokens"], "infinite"),
     "$.response.max_output_tokens", '"inf"'),
    ("max_output_tokens zero", DONE, _set(["response", "max_output_tokens"], 0), "$.response.max_output_tokens", "minimum"),
    ("17 metadata keys", DONE, _set(["response", "metadata"], {f"k{i}": "v" for i in range(17)}),
     "$.response.metadata", "16"),
    ("metadata key of 65 chars", DONE, _set(["response", "metadata"], {"k" * 65: "v"}), "$.response.metadata", "64"),
    ("metadata value of 513 chars", DONE, _set(["response", "metadata"], {"k": "v" * 513}), "$.response.metadata.k", "512"),
    ("metadata value not a string", DONE, _set(["response", "metadata"], {"k": 1}), "$.response.metadata.k", "string"),
    ("function_call without arguments", DONE, _del(["response", "output", 0, "arguments"]),
     "$.response.output[0]", "arguments"),
    ("assistant part of a user type", DONE, _set(["response", "output", 1, "content", 0, "type"], "input_audio"),
     "$.response.output[1].content[0].type", "output_audio"),
    ("pcm at 16 kHz", DONE, _set(["response", "audio", "output", "format"], {"type": "audio/pcm", "rate": 16000}),
     "$.response.audio.output.format.rate", "24000"),
    ("beta audio format string", DONE, _set(["response", "audio", "output", "format"], "pcm16"),
     "$.response.audio.output.format", "object"),
    ("output modality video", DONE, _set(["response", "output_modalities"], ["video"]),
     "$.response.output_modalities[0]", "audio"),
    ("conversation_id a number", DONE, _set(["response", "conversation_id"], 5), "$.response.conversation_id", "null"),
    ("unknown cancel reason", CANCELLED, _set(["response", "status_details", "reason"], "bored"),
     "$.response.status_details.reason", "turn_detected"),
    ("function_call_output without call_id", FN_OUT, _del(["item", "call_id"]), "$.item", "call_id"),
    ("client call_id of 33 chars", FN_OUT, _set(["item", "call_id"], "c" * 33), "$.item.call_id", "32"),
    ("client item id of 33 chars", USER_MSG, _set(["item", "id"], "i" * 33), "$.item.id", "32"),
    ("unknown item type", FN_OUT, _set(["item", "type"], "function"), "$.item.type", "function_call_output"),
    ("unknown role", USER_MSG, _set(["item", "role"], "bot"), "$.item.role", "assistant"),
    ("system part of a user type", SYS_MSG, _set(["item", "content", 0, "type"], "input_audio"),
     "$.item.content[0].type", "input_text"),
    ("input_text without text", USER_MSG, _del(["item", "content", 0, "text"]), "$.item.content[0]", "text"),
    ("image detail unknown", USER_MSG, _set(["item", "content", 1, "detail"], "ultra"), "$.item.content[1].detail", "high"),
    ("client event_id of 513 chars", USER_MSG, _set(["event_id"], "e" * 513), "$.event_id", "512"),
    ("item missing", USER_MSG, _del(["item"]), "$", "item"),
    ("session type unknown", RT_SESSION, _set(["session", "type"], "beta"), "$.session.type", "transcription"),
    ("speed above 1.5", RT_SESSION, _set(["session", "audio", "output", "speed"], 2), "$.session.audio.output.speed", "1.5"),
    ("idle timeout below 5000", RT_SESSION,
     _set(["session", "audio", "input", "turn_detection"], {"type": "server_vad", "idle_timeout_ms": 1000}),
     "$.session.audio.input.turn_detection.idle_timeout_ms", "5000"),
    ("semantic vad eagerness", RT_SESSION, _set(["session", "audio", "input", "turn_detection", "eagerness"], "eager"),
     "$.session.audio.input.turn_detection.eagerness", "medium"),
    ("function tool without name", RT_SESSION, _del(["session", "tools", 0, "name"]), "$.session.tools[0]", "name"),
    ("tool choice unknown", RT_SESSION, _set(["session", "tool_choice"], "sometimes"), "$.session.tool_choice", "required"),
    ("retention ratio above 1", RT_SESSION, _set(["session", "truncation", "retention_ratio"], 1.5),
     "$.session.truncation.retention_ratio", "maximum"),
    ("beta voice field shape", RT_SESSION, _set(["session", "audio", "output", "voice"], 7),
     "$.session.audio.output.voice", "string"),
    ("server session without id", ("session.created", lambda _e: True), _del(["session", "id"]), "$.session", "id"),
    ("include unknown value", ("session.updated", lambda _e: True), _set(["session", "include"], ["everything"]),
     "$.session.include[0]", "item.input_audi"),
    ("error without message", ("error", lambda _e: True), _del(["error", "message"]), "$.error", "message"),
    ("error code a number", ("error", lambda _e: True), _set(["error", "code"], 12), "$.error.code", "null"),
    ("rate limit name", ("rate_limits.updated", lambda e: bool(e["rate_limits"])), _set(["rate_limits", 0, "name"], "bytes"),
     "$.rate_limits[0].name", "tokens"),
    ("server event without event_id", ("response.output_audio_transcript.delta", lambda _e: True), _del(["event_id"]),
     "$", "event_id"),
    ("negative content_index", ("response.output_audio_transcript.delta", lambda _e: True), _set(["content_index"], -1),
     "$.content_index", "minimum"),
    ("content part of an item type", ("response.content_part.added", lambda _e: True), _set(["part", "type"], "output_audio"),
     "$.part.type", "audio"),
    ("duration usage without seconds", ("conversation.item.input_audio_transcription.completed", lambda _e: True),
     _set(["usage"], {"type": "duration"}), "$.usage", "seconds"),
    ("dtmf without received_at", ("input_audio_buffer.dtmf_event_received", lambda _e: True), _del(["received_at"]),
     "$", "received_at"),
    ("function args done without name", ("response.function_call_arguments.done", lambda _e: True), _del(["name"]),
     "$", "name"),
    ("audio_end_ms a string", ("conversation.item.truncate", lambda _e: True), _set(["audio_end_ms"], "1500"),
     "$.audio_end_ms", "integer"),
    ("item_reference without id", OOB, _del(["response", "input", 0, "id"]), "$.response.input[0]", "id"),
    ("mcp error type", MCP_CALL, _set(["item", "error", "type"], "oops"), "$.item.error.type", "http_error"),
    ("transcript a number", ("conversation.item.added", lambda _e: True), _set(["item", "content", 0, "transcript"], 5),
     "$.item.content[0].transcript", "string"),
    ("append audio not a string", ("input_audio_buffer.append", lambda _e: True), _set(["audio"], 123), "$.audio", "string"),
    ("previous_item_id a number", ("input_audio_buffer.committed", lambda _e: True), _set(["previous_item_id"], 1),
     "$.previous_item_id", "null"),
    ("legacy event type mismatch", ("output_audio_buffer.audio_started", lambda _e: True), _set(["response_id"], 1),
     "$.response_id", "string"),
]


@pytest.mark.parametrize(("name", "base", "defect", "where", "words"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_single_defect_is_caught_once_and_located(
    name: str,
    base: tuple[str, Callable[[dict[str, Any]], bool]],
    defect: Callable[[dict[str, Any]], None],
    where: str,
    words: str,
) -> None:
    event = copy.deepcopy(_first(*base))
    assert fast_ok(event) and problems(event) == [], "the base event must be valid"
    defect(event)
    assert not fast_ok(event), f"{name}: jsonschema-rs accepted the defect"
    found = problems(event)
    assert len(found) == 1, f"{name}: expected one precise problem, got {found}"
    path, message = found[0]
    assert path == where, f"{name}: located at {path}, not {where} ({message})"
    assert words in message, f"{name}: {message!r} does not mention {words!r}"


# ------------------------------------------------------------------ the schema commands


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "250"}, catch_exceptions=False)
    return result.exit_code, result.output


def test_schema_list_json_lists_every_ga_event_with_its_id() -> None:
    code, out = run("schema", "list", "--dialect", "ga", "--format", "json")
    assert code == 0, out
    rows = json.loads(out)
    ga = schema_store.index()["events"]["ga"]
    assert {r["type"] for r in rows} == set(ga)
    assert {r["dialect"] for r in rows} == {"ga"}
    for row in rows:
        assert row["id"] == schema_store.BASE_URI + ga[row["type"]]["schema"]
        assert row["legacy"] == (row["type"] in dialect.LEGACY_EVENTS)


def test_schema_list_text_shows_both_dialects() -> None:
    code, out = run("schema", "list")
    assert code == 0, out
    assert "response.output_audio_transcript.delta" in out
    assert "transcription_session.update" in out
    assert "ga/events/response.done.json" in out


def test_schema_show_prints_the_ga_event_schema() -> None:
    code, out = run("schema", "show", "response.done", "--dialect", "ga")
    assert code == 0, out
    schema = json.loads(out)
    assert schema["$id"] == schema_store.BASE_URI + "ga/events/response.done.json"
    assert schema["properties"]["response"] == {"$ref": "../objects/response.json"}


def test_schema_show_unknown_name_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["schema", "show", "response.dne"], env={"NO_COLOR": "1"})
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "response.done" in result.output + (result.stderr if result.stderr_bytes is not None else "")


def test_bundled_response_schema_validates_standalone(no_network: None) -> None:
    code, out = run("schema", "show", "realtime.response", "--bundle")
    assert code == 0, out
    bundle = json.loads(out)
    assert bundle["$id"] == schema_store.BASE_URI + "ga/objects/response.json"
    validator = Draft202012Validator(bundle)  # plain jsonschema: no registry, no retrieval
    for event in (e for e in VALID if e["type"] in ("response.created", "response.done")):
        assert list(validator.iter_errors(event["response"])) == []
    broken = copy.deepcopy(_first(*DONE)["response"])
    broken["output"][0].pop("arguments")
    broken["usage"]["total_tokens"] = -1
    paths = sorted("/".join(map(str, e.absolute_path)) for e in validator.iter_errors(broken))
    assert paths == ["output/0", "usage/total_tokens"]


def test_bundled_event_schema_validates_a_spec_example_standalone(no_network: None) -> None:
    code, out = run("schema", "show", "response.done", "--dialect", "ga", "--bundle")
    assert code == 0, out
    validator = Draft202012Validator(json.loads(out))
    example = json.loads((FIXTURES / "spec_examples" / "ga" / "response.done.json").read_text("utf-8"))
    assert list(validator.iter_errors(example)) == []
    example["response"]["status"] = "finished"
    assert [list(e.absolute_path) for e in validator.iter_errors(example)] == [["response", "status"]]
