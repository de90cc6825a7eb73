"""The fast path validates against ``schema_store.as_chains`` of the bundled schemas.

``as_chains`` rewrites each ``allOf`` type dispatch as one ``if``/``then``/``else`` chain (see
its docstring). The verdict must be exactly the one of the schema as written, for instances that
hit every branch, none, or several discriminator values; checked here against both engines on
the schemas as written, with mutations that reach below the first level of an event (an item's
role, its content parts' types), which test_engines_agree's mutations do not.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from realtime_cli.engine import schema_store
from realtime_cli.logs.loader import Record, iter_file

ROOT = Path(__file__).resolve().parents[2]
MISSING = object()


def test_the_ga_item_dispatch_becomes_one_chain_and_other_shapes_stay() -> None:
    item = schema_store.get_schema(schema_store.schema_id("ga/objects/item.json"))
    chained = schema_store.as_chains(item)
    assert len(item["allOf"]) == 7 and len(chained["allOf"]) == 1
    link, depth = chained["allOf"][0], 0
    while link is not None:
        # The object requires "type" itself: the chain's conditions need not check it again.
        assert link["if"] == {"properties": {"type": {"const": item["allOf"][depth]["if"]["properties"]["type"]["const"]}}}
        assert link["then"] == item["allOf"][depth]["then"]
        link, depth = link.get("else"), depth + 1
    assert depth == 7
    # Overlapping conditions (beta's type and role together) are not a dispatch: left as written.
    beta_item = schema_store.get_schema(schema_store.schema_id("beta/objects/item.json"))
    assert schema_store.as_chains(beta_item) == beta_item
    # Not required by the object itself: the condition keeps its own "required".
    loose = {"allOf": [{"if": {"required": ["k"], "properties": {"k": {"const": v}}}, "then": {"required": [v]}}
                       for v in ("a", "b")]}
    assert schema_store.as_chains(loose)["allOf"][0]["if"] == loose["allOf"][0]["if"]
    assert schema_store.as_chains(item) == chained and item["allOf"] != chained["allOf"]  # the input is not changed


def _set(obj: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    if value is MISSING:
        out.pop(key, None)
    else:
        out[key] = value
    return out


def _items() -> Iterator[dict[str, Any]]:
    """Every GA conversation item in the committed fixtures and examples."""
    for base in (ROOT / "tests" / "fixtures", ROOT / "examples"):
        for path in sorted(base.rglob("*.jsonl")):
            if "hostile" in path.parts:
                continue
            for rec in iter_file(str(path)):
                if not isinstance(rec, Record):
                    continue
                ev = rec.event
                item = ev.get("item")
                if isinstance(item, dict):
                    yield item
                response = ev.get("response")
                if isinstance(response, dict) and isinstance(response.get("output"), list):
                    yield from (o for o in response["output"] if isinstance(o, dict))


def _variants(item: dict[str, Any]) -> Iterator[dict[str, Any]]:
    types = ["message", "function_call", "function_call_output", "mcp_call", "mcp_list_tools", "bogus", 7, MISSING]
    for t in types:
        yield _set(item, "type", t)
    for role in ("system", "user", "assistant", "developer", None, MISSING):
        yield _set(_set(item, "type", "message"), "role", role)
    content = item.get("content")
    if isinstance(content, list) and content and isinstance(content[0], dict):
        part_types = ["input_text", "input_audio", "input_image", "output_text", "output_audio", "text", "audio", "x", MISSING]
        for role, part in itertools.product(("system", "user", "assistant"), part_types):
            changed = _set(_set(item, "type", "message"), "role", role)
            changed["content"] = [_set(content[0], "type", part), *content[1:]]
            yield changed


@pytest.fixture(scope="module")
def engines() -> tuple[Any, Any, Any]:
    sid = schema_store.schema_id("ga/objects/item.json")
    as_written = jsonschema_rs.validator_for(schema_store.get_schema(sid), registry=jsonschema_rs.Registry(
        list(schema_store.all_schemas().items())))
    return schema_store.fast_validator(sid), as_written, schema_store.explain_validator(sid)


def test_chained_items_keep_every_verdict(engines: tuple[Any, Any, Any]) -> None:
    chained, as_written, explaining = engines
    seen = {True: 0, False: 0}
    samples = list(_items())
    assert len(samples) > 20
    for item in samples:
        for variant in _variants(item):
            verdict = chained.is_valid(variant)
            assert verdict == as_written.is_valid(variant) == explaining.is_valid(variant), variant
            seen[verdict] += 1
    assert seen[True] > 50 and seen[False] > 50  # both outcomes are exercised
