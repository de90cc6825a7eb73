"""Lines of ``field · field · field`` that fit a terminal width, for headers and headings.

A field that does not fit on the current line goes to the next one whole; one wider than a
whole line is cut with an ellipsis (a path keeps its end: the file name). Widths are terminal
cells (:func:`rich.cells.cell_len`), so wide characters count twice.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

SEP = "  ·  "


def fit(value: str, width: int, *, left: bool = False) -> str:
    """``value`` cut to ``width`` cells with an ellipsis (``left``: keep its end, for paths)."""
    if cell_len(value) <= width:
        return value
    keep = max(1, width - 1)
    while keep > 1 and cell_len(value[-keep:] if left else value[:keep]) > width - 1:
        keep -= 1
    return "…" + value[-keep:] if left else value[:keep] + "…"


def flow_text(fields: list[tuple[str, str]], width: int, sep: str = SEP, sep_style: str = "dim") -> Text:
    """``(text, style)`` fields joined by ``sep`` into lines of at most ``width`` cells."""
    out = Text()
    used = 0
    for text, style in fields:
        text = fit(text, width)
        size = cell_len(text)
        if used and used + len(sep) + size <= width:
            out.append(sep, style=sep_style)
            used += len(sep)
        elif used:
            out.append("\n")
            used = 0
        out.append(text, style=style)
        used += size
    return out


def flow(fields: list[str], width: int, sep: str = SEP) -> str:
    """Plain :func:`flow_text`."""
    return flow_text([(f, "") for f in fields], width, sep).plain
