"""Assert on your own recordings in pytest, with rtcheck's session model.

Copy this file next to your tests and point ``RTCHECK_LOG`` (or ``LOG`` below) at a recorded
session (JSONL of Realtime events, bare or in a logger's envelope). Run: ``pytest -q``.

What is measured is defined in rtcheck's README ("Latency and cost"): latency runs from the end
of the user's turn to the response's first output delta; percentiles are exact, nearest-rank.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from realtime_cli import RunModel, load_sessions, validate_path

LOG = Path(os.environ.get("RTCHECK_LOG", Path(__file__).with_name("ga_session.jsonl")))
P95_BUDGET_MS = 1200.0
COST_BUDGET_USD = 0.50


@pytest.fixture(scope="module")
def run() -> RunModel:
    return load_sessions(LOG)


def test_the_log_follows_the_protocol() -> None:
    assert validate_path(LOG).ok


def test_no_response_failed(run: RunModel) -> None:
    assert run.response_count > 0
    assert run.failed == 0, run.failure_reasons


def test_every_function_call_was_answered(run: RunModel) -> None:
    unanswered = [(c.name, c.call_id, c.line) for c in run.unanswered_calls]
    assert not unanswered, f"calls with no function_call_output sent back: {unanswered}"


def test_p95_latency_is_within_budget(run: RunModel) -> None:
    if not run.latency.count:
        pytest.skip("this recording has no wall-clock timestamps")
    assert run.latency.p95 is not None and run.latency.p95 < P95_BUDGET_MS, run.latency


def test_interruptions_were_truncated_to_what_was_heard(run: RunModel) -> None:
    for session in run.sessions:
        for cut in session.interruptions:
            if cut.audio_generated_ms is not None and cut.audio_heard_ms is not None:
                assert cut.audio_heard_ms <= cut.audio_generated_ms, cut


def test_the_call_stays_within_its_cost_budget(run: RunModel) -> None:
    assert not run.cost.unpriced, f"no price for {sorted(run.cost.unpriced)}"
    assert run.cost.usd < COST_BUDGET_USD
