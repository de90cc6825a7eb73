"""The post-check compiler (realtime_cli/engine/codegen_checks.py) follows python-jsonschema.

Beyond the bundled schemas (covered by test_schema_types.py), each keyword it translates is
compared with python-jsonschema's draft 2020-12 verdict on small schemas and a grid of values
that probe JSON Schema's corners: ``1.0`` is an integer, ``True`` is neither ``1`` nor a number,
``minimum`` ignores strings, ``required`` ignores non-objects, an ``if`` without ``then``,
lengths in code points, dispatch chains on objects and on values that are not objects.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from realtime_cli.engine.codegen_checks import CheckCompiler, Unsupported

VALUES: list[Any] = [None, True, False, 0, 1, 1.0, 1.5, -1, 4096, 4097, 24000, 24000.0, "", "a", "inf", "ab" * 40,
                     "\U0001f600" * 3, [], [1], ["a", 1], {}, {"type": "a"}, {"type": "b", "n": 1},
                     {"type": "a", "n": "x"}, {"type": "c"}, {"k": "v"}, {"k" * 5: "v"}, {"a": 1, "b": 2, "c": 3}]
SCHEMAS: list[Any] = [
    True, False, {},
    {"type": "integer"}, {"type": "number"}, {"type": ["string", "null"]}, {"type": "boolean"},
    {"const": 1}, {"const": "a"}, {"const": None}, {"const": True}, {"enum": ["a", None, 24000]},
    {"minimum": 1, "maximum": 4096}, {"type": ["integer", "string"], "minimum": 1, "if": {"type": "string"},
                                      "then": {"const": "inf"}},
    {"maxLength": 3}, {"minLength": 1}, {"maxItems": 1}, {"minItems": 1}, {"maxProperties": 2},
    {"required": ["type"]}, {"properties": {"n": {"type": "integer"}}},
    {"type": "object", "additionalProperties": {"type": "string", "maxLength": 1}},
    {"propertyNames": {"maxLength": 3}}, {"items": {"type": "integer"}},
    {"allOf": [{"type": "object"}, {"required": ["type"]}]}, {"anyOf": [{"type": "string"}, {"minimum": 2}]},
    {"oneOf": [{"type": "integer"}, {"minimum": 1}]}, {"not": {"type": "object"}},
    {"if": {"required": ["type"]}, "then": {"required": ["n"]}},
    {"if": {"type": "string"}, "else": {"type": "object"}},
    {"type": "object", "required": ["type"], "allOf": [
        {"if": {"required": ["type"], "properties": {"type": {"const": "a"}}}, "then": {"properties": {"n": {"type": "string"}}}},
        {"if": {"required": ["type"], "properties": {"type": {"const": "b"}}}, "then": {"required": ["n"]}}]},
    {"allOf": [  # the same dispatch on a node that is not only an object: not chained
        {"if": {"required": ["type"], "properties": {"type": {"const": "a"}}}, "then": {"required": ["n"]}},
        {"if": {"required": ["type"], "properties": {"type": {"const": "b"}}}, "then": {"required": ["n"]}}]},
    {"$ref": "#/$defs/x", "required": ["type"], "$defs": {"x": {"properties": {"type": {"enum": ["a", "b"]}}}}},
    {"properties": {"type": {"const": "a"}, "n": {"properties": {"q": {"type": "string"}}}}},
]


def _compiled(schema: Any) -> Any:
    root = "https://example.test/s.json"

    def resolve(base: str, ref: str) -> tuple[str, Any]:
        node = schema
        for part in ref.partition("#")[2].split("/")[1:]:
            node = node[part]
        return root + ref, node

    comp = CheckCompiler(resolve)
    name = comp.check(schema, root)
    namespace: dict[str, Any] = {"Any": Any}
    exec("\n\n".join(comp.functions), namespace)
    return namespace[name]


@pytest.mark.parametrize("schema", SCHEMAS, ids=[str(i) for i in range(len(SCHEMAS))])
def test_compiled_check_matches_jsonschema(schema: Any) -> None:
    check = _compiled(schema)
    ref = Draft202012Validator(schema)
    for value in [*VALUES, *({"type": t, "n": v} for t, v in itertools.product(["a", "b", 1], VALUES[:8]))]:
        assert check(value) == ref.is_valid(value), (schema, value)


@pytest.mark.parametrize("schema", [{"pattern": "a"}, {"const": [1]}, {"minimum": "1"}, {"format": "date"}])
def test_untranslated_keywords_are_generator_errors(schema: Any) -> None:
    with pytest.raises(Unsupported):
        _compiled(schema)
