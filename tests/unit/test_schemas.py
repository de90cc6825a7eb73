"""Every bundled schema, both dialects: metaschema, $id scheme, $ref resolution, index coverage.

Generic over the files on disk, so schemas added later are checked without touching this file.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import pytest
from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from realtime_cli.engine import schema_store
from realtime_cli.logs import dialect

SCHEMA_DIR = Path(str(schema_store.schema_root()))
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def _schema_files() -> list[Path]:
    return sorted(p for p in SCHEMA_DIR.rglob("*.json") if p.name != schema_store.INDEX_NAME)


FILES = _schema_files()
IDS = [p.relative_to(SCHEMA_DIR).as_posix() for p in FILES]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt by Python code to open a connection fails the test."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_there_are_schemas_for_both_dialects_and_common() -> None:
    tops = {rel.split("/")[0] for rel in IDS}
    assert {"common", "ga", "beta"} <= tops
    assert len(FILES) > 100


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_schema_passes_the_2020_12_metaschema(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema.get("$schema") == DRAFT_2020_12
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_schema_id_is_base_plus_path_and_it_is_documented(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    rel = path.relative_to(SCHEMA_DIR).as_posix()
    assert schema["$id"] == schema_store.BASE_URI + rel
    assert isinstance(schema.get("title"), str) and schema["title"].strip()
    assert isinstance(schema.get("description"), str) and schema["description"].strip()


def test_store_loads_exactly_the_files_on_disk() -> None:
    assert sorted(schema_store.all_schemas()) == sorted(schema_store.BASE_URI + rel for rel in IDS)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_ref_is_relative_and_resolves_inside_the_bundle(path: Path, no_network: None) -> None:
    rel = path.relative_to(SCHEMA_DIR).as_posix()
    sid = schema_store.BASE_URI + rel
    resolver = schema_store.referencing_registry().resolver(base_uri=sid)
    for ref in _refs(json.loads(path.read_text(encoding="utf-8"))):
        assert "://" not in ref, f"{rel}: $ref {ref!r} must be relative"
        target = urldefrag(urljoin(sid, ref)).url
        assert target in schema_store.all_schemas(), f"{rel}: $ref {ref!r} leaves the bundle"
        resolved = resolver.lookup(ref)  # raises Unresolvable if the ref or its fragment is wrong
        assert isinstance(resolved.contents, (dict, bool))


def test_registry_has_no_retriever_so_unknown_refs_fail_without_fetching(no_network: None) -> None:
    registry = schema_store.referencing_registry()
    with pytest.raises(Unresolvable):
        registry.resolver().lookup("https://json-schema.org/draft/2020-12/schema-that-is-not-there")
    with pytest.raises(Unresolvable):
        registry.resolver().lookup(schema_store.BASE_URI + "ga/events/no.such.event.json")
    validator = Draft202012Validator({"$ref": "https://example.com/remote.json"}, registry=registry)
    with pytest.raises(Unresolvable):
        validator.validate({})


@pytest.mark.parametrize("d", dialect.DIALECTS)
def test_index_covers_exactly_the_event_types_of_the_dialect(d: str) -> None:
    events = schema_store.index()["events"][d]
    legacy = {t for t, e in events.items() if e.get("legacy")}
    assert legacy == set(dialect.LEGACY_EVENTS)
    assert set(events) - legacy == set(dialect.ALL_EVENTS[d])
    for etype, entry in events.items():
        assert entry["direction"] == dialect.direction_of(etype), etype
        assert entry["schema"] == f"{d}/events/{etype}.json"


def test_index_has_no_other_dialects() -> None:
    idx = schema_store.index()
    assert set(idx["events"]) == set(dialect.DIALECTS)
    assert set(idx["objects"]) == set(dialect.DIALECTS)
    assert idx["base"] == schema_store.BASE_URI


def _index_paths() -> list[str]:
    idx = schema_store.index()
    paths = [e["schema"] for events in idx["events"].values() for e in events.values()]
    paths += [p for objects in idx["objects"].values() for p in objects.values()]
    return sorted(set(paths))


@pytest.mark.parametrize("rel", _index_paths())
def test_every_index_path_exists_and_compiles(rel: str) -> None:
    assert (SCHEMA_DIR / rel).is_file(), f"schemas/{rel} is missing"
    sid = schema_store.schema_id(rel)
    assert schema_store.fast_validator(sid) is not None
    assert schema_store.explain_validator(sid) is not None


@pytest.mark.parametrize("d", dialect.DIALECTS)
def test_event_schemas_pin_their_own_type(d: str) -> None:
    """Dispatch is by `type`; each event schema must accept only its own type name."""
    for etype, entry in schema_store.index()["events"][d].items():
        validator = schema_store.fast_validator(schema_store.schema_id(entry["schema"]))
        assert not validator.is_valid({"type": etype + ".x", "event_id": "event_1"}), etype
        schema = schema_store.get_schema(schema_store.schema_id(entry["schema"]))
        assert "type" in schema.get("required", []), etype
