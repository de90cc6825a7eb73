"""The fast engine (generated msgspec Structs) and the explaining engine (python-jsonschema) agree.

The hot path trusts the Structs' verdict (``schema_store.fast_validator`` / ``verdicts``); only
failures reach python-jsonschema for their messages. If the two ever disagreed, a finding would
be lost (fast says valid) or explained by nothing (fast says invalid). Checked on every event of
every committed fixture and example (gzip and JSON-array inputs included, through the loader),
in each dialect that defines its type, and on deterministic mutations of each; the targeted
mutations of ``test_schema_types`` cover the post-checked places.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from realtime_cli.engine import schema_store
from realtime_cli.logs.loader import Record, iter_file

ROOT = Path(__file__).resolve().parents[2]
MUTATE_PER_TYPE = 40
SOURCES = sorted(
    p
    for base in (ROOT / "tests" / "fixtures", ROOT / "examples")
    for p in base.rglob("*")
    if p.suffix in (".jsonl", ".json", ".ndjson", ".gz") and "sarif" not in p.parts and "hostile" not in p.parts
)


def events() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in SOURCES:
        for item in iter_file(str(path)):
            if isinstance(item, Record) and isinstance(item.event.get("type"), str):
                yield f"{path.relative_to(ROOT)}:{item.line}", item.event


def mutations(event: dict[str, Any], rng: random.Random) -> Iterator[dict[str, Any]]:
    """A few structural mutations: drop a key, retype a value, at the top and one level down."""
    for target_path in ([], *([k] for k, v in event.items() if isinstance(v, dict))):
        target: Any = event
        for k in target_path:
            target = target[k]
        keys = sorted(target)
        if not keys:
            continue
        key = rng.choice(keys)
        dropped = copy.deepcopy(event)
        node = dropped
        for k in target_path:
            node = node[k]
        del node[key]
        yield dropped
        for replacement in (12345, "x", None, [], {}):
            changed = copy.deepcopy(event)
            node = changed
            for k in target_path:
                node = node[k]
            node[key] = replacement
            yield changed


def _dialects_for(event_type: str) -> list[str]:
    return [d for d in ("beta", "ga") if schema_store.event_entry(d, event_type) is not None]


def test_fixture_corpus_is_not_empty() -> None:
    assert sum(1 for _ in events()) > 1000


def test_engines_agree_on_every_fixture_event_and_its_mutations() -> None:
    rng = random.Random(20251121)
    checked = 0
    disagreements: list[str] = []
    mutated: dict[tuple[str, str], int] = {}
    for where, event in events():
        for dialect in _dialects_for(event["type"]):
            # Every event as it is; mutations of the first MUTATE_PER_TYPE of each type keep it fast.
            key = (dialect, event["type"])
            mutated[key] = mutated.get(key, 0) + 1
            variants = mutations(event, rng) if mutated[key] <= MUTATE_PER_TYPE else iter(())
            entry = schema_store.event_entry(dialect, event["type"])
            assert entry is not None
            sid = schema_store.schema_id(entry["schema"])
            fast = schema_store.fast_validator(sid)
            slow = schema_store.explain_validator(sid)
            for instance in (event, *variants):
                checked += 1
                a, b = bool(fast.is_valid(instance)), bool(slow.is_valid(instance))
                if a != b:
                    disagreements.append(f"{where} [{dialect}] msgspec={a} jsonschema={b}")
    assert checked > 5_000
    assert not disagreements, "\n".join(disagreements[:20])
