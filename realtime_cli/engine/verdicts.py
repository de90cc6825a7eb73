"""The fast valid/invalid decision for one event (explanations are :mod:`.explain`'s job).

An event type whose schema the generator compiled exactly (:mod:`.schema_types`, see
:mod:`.codegen`) is checked by msgspec, converting the parsed event into its Struct in C;
the other types (conversation items and responses, whose message items dispatch a second
time on ``role``; sessions) by the compiled JSON Schema validator (jsonschema-rs). Either way
only the verdict is used: an event judged invalid goes to python-jsonschema, the reference,
for its messages, and if the reference finds nothing wrong the event is valid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from realtime_cli.engine import schema_store, schema_types

Verdict = Callable[[Any], bool]


class StructCheck:
    """``is_valid`` for an exactly compiled event type: msgspec.convert into its Struct."""

    __slots__ = ("cls", "is_valid")

    def __init__(self, cls: type[msgspec.Struct]) -> None:
        self.cls = cls
        convert, error = msgspec.convert, msgspec.ValidationError

        def is_valid(ev: Any) -> bool:
            try:
                convert(ev, cls)
            except error:
                return False
            return True

        self.is_valid: Verdict = is_valid


def validator_for(dialect: str, event_type: str, sid: str) -> Any:
    """An object with ``is_valid(event) -> bool`` for ``event_type`` (schema ``sid``) in ``dialect``."""
    cls = schema_types.EVENTS.get(dialect, {}).get(event_type)
    if cls is not None:
        return StructCheck(cls)
    return schema_store.fast_validator(sid)


def engine_of(dialect: str, event_type: str) -> str:
    """``msgspec`` or ``jsonschema-rs``: which engine decides ``event_type`` (for benchmarks)."""
    return "msgspec" if event_type in schema_types.EVENTS.get(dialect, {}) else "jsonschema-rs"
