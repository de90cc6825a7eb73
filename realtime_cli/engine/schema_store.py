"""The one place that finds, loads and compiles the bundled JSON Schemas.

In a wheel the schemas live in ``realtime_cli/schemas`` (hatch maps the top-level
``schemas/`` folder there); in a source checkout or editable install they are read from the
repository's ``schemas/``. Every ``$ref`` resolves inside the bundle: the registries have no
retriever, so nothing is ever fetched from the network.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

BASE_URI = "https://rtcheck.dev/schemas/"
INDEX_NAME = "index.json"


class SchemaError(RuntimeError):
    """The bundled schemas are missing or broken (a packaging or development error)."""


@functools.cache
def schema_root() -> Path:
    """The folder holding ``index.json`` and the schema files.

    In a wheel, ``realtime_cli/schemas`` (what ``importlib.resources.files("realtime_cli")``
    resolves to for an installed package; read directly as a path because walking ~140 files
    through the Traversable API costs ~30 ms of start-up); in a source checkout or editable
    install, the repository's ``schemas/``.
    """
    here = Path(__file__).resolve().parent.parent  # realtime_cli/
    for candidate in (here / "schemas", here.parent / "schemas"):
        if (candidate / INDEX_NAME).is_file():
            return candidate
    raise SchemaError("bundled schemas not found (neither realtime_cli/schemas nor ./schemas)")


def _walk(root: Path) -> Iterator[tuple[str, str]]:
    """``(relative path, file)`` of every schema file below ``root``, in a stable order.

    Plain strings, not Path objects: every validating run reads all ~140 files, and the
    Path arithmetic cost more than the reading (~0.8 ms of start-up).
    """
    top = str(root)
    cut = len(os.path.join(top, ""))
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            rel = path[cut:].replace(os.sep, "/")
            if name.endswith(".json") and rel != INDEX_NAME:
                yield rel, path


@functools.cache
def index() -> dict[str, Any]:
    """The parsed ``index.json``: ``events[dialect][type] -> {direction, schema, legacy?}``
    and ``objects[dialect][name] -> schema path``."""
    try:
        data: dict[str, Any] = orjson.loads(schema_root().joinpath(INDEX_NAME).read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise SchemaError(f"cannot read schemas/{INDEX_NAME}: {exc}") from exc
    return data


@functools.cache
def all_schemas() -> dict[str, dict[str, Any]]:
    """Every bundled schema, keyed by its ``$id`` (which is BASE_URI + its relative path)."""
    out: dict[str, dict[str, Any]] = {}
    for rel, node in _walk(schema_root()):
        try:
            with open(node, "rb") as fh:
                schema = orjson.loads(fh.read())
        except orjson.JSONDecodeError as exc:
            raise SchemaError(f"schemas/{rel} is not valid JSON: {exc}") from exc
        out[schema.get("$id", BASE_URI + rel)] = schema
    return out


def schema_id(rel_path: str) -> str:
    return BASE_URI + rel_path


def event_entry(dialect: str, event_type: str) -> dict[str, Any] | None:
    """The index entry for an event type in a dialect, or None when the dialect lacks it."""
    entry: dict[str, Any] | None = index()["events"].get(dialect, {}).get(event_type)
    return entry


def object_schema_id(dialect: str, name: str) -> str:
    """``$id`` of a shared object schema, e.g. ``object_schema_id("ga", "realtime.response")``."""
    return schema_id(index()["objects"][dialect][name])


def get_schema(sid: str) -> dict[str, Any]:
    try:
        return all_schemas()[sid]
    except KeyError:
        raise SchemaError(f"no bundled schema with $id {sid}") from None


@functools.cache
def fast_validator(sid: str) -> Any:
    """An object with ``is_valid(instance) -> bool`` for the schema ``sid`` (cached): the
    generated msgspec Struct of that schema (see :mod:`.verdicts`), for verdicts only, not
    for explaining errors."""
    from realtime_cli.engine import verdicts

    get_schema(sid)  # the error for an unknown id
    return verdicts.for_schema(sid)


@functools.cache
def referencing_registry() -> Any:
    """One ``referencing.Registry`` holding every bundled schema; no retrieval."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    return Registry().with_resources(
        (sid, Resource.from_contents(s, default_specification=DRAFT202012))
        for sid, s in all_schemas().items()
    )


@functools.cache
def explain_validator(sid: str) -> Any:
    """A pure-Python jsonschema validator for ``sid``, used to explain failures precisely."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(get_schema(sid), registry=referencing_registry())


def references(sid: str) -> set[str]:
    """Every schema ``$id`` that ``sid`` refers to, transitively (``sid`` excluded)."""
    from urllib.parse import urldefrag, urljoin

    seen: set[str] = set()
    todo = [sid]
    while todo:
        current = todo.pop()
        stack: list[Any] = [get_schema(current)]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    target = urldefrag(urljoin(current, ref)).url
                    if target and target != sid and target not in seen:
                        seen.add(target)
                        todo.append(target)
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return seen


def bundled(sid: str) -> dict[str, Any]:
    """``sid`` with every referenced schema embedded under ``$defs`` (self-contained).

    Embedded schemas keep their ``$id``, so the original relative ``$ref`` values resolve
    inside the document in any draft 2020-12 validator, with no retrieval.
    """
    root = dict(get_schema(sid))
    defs = dict(root.get("$defs", {}))
    for ref in sorted(references(sid)):
        embedded = dict(get_schema(ref))
        embedded.pop("$schema", None)
        defs[ref[len(BASE_URI):] if ref.startswith(BASE_URI) else ref] = embedded
    root["$defs"] = defs
    return root
