"""Turn a schema failure into one precise, bounded message per problem.

Runs only for events the fast validator rejected, so it may be slow. Messages never embed
long values: strings are elided (base64 audio can be megabytes) and containers summarised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from realtime_cli.engine import schema_store

MAX_VALUE_CHARS = 60
MAX_ERRORS_PER_EVENT = 20


def short(value: Any, limit: int = MAX_VALUE_CHARS) -> str:
    """A bounded, single-line rendering of a JSON value for messages."""
    if isinstance(value, str):
        text = value if len(value) <= limit else f"{value[: limit // 2]}…({len(value)} chars)"
        return '"' + text.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, (int, float)):
        text = repr(value)
        return text if len(text) <= limit else text[:limit] + "…"
    if isinstance(value, dict):
        keys = list(value)[:4]
        more = ", …" if len(value) > 4 else ""
        return "{" + ", ".join(short(k, 20) for k in keys) + more + "}"
    if isinstance(value, list):
        return f"[array of {len(value)}]"
    return type(value).__name__


def json_path(parts: Iterable[Any]) -> str:
    out = "$"
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif isinstance(p, str) and p.replace("_", "a").isalnum():
            out += f".{p}"
        else:
            out += f"[{short(str(p), 40)}]"
    return out


_TYPE_NAMES = {
    "string": "a string", "integer": "an integer", "number": "a number", "object": "an object",
    "array": "an array", "boolean": "a boolean", "null": "null",
}


def got(value: Any) -> str:
    """``string "abc"``, ``integer 5``, ``null``: a value's JSON type and a bounded rendering."""
    kind = json_type(value)
    return kind if value is None else f"{kind} {short(value)}"


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def describe(error: Any) -> str:
    """One sentence for one jsonschema ValidationError, without dumping the instance."""
    kw = error.validator
    val = error.validator_value
    inst = error.instance
    if kw == "required":
        missing = [k for k in val if isinstance(inst, dict) and k not in inst]
        names = ", ".join(f"`{k}`" for k in missing) or ", ".join(f"`{k}`" for k in val)
        return f"missing required field {names}"
    if kw == "type":
        wanted = val if isinstance(val, list) else [val]
        expected = " or ".join(_TYPE_NAMES.get(str(w), str(w)) for w in wanted)
        return f"expected {expected}, got {got(inst)}"
    if kw == "const":
        return f"expected {short(val)}, got {short(inst)}"
    if kw == "enum":
        opts = ", ".join(short(v, 30) for v in val[:14]) + (", …" if len(val) > 14 else "")
        return f"{short(inst)} is not one of {opts}"
    if kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        rel = {"minimum": "below the minimum", "maximum": "above the maximum",
               "exclusiveMinimum": "not above", "exclusiveMaximum": "not below"}[kw]
        return f"{short(inst)} is {rel} {val}"
    if kw == "maxLength":
        return f"string of {len(inst)} characters is longer than the maximum {val}"
    if kw == "minLength":
        return f"string of {len(inst)} characters is shorter than the minimum {val}"
    if kw == "maxProperties":
        return f"object has {len(inst)} keys, more than the maximum {val}"
    if kw == "maxItems":
        return f"array has {len(inst)} items, more than the maximum {val}"
    if kw == "minItems":
        return f"array has {len(inst)} items, fewer than the minimum {val}"
    if kw == "pattern":
        return f"{short(inst)} does not match the pattern {val!r}"
    if kw == "propertyNames":
        return f"invalid key: {error.message if len(error.message) < 200 else 'key too long or malformed'}"
    if kw == "additionalProperties":
        return "unexpected field(s) " + ", ".join(f"`{k}`" for k in inst if isinstance(inst, dict))
    if kw == "not":
        return f"{short(inst)} is not allowed here"
    return f"{short(inst)} is invalid ({kw})"


def _leaves(error: Any) -> Iterator[Any]:
    """For anyOf/oneOf failures, descend to the best-matching branch's own errors."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        if best is not None:
            yield from _leaves(best)
            return
    yield error


def explain(sid: str, instance: Any) -> list[tuple[str, str]]:
    """``(json_path, message)`` for each distinct problem of ``instance`` against ``sid``."""
    validator = schema_store.explain_validator(sid)
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []
    errors = sorted(validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    for err in errors:
        for leaf in _leaves(err):
            item = (json_path(leaf.absolute_path), describe(leaf))
            if item not in seen:
                seen.add(item)
                out.append(item)
        if len(out) >= MAX_ERRORS_PER_EVENT:
            break
    return out
