"""Chart geometry for the HTML report: plain shapes that a Jinja macro writes out as inline SVG.

Why hand-placed SVG and not a charting library (measured, see the README's "HTML report"
section): the report's four figures are bars on one or two axes, which take a few hundred
bytes of markup per turn here, while an inlined plotly.js adds ~4.6 MB to every report and a
Vega-Lite bundle ~0.8 MB; a 600-session report must stay small and open at once. Hover text is
a shape's SVG ``<title>`` (native tooltip; the report's small script shows it at once), or, for
a mark linked to a response, that response's row of the turn table; nothing here runs log
content as code.

Every coordinate is in the chart's own viewBox units (``WIDTH`` wide), so the SVG scales
with the page. Text that came from the log is only ever put in ``tip`` or ``text`` and is
escaped by the template's autoescape.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

DASH = "\u2013"  # en dash: ranges and "no value"
WIDTH = 960.0
LEFT = 96.0
RIGHT = 12.0
TOP = 8.0
AXIS_H = 22.0
PLOT_TOP = 16.0  # room above a plot for its y-axis title


@dataclass(frozen=True, slots=True)
class Shape:
    """One mark: ``rect`` (x, y, w, h), ``line`` (x, y to x2, y2), ``text`` at (x, y),
    ``tick`` (a small triangle marker centred on x, y)."""

    kind: str
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0
    x2: float = 0.0
    y2: float = 0.0
    cls: str = ""
    tip: str | None = None
    text: str | None = None
    href: str | None = None
    anchor: str = "start"


@dataclass(slots=True)
class Chart:
    """An SVG figure: its size, an accessible label and its shapes, in drawing order."""

    label: str
    height: float
    shapes: list[Shape] = field(default_factory=list)
    width: float = WIDTH
    kind: str = ""
    left: float = LEFT
    """Where the plot area starts (labels sit to its left)."""

    @property
    def right(self) -> float:
        return self.width - RIGHT

    def add(self, shape: Shape) -> None:
        self.shapes.append(shape)


@dataclass(frozen=True, slots=True)
class Scale:
    """A linear map from data [lo, hi] to pixels [a, b]."""

    lo: float
    hi: float
    a: float
    b: float

    def __call__(self, v: float) -> float:
        span = self.hi - self.lo
        if span <= 0:
            return self.a
        return self.a + (v - self.lo) / span * (self.b - self.a)


def nice_step(span: float, target: int = 6) -> float:
    """A round tick step (1, 2 or 5 x 10^k) giving about ``target`` ticks over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / target
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    """Round values from ``lo`` to ``hi`` for an axis."""
    step = nice_step(hi - lo, target)
    first = math.ceil(lo / step) * step
    out: list[float] = []
    v = first
    while v <= hi + step * 1e-9 and len(out) < 50:
        out.append(round(v, 10))
        v += step
    return out


def fmt_ms(ms: float | None) -> str:
    """A duration for people: ``850 ms``, ``1.24 s``, ``2 min 05 s``."""
    if ms is None:
        return DASH
    if abs(ms) < 1000:
        return f"{ms:.0f} ms"
    s = ms / 1000.0
    if abs(s) < 60:
        return f"{s:.2f} s"
    m, rest = divmod(round(s), 60)
    if m < 60:
        return f"{m} min {rest:02d} s"
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min"


def fmt_axis(v: float, unit: str) -> str:
    if v == 0:
        return "0"
    if unit == "ms":
        return f"{v / 1000:g} s" if abs(v) >= 1000 else f"{v:g} ms"
    if unit == "usd":
        return f"${v:.4g}"
    return f"{v:,.0f}" if abs(v) >= 1 or v == 0 else f"{v:g}"


def x_axis(chart: Chart, sc: Scale, y: float, unit: str, title: str) -> None:
    """Ticks and labels along the bottom of a plot area."""
    chart.add(Shape("line", sc.a, y, x2=sc.b, y2=y, cls="axis"))
    for v in ticks(sc.lo, sc.hi):
        x = sc(v)
        chart.add(Shape("line", x, y, x2=x, y2=y + 4, cls="axis"))
        chart.add(Shape("text", x, y + 15, text=fmt_axis(v, unit), cls="tick", anchor="middle"))
    if title:
        chart.add(Shape("text", chart.left - 8, y + 15, text=title, cls="axis-title", anchor="end"))


def y_axis(chart: Chart, sc: Scale, unit: str, title: str) -> None:
    """Grid lines with labels on the left of a plot area."""
    for v in ticks(sc.lo, sc.hi, 4):
        y = sc(v)
        chart.add(Shape("line", chart.left, y, x2=chart.right, y2=y, cls="grid"))
        chart.add(Shape("text", chart.left - 6, y + 4, text=fmt_axis(v, unit), cls="tick", anchor="end"))
    chart.add(Shape("text", 4, TOP + 4, text=title, cls="axis-title"))


