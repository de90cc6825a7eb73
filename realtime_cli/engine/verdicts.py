"""The fast valid/invalid decision for one event (explanations are :mod:`.explain`'s job).

Every bundled event schema, and the standalone response objects, are compiled by the
generator (:mod:`.codegen`) into msgspec Structs (:mod:`.schema_types`); msgspec converts the
parsed event into its Struct in C. The few fields msgspec's type system cannot state exactly
(message items' second dispatch on ``role``, ``if``/``else`` values, ``$ref`` beside other
keywords: ``schema_types.POST_CHECKED``) are typed ``Any`` and checked by generated Python
functions in the Struct's ``__post_init__``. The verdict equals python-jsonschema's on the
bundled schemas for every instance (tests/unit/test_schema_types.py,
tests/unit/test_engines_agree.py). Only the verdict is used: an event judged invalid goes to
python-jsonschema, the reference, for its messages.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import msgspec

from realtime_cli.engine import schema_types

Verdict = Callable[[Any], bool]


class StructCheck:
    """``is_valid`` for a compiled schema: msgspec.convert into its Struct.

    ``require_tag``: also reject an object without the Struct's tag field (``type``). The
    engine dispatches on ``type`` so its events always have one; :func:`schema_store.fast_validator`
    serves any instance.
    """

    __slots__ = ("cls", "is_valid")

    def __init__(self, cls: Any, require_tag: bool = False) -> None:
        self.cls = cls
        convert, error = msgspec.convert, msgspec.ValidationError
        tag = cls.__struct_config__.tag_field if require_tag else None

        def is_valid(ev: Any) -> bool:
            try:
                convert(ev, cls)
            except error:
                return False
            return True

        def is_valid_tagged(ev: Any) -> bool:
            # msgspec checks a tag's value but, outside a union, accepts an object without it.
            return isinstance(ev, dict) and tag in ev and is_valid(ev)

        self.is_valid: Verdict = is_valid if tag is None else is_valid_tagged


def validator_for(dialect: str, event_type: str, sid: str) -> Any:
    """An object with ``is_valid(event) -> bool`` for ``event_type`` (schema ``sid``) in ``dialect``."""
    cls = schema_types.EVENTS.get(dialect, {}).get(event_type)
    return StructCheck(cls) if cls is not None else for_schema(sid)


class FunctionCheck:
    """``is_valid`` for an object schema whose very top msgspec cannot type: its generated check."""

    __slots__ = ("is_valid",)

    def __init__(self, check: Verdict) -> None:
        self.is_valid = check


def for_schema(sid: str) -> Any:
    """``is_valid`` for any instance against the compiled schema ``sid`` (an event schema or an
    object of ``index.json``'s ``objects``)."""
    typ = schema_types.SCHEMAS.get(sid)
    if typ is None:
        from realtime_cli.engine.schema_store import SchemaError

        raise SchemaError(f"no compiled type for {sid}: only the event schemas and index.json's objects "
                          "are compiled (python -m realtime_cli.engine.codegen)")
    if isinstance(typ, type) and issubclass(typ, msgspec.Struct):
        return StructCheck(typ, require_tag=True)
    if isinstance(typ, types.FunctionType):
        return FunctionCheck(typ)
    return StructCheck(typ)  # a union of tagged Structs: msgspec requires the tag itself


def engine_of(dialect: str, event_type: str) -> str:
    """``msgspec`` or ``msgspec+post``: how ``event_type`` is decided (for benchmarks)."""
    return "msgspec+post" if event_type in schema_types.POST_CHECKED.get(dialect, {}) else "msgspec"
