"""Usage arithmetic on counts of any size (issue 18, item 6): never a silent skip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from realtime_cli.engine.collector import Collector
from realtime_cli.engine.validate import Config, run
from realtime_cli.logs.loader import Record
from realtime_cli.rules import catalog as rules
from realtime_cli.rules.checker import ConsistencyChecker


def _done(usage: dict[str, Any]) -> dict[str, Any]:
    return {"type": "response.done", "event_id": "e1", "response": {
        "object": "realtime.response", "id": "resp_1", "status": "completed", "status_details": None,
        "output": [], "conversation_id": "conv_1", "usage": usage}}


def _codes_of(ev: dict[str, Any]) -> list[tuple[str, str]]:
    out = Collector("x", frozenset(rules.RULES))
    checker = ConsistencyChecker(out)
    checker.feed(Record("x", 1, 0, ev), "ga")
    checker.finish()
    return [(d.code, d.message) for d in out.diagnostics if d.code.startswith("RT5")]


@pytest.mark.parametrize("big", [2**63, 2**64 + 7, 10**30, 10**400])
def test_exact_big_counts_are_checked_with_python_ints(big: int) -> None:
    # The parser gave exact ints (msgspec and the standard library do): the sums are exact.
    assert _codes_of(_done({"total_tokens": big, "input_tokens": big - 5, "output_tokens": 5})) == []
    [(code, msg)] = _codes_of(_done({"total_tokens": big, "input_tokens": big, "output_tokens": 1}))
    assert code == "RT501" and str(big + 1) in msg


@pytest.mark.parametrize("key", ["total_tokens", "input_tokens", "output_tokens"])
def test_counts_beyond_64_bits_in_a_file_are_reported_not_skipped(tmp_path: Path, key: str) -> None:
    usage: dict[str, Any] = {"total_tokens": 30, "input_tokens": 10, "output_tokens": 20}
    line = json.dumps(_done(usage)).replace(f'"{key}": {usage[key]}', f'"{key}": {10**30}')
    log = tmp_path / "big.jsonl"
    log.write_text(line + "\n")
    result = run([str(log)], Config(dialect="ga"))
    found = [d for d in result.diagnostics if d.code.startswith("RT5")]
    assert [d.code for d in found] == ["RT501"], found
    assert key in found[0].message


def test_integral_floats_within_range_are_counts() -> None:
    [(code, _msg)] = _codes_of(_done({"total_tokens": 31.0, "input_tokens": 10, "output_tokens": 20}))
    assert code == "RT501"
    assert _codes_of(_done({"total_tokens": 30.0, "input_tokens": 10, "output_tokens": 20})) == []
