"""Compile a JSON Schema node into plain Python check functions (part of :mod:`.codegen`).

The post-checks of the generated module: where msgspec's type system cannot say what a schema
says (the message items' second dispatch on ``role``, ``$ref`` beside other keywords, ``if`` /
``else`` on an object, an ``else`` branch on item lists), :mod:`.codegen` types the field
``Any`` and the Struct's ``__post_init__`` calls a function generated here on the raw value.

Each schema node becomes one function ``def _cN(x) -> bool`` that follows draft 2020-12 as
python-jsonschema applies it, keyword by keyword, for exactly the keywords the bundled schemas
use; any other keyword is a generator error (:class:`Unsupported`), never a silent pass:

- ``type``: ``integer`` accepts ``1.0`` and ``bool`` is neither an integer nor a number;
- ``const`` / ``enum`` of strings, ``null`` and booleans (identity for ``null`` and booleans);
- ``minimum`` / ``maximum`` / ``maxLength`` / ``minLength`` / ``minItems`` / ``maxItems`` /
  ``maxProperties`` apply only to their own JSON type (``len`` counts code points, as there);
- ``required``, ``properties``, ``additionalProperties``, ``propertyNames``, ``items``;
- ``allOf`` / ``anyOf`` / ``oneOf`` / ``not``, ``if`` / ``then`` / ``else``, ``$ref`` (beside other
  keywords too: both apply).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "examples", "default", "$comment", "$defs"})
_TYPE_TESTS = {
    "null": "x is None",
    "boolean": "(x is True or x is False)",
    "string": "isinstance(x, str)",
    "integer": "((isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, float) and x.is_integer()))",
    "number": "(isinstance(x, (int, float)) and not isinstance(x, bool))",
    "object": "isinstance(x, dict)",
    "array": "isinstance(x, list)",
}
_NUM = "isinstance(x, (int, float)) and not isinstance(x, bool)"


class Unsupported(Exception):
    """A keyword or value the check compiler does not translate (a generator error)."""


Resolver = Callable[[str, str], tuple[str, Any]]  # (base uri, $ref) -> (absolute uri, node)


class CheckCompiler:
    """Turns schema nodes into ``_cN`` functions; :attr:`functions` holds their source."""

    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve
        self.functions: list[str] = []
        self.names: dict[str, str] = {}

    def check(self, node: Any, base: str) -> str:
        """The name of the function checking ``node`` (relative refs resolve against ``base``)."""
        key = base + " " + json.dumps(node, sort_keys=True)
        if key in self.names:
            return self.names[key]
        name = f"_c{len(self.names)}"
        self.names[key] = name  # before the body: a recursive $ref finds it
        body = self._body(node, base)
        self.functions.append("\n".join([f"def {name}(x: Any) -> bool:", *("    " + line for line in body),
                                         "    return True"]))
        return name

    def _body(self, node: Any, base: str) -> list[str]:
        if node is True:
            return []
        if node is False:
            return ["return False"]
        if not isinstance(node, dict):
            raise Unsupported(f"schema node {node!r}")
        unknown = set(node) - _ANNOTATIONS - _HANDLED
        if unknown:
            raise Unsupported(f"keywords {sorted(unknown)}")
        out: list[str] = []
        if "$ref" in node:
            uri, target = self.resolve(base, node["$ref"])
            out.append(f"if not {self.check(target, uri.partition('#')[0])}(x): return False")
        if "type" in node:
            types = [node["type"]] if isinstance(node["type"], str) else list(node["type"])
            out.append(f"if not ({' or '.join(_TYPE_TESTS[t] for t in types)}): return False")
        if "const" in node:
            out.append(f"if not {_equals(node['const'])}: return False")
        if "enum" in node:
            out.append(f"if not ({' or '.join(_equals(v) for v in node['enum']) or 'False'}): return False")
        for key, op in (("minimum", "<"), ("maximum", ">")):
            if key in node:
                out.append(f"if {_NUM} and x {op} {_number(node[key])}: return False")
        for key, kind, op in (("maxLength", "str", ">"), ("minLength", "str", "<"), ("maxItems", "list", ">"),
                              ("minItems", "list", "<"), ("maxProperties", "dict", ">")):
            if key in node:
                out.append(f"if isinstance(x, {kind}) and len(x) {op} {int(node[key])}: return False")
        out += self._object(node, base)
        if "items" in node:
            out.append(f"if isinstance(x, list) and not all(map({self.check(node['items'], base)}, x)): return False")
        for sub in node.get("allOf", []):
            out.append(f"if not {self.check(sub, base)}(x): return False")
        if "anyOf" in node:
            out.append(f"if not ({' or '.join(f'{self.check(s, base)}(x)' for s in node['anyOf'])}): return False")
        if "oneOf" in node:
            out.append(f"if [{', '.join(f'{self.check(s, base)}(x)' for s in node['oneOf'])}].count(True) != 1: "
                       "return False")
        if "not" in node:
            out.append(f"if {self.check(node['not'], base)}(x): return False")
        if "if" in node:
            cond = self.check(node["if"], base)
            then = self.check(node.get("then", True), base)
            other = self.check(node.get("else", True), base)
            out.append(f"if not ({then}(x) if {cond}(x) else {other}(x)): return False")
        return out

    def _object(self, node: dict[str, Any], base: str) -> list[str]:
        inner: list[str] = []
        for prop in node.get("required", []):
            inner.append(f"if {prop!r} not in x: return False")
        props: dict[str, Any] = node.get("properties", {})
        for prop, sub in props.items():
            inner.append(f"if {prop!r} in x and not {self.check(sub, base)}(x[{prop!r}]): return False")
        if "additionalProperties" in node:
            known = repr(frozenset(props)) if props else "()"
            extra = self.check(node["additionalProperties"], base)
            inner.append(f"if not all({extra}(v) for k, v in x.items() if k not in {known}): return False")
        if "propertyNames" in node:
            inner.append(f"if not all(map({self.check(node['propertyNames'], base)}, x)): return False")
        return ["if isinstance(x, dict):", *("    " + line for line in inner)] if inner else []


_HANDLED = frozenset({
    "$ref", "type", "const", "enum", "minimum", "maximum", "maxLength", "minLength", "maxItems", "minItems",
    "maxProperties", "required", "properties", "additionalProperties", "propertyNames", "items", "allOf",
    "anyOf", "oneOf", "not", "if", "then", "else",
})


def _equals(value: Any) -> str:
    """A Python test that ``x`` equals ``value`` in JSON Schema's sense (no ``1 == True``)."""
    if value is None or value is True or value is False:
        return f"x is {value!r}"
    if isinstance(value, str):
        return f"x == {value!r}"
    if isinstance(value, (int, float)):  # 24000 == 24000.0, as in jsonschema; True is not 1
        return f"(x == {value!r} and not isinstance(x, bool))"
    raise Unsupported(f"const/enum value {value!r}")


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Unsupported(f"bound {value!r}")
    return repr(value)
