"""Make untrusted log text safe for a terminal and for UTF-8 output.

Log content can hold ANSI/OSC escape sequences, carriage returns, backspaces, bidi controls
and Rich markup. :func:`clean` turns every control or bidi character into a visible escape
(``\\x1b``, ``\\r``, ``\\u202e``), so nothing from a log can move the cursor, recolour the
terminal, hide text or forge a hyperlink. Text is then handed to Rich as ``Text`` (never
parsed as markup) or through :func:`markup_safe`.

Lone surrogates (from ``\\ud800`` escapes, or from file names that are not UTF-8, which
Python decodes with ``surrogateescape``) cannot be encoded as UTF-8 at all: :func:`clean`
shows them as ``\\udXXX`` and :func:`utf8_safe` replaces them for machine output.
"""

from __future__ import annotations

import re
from typing import Any

# Bidi embedding/override/isolate controls and marks: they reorder what a reader sees
# ("Trojan Source"), so they are escaped like control characters.
_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_TABLE: dict[int, str] = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))}
_TABLE.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x1B: "\\x1b"})
_TABLE.update({c: f"\\u{c:04x}" for c in (*_BIDI, 0x2028, 0x2029, 0xFEFF)})
_TABLE.update({c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)})
_SURROGATES = re.compile("[\ud800-\udfff]")

DEFAULT_LIMIT = 1000
"""Reporters cut message text to this many characters: no megabyte strings in any output."""


def clean(text: str, limit: int | None = None) -> str:
    """Escape control/bidi characters and surrogates; cut to ``limit`` characters if given.

    The cut happens before escaping, so the result is at most about ``4 * limit`` characters
    plus a short ``…(+N chars)`` marker. The result is always encodable as UTF-8.
    """
    if not isinstance(text, str):
        text = str(text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"…(+{len(text) - limit} chars)"
    return text.translate(_TABLE)


def markup_safe(text: str, limit: int | None = None) -> str:
    """:func:`clean`, then escaped for use inside a Rich markup string."""
    from rich.markup import escape  # here: clean() serves runs that never load Rich

    return escape(clean(text, limit))


def utf8_safe(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, so UTF-8 encoders accept it."""
    if _SURROGATES.search(text) is None:
        return text
    return _SURROGATES.sub("\ufffd", text)


def utf8_safe_tree(value: Any) -> Any:
    """A copy of a JSON-like tree (dicts, lists, strings) with :func:`utf8_safe` applied."""
    if isinstance(value, str):
        return utf8_safe(value)
    if isinstance(value, dict):
        return {utf8_safe(str(k)): utf8_safe_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [utf8_safe_tree(v) for v in value]
    return value


# Characters a JSON encoder may leave raw (they are valid in JSON strings) but that must not
# reach a reader raw: C1 controls, bidi controls, line/paragraph separators and the BOM.
# ``json.dumps(ensure_ascii=True)`` (show, ls, stats) escapes them; orjson (validate) does not.
_JSON_TABLE: dict[int, str] = {c: f"\\u{c:04x}" for c in (*range(0x7F, 0xA0), *_BIDI, 0x2028, 0x2029, 0xFEFF)}


def json_escape_raw(document: str) -> str:
    """A serialised JSON document with the characters above written as ``\\uXXXX`` escapes.

    Safe on a whole document: outside strings JSON holds only ASCII, so every such character
    is inside a string, where its escape means the same character.
    """
    if document.isascii():
        return document
    return document.translate(_JSON_TABLE)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with a ``…(+N chars)`` marker; nothing escaped
    (for machine output, whose encoder escapes)."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"…(+{len(text) - limit} chars)"
