"""One defect, one finding (issue 17): plant single defects into the clean fixture logs.

Every kind of planted defect (a wrong or missing ``response_id``, ``item_id``, ``item.id``,
``response.id``, ``output_index`` or ``content_index``; a dropped, duplicated or unreadable
event; a bad text or audio delta; a missing ``type``) at the first line of every event type
where it applies, in every clean fixture log (both dialects, every envelope): rtcheck gives at
most two new findings, and one of them is at the defect's own line or names an id from it.
The rules do this by causality (see rules/structure.py and rules/lifecycle.py), not by
filtering messages.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from realtime_cli.core.diagnostics import Diagnostic
from realtime_cli.engine.validate import Config, validate_stream
from realtime_cli.logs.loader import _iter_stream, unwrap

ROOT = Path(__file__).resolve().parents[2]
CLEAN = sorted(
    [*ROOT.glob("tests/fixtures/valid/*.jsonl"), *ROOT.glob("tests/fixtures/valid/generated/*.jsonl"),
     *ROOT.glob("examples/*.jsonl"), ROOT / "tests/fixtures/inspect/hostile.jsonl"]
)

Lines = list[str]
Defect = tuple[str, int, Lines]  # (description, line to name, mutated lines)


def event_of(obj: Any) -> dict[str, Any] | None:
    if not isinstance(obj, dict):
        return None
    ev = unwrap(obj)[0]
    return ev if isinstance(ev, dict) and isinstance(ev.get("type"), str) else None


def _edit(lines: Lines, i: int, change: Callable[[dict[str, Any]], bool]) -> Lines | None:
    obj = json.loads(lines[i])
    ev = event_of(obj)
    if ev is None or not change(ev):
        return None
    out = list(lines)
    out[i] = json.dumps(obj)
    return out


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], bool]:
    def change(ev: dict[str, Any]) -> bool:
        if key not in ev or ev[key] == value:
            return False
        ev[key] = value
        return True
    return change


def _drop(key: str) -> Callable[[dict[str, Any]], bool]:
    def change(ev: dict[str, Any]) -> bool:
        return ev.pop(key, None) is not None
    return change


def _bump(key: str) -> Callable[[dict[str, Any]], bool]:
    def change(ev: dict[str, Any]) -> bool:
        if type(ev.get(key)) is not int:
            return False
        ev[key] += 1
        return True
    return change


def _item_id(value: str) -> Callable[[dict[str, Any]], bool]:
    def change(ev: dict[str, Any]) -> bool:
        item = ev.get("item")
        if not isinstance(item, dict) or "id" not in item:
            return False
        item["id"] = value
        return True
    return change


def _response_id(value: str) -> Callable[[dict[str, Any]], bool]:
    def change(ev: dict[str, Any]) -> bool:
        resp = ev.get("response")
        if not isinstance(resp, dict) or "id" not in resp:
            return False
        resp["id"] = value
        return True
    return change


def _bad_delta(ev: dict[str, Any]) -> bool:
    d = ev.get("delta")
    if not isinstance(d, str) or not ev["type"].endswith(("text.delta", "transcript.delta", "arguments.delta")):
        return False
    ev["delta"] = d + "#"
    return True


def _bad_audio(ev: dict[str, Any]) -> bool:
    if not ev["type"].endswith("audio.delta") or not isinstance(ev.get("delta"), str):
        return False
    ev["delta"] = "not base64!"
    return True


EDITS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "unknown response_id": _set("response_id", "resp_NEVERCREATED0000000"),
    "missing response_id": _drop("response_id"),
    "unknown item_id": _set("item_id", "item_NEVERCREATED0000000"),
    "missing item_id": _drop("item_id"),
    "output_index + 1": _bump("output_index"),
    "content_index + 1": _bump("content_index"),
    "missing output_index": _drop("output_index"),
    "missing content_index": _drop("content_index"),
    "unknown item.id": _item_id("item_NEVERCREATED0000000"),
    "unknown response.id": _response_id("resp_NEVERCREATED0000000"),
    "bad delta": _bad_delta,
    "bad audio": _bad_audio,
    "missing event_id": _drop("event_id"),
    "missing type": _drop("type"),
}


def plant_all(lines: Lines) -> Iterator[Defect]:
    """Every single-defect variant of ``lines`` (one per kind and line where it applies)."""
    for i, text in enumerate(lines):
        try:
            obj = json.loads(text)
        except ValueError:
            continue
        ev = event_of(obj)
        if ev is None:
            continue
        etype = ev["type"]
        for name, change in EDITS.items():
            out = _edit(lines, i, change)
            if out is not None:
                yield f"{name} in {etype}", i + 1, out
        yield f"dropped {etype}", min(i + 1, len(lines) - 1) or 1, lines[:i] + lines[i + 1:]
        yield f"duplicated {etype}", i + 2, lines[:i + 1] + lines[i:]
        yield f"truncated JSON of {etype}", i + 1, [*lines[:i], text[:len(text) // 2], *lines[i + 1:]]


def _findings(lines: Lines) -> list[Diagnostic]:
    data = ("\n".join(lines) + "\n").encode()
    return validate_stream("x.jsonl", _iter_stream("x.jsonl", io.BytesIO(data), 1 << 20), Config())[1]


_ID = re.compile(r'"((?:item|resp|call)_[^"\\]+)"')


def _sample(lines: Lines) -> Iterator[Defect]:
    """The first variant of each (defect kind, event type): every kind where it can occur."""
    seen: set[str] = set()
    for desc, line, mutated in plant_all(lines):
        if desc not in seen:
            seen.add(desc)
            yield desc, line, mutated


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_one_defect_gives_at_most_two_findings(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    base = Counter((d.code, d.message) for d in _findings(lines))
    assert all(code in ("RT801",) for code, _ in base), base  # the fixtures are clean
    failures = []
    planted = 0
    for desc, line, mutated in _sample(lines):
        planted += 1
        new = [d for d in _findings(mutated) if (d.code, d.message) not in base]
        if not new:
            continue  # some defects cannot be seen in a log (a dropped audio delta)
        near = lines[max(0, line - 2):line] + mutated[line - 1:line]
        ids = {i for text in near for i in _ID.findall(text)}
        named = any(d.line == line or any(i in d.message for i in ids) for d in new)
        if len(new) > 2 or not named:
            failures.append((desc, line, [(d.line, d.code, d.message[:120]) for d in new]))
    assert planted > 20
    assert not failures, "\n".join(map(str, failures))


def _ga_turn() -> list[dict[str, Any]]:
    r, i = "resp_1", "item_1"
    base = {"response_id": r, "item_id": i, "output_index": 0, "content_index": 0}
    item = {"id": i, "type": "message", "role": "assistant", "status": "completed", "content": []}
    resp = {"object": "realtime.response", "id": r, "status_details": None, "output_modalities": ["text"],
            "max_output_tokens": "inf", "usage": None, "metadata": None, "conversation_id": "conv_1"}
    return [
        {"type": "session.created", "event_id": "e0", "session": {"type": "realtime", "object": "realtime.session", "id": "sess_1"}},
        {"type": "response.created", "event_id": "e1", "response": {**resp, "status": "in_progress", "output": []}},
        {"type": "response.output_item.added", "event_id": "e2", "response_id": r, "output_index": 0, "item": item},
        {"type": "response.content_part.added", "event_id": "e3", **base, "part": {"type": "text", "text": ""}},
        {"type": "response.output_text.delta", "event_id": "e4", **base, "delta": "Hel"},
        {"type": "response.output_text.delta", "event_id": "e5", **base, "delta": "lo"},
        {"type": "response.output_text.done", "event_id": "e6", **base, "text": "Hello"},
        {"type": "response.content_part.done", "event_id": "e7", **base, "part": {"type": "text", "text": "Hello"}},
        {"type": "response.output_item.done", "event_id": "e8", "response_id": r, "output_index": 0, "item": item},
        {"type": "response.done", "event_id": "e9", "response": {**resp, "status": "completed", "output": [item]}},
    ]


def _codes(events: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in _findings([json.dumps(e) for e in events])]


def test_clean_turn_is_clean() -> None:
    assert _codes(_ga_turn()) == []


@pytest.mark.parametrize("rid", ["resp_NEVER", None])
def test_output_item_with_wrong_response_id_is_one_finding(rid: str | None) -> None:
    """The issue's case: RT304 (or RT101 without the id), then nothing about its consequences."""
    events = _ga_turn()
    if rid is None:
        del events[2]["response_id"]
    else:
        events[2]["response_id"] = rid
    assert _codes(events) == [(3, "RT304" if rid else "RT101")]


