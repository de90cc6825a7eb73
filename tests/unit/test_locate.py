"""locate: which records a show search keeps, and what it does not do for an ambiguous prefix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from realtime_cli.session import inspection, locate


def _log(path: Path, ids: list[str]) -> Path:
    lines = []
    for i, rid in enumerate(ids):
        lines.append({"type": "response.create", "event_id": f"c{i}"})
        lines.append({"type": "response.created", "event_id": f"a{i}", "response": {"id": rid, "object": "realtime.response", "status": "in_progress"}})
        lines.append({"type": "response.done", "event_id": f"b{i}", "response": {"id": rid, "object": "realtime.response", "status": "completed"}})
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def _rescans(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Spy on the only reads besides the one pass: newlines counted back to a response.create."""
    calls: list[tuple[int, int]] = []
    real = locate._Searched.newlines

    def spy(self: locate._Searched, start: int, end: int) -> int:
        calls.append((start, end))
        return real(self, start, end)

    monkeypatch.setattr(locate._Searched, "newlines", spy)
    return calls


def test_ambiguous_prefix_builds_no_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `show resp_` on a long log used to number the lines of every response, each with a scan
    # from the start of the file: minutes on a 200 MB log.
    path = _log(tmp_path / "many.jsonl", [f"resp_{i:05d}" for i in range(500)])
    calls = _rescans(monkeypatch)
    hits = locate.search(str(path), "resp_", locate.ScanCounter())
    assert len(hits.ids) == 500 and hits.records == {} and calls == []
    out = inspection.show(inspection.InspectConfig(paths=(str(path),)), "resp_")
    assert out.state == inspection.AMBIGUOUS and len(out.candidates) == 500


def test_exact_id_wins_over_longer_ids_it_prefixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _log(tmp_path / "ab.jsonl", ["resp_AB", "resp_ABC", "resp_A", "resp_AD"])
    calls = _rescans(monkeypatch)
    hits = locate.search(str(path), "resp_A", locate.ScanCounter())
    assert hits.ids == ["resp_AB", "resp_ABC", "resp_A", "resp_AD"] and list(hits.records) == ["resp_A"]
    assert [r.line for r in hits.records["resp_A"]] == [7, 8, 9] and len(calls) == 1
    out = inspection.show(inspection.InspectConfig(paths=(str(path),)), "resp_A")
    assert out.state == inspection.FOUND and out.response is not None and out.response.id == "resp_A"


def test_unique_prefix_keeps_its_records(tmp_path: Path) -> None:
    path = _log(tmp_path / "two.jsonl", ["resp_X1", "resp_Y1"])
    hits = locate.search(str(path), "resp_Y", locate.ScanCounter())
    assert hits.ids == ["resp_Y1"] and [r.line for r in hits.records["resp_Y1"]] == [4, 5, 6]
    last = locate.search(str(path), "last", locate.ScanCounter())
    assert last.ids == ["resp_Y1"] and [r.line for r in last.records["resp_Y1"]] == [4, 5, 6]


