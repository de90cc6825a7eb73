"""Generate SDK-valid Realtime events and SDK-rejected mutations, as JSON lines.

Runs INSIDE one of the SDK virtual environments built by ``sdk_envs.py`` (a subprocess of the
conformance test): it imports the ``openai`` SDK and ``hypothesis`` and must never import
rtcheck, so the SDK stays an independent oracle.

    python sdk_generate.py {ga|beta} [--examples N] [--mutations N]

For every event model in the dialect's client and server unions it derives a hypothesis strategy
from ``Model.model_json_schema()``, draws a bounded, derandomized sample, keeps the events that
``TypeAdapter(<union>).validate_python`` accepts, then mutates them (wrong JSON type, value outside
an enum, required field dropped) and keeps the mutations the SDK rejects. Output lines:

    {"kind": "meta", "dialect", "sdk_version", "types": {type: "client" | "server"}}
    {"kind": "valid", "dialect", "type", "event"}
    {"kind": "invalid", "dialect", "type", "op", "path", "mutation", "event"}
    {"kind": "stats", "dialect", "types", "valid", "invalid", "seconds"}

Generation policy (deliberate, so that disagreements mean something):

* The SDK spells every optional field ``Optional[X] = None``: pydantic cannot tell "absent" from
  "null", so the SDK accepts ``null`` for every optional field. The API (and rtcheck) treat such a
  field as "may be absent", so an optional field is generated either absent or non-null. Fields the
  SDK *requires* but lets be null keep their null branch.
* Strings named like ids (``event_id``, ``item_id``, ``call_id``...) are mostly realistic
  (``item_`` + 21 base62 characters, as on the wire), sometimes free text of at most 32 characters.
* Audio payloads are generated as valid base64 (rtcheck checks base64 outside the schema).
* Sizes are bounded (short strings, lists and maps of at most 3) to keep the run fast.
* SDK models allow unknown fields; one optional unknown field (``x_conformance_extra``) is drawn
  into objects to check that rtcheck's schemas stay open, as PROTOCOL.md section 1.10 asks.
"""

from __future__ import annotations

import argparse
import base64
import copy
import importlib
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Annotated, Any, get_args, get_origin

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

PACKAGES = {"ga": "openai.types.realtime", "beta": "openai.types.beta.realtime"}
UNIONS = {"client": "RealtimeClientEvent", "server": "RealtimeServerEvent"}

EXTRA_KEY = "x_conformance_extra"
MAX_COLLECTION = 3
MAX_TEXT = 24
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# Field name -> wire prefix of the ids the server mints (PROTOCOL.md section 1.9).
ID_PREFIXES = {
    "event_id": "event_",
    "item_id": "item_",
    "previous_item_id": "item_",
    "response_id": "resp_",
    "call_id": "call_",
    "conversation_id": "conv_",
    "approval_request_id": "mcpr_",
    "id": "item_",
}
# Fields that carry base64 audio, by field name; `delta` only in audio delta events.
AUDIO_FIELDS = {"audio"}
AUDIO_DELTA_EVENTS = {"response.audio.delta", "response.output_audio.delta"}

JSONLeaf = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=8))


def union_members(union: Any) -> tuple[Any, ...]:
    """The models of an ``Annotated[Union[...], PropertyInfo(...)]`` SDK union."""
    while get_origin(union) is Annotated:
        union = get_args(union)[0]
    return get_args(union)


def event_type_of(model: Any) -> str:
    """The ``type`` literal a model declares (each union member has exactly one)."""
    (literal,) = get_args(model.model_fields["type"].annotation)
    return str(literal)


def _realistic_id(prefix: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=BASE62, min_size=21, max_size=21).map(lambda s: prefix + s)


