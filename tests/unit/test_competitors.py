"""The benchmark's reference programs count what they are meant to count (benchmarks/competitors.py)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from benchmarks import competitors, loggen


@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_typed_floor_accepts_a_clean_log_and_counts_each_bad_line(tmp_path: Path, dialect: str) -> None:
    events = list(loggen.generate_events(dialect, profile="text", turns=3, seed=2, chunk_ms=2))
    lines = [orjson.dumps(ev) for ev in events]
    log = tmp_path / f"{dialect}-text.jsonl"  # the dialect is read from the name, as run.py names them
    log.write_bytes(b"\n".join(lines) + b"\n")
    assert competitors.typed_only(str(log)) == (len(lines), 0)
    assert competitors.parse_only(str(log)) == (len(lines), 0)

    bad = dict(events[-1], event_id=7)  # a schema error: msgspec must reject it, as the schema does
    log.write_bytes(b"\n".join([*lines, orjson.dumps(bad), b"{not json", b""]) + b"\n")
    assert competitors.typed_only(str(log)) == (len(lines) + 2, 2)
    assert competitors.parse_only(str(log)) == (len(lines) + 2, 1)  # parse-only sees only the syntax error
