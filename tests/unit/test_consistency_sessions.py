"""A file that holds several sessions (concatenated recordings) is judged session by session."""

from __future__ import annotations

import json
from pathlib import Path

from realtime_cli import validate_events

GENERATED = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "generated"


def events(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (GENERATED / name).read_text(encoding="utf-8").splitlines()]


def test_two_clean_sessions_in_one_file_are_clean() -> None:
    first, second = events("ga-audio.jsonl"), events("ga-text.jsonl")
    assert first[0]["type"] == second[0]["type"] == "session.created"
    report = validate_events(first + second)
    assert report.diagnostics == (), [(d.line, d.code, d.message) for d in report.diagnostics]


def test_an_unfinished_response_is_still_reported_when_the_next_session_starts() -> None:
    first, second = events("ga-audio.jsonl"), events("ga-text.jsonl")
    done = max(i for i, e in enumerate(first) if e["type"] == "response.done")
    rid = first[done]["response"]["id"]  # type: ignore[index]
    created = next(i for i, e in enumerate(first) if e["type"] == "response.created" and e["response"]["id"] == rid)  # type: ignore[index]
    del first[done]
    report = validate_events(first + second)
    assert [(d.code, d.line) for d in report.diagnostics] == [("RT301", created + 1)]


def test_the_second_session_keeps_its_own_references() -> None:
    """An id known only in the first session is unknown in the second."""
    first, second = events("ga-audio.jsonl"), events("ga-text.jsonl")
    call_output = next(
        e for e in second if e["type"] == "conversation.item.create" and e["item"]["type"] == "function_call_output"  # type: ignore[index]
    )
    old_call = next(
        e["item"]["call_id"] for e in first  # type: ignore[index]
        if e["type"] == "response.output_item.done" and e["item"]["type"] == "function_call"  # type: ignore[index]
    )
    call_output["item"]["call_id"] = old_call  # type: ignore[index]
    report = validate_events(first + second)
    assert "RT601" in report.codes()
