"""One JSON document (a log line, or an element of a JSON-array log) -> a value or a problem.

The fast path is orjson, in the loader's line loop. Only documents orjson rejects come here,
to be classified precisely (``RT001`` malformed, ``RT002`` invalid UTF-8, ``RT010``
non-standard tokens) or recovered: integers beyond 64 bits, ``NaN``/``Infinity`` and lone
surrogate escapes are re-parsed so that the event is still validated.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# orjson refuses documents nested deeper than this; deeper ones are reported, not re-parsed
# (the standard library would hit Python's recursion limit at about the same depth).
MAX_DEPTH = 1024
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Failed:
    """Sentinel: the document could not be parsed (``None`` is a valid JSON value)."""


FAILED: Any = _Failed()

Problem = tuple[str, str, int]
"""``(code, message, column)`` of one parse problem."""


LARGE = 1 << 20
"""Documents from this size on are parsed by :func:`loads_large`."""


def loads_large(data: Any) -> Any:
    """Parse a large document (a bytes-like object) holding it only once more, or :data:`FAILED`.

    orjson (and the standard library) build a long string in a scratch buffer and then copy
    it: a 60 MB audio line cost 120 MB beyond itself. msgspec writes it straight into the
    result. Only a document msgspec reads *exactly as orjson would* is returned: anything it
    rejects, and any lone-surrogate escape (orjson refuses those, msgspec keeps them as
    unencodable text), is left to the usual path, which reports it precisely.
    """
    import msgspec

    try:
        value = msgspec.json.decode(data)
    except (msgspec.DecodeError, RecursionError, ValueError):
        return FAILED
    if _SURROGATE_ESCAPE.search(data) is not None:
        return FAILED
    return value


def parse_json(data: bytes) -> tuple[Any, str | None, str | None]:
    """Parse one JSON document. Returns ``(value, code, message)``; code None on success.

    On a hard failure ``value`` is None and ``code`` names the rule. A document that parses
    with a warning (NaN/Infinity, lone surrogates) returns its value *and* the warning.
    """
    if len(data) >= LARGE:
        value = loads_large(data)
        if value is not FAILED:
            return value, None, None
    value, problems = parse_slow(data)
    if problems:
        code, msg, _col = problems[0]
        return (None if value is FAILED else value), code, msg
    return value, None, None


def parse_slow(data: bytes | bytearray) -> tuple[Any, list[Problem]]:
    """The slow path for a document orjson rejected: classify the failure precisely, or recover.

    Returns ``(value, problems)``. ``value`` is :data:`FAILED` when nothing usable came out;
    otherwise the document is still validated and ``problems`` holds warnings about it:

    * ``NaN``/``Infinity`` (not JSON, but Python and some loggers write them): RT010, kept
      as float so the event is still checked.
    * numbers orjson cannot hold (beyond a double): re-parsed with the standard library.
    * ``\\ud800``-style lone surrogate escapes: valid JSON grammar but not text; replaced with
      U+FFFD (RT010) so no later UTF-8 encoder (reporters, msgspec) can fail on them.

    Never raises for any input.
    """
    try:
        return orjson.loads(data), []
    except orjson.JSONDecodeError as exc:
        msg = str(exc)
        ocol = _orjson_col(msg)
    if "depth limit" in msg or "recursion" in msg:
        return FAILED, [("RT001", f"invalid JSON: nested deeper than {MAX_DEPTH} levels", ocol)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return FAILED, [("RT002", f"invalid UTF-8 at byte {exc.start + 1} (0x{data[exc.start]:02x})", exc.start + 1)]
    if "\x00" in text:
        pos = text.index("\x00")
        return FAILED, [("RT001", f"invalid JSON: NUL byte at column {pos + 1}", pos + 1)]
    constants: list[str] = []

    def on_constant(name: str) -> float:
        constants.append(name)
        return float(name)

    try:
        value = json.loads(text, parse_constant=on_constant)
    except json.JSONDecodeError as exc:
        near = text[exc.pos : exc.pos + 24].strip()
        where = f" near {_snippet(near)}" if near else " (the line ends early)"
        # json's messages for strings end in "at" ("Unterminated string starting at"): no "at at".
        what = exc.msg.removesuffix(" at")
        return FAILED, [("RT001", f"invalid JSON: {what} at column {exc.colno}{where}", exc.colno)]
    except RecursionError:
        return FAILED, [("RT001", f"invalid JSON: nested deeper than {MAX_DEPTH} levels", ocol)]
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        return FAILED, [("RT001", f"invalid JSON: {str(exc).split(';')[0][:200]}", ocol)]
    problems: list[Problem] = []
    if constants:
        names = ", ".join(sorted(set(constants)))
        problems.append(("RT010", f"non-standard JSON token(s) {names}: JSON has no NaN or Infinity", ocol))
    if _SURROGATE_ESCAPE.search(data):
        value, repaired = _repair_surrogates(value)
        if repaired:
            problems.append((
                "RT010",
                f"{repaired} string(s) hold a lone UTF-16 surrogate escape (\\ud800-\\udfff), "
                "which is not text; replaced with U+FFFD",
                ocol,
            ))
    return value, problems


def _orjson_col(message: str) -> int:
    # orjson: "... line 1 column 6 (char 5)"; one JSONL line is one document, so column it is.
    m = re.search(r"column (\d+)", message)
    return int(m.group(1)) if m else 1


def _repair_surrogates(value: Any) -> tuple[Any, int]:
    """Replace lone surrogates in every string and key; iterative (depth can be ~1000)."""
    count = 0

    def fix(s: str) -> str:
        nonlocal count
        if _SURROGATE.search(s) is None:
            return s
        count += 1
        return _SURROGATE.sub("\ufffd", s)

    if isinstance(value, str):
        return fix(value), count
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            items = list(node.items())
            node.clear()
            for k, v in items:
                if isinstance(v, str):
                    v = fix(v)
                elif isinstance(v, (dict, list)):
                    stack.append(v)
                node[fix(k)] = v
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, str):
                    node[i] = fix(v)
                elif isinstance(v, (dict, list)):
                    stack.append(v)
    return value, count


def _snippet(text: str) -> str:
    """A short quoted excerpt of a bad line for a message (escaping is the reporters' job)."""
    return '"' + (text if len(text) <= 20 else text[:20] + "…") + '"'