@dataclass(frozen=True, slots=True)
class Bar:
    """One value of an ordered bar chart: its parts stack bottom-up."""

    parts: tuple[tuple[float, str], ...]
    """(value, css class) from the bottom."""
    href: str | None = None
    """The turn-table row of the response: hover shows that row (see report.js)."""


def bar_chart(label: str, bars: list[Bar], unit: str, title: str, *, marks: tuple[tuple[str, float], ...] = (),
              height: float = 170.0, kind: str = "bars", width: float = WIDTH, left: float = LEFT) -> Chart:
    """Bars in order (one per response), stacked parts, with labelled horizontal marks
    (p50 / p95)."""
    chart = Chart(label, height, kind=kind, width=width, left=left)
    base = height - AXIS_H
    top_value = max([sum(v for v, _ in b.parts) for b in bars] + [v for _, v in marks] + [0.0])
    sc = Scale(0.0, top_value * 1.08 or 1.0, base, TOP + PLOT_TOP)
    y_axis(chart, sc, unit, title)
    n = max(len(bars), 1)
    slot = (width - RIGHT - left) / n
    w = max(min(slot * 0.8, 40.0), 0.6)
    for i, b in enumerate(bars):
        x = left + i * slot + (slot - w) / 2
        y = base
        for value, cls in b.parts:
            if value <= 0:
                continue
            h = base - sc(value)
            y -= h
            chart.add(Shape("rect", x, y, w=w, h=max(h, 0.5), cls=cls, href=b.href))
        if all(v <= 0 for v, _ in b.parts):  # a zero still shows where the response is
            chart.add(Shape("rect", x, base - 1, w=w, h=1, cls="zero", href=b.href))
    chart.add(Shape("line", left, base, x2=width - RIGHT, y2=base, cls="axis"))
    for name, value in marks:
        y = sc(value)
        chart.add(Shape("line", left, y, x2=width - RIGHT, y2=y, cls=f"mark mark-{name}"))
        chart.add(Shape("text", width - RIGHT - 2, y - 3, text=f"{name} {fmt_axis(value, unit)}",
                        cls=f"mark-label mark-{name}", anchor="end"))
    labels = ticks(1, n, 8) if n > 1 else [1.0]
    for v in labels:
        i = int(v) - 1
        if 0 <= i < n and float(i + 1) == v:
            chart.add(Shape("text", left + i * slot + slot / 2, base + 15, text=str(i + 1), cls="tick", anchor="middle"))
    chart.add(Shape("text", left - 6, base + 15, text="#", cls="axis-title", anchor="end"))
    return chart


def histogram(label: str, values: list[float], marks: tuple[tuple[str, float], ...], *,
              height: float = 150.0, bins: int = 24, width: float = WIDTH, left: float = LEFT) -> Chart:
    """The distribution of ``values`` (ms) in equal bins, with vertical p50 / p95 lines."""
    chart = Chart(label, height, kind="histogram", width=width, left=left)
    base = height - AXIS_H
    lo, hi = min(values), max(values)
    step = nice_step(hi - lo, bins) if hi > lo else 1.0
    start = math.floor(lo / step) * step
    nb = max(1, min(math.floor((hi - start) / step) + 1, 200))
    counts = [0] * nb
    for v in values:
        counts[min(int((v - start) // step), nb - 1)] += 1
    xs = Scale(start, start + nb * step, left, width - RIGHT)
    ys = Scale(0, max(counts) * 1.1, base, TOP + PLOT_TOP)
    y_axis(chart, ys, "n", "responses")
    for i, c in enumerate(counts):
        if not c:
            continue
        a, b = start + i * step, start + (i + 1) * step
        x0, x1 = xs(a), xs(b)
        chart.add(Shape("rect", x0 + 0.5, ys(c), w=max(x1 - x0 - 1, 0.5), h=base - ys(c), cls="hist",
                        tip=f"{fmt_ms(a)} {DASH} {fmt_ms(b)}: {c} response{'s' if c != 1 else ''}"))
    x_axis(chart, xs, base, "ms", "")  # the ticks say ms; a title would crowd the first one
    for name, value in marks:
        x = xs(value)
        chart.add(Shape("line", x, TOP, x2=x, y2=base, cls=f"mark mark-{name}"))
        right_half = x > (left + width) / 2
        chart.add(Shape("text", x - 3 if right_half else x + 3, TOP + 10 + (12 if name == "p95" else 0),
                        text=f"{name} {fmt_ms(value)}", cls=f"mark-label mark-{name}", anchor="end" if right_half else "start"))
    return chart
