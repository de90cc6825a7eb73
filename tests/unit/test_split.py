"""--jobs on a log of several sessions: split at session starts, exactly the --jobs 1 output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import loggen
from realtime_cli.engine import parallel, split
from realtime_cli.engine.validate import Config, run


def _session(dialect: str, seed: int, turns: int = 6) -> list[Any]:
    return list(loggen.generate_events(dialect, turns=turns, seed=seed, chunk_ms=20))


def _lines(events: list[Any]) -> str:
    return "".join((e if isinstance(e, str) else json.dumps(e, separators=(",", ":"))) + "\n" for e in events)


def _multi(dialect: str = "ga") -> list[Any]:
    """Five sessions with defects on both sides of every boundary and once-per-input notes."""
    names = loggen._NAMES[dialect]
    out: list[Any] = []
    for k in range(5):
        evs = _session(dialect, seed=10 + k)
        audio = [i for i, e in enumerate(evs) if e["type"] == names["audio_delta"]]
        if k in (0, 2):
            evs[audio[3]]["delta"] = "not base64!"  # RT406, per session
        if k in (1, 3):
            # A response left open at the end of the session: reported when the next starts.
            rd = [i for i, e in enumerate(evs) if e["type"] == "response.done"]
            del evs[rd[-1]]
        if k in (1, 4):
            evs[audio[5]]["delta"] = "QUJD" * 100 + "...[truncated 9000 chars]"  # RT801 (once per input)
            evs.insert(audio[6], {"type": "response.text.delta" if dialect == "ga" else "response.output_text.delta",
                                  "event_id": f"event_mixed{k}", "response_id": "resp_x", "item_id": "item_x",
                                  "output_index": 0, "content_index": 0, "delta": "hi"})  # RT201 once
        if k == 2:
            # Refers to an item of session 1: unknown here, whatever the split.
            first_items = [e for e in out if e.get("type") == "conversation.item.added"] if out else []
            if first_items:
                evs.append({"type": "conversation.item.retrieve", "event_id": "evt_retrieve_old",
                            "item_id": first_items[0]["item"]["id"]})
        if k == 3:
            evs.insert(2, "{broken json")  # RT001 right after a session start
            # The words "session.created" inside a value do not start a session.
            evs.insert(4, {"type": "conversation.item.create", "event_id": "evt_words",
                           "item": {"type": "message", "role": "user",
                                    "content": [{"type": "input_text", "text": "what is session.created?"}]}})
        out.extend(evs)
    return out


@pytest.fixture
def small_sessions(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    monkeypatch.setattr(parallel, "SESSION_MIN_BYTES", 1024)
    monkeypatch.setattr(parallel, "MIN_MEAN_LINE_BYTES", 10**9)  # every test log counts as text-heavy
    calls: list[Any] = []
    real = split.run

    def spy(pool: Any, path: str, plan: Any, *rest: Any) -> Any:
        plan = list(plan)
        calls.append((Path(path).name, len(plan)))
        return real(pool, path, plan, *rest)

    monkeypatch.setattr(split, "run", spy)
    return calls


def _outcome(paths: list[Path], jobs: int, **kw: Any) -> tuple[list[Any], list[Any]]:
    result = run([str(p) for p in paths], Config(jobs=jobs, **kw))
    return result.diagnostics, result.files


@pytest.mark.parametrize("dialect", ["ga", "beta"])
@pytest.mark.parametrize("jobs", [2, 3])
def test_split_at_sessions_equals_jobs_1(tmp_path: Path, small_sessions: list[Any], dialect: str, jobs: int) -> None:
    log = tmp_path / "multi.jsonl"
    log.write_text(_lines(_multi(dialect)))
    one = _outcome([log], 1)
    many = _outcome([log], jobs)
    assert small_sessions and small_sessions[0][0] == "multi.jsonl" and small_sessions[0][1] >= 2
    assert many == one
    codes = [d.code for d in one[0]]
    # The defects are there, once-per-input notes once, per-session findings per session.
    assert codes.count("RT801") == 1 and codes.count("RT201") == 1
    assert codes.count("RT406") >= 2 and "RT301" in codes and "RT001" in codes
    assert one[1][0].events > 0 and one[1][0].responses > 0


def test_automatic_jobs_split_too_and_forced_dialect(tmp_path: Path, small_sessions: list[Any]) -> None:
    log = tmp_path / "multi.jsonl"
    log.write_text(_lines(_multi("ga")))
    assert _outcome([log], 0) == _outcome([log], 1)  # --jobs 0: one per core (2 here or more)
    forced = _outcome([log], 2, dialect="ga")
    assert forced == _outcome([log], 1, dialect="ga")
    assert len(small_sessions) == 2


def test_envelopes_and_a_last_line_without_newline(tmp_path: Path, small_sessions: list[Any]) -> None:
    log = tmp_path / "env.jsonl"
    records = [{"time": 1_700_000_000 + i, "source": "server", "event": e} if isinstance(e, dict) else e
               for i, e in enumerate(_multi("ga"))]
    log.write_text(_lines(records).rstrip("\n")[:-5])  # the recording was cut mid-line
    one = _outcome([log], 1)
    assert _outcome([log], 2) == one
    assert small_sessions[0][1] >= 2
    assert one[0][-1].code == "RT001" and "cut off" in one[0][-1].message


def test_plan_starts_every_range_at_a_session_start(tmp_path: Path) -> None:
    log = tmp_path / "multi.jsonl"
    text = _lines(_multi("ga"))
    log.write_text(text)
    plan = split.plan(str(log), 2, 1024)
    data = log.read_bytes()
    assert plan[0][:1] == (0,) and plan[-1][1] == len(data)
    # Only the first range's first line is known up front; the others are counted by their workers.
    assert [line for _, _, line in plan] == [1] + [0] * (len(plan) - 1)
    for (start, end, _), nxt in zip(plan, [*plan[1:], (len(data), 0, 0)], strict=True):
        assert end == nxt[0]
        if start:
            assert json.loads(data[start:data.index(b"\n", start)])["type"] == "session.created"
    # The words inside a user message are not a boundary.
    offsets = split.session_offsets(str(log))
    assert all(b"what is session.created" not in data[o:data.index(b"\n", o)] for o in offsets)
    assert all(data[o - 1:o] == b"\n" for o in offsets) and len(offsets) == 4


def test_range_task_counts_its_lines_and_says_when_a_message_quotes_one(tmp_path: Path) -> None:
    log = tmp_path / "multi.jsonl"
    events = _multi("ga")
    log.write_text(_lines(events))
    data = log.read_bytes()
    start, end = split.session_offsets(str(log))[:2]
    config = Config()
    summary, diags, _, lines, cites = split.range_task(str(log), start, end, 0, config, ("ga", 1))
    assert lines == data.count(b"\n", start, end) and summary.events > 0 and not cites
    # The same range read with its real first line: every finding is that many lines later.
    absolute = split.range_task(str(log), start, end, data.count(b"\n", 0, start) + 1, config, ("ga", 1))
    shift = data.count(b"\n", 0, start)
    assert [(d.code, d.line + shift) for d in diags] == [(d.code, d.line) for d in absolute[1]] != []
    # A second response.done: its message quotes the line of the first one.
    done = next(i for i, e in enumerate(events) if isinstance(e, dict) and e.get("type") == "response.done"
                and _offset(events, i) > start)
    events.insert(done + 1, events[done])
    log.write_text(_lines(events))
    end2 = split.session_offsets(str(log))[1]
    _, diags2, _, _, cites2 = split.range_task(str(log), start, end2, 0, config, ("ga", 1))
    assert cites2 and any(d.code == "RT302" for d in diags2)


def _offset(events: list[Any], index: int) -> int:
    return len(_lines(events[:index]).encode())


@pytest.mark.parametrize("defect", ["RT302", "RT311", "RT309", "RT310"])
def test_findings_that_quote_a_line_are_right_in_later_ranges(
    tmp_path: Path, small_sessions: list[Any], defect: str
) -> None:
    events = _multi("ga")
    starts = [i for i, e in enumerate(events) if isinstance(e, dict) and e.get("type") == "session.created"]
    at = starts[3]  # inside the fourth session: a later range, read with relative lines first
    done = next(i for i in range(at, len(events)) if isinstance(events[i], dict) and events[i]["type"] == "response.done")
    if defect == "RT302":
        events.insert(done + 1, events[done])
    elif defect == "RT311":
        late = dict(next(e for e in events[at:done] if isinstance(e, dict) and e["type"] == "response.output_audio_transcript.delta"))
        events.insert(done + 1, late)
    elif defect == "RT309":
        created = next(i for i in range(at, done) if isinstance(events[i], dict) and events[i]["type"] == "response.created")
        other = json.loads(json.dumps(events[created]))
        other["response"]["id"] = "resp_overlapping"
        other["event_id"] = "event_overlapping"
        events.insert(created + 1, other)
    else:
        create = next(i for i in range(at, len(events)) if isinstance(events[i], dict) and events[i]["type"] == "response.create")
        events.insert(create + 1, {"type": "error", "event_id": "event_err", "error": {
            "type": "invalid_request_error", "code": "bad", "message": "no", "event_id": events[create]["event_id"]}})
    log = tmp_path / "multi.jsonl"
    log.write_text(_lines(events))
    one = _outcome([log], 1)
    assert _outcome([log], 2) == one and small_sessions[0][1] >= 3
    found = [d for d in one[0] if d.code == defect]
    assert found and "line " in found[0].message


def test_session_scan_across_blocks_and_past_a_huge_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "_SCAN_BLOCK", 997)  # boundaries fall inside lines and needles
    monkeypatch.setattr(split, "_MAX_START_LINE", 5000)
    log = tmp_path / "multi.jsonl"
    events = _multi("ga")
    events.insert(40, {"type": "x", "event_id": "e", "pad": "session.created " * 2000})  # a huge line
    log.write_text(_lines(events))
    data = log.read_bytes()
    want = [i for i in range(1, len(data))
            if data[i - 1:i] == b"\n" and data.startswith(b'{"type":"session.created"', i)]
    assert split.session_offsets(str(log)) == want and len(want) == 4


def test_single_session_log_is_not_split_by_session(tmp_path: Path) -> None:
    log = tmp_path / "one.jsonl"
    log.write_text(_lines(_session("ga", 3, turns=20)))
    assert split.plan(str(log), 2, 1024) == []


def test_merge_keeps_the_first_once_per_input_note() -> None:
    from realtime_cli.core.diagnostics import Diagnostic, FileSummary
    from realtime_cli.rules.catalog import RULES

    def d(code: str, line: int, msg: str = "m") -> Diagnostic:
        return Diagnostic(code, RULES[code].severity, msg, "p", line=line)

    a = (FileSummary("p", "ga", 3, 1), [d("RT801", 2), d("RT103", 3, "legacy x"), d("RT406", 3)], {"r1"})
    b = (FileSummary("p", "ga", 4, 2), [d("RT801", 9), d("RT103", 10, "legacy x"), d("RT103", 11, "legacy y"),
                                        d("RT406", 12)], {"r1", "r2"})
    summary, diags = split.merge("p", [a, b])
    assert [(x.code, x.line) for x in diags] == [("RT801", 2), ("RT103", 3), ("RT406", 3), ("RT103", 11), ("RT406", 12)]
    assert (summary.events, summary.responses, summary.dialect) == (7, 2, "ga")


def test_hostile_lines_inside_later_sessions(tmp_path: Path, small_sessions: list[Any]) -> None:
    log = tmp_path / "hostile.jsonl"
    text = _lines(_multi("ga")).encode()
    lines = text.split(b"\n")
    # After the third session start: an over-long line, invalid UTF-8, NUL bytes, a lone CR.
    third = [i for i, line in enumerate(lines) if b'"type":"session.created"' in line][2]
    lines[third + 3:third + 3] = [b'{"type":"x","event_id":"' + b"y" * 9000 + b'"}', b'{"type":"\xff\xfe"}',
                                  b"\x00\x00\x00", b"\r"]
    log.write_bytes(b"\n".join(lines))
    config = {"max_line_bytes": 4096}
    one = _outcome([log], 1, **config)
    assert _outcome([log], 2, **config) == one
    assert small_sessions[0][1] >= 2
    found = {(d.code, d.line) for d in one[0] if d.line > third}
    assert {("RT003", third + 4), ("RT002", third + 5)} <= found


def test_audio_heavy_logs_are_not_scanned_for_sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Long lines: validation is fast per byte, the scan would cost more than it saves.
    monkeypatch.setattr(parallel, "SESSION_MIN_BYTES", 1024)
    monkeypatch.setattr(split, "iter_plan", lambda *a: pytest.fail("scanned"))
    log = tmp_path / "audio.jsonl"
    log.write_text(_lines(_multi("ga")))
    assert parallel.splittable(str(log), 0)  # mean line length over MIN_MEAN_LINE_BYTES
    assert _outcome([log], 2) == _outcome([log], 1)