@pytest.mark.parametrize("block", [7, 64, 1 << 20])
def test_byte_search_finds_what_the_loader_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    # Lines that straddle reads, a line over the limit (skipped, its newline still counted),
    # blank lines, a BOM, and a last line without a newline: same records, same line numbers.
    monkeypatch.setattr(locate, "_BLOCK", block)
    monkeypatch.setattr(locate, "_SEEK_BLOCK", max(1, block // 4))
    ids = [f"resp_{i:03d}" for i in range(12)]
    lines = []
    for i, rid in enumerate(ids):
        lines.append(json.dumps({"type": "response.create", "event_id": f"c{i}"}))
        lines.append(json.dumps({"type": "response.created", "event_id": f"a{i}", "response": {"id": rid}}))
        if i == 4:
            lines.append(json.dumps({"type": "x", "event_id": "big", "pad": "resp_004 " * 400}))
            lines.append("")
        lines.append(json.dumps({"type": "response.output_text.delta", "event_id": f"d{i}", "response_id": rid,
                                 "item_id": "i", "output_index": 0, "content_index": 0, "delta": "é" * (i * 37)}, ensure_ascii=False))
        lines.append(json.dumps({"type": "response.done", "event_id": f"b{i}", "response": {"id": rid}}))
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())
    for rid in (ids[0], ids[4], ids[5], ids[-1], "last"):
        fast = locate.search(str(path), rid, locate.ScanCounter(), max_line_bytes=2000)
        slow = locate._search_stream(str(path), rid, locate.ScanCounter(), 2000)
        assert fast.ids == slow.ids
        assert {k: [(r.line, r.offset, r.event) for r in v] for k, v in fast.records.items()} == \
               {k: [(r.line, r.offset, r.event) for r in v] for k, v in slow.records.items()}
        assert len(next(iter(fast.records.values()))) == 4
    missing = locate.search(str(path), "resp_nope", locate.ScanCounter(), max_line_bytes=2000)
    assert missing.ids == [] and set(ids) <= missing.all_ids
    # A query longer than any read: found nowhere, and the search ends.
    assert locate.search(str(path), "resp_" + "x" * 5000, locate.ScanCounter(), max_line_bytes=2000).ids == []


@pytest.mark.parametrize("spacing", [1, 3, 100, 1500, 9000])
def test_count_newlines_is_bytes_count(spacing: int) -> None:
    import random

    rng = random.Random(spacing)
    data = bytes(rng.choice(b"ab\n" if rng.random() < 1 / spacing else b"abc") for _ in range(200_000))
    for start, end in ((0, None), (5, 150_000), (1000, 1000), (199_999, None)):
        stop = len(data) if end is None else end
        assert locate.count_newlines(data, start, end) == data.count(b"\n", start, stop)
        assert locate.count_newlines(bytearray(data), start, end) == data.count(b"\n", start, stop)


def _gz(path: Path, lines: list[dict[str, object]]) -> Path:
    import gzip

    path.write_bytes(gzip.compress("".join(json.dumps(x) + "\n" for x in lines).encode()))
    return path


def _peak_kept(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Spy: the most records a streamed search holds at once, after each kept record."""
    sizes = [0]
    real = locate._Kept.add

    def spy(self: locate._Kept, *args: object) -> None:
        real(self, *args)  # type: ignore[arg-type]
        sizes[0] = max(sizes[0], sum(len(v) for v in self.per_id.values()))

    monkeypatch.setattr(locate._Kept, "add", spy)
    return sizes


def test_streamed_search_keeps_bounded_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `show last log.gz` and `show resp_ log.gz` used to keep every response's records.
    plain = _log(tmp_path / "many.jsonl", [f"resp_{i:04d}" for i in range(2000)])
    gz = _gz(tmp_path / "many.jsonl.gz", [json.loads(x) for x in plain.read_text().splitlines()])
    peak = _peak_kept(monkeypatch)
    last = locate.search(str(gz), "last", locate.ScanCounter())
    assert last.ids == ["resp_1999"] and [r.line for r in last.records["resp_1999"]] == [5998, 5999, 6000]
    assert peak[0] <= 6
    peak[0] = 0
    prefix = locate.search(str(gz), "resp_", locate.ScanCounter())
    assert len(prefix.ids) == 2000 and prefix.records == {} and peak[0] <= 3
    exact = locate.search(str(gz), "resp_1", locate.ScanCounter())
    assert exact.ids[0] == "resp_1000" and exact.records == {}
    # Same answers as the byte search of the same lines.
    for query in ("last", "resp_0007", "resp_199"):
        fast = locate.search(str(plain), query, locate.ScanCounter())
        slow = locate.search(str(gz), query, locate.ScanCounter())
        assert fast.ids == slow.ids
        assert {k: [r.line for r in v] for k, v in fast.records.items()} == \
               {k: [r.line for r in v] for k, v in slow.records.items()}


def test_exact_id_after_an_ambiguous_prefix_is_kept_in_a_stream(tmp_path: Path) -> None:
    lines = [json.loads(x) for x in _log(tmp_path / "x.jsonl", ["resp_AB", "resp_AC", "resp_A", "resp_AD"]).read_text().splitlines()]
    hits = locate.search(str(_gz(tmp_path / "x.jsonl.gz", lines)), "resp_A", locate.ScanCounter())
    assert hits.ids == ["resp_AB", "resp_AC", "resp_A", "resp_AD"] and list(hits.records) == ["resp_A"]
    assert [r.line for r in hits.records["resp_A"]] == [7, 8, 9]


def _speaks_again(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Response A finishes, 300 others come and go, then A's playback stops last of all."""
    monkeypatch.setattr(locate, "_KEEP_OPEN", 4)
    lines: list[dict[str, object]] = []
    ids = ["resp_A"] + [f"resp_{i:03d}" for i in range(300)]
    for i, rid in enumerate(ids):
        lines.append({"type": "response.create", "event_id": f"c{i}"})
        lines.append({"type": "response.created", "event_id": f"a{i}", "response": {"id": rid}})
        lines.append({"type": "response.done", "event_id": f"b{i}", "response": {"id": rid}})
    lines.append({"type": "output_audio_buffer.stopped", "event_id": "p", "response_id": "resp_A"})
    return lines


def test_last_response_that_speaks_again_is_read_twice_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = locate.ScanCounter()
    hits = locate.search(str(_gz(tmp_path / "again.jsonl.gz", _speaks_again(monkeypatch))), "last", counter)
    assert hits.ids == ["resp_A"] and [r.line for r in hits.records["resp_A"]] == [1, 2, 3, 904]
    assert counter.files_streamed == 2  # the second read, for resp_A only


def test_last_response_that_speaks_again_on_stdin_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    data = "".join(json.dumps(x) + "\n" for x in _speaks_again(monkeypatch)).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    hits = locate.search("-", "last", locate.ScanCounter())
    assert hits.ids == [] and hits.error is not None and "resp_A" in hits.error and "stdin" in hits.error


def test_last_after_too_many_dropped_ids_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Past _MAX_IDS dropped ids the search no longer knows which ids it dropped: it cannot
    # vouch for the last response's records, so it reads the file again rather than guess.
    monkeypatch.setattr(locate, "_MAX_IDS", 5)
    plain = _log(tmp_path / "n.jsonl", [f"resp_{i:02d}" for i in range(20)])
    gz = _gz(tmp_path / "n.jsonl.gz", [json.loads(x) for x in plain.read_text().splitlines()])
    counter = locate.ScanCounter()
    hits = locate.search(str(gz), "last", counter)
    assert hits.ids == ["resp_19"] and [r.line for r in hits.records["resp_19"]] == [58, 59, 60]
    assert counter.files_streamed == 2


# --------------------------------------------------------------------------- the turn of a response


def _turn_of(path: Path, query: str = "last") -> dict[str, object] | None:
    out = inspection.show(inspection.InspectConfig(paths=(str(path),)), query)
    assert out.state == inspection.FOUND and out.context is not None
    turn = out.context.turn
    if turn is None:
        return None
    return {"index": turn.index if out.context.turn_counted else None, "line": turn.line,
            "said": turn.transcript or turn.text}


def _gzip_copy(path: Path) -> Path:
    import gzip

    gz = path.with_suffix(".jsonl.gz")
    gz.write_bytes(gzip.compress(path.read_bytes()))
    return gz


def test_show_last_numbers_the_turn_as_a_full_read_does(tmp_path: Path) -> None:
    # The byte search read a window of two responses and numbered turns from there ("turn 1"),
    # while the gzip copy, read whole, said "turn 4".
    example = Path(__file__).parents[2] / "examples" / "ga_session.jsonl"
    plain = tmp_path / "ga.jsonl"
    plain.write_bytes(example.read_bytes())
    want = _turn_of(_gzip_copy(plain))
    assert want is not None and want["index"] == 4
    assert _turn_of(plain) == want


def _follow_ups(path: Path, responses: int, filler: int = 0) -> Path:
    """One spoken turn, then ``responses`` responses the client asked for without new input."""
    ev: list[dict[str, object]] = [
        {"type": "session.created", "session": {"id": "sess_1", "model": "gpt-realtime"}},
        {"type": "input_audio_buffer.speech_started", "item_id": "item_u0", "audio_start_ms": 0},
        {"type": "input_audio_buffer.speech_stopped", "item_id": "item_u0", "audio_end_ms": 900},
        {"type": "input_audio_buffer.committed", "item_id": "item_u0"},
        {"type": "input_audio_buffer.speech_started", "item_id": "item_u1", "audio_start_ms": 1000},
        {"type": "input_audio_buffer.speech_stopped", "item_id": "item_u1", "audio_end_ms": 1900},
        {"type": "input_audio_buffer.committed", "item_id": "item_u1"},
        {"type": "conversation.item.input_audio_transcription.completed", "item_id": "item_u1", "transcript": "book a table"},
    ]
    for i in range(responses):
        rid = f"resp_{i:03d}"
        ev.append({"type": "response.create"})
        ev.append({"type": "response.created", "response": {"id": rid, "object": "realtime.response", "status": "in_progress"}})
        ev += [{"type": "response.output_text.delta", "response_id": rid, "item_id": f"item_o{i}", "output_index": 0,
                "content_index": 0, "delta": "x" * 50} for _ in range(filler)]
        ev.append({"type": "response.done", "response": {"id": rid, "object": "realtime.response", "status": "completed", "output": []}})
    path.write_text("".join(json.dumps(x) + "\n" for x in ev), encoding="utf-8")
    return path


@pytest.mark.parametrize("responses", [1, 3, 6, 40])
def test_a_follow_up_response_finds_its_turn_however_far_back(tmp_path: Path, responses: int) -> None:
    # Three or more responses after the user spoke, show used to say "no user input".
    plain = _follow_ups(tmp_path / "f.jsonl", responses, filler=5)
    want = {"index": 2, "line": 5, "said": "book a table"}
    assert _turn_of(plain) == want
    assert _turn_of(_gzip_copy(plain)) == want
    assert _turn_of(plain, f"resp_{responses - 1:03d}") == want


def test_a_session_too_long_to_count_says_its_turn_is_not_numbered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from realtime_cli.session import context
    from realtime_cli.views.terminal import show_json

    plain = _follow_ups(tmp_path / "f.jsonl", 8, filler=20)
    monkeypatch.setattr(context, "TURN_SCAN", 2000)
    monkeypatch.setattr(context, "WINDOW", 2000)
    out = inspection.show(inspection.InspectConfig(paths=(str(plain),)), "last")
    assert out.context is not None and not out.context.turn_counted
    session = show_json(out)["response"]["session"]
    assert session["model"] == "gpt-realtime" and session["turn"] is None
    from rich.console import Console

    from realtime_cli.views.terminal import render_show

    console = Console(width=120, record=True)
    render_show(console, out)
    text = console.export_text()
    assert "no user input" not in text and "further back than show reads" in text


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"  \t\r\n"])
def test_byte_search_parses_lines_as_the_loader_does(tmp_path: Path, eol: bytes) -> None:
    # parse() no longer strips a copy of each line: BOMs, CRLF and blanks around the value, a
    # NaN (RT010) and a line over 1 MiB (the large-document parser) must still be read.
    big = "A" * (1 << 20)
    lines = [
        {"type": "response.create", "event_id": "c0"},
        {"type": "response.created", "event_id": "a0", "response": {"id": "resp_W", "object": "realtime.response", "status": "in_progress"}},
        {"type": "response.output_audio.delta", "event_id": "d0", "response_id": "resp_W", "item_id": "item_1",
         "output_index": 0, "content_index": 0, "delta": big},
    ]
    body = b"\xef\xbb\xbf" + b"".join(b" " + json.dumps(x).encode() + eol for x in lines)
    body += b'{"type": "response.done", "event_id": "b0", "x": NaN, "response": {"id": "resp_W", "status": "completed"}}' + eol
    plain = tmp_path / "w.jsonl"
    plain.write_bytes(body)
    for query in ("last", "resp_W"):
        out = inspection.show(inspection.InspectConfig(paths=(str(plain),)), query)
        assert out.state == inspection.FOUND and out.response is not None, query
        assert out.response.status == "completed" and out.response.first_line == 1 and out.response.last_line == 4
        assert out.context is not None and out.context.info is not None and out.context.info.status == "completed"