def test_dropped_output_item_added_is_reported_once_and_names_the_item() -> None:
    events = _ga_turn()
    del events[2]
    found = _findings([json.dumps(e) for e in events])
    # The first output_item event of the log is its .done: the item is adopted there, and the
    # response.done that lists it agrees.
    assert [(d.line, d.code) for d in found] == [(8, "RT401")]
    assert '"item_1"' in found[0].message


def test_a_second_defect_in_another_response_is_still_reported() -> None:
    """Damage is scoped: a broken response does not silence the next one."""
    first = _ga_turn()
    first[2]["response_id"] = "resp_NEVER"
    second = [json.loads(json.dumps(e).replace("resp_1", "resp_2").replace("item_1", "item_2")) for e in _ga_turn()[1:]]
    second[5]["text"] = "Help"
    assert _codes(first + second) == [(3, "RT304"), (16, "RT405")]


def test_rt405_names_the_item_and_the_delta_where_text_departs() -> None:
    events = _ga_turn()
    events[5]["delta"] = "p"  # "Hel" + "p" != "Hello": the second delta (line 6) departs
    [d] = _findings([json.dumps(e) for e in events])
    assert d.code == "RT405" and d.line == 7
    assert '"item_1"' in d.message and "in the delta at line 6" in d.message and "character 3" in d.message


def test_rt405_names_the_last_delta_when_text_is_missing_after_it() -> None:
    events = _ga_turn()
    del events[5]
    [d] = _findings([json.dumps(e) for e in events])
    assert d.code == "RT405" and "the deltas stop at character 3 (last delta at line 5)" in d.message


def test_unreadable_response_done_is_not_also_an_overlap() -> None:
    """An unreadable line that may have been the response.done: RT001 and RT301 (saying so)."""
    events = _ga_turn()
    nxt = [json.loads(json.dumps(e).replace("resp_1", "resp_2").replace("item_1", "item_2")) for e in _ga_turn()[1:]]
    lines = [json.dumps(e) for e in events + nxt]
    lines[9] = lines[9][:40]
    found = _findings(lines)
    assert [(d.line, d.code) for d in found] == [(2, "RT301"), (10, "RT001")]
    assert "line 10 could not be read" in found[0].message


def test_rt001_message_says_at_once() -> None:
    found = _findings(['{"type": "x", "event_id": "abc'])
    assert [d.code for d in found] == ["RT001"]
    assert " at at " not in found[0].message and "Unterminated string starting at column" in found[0].message
