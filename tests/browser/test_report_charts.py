"""The report's chart geometry, without a browser: scales, ticks, bars, the histogram and the
timeline's two axes (wall clock, event order)."""

from __future__ import annotations

import re

import pytest

from realtime_cli.session.model import ResponseInfo, Session, Turn
from realtime_cli.views.html.charts import Bar, bar_chart, fmt_ms, histogram, ticks
from realtime_cli.views.html.timeline import ServerError, build_timeline


@pytest.mark.parametrize(("ms", "shown"), [(None, "\u2013"), (0, "0 ms"), (999.4, "999 ms"), (1240, "1.24 s"),
                                           (125_000, "2 min 05 s"), (3_725_000, "1 h 02 min")])
def test_durations_read_like_a_person_writes_them(ms: float | None, shown: str) -> None:
    assert fmt_ms(ms) == shown


@pytest.mark.parametrize(("lo", "hi"), [(0, 1), (0, 7), (0, 556), (120, 9_870), (0, 186_000)])
def test_ticks_are_round_and_cover_the_range(lo: float, hi: float) -> None:
    t = ticks(lo, hi)
    assert 3 <= len(t) <= 12
    assert t[0] >= lo and t[-1] <= hi and t[-1] + (t[1] - t[0]) > hi
    step = t[1] - t[0]
    assert re.fullmatch(r"[125]0*(\.0+)?|0\.0*[125]", f"{step:g}"), step


def test_bar_heights_are_proportional_and_stack() -> None:
    chart = bar_chart("x", [Bar(((100.0, "a"),), "#r1"), Bar(((50.0, "a"), (50.0, "b")), "#r2")], "n", "t")
    rects = [s for s in chart.shapes if s.kind == "rect"]
    a1, a2, b2 = rects
    assert a1.h == pytest.approx(a2.h + b2.h) and a2.h == pytest.approx(b2.h)
    assert b2.y + b2.h == pytest.approx(a2.y)  # b sits on a
    assert [r.href for r in rects] == ["#r1", "#r2", "#r2"]


def test_histogram_counts_every_value_and_marks_percentiles() -> None:
    values = [180.0, 350, 360, 466, 470, 480, 556, 556]
    chart = histogram("h", values, (("p50", 466.0), ("p95", 556.0)))
    counts = [int(re.search(r": (\d+) response", s.tip or "").group(1)) for s in chart.shapes if s.cls == "hist"]
    assert sum(counts) == len(values)
    marks = {s.cls: s.x for s in chart.shapes if s.kind == "line" and "mark-" in s.cls}
    assert marks["mark mark-p50"] < marks["mark mark-p95"]


def _session(clock: bool) -> Session:
    s = Session(1, "x.jsonl", "sess_1", first_line=1, last_line=40)
    if clock:
        s.start_ms, s.end_ms = 1_000.0, 11_000.0
    t = Turn(1, "speech", 3, t_start=1_500.0 if clock else None, t_end=2_500.0 if clock else None, response_ids=["r1", "r2"])
    s.turns.append(t)
    for k, (a, b) in enumerate([(5, 15), (20, 38)]):
        r = ResponseInfo(f"r{k + 1}", "x.jsonl", 1, turn_index=1, status="completed", first_line=a, last_line=b, done_line=b)
        if clock:
            r.t_anchor, r.t_created, r.t_first_output, r.t_done = 2_500.0 + k * 4_000, 2_600.0 + k * 4_000, 3_000.0 + k * 4_000, 5_000.0 + k * 4_000
        s.responses.append(r)
    return s


@pytest.mark.parametrize("clock", [True, False])
def test_timeline_places_turns_and_responses_in_order(clock: bool) -> None:
    chart = build_timeline(_session(clock), [ServerError(30, "rate_limit_exceeded", "slow down")], "s1")
    resp = [s for s in chart.shapes if s.kind == "rect" and s.cls.startswith("resp")]
    user = [s for s in chart.shapes if s.kind == "rect" and s.cls.startswith("user")]
    assert [r.href for r in resp] == ["#s1-r1", "#s1-r2"]
    assert user[0].x < resp[0].x < resp[1].x
    assert resp[0].x + resp[0].w <= resp[1].x
    errors = [s for s in chart.shapes if s.cls == "m-error"]
    assert len(errors) == 1 and resp[1].x <= errors[0].x <= resp[1].x + resp[1].w  # line 30 is inside r2
    waits = [s for s in chart.shapes if s.cls == "wait"]
    assert len(waits) == (2 if clock else 0)  # the wait before the first output needs a clock
    labels = [s.text for s in chart.shapes if s.cls == "axis-title"]
    assert labels == (["time"] if clock else ["log line"])
