"""The turn timeline of one session: lanes for the user, the assistant and tool calls, and a
lane of markers (interruptions, failed responses, server errors).

On the log's wall clock when the session has one (seconds from the session's first event),
otherwise in event order (the log's line numbers): a log without timestamps still shows who
spoke in which order and what overlapped.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from realtime_cli.core.safety import clean
from realtime_cli.session.model import Session
from realtime_cli.views.html.charts import (
    AXIS_H,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    Chart,
    Scale,
    Shape,
    fmt_ms,
    x_axis,
)

LANES = ("user", "assistant", "tools", "events")
LANE_LABELS = {"user": "user speech", "assistant": "assistant", "tools": "tool calls", "events": "events"}
LANE_H = 26.0
BAR_H = 16.0
MIN_W = 2.0


@dataclass(frozen=True, slots=True)
class ServerError:
    """A server ``error`` event, as the report's single pass saw it."""

    line: int
    code: str
    message: str


class Clock:
    """Positions for a session: wall-clock milliseconds from its start, or line numbers."""

    def __init__(self, session: Session) -> None:
        self.timed = session.has_clock and any(r.t_created is not None or r.t_done is not None for r in session.responses)
        self.origin = (session.start_ms or 0.0) if self.timed else 0.0
        # The axis: [0, duration] ms on a clock, [first line, last line] in event order.
        self.lo = 0.0 if self.timed else float(session.first_line)
        end = (session.end_ms or self.origin) - self.origin if self.timed else float(session.last_line)
        self.hi = max(end, self.lo + 1.0)
        # (line, time) pairs, to place events the model keeps only a line for.
        pts: dict[int, float] = {}
        if self.timed:
            for t in session.turns:
                if t.t_start is not None:
                    pts.setdefault(t.line, t.t_start)
            for r in session.responses:
                for line, at in ((r.first_line, r.t_created), (r.done_line, r.t_done)):
                    if line is not None and at is not None:
                        pts.setdefault(line, at)
        self._lines = sorted(pts)
        self._times = [pts[k] for k in self._lines]

    def at(self, t: float | None, line: int | None) -> float | None:
        """Position of an instant known by its time and/or its line (None: unknown)."""
        if self.timed:
            if t is None and line is not None:
                t = self._interpolate(line)
            return None if t is None else t - self.origin
        return None if line is None else line - self.origin

    def _interpolate(self, line: int) -> float | None:
        if not self._lines:
            return None
        i = bisect.bisect_left(self._lines, line)
        if i == 0:
            return self._times[0]
        if i >= len(self._lines):
            return self._times[-1]
        l0, l1 = self._lines[i - 1], self._lines[i]
        t0, t1 = self._times[i - 1], self._times[i]
        return t0 + (t1 - t0) * (line - l0) / (l1 - l0)

    @property
    def unit(self) -> str:
        return "ms" if self.timed else "n"

    @property
    def title(self) -> str:
        return "time" if self.timed else "log line"


