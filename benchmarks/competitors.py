"""The alternatives rtcheck is measured against; each runs alone in a fresh process.

    python benchmarks/competitors.py parse FILE          # (a) the limit: orjson per line
    python benchmarks/competitors.py typed FILE          # (a') msgspec into rtcheck's Structs
    python benchmarks/competitors.py jsonschema FILE     # (d) pure-Python jsonschema, by type
    VENV/bin/python benchmarks/competitors.py sdk-ga FILE    # (c) openai 3.52 pydantic models
    VENV/bin/python benchmarks/competitors.py sdk-beta FILE  # (c) openai 1.99.9 beta models

Each prints ``events invalid`` on stdout. The SDK modes import nothing from rtcheck (they run
in their own virtual environments, with only ``openai`` installed).
"""

from __future__ import annotations

import sys
from typing import Any

# Client event names (both dialects); the two sets are disjoint from the server's.
CLIENT = frozenset({
    "session.update", "transcription_session.update", "input_audio_buffer.append",
    "input_audio_buffer.commit", "input_audio_buffer.clear", "output_audio_buffer.clear",
    "conversation.item.create", "conversation.item.retrieve", "conversation.item.truncate",
    "conversation.item.delete", "response.create", "response.cancel",
})


def parse_only(path: str) -> tuple[int, int]:
    """Stream the file and parse every line with orjson: the floor for any validator."""
    import orjson

    n = bad = 0
    # The fastest plain loop measured: a 64 KiB buffer (the default, st_blksize, is often
    # 4 KiB, which makes an 8 KB audio line several reads and joins: 0.14 vs 0.08 s on a
    # 200 MB audio log), and no stripped copy of each line (orjson skips the newline).
    with open(path, "rb", buffering=1 << 16) as f:
        for line in f:
            try:
                orjson.loads(line)
            except orjson.JSONDecodeError:
                if line.strip():
                    bad += 1
                continue
            n += 1
    return n + bad, bad


def typed_only(path: str) -> tuple[int, int]:
    """Decode and validate every line in one msgspec call into the union of the log's dialect's
    event Structs (rtcheck's generated ``schema_types``): every schema constraint msgspec can
    state, no post-checks' Python beyond the Structs' own, no rules, no explanations. The floor
    of issue 14's design: what decode+validate alone costs before any rule runs."""
    from typing import Union

    import msgspec

    from realtime_cli.engine import schema_types

    dialect = "beta" if "beta" in path.rsplit("/", 1)[-1] else "ga"
    events = tuple(schema_types.EVENTS[dialect].values())
    decode = msgspec.json.Decoder(Union[events]).decode  # noqa: UP007 - a runtime tuple of types
    error = (msgspec.ValidationError, msgspec.DecodeError)
    n = bad = 0
    with open(path, "rb", buffering=1 << 16) as f:
        for line in f:
            try:
                decode(line)
            except error:
                if line.strip():
                    bad += 1
                continue
            n += 1
    return n + bad, bad


def pure_jsonschema(path: str) -> tuple[int, int]:
    """Dispatch on type and validate with python-jsonschema over rtcheck's bundled schemas."""
    import orjson

    from realtime_cli.engine import schema_store

    validators: dict[tuple[str, str], Any] = {}
    dialect = "beta" if "beta" in path.rsplit("/", 1)[-1] else "ga"
    n = bad = 0
    with open(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            ev = orjson.loads(line)
            n += 1
            key = (dialect, ev.get("type"))
            v = validators.get(key)
            if v is None:
                entry = schema_store.event_entry(*key)
                if entry is None:
                    bad += 1
                    continue
                v = validators[key] = schema_store.explain_validator(schema_store.schema_id(entry["schema"]))
            if not v.is_valid(ev):
                bad += 1
    return n, bad


def sdk_loop(path: str, dialect: str) -> tuple[int, int]:
    """What users write: validate each line with the openai SDK's pydantic event unions."""
    import json

    from pydantic import TypeAdapter, ValidationError

    if dialect == "ga":
        from openai.types.realtime import RealtimeClientEvent, RealtimeServerEvent
    else:
        from openai.types.beta.realtime import (  # type: ignore[no-redef]
            RealtimeClientEvent,
            RealtimeServerEvent,
        )
    server: Any = TypeAdapter(RealtimeServerEvent)
    client: Any = TypeAdapter(RealtimeClientEvent)
    n = bad = 0
    with open(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            ev = json.loads(line)
            n += 1
            try:
                (client if ev.get("type") in CLIENT else server).validate_python(ev)
            except ValidationError:
                bad += 1
    return n, bad


def main(argv: list[str]) -> int:
    """Run one competitor over one file."""
    mode, path = argv[0], argv[1]
    if mode == "parse":
        n, bad = parse_only(path)
    elif mode == "typed":
        n, bad = typed_only(path)
    elif mode == "jsonschema":
        n, bad = pure_jsonschema(path)
    elif mode in ("sdk-ga", "sdk-beta"):
        n, bad = sdk_loop(path, mode[4:])
    else:
        print(f"unknown mode {mode}", file=sys.stderr)
        return 2
    print(n, bad)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
