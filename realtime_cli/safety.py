"""Make untrusted log text safe for a terminal.

Log content can hold ANSI/OSC escape sequences, carriage returns, backspaces, bidi controls
and Rich markup. :func:`clean` turns every control or bidi character into a visible escape
(``\\x1b``, ``\\r``, ``\\u202e``), so nothing from a log can move the cursor, recolour the
terminal, hide text or forge a hyperlink. Text is then handed to Rich as ``Text`` (never
parsed as markup) or through :func:`markup_safe`.
"""

from __future__ import annotations

from rich.markup import escape as _markup_escape

_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_TABLE: dict[int, str] = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))}
_TABLE.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"})
_TABLE.update({c: f"\\u{c:04x}" for c in (*_BIDI, 0x2028, 0x2029, 0xFEFF)})


def clean(text: str, limit: int | None = None) -> str:
    """Escape control/bidi characters; cut to ``limit`` characters (with a marker) if given."""
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"…(+{len(text) - limit} chars)"
    return text.translate(_TABLE)


def markup_safe(text: str, limit: int | None = None) -> str:
    """:func:`clean`, then escaped for use inside a Rich markup string."""
    return _markup_escape(clean(text, limit))