def build_timeline(session: Session, errors: list[ServerError], anchor: str) -> Chart:
    """The timeline chart of ``session``; ``anchor`` prefixes the ids of the turn-table rows
    that the response marks link to.

    A mark that links to a response's row carries no hover text of its own: the page's script
    shows that row's id, status, latency, tokens and text (one copy of each string per
    response instead of one per chart: a third of the file on a 50 MB log)."""
    clock = Clock(session)
    height = TOP + LANE_H * len(LANES) + AXIS_H + 4
    chart = Chart("turn timeline", height, kind="timeline")
    sc = Scale(clock.lo, clock.hi, LEFT, WIDTH - RIGHT)
    for i, lane in enumerate(LANES):
        y = TOP + i * LANE_H
        chart.add(Shape("rect", LEFT, y, w=WIDTH - RIGHT - LEFT, h=LANE_H, cls=f"lane lane-{i % 2}"))
        chart.add(Shape("text", LEFT - 6, y + LANE_H / 2 + 4, text=LANE_LABELS[lane], cls="lane-label", anchor="end"))

    def lane_y(lane: str) -> float:
        return TOP + LANES.index(lane) * LANE_H + (LANE_H - BAR_H) / 2

    def span(a: float | None, b: float | None, lane: str, cls: str, tip: str | None, href: str | None = None) -> None:
        if a is None and b is None:
            return
        a = b if a is None else a
        b = a if b is None else b
        assert a is not None and b is not None
        x0, x1 = sc(min(a, b)), sc(max(a, b))
        chart.add(Shape("rect", x0, lane_y(lane), w=max(x1 - x0, MIN_W), h=BAR_H, cls=cls, tip=tip, href=href))

    def marker(at: float | None, cls: str, tip: str | None, href: str | None = None) -> None:
        if at is not None:
            chart.add(Shape("tick", sc(at), lane_y("events") + BAR_H / 2, cls=cls, tip=tip, href=href))

    first_response_line = {r.id: r.first_line for r in session.responses}
    for turn in session.turns:
        said = turn.transcript or turn.text
        tip = f"user turn {turn.index} ({turn.kind}), line {turn.line}"
        if turn.speech_ms is not None:
            tip += f"\nspeech {fmt_ms(turn.speech_ms)}"
        if said:
            tip += f"\n“{_snip(said)}”"
        if clock.timed:
            a = clock.at(turn.t_start, turn.line)
            b = clock.at(turn.t_end, None)
            if b is None and turn.speech_ms is not None and a is not None:
                b = a + turn.speech_ms
        else:
            a = clock.at(None, turn.line)
            nxt = min((first_response_line[r] for r in turn.response_ids if r in first_response_line), default=None)
            b = clock.at(None, nxt) if nxt is not None and nxt > turn.line else (a + 1 if a is not None else None)
        span(a, b, "user", f"user {turn.kind}", tip)

    for k, r in enumerate(session.responses):
        href = f"#{anchor}-r{k + 1}"
        start = clock.at(r.t_created, r.first_line)
        end = clock.at(r.t_done, r.done_line if r.done_line is not None else r.last_line)
        if clock.timed and r.t_anchor is not None and r.t_first_output is not None:
            # The wait the user felt: end of their turn to the first output.
            a, b = clock.at(r.t_anchor, None), clock.at(r.t_first_output, None)
            if a is not None and b is not None and b > a:
                chart.add(Shape("rect", sc(a), lane_y("assistant") + BAR_H / 2 - 1.5,
                                w=max(sc(b) - sc(a), 1.0), h=3, cls="wait", href=href))
        cls = f"resp st-{_css(r.shown_status)}" + (" interrupted" if r.interruption else "")
        span(start, end, "assistant", cls, None, href)
        for call in r.function_calls:
            t_call = clock.at(r.t_done, call.line)
            t_out = clock.at(call.t_output, call.output_line) if call.answered else clock.hi
            span(t_call, t_out, "tools", "call" if call.answered else "call unanswered", None, href)
        if r.interruption is not None:
            it = r.interruption
            itip = f"interrupted: {_snip(it.reason)}\n{_snip(r.id, 200)}"
            if it.audio_generated_ms is not None or it.audio_heard_ms is not None:
                itip += f"\naudio generated {fmt_ms(it.audio_generated_ms)}, heard {fmt_ms(it.audio_heard_ms)}"
            marker(clock.at(r.t_done if it.truncate_line is None else None, it.truncate_line or it.line), "m-interrupt", itip, href)
        if r.status == "failed":
            marker(end, "m-failed", None, href)
    for err in errors:
        marker(clock.at(None, err.line), "m-error", f"server error {_snip(err.code)}, line {err.line}\n{_snip(err.message)}")
    x_axis(chart, sc, TOP + LANE_H * len(LANES), clock.unit, clock.title)
    return chart


def _snip(text: str, n: int = 90) -> str:
    return clean(" ".join(text.split()), n)


def _css(status: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in status.lower())
