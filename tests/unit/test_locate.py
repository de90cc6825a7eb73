"""locate: which records a show search keeps, and what it does not do for an ambiguous prefix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from realtime_cli import inspection, locate


def _log(path: Path, ids: list[str]) -> Path:
    lines = []
    for i, rid in enumerate(ids):
        lines.append({"type": "response.create", "event_id": f"c{i}"})
        lines.append({"type": "response.created", "event_id": f"a{i}", "response": {"id": rid, "object": "realtime.response", "status": "in_progress"}})
        lines.append({"type": "response.done", "event_id": f"b{i}", "response": {"id": rid, "object": "realtime.response", "status": "completed"}})
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def _count_lines_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = locate._Mapped.count_lines

    def spy(self: locate._Mapped, starts: list[int]) -> dict[int, int]:
        calls.append(len(starts))
        return real(self, starts)

    monkeypatch.setattr(locate._Mapped, "count_lines", spy)
    return calls


def test_ambiguous_prefix_builds_no_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `show resp_` on a long log used to number the lines of every response, each with a scan
    # from the start of the file: minutes on a 200 MB log.
    path = _log(tmp_path / "many.jsonl", [f"resp_{i:05d}" for i in range(500)])
    calls = _count_lines_calls(monkeypatch)
    hits = locate.search(str(path), "resp_", locate.ScanCounter())
    assert len(hits.ids) == 500 and hits.records == {} and calls == []
    out = inspection.show(inspection.InspectConfig(paths=(str(path),)), "resp_")
    assert out.state == inspection.AMBIGUOUS and len(out.candidates) == 500


def test_exact_id_wins_over_longer_ids_it_prefixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _log(tmp_path / "ab.jsonl", ["resp_AB", "resp_ABC", "resp_A", "resp_AD"])
    calls = _count_lines_calls(monkeypatch)
    hits = locate.search(str(path), "resp_A", locate.ScanCounter())
    assert hits.ids == ["resp_AB", "resp_ABC", "resp_A", "resp_AD"] and list(hits.records) == ["resp_A"]
    assert [r.line for r in hits.records["resp_A"]] == [7, 8, 9] and calls == [3]
    out = inspection.show(inspection.InspectConfig(paths=(str(path),)), "resp_A")
    assert out.state == inspection.FOUND and out.response is not None and out.response.id == "resp_A"


def test_unique_prefix_keeps_its_records(tmp_path: Path) -> None:
    path = _log(tmp_path / "two.jsonl", ["resp_X1", "resp_Y1"])
    hits = locate.search(str(path), "resp_Y", locate.ScanCounter())
    assert hits.ids == ["resp_Y1"] and [r.line for r in hits.records["resp_Y1"]] == [4, 5, 6]
    last = locate.search(str(path), "last", locate.ScanCounter())
    assert last.ids == ["resp_Y1"] and [r.line for r in last.records["resp_Y1"]] == [4, 5, 6]