class StrategyBuilder:
    """Turns one pydantic JSON Schema (draft 2020-12 subset) into a hypothesis strategy."""

    def __init__(self, root: dict[str, Any], event_type: str) -> None:
        self.defs: dict[str, Any] = root.get("$defs", {})
        self.event_type = event_type
        self.refs: dict[str, st.SearchStrategy[Any]] = {}

    def build(self, schema: dict[str, Any], name: str | None = None) -> st.SearchStrategy[Any]:
        """Strategy for ``schema``; ``name`` is the property name, used for id/audio hints."""
        if "$ref" in schema:
            key = schema["$ref"].rsplit("/", 1)[-1]
            if key not in self.refs:
                # deferred: a recursive model must not recurse while building.
                self.refs[key] = st.deferred(lambda: self.build(self.defs[key]))
                self.refs[key] = self.build(self.defs[key])
            return self.refs[key]
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        for comb in ("anyOf", "oneOf"):
            if comb in schema:
                return st.one_of([self.build(b, name) for b in schema[comb]])
        if "allOf" in schema and len(schema["allOf"]) == 1:
            return self.build(schema["allOf"][0], name)
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of([self.build({**schema, "type": k}, name) for k in kind])
        if kind == "object":
            return self._object(schema)
        if kind == "array":
            return st.lists(
                self.build(schema.get("items", {})),
                min_size=schema.get("minItems", 0),
                max_size=max(
                    schema.get("minItems", 0), min(schema.get("maxItems", 9), MAX_COLLECTION)
                ),
            )
        if kind == "string":
            return self._string(schema, name)
        if kind == "integer":
            return st.integers(schema.get("minimum", -(2**31)), schema.get("maximum", 2**31))
        if kind == "number":
            lo, hi = schema.get("minimum", -1e6), schema.get("maximum", 1e6)
            return st.one_of(
                st.floats(lo, hi, allow_nan=False, allow_infinity=False),
                st.integers(int(lo), int(hi)),
            )
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        # No type at all (`object`/`Any` in the SDK): any small JSON value.
        return JSONLeaf

    def _string(self, schema: dict[str, Any], name: str | None) -> st.SearchStrategy[str]:
        if name in AUDIO_FIELDS or (name == "delta" and self.event_type in AUDIO_DELTA_EVENTS):
            return st.binary(min_size=1, max_size=12).map(lambda b: base64.b64encode(b).decode())
        free = st.text(min_size=schema.get("minLength", 0), max_size=MAX_TEXT)
        if name in ID_PREFIXES:
            return st.one_of(_realistic_id(ID_PREFIXES[name]), st.text(min_size=1, max_size=32))
        return free

    def _object(self, schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        props: dict[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        if not props:
            values = self.build(extra) if isinstance(extra, dict) else JSONLeaf
            keys = st.text(min_size=1, max_size=12)
            return st.dictionaries(keys, values, max_size=MAX_COLLECTION)
        required = set(schema.get("required", ()))
        must: dict[str, st.SearchStrategy[Any]] = {}
        may: dict[str, st.SearchStrategy[Any]] = {}
        for key, sub in props.items():
            if key in required:
                must[key] = self.build(sub, key)
            else:
                may[key] = self.build(_without_null(sub), key)
        if extra is True:
            may[EXTRA_KEY] = st.text(max_size=8)
        return st.fixed_dictionaries(must, optional=may)


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``Optional[X] = None`` -> ``X`` (see the generation policy in the module docstring)."""
    branches = schema.get("anyOf")
    if branches and schema.get("default", "absent") is None:
        kept = [b for b in branches if b.get("type") != "null"]
        if len(kept) == 1:
            return {**kept[0], **{k: v for k, v in schema.items() if k not in ("anyOf", "default")}}
        return {**schema, "anyOf": kept}
    return schema


def draw(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """``count`` derandomized examples of ``strategy`` (hypothesis, no database, no shrinking)."""
    out: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    return out


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) inside a JSON value, depth first, the root included."""
    yield prefix, value
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from paths(sub, (*prefix, i))


def render_path(path: tuple[Any, ...]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _replace(event: dict[str, Any], path: tuple[Any, ...], new: Any) -> dict[str, Any]:
    out = copy.deepcopy(event)
    node: Any = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = new
    return out


def _drop(event: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    out = copy.deepcopy(event)
    node: Any = out
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return out


def _wrong_type(value: Any) -> tuple[Any, str] | None:
    # Never null (rtcheck deliberately accepts null in places) and never a numeric string or
    # "yes"/"no" (pydantic's lax mode would coerce them, so the SDK would not reject).
    if isinstance(value, bool):
        return "maybe", "boolean -> string"
    if isinstance(value, (int, float)):
        return "not-a-number", "number -> string"
    if isinstance(value, str):
        return 12345, "string -> integer"
    if isinstance(value, list):
        return {"not": "an array"}, "array -> object"
    if isinstance(value, dict):
        return "not-an-object", "object -> string"
    return None


def mutations(event: dict[str, Any]) -> Iterator[tuple[str, tuple[Any, ...], str, dict[str, Any]]]:
    """Candidate ``(op, path, description, mutated event)``; the SDK decides which are invalid."""
    for path, value in paths(event):
        if not path or path == ("type",):
            continue  # rtcheck dispatches on the top-level type; changing it is another event
        wrong = _wrong_type(value)
        if wrong is not None:
            yield "type", path, f"{render_path(path)}: {wrong[1]}", _replace(event, path, wrong[0])
        if isinstance(value, str):
            desc = f"{render_path(path)}: value outside the enum"
            yield "enum", path, desc, _replace(event, path, "zz-not-in-enum")
        if isinstance(path[-1], str) and path[-1] != EXTRA_KEY:
            yield (
                "required",
                path,
                f"{render_path(path)}: required field dropped",
                _drop(event, path),
            )


def normalise(path: tuple[Any, ...]) -> str:
    return "$" + "".join("[*]" if isinstance(p, int) else f".{p}" for p in path)


def generate(
    dialect: str, examples: int, max_mutations: int, emit: Callable[[dict[str, Any]], None]
) -> None:
    """Emit the meta line, then valid events and mutations for every type of ``dialect``."""
    started = time.perf_counter()
    module = importlib.import_module(PACKAGES[dialect])
    models: list[tuple[str, Any]] = []
    types: dict[str, str] = {}
    adapters: dict[str, TypeAdapter[Any]] = {}
    for direction, union_name in UNIONS.items():
        union = getattr(module, union_name)
        adapters[direction] = TypeAdapter(union)
        for model in union_members(union):
            types[event_type_of(model)] = direction
            models.append((direction, model))
    emit(
        {
            "kind": "meta",
            "dialect": dialect,
            "sdk_version": metadata.version("openai"),
            "types": types,
        }
    )

    def sdk_accepts(direction: str, event: dict[str, Any], model: Any) -> bool:
        try:
            parsed = adapters[direction].validate_python(event)
        except ValidationError:
            return False
        return type(parsed) is model

    n_valid = n_invalid = 0
    for direction, model in models:
        etype = event_type_of(model)
        builder = StrategyBuilder(model.model_json_schema(), etype)
        strategy = builder.build(model.model_json_schema())
        seen: set[str] = set()
        valid: list[dict[str, Any]] = []
        for event in draw(strategy, examples):
            key = json.dumps(event, sort_keys=True)
            if key in seen or not sdk_accepts(direction, event, model):
                continue
            seen.add(key)
            valid.append(event)
            emit({"kind": "valid", "dialect": dialect, "type": etype, "event": event})
        n_valid += len(valid)

        kept: set[tuple[str, str]] = set()
        tries: dict[tuple[str, str], int] = {}
        count = 0
        for event in valid:
            for op, path, desc, mutated in mutations(event):
                key2 = (op, normalise(path))
                # A site the SDK accepted twice (free text, optional field) is not worth retrying.
                if key2 in kept or tries.get(key2, 0) >= 2 or count >= max_mutations:
                    continue
                tries[key2] = tries.get(key2, 0) + 1
                try:
                    adapters[direction].validate_python(mutated)
                    continue
                except ValidationError:
                    pass
                # The union's error lists every member's complaint; the event's own model says why.
                try:
                    model.model_validate(mutated)
                    verdict = "rejected by the union only"
                except ValidationError as exc:
                    first = exc.errors()[0]
                    where = ".".join(str(p) for p in first["loc"])
                    verdict = f"{exc.error_count()} error(s), first at {where}: {first['msg']}"
                kept.add(key2)
                count += 1
                emit(
                    {
                        "kind": "invalid",
                        "dialect": dialect,
                        "type": etype,
                        "op": op,
                        "path": list(path),
                        "mutation": desc,
                        "sdk_error": verdict[:300],
                        "event": mutated,
                    }
                )
        n_invalid += count
    emit(
        {
            "kind": "stats",
            "dialect": dialect,
            "types": len(models),
            "valid": n_valid,
            "invalid": n_invalid,
            "seconds": round(time.perf_counter() - started, 2),
        }
    )


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; writes JSON lines to stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dialect", choices=sorted(PACKAGES))
    parser.add_argument("--examples", type=int, default=20, help="examples drawn per event type")
    parser.add_argument("--mutations", type=int, default=60, help="mutations kept per event type")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("realtime_cli") is not None:
        # The oracle must be independent of what it judges: refuse to run next to rtcheck.
        parser.error("rtcheck (realtime_cli) is importable here: run me inside an SDK venv")
    out = sys.stdout

    def emit(obj: dict[str, Any]) -> None:
        out.write(json.dumps(obj, ensure_ascii=True) + "\n")

    generate(args.dialect, args.examples, args.mutations, emit)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