def test_show_numbers_the_session_as_a_full_read_does(tmp_path: Path) -> None:
    # The byte search read only around the response, so every response was in "session 1".
    ev: list[dict[str, object]] = []
    for n in range(3):
        ev.append({"type": "session.created", "session": {"id": f"sess_{n}", "model": "gpt-realtime"}})
        for i in range(2):
            rid = f"resp_{n}_{i}"
            ev.append({"type": "response.created", "response": {"id": rid, "object": "realtime.response", "status": "in_progress"}})
            ev.append({"type": "response.done", "response": {"id": rid, "object": "realtime.response", "status": "completed", "output": []}})
    plain = tmp_path / "three.jsonl"
    plain.write_text("".join(json.dumps(x) + "\n" for x in ev), encoding="utf-8")
    gz = _gzip_copy(plain)
    from realtime_cli.views.terminal import show_json

    for query, want in (("resp_0_1", 1), ("resp_1_0", 2), ("resp_2_1", 3), ("last", 3)):
        for path in (plain, gz):
            out = inspection.show(inspection.InspectConfig(paths=(str(path),)), query)
            assert show_json(out)["response"]["session"]["session_index"] == want, (query, path)


@pytest.mark.parametrize("source", ["examples/ga_session.jsonl", "loggen-audio", "loggen-text"])
def test_byte_search_and_streamed_read_tell_the_same_story(tmp_path: Path, source: str) -> None:
    # The two paths disagreed on the turn number, the session, whether a barge-in got a response
    # and how much audio was heard (a truncate after the response's last line).
    from benchmarks.loggen import write_log
    from realtime_cli.views.terminal import show_json

    plain = tmp_path / "log.jsonl"
    if source.startswith("loggen"):
        write_log(plain, "ga", profile=source.split("-")[1], turns=12, seed=11, envelope="time-source")
    else:
        plain.write_bytes((Path(__file__).parents[2] / source).read_bytes())
    gz = _gzip_copy(plain)
    ids = [r["id"] for r in inspection_rows(plain)]
    assert len(ids) >= 5
    for rid in ids:
        a, b = (show_json(inspection.show(inspection.InspectConfig(paths=(str(p),)), rid)) for p in (plain, gz))
        assert a["scan"]["files_mapped"] == 1 and b["scan"]["files_streamed"] == 1
        assert a["response"]["session"] == b["response"]["session"], rid


def inspection_rows(path: Path) -> list[dict[str, object]]:
    from realtime_cli.views.listing import row_dict

    errors: list[tuple[str, str]] = []
    return [row_dict(r) for r in inspection.iter_rows(inspection.InspectConfig(paths=(str(path),)), errors)]
