"""Write a JSON document whose one long array is streamed, item by item, as the run goes.

The output is byte for byte what ``orjson.dumps(document, option=OPT_INDENT_2)`` would give for
the whole document, so a reader sees ordinary, stable JSON; but only one input's items are in
memory at a time. The document is rendered twice with a placeholder where the array goes:
at the start (everything before the array) and at the end (everything after it, when the
closing values such as the summary are known).

Every chunk is made safe as it is written: lone surrogates are replaced (orjson refuses them)
and C1, bidi and BOM characters are written as ``\\uXXXX`` escapes, as ``json.dumps`` does
for the other commands (:func:`~realtime_cli.core.safety.json_escape_raw`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

import orjson

from realtime_cli.core.safety import json_escape_raw, utf8_safe_tree

_SENTINEL = "\x00rtcheck-streamed-array\x00"
_QUOTED = orjson.dumps(_SENTINEL).decode()


def dumps(value: Any) -> str:
    """``value`` as indented JSON text, surrogates replaced and raw controls escaped."""
    try:
        data = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except TypeError:  # a lone surrogate (a non-UTF-8 file name, a \ud800 escape)
        data = orjson.dumps(utf8_safe_tree(value), option=orjson.OPT_INDENT_2)
    return json_escape_raw(data.decode("utf-8"))


def placeholder() -> str:
    """The value to put where the streamed array goes, in both renderings of the document."""
    return _SENTINEL


class StreamedArray:
    """One JSON document written in three steps: :meth:`begin`, :meth:`items` (any number of
    times), :meth:`end`. The document passed to both ends holds :func:`placeholder` where the
    array goes; the keys before it must be the same in both."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0
        self._indent = ""

    def begin(self, document: Any) -> None:
        head = dumps(document).split(_QUOTED, 1)[0]
        last = head.rsplit("\n", 1)[-1]  # the array's key, e.g. '      "results": '
        self._indent = last[: len(last) - len(last.lstrip(" "))]
        self.out.write(head + "[")
        self.out.flush()

    def items(self, values: Iterable[Any]) -> None:
        """Append these values to the array (written at once, then flushed)."""
        pad = "\n" + self._indent + "  "
        chunks = []
        for value in values:
            chunks.append(("," if self.count else "") + pad + dumps(value).replace("\n", pad))
            self.count += 1
        if chunks:
            self.out.write("".join(chunks))
            self.out.flush()

    def end(self, document: Any) -> None:
        tail = dumps(document).split(_QUOTED, 1)[1]
        self.out.write(("\n" + self._indent + "]" if self.count else "]") + tail + "\n")
        self.out.flush()
