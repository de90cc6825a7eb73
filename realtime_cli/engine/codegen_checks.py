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
    "null": "{v} is None",
    "boolean": "({v} is True or {v} is False)",
    "string": "isinstance({v}, str)",
    "integer": "((isinstance({v}, int) and not isinstance({v}, bool)) or (isinstance({v}, float) and {v}.is_integer()))",
    "number": "(isinstance({v}, (int, float)) and not isinstance({v}, bool))",
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
}
_NUM = "isinstance({v}, (int, float)) and not isinstance({v}, bool)"
# Keywords simple enough to test inline, in one expression, instead of calling a function.
_INLINE = frozenset({"type", "const", "enum", "maxLength", "minLength", "minimum", "maximum", "required", "properties"})


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

    def call(self, node: Any, base: str, var: str) -> str:
        """An expression testing ``var`` against ``node``: inline when it is simple, else a call."""
        inline = self.inline(node, var, 0)
        return inline if inline is not None else f"{self.check(node, base)}({var})"

    def inline(self, node: Any, var: str, depth: int) -> str | None:
        """``node`` as one expression over ``var``, or None when it is not simple enough."""
        if node is True or node == {}:
            return "True"
        if not isinstance(node, dict) or set(node) - _ANNOTATIONS - _INLINE or depth > 1:
            return None
        tests: list[str] = []
        if "type" in node:
            types = [node["type"]] if isinstance(node["type"], str) else list(node["type"])
            tests.append("(" + " or ".join(_TYPE_TESTS[t].format(v=var) for t in types) + ")")
        if "const" in node:
            tests.append(_equals(node["const"], var))
        if "enum" in node:
            tests.append("(" + (" or ".join(_equals(v, var) for v in node["enum"]) or "False") + ")")
        for key, op in (("minimum", ">="), ("maximum", "<=")):
            if key in node:  # jsonschema fails `x < minimum` / `x > maximum`: written as their negation
                tests.append(f"(not ({_NUM.format(v=var)}) or not {var} {'<' if op == '>=' else '>'} {_number(node[key])})")
        for key, op in (("maxLength", "<="), ("minLength", ">=")):
            if key in node:
                tests.append(f"(not isinstance({var}, str) or len({var}) {op} {int(node[key])})")
        obj: list[str] = [f"{p!r} in {var}" for p in node.get("required", [])]
        for prop, sub in node.get("properties", {}).items():
            inner = self.inline(sub, f"{var}[{prop!r}]", depth + 1)
            if inner is None:
                return None
            if inner != "True":
                obj.append(f"({prop!r} not in {var} or {inner})")
        if obj:
            tests.append(f"(not isinstance({var}, dict) or ({' and '.join(obj)}))")
        return "(" + " and ".join(tests) + ")" if len(tests) > 1 else tests[0] if tests else "True"

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
            out.append(f"if not {self.call(target, uri.partition('#')[0], 'x')}: return False")
        simple = {k: v for k, v in node.items() if k in _INLINE - {"required", "properties"}}
        if simple:
            out.append(f"if not ({self.inline(simple, 'x', 0)}): return False")
        for key, kind, op in (("maxItems", "list", ">"), ("minItems", "list", "<"), ("maxProperties", "dict", ">")):
            if key in node:
                out.append(f"if isinstance(x, {kind}) and len(x) {op} {int(node[key])}: return False")
        out += self._object(node, base)
        if "items" in node:
            test = self.inline(node["items"], "v", 0) or f"{self.check(node['items'], base)}(v)"
            out.append(f"if isinstance(x, list) and not all({test} for v in x): return False")
        out += self._all_of(node, base)
        if "anyOf" in node:
            out.append(f"if not ({' or '.join(self.call(s, base, 'x') for s in node['anyOf'])}): return False")
        if "oneOf" in node:
            out.append(f"if [{', '.join(self.call(s, base, 'x') for s in node['oneOf'])}].count(True) != 1: "
                       "return False")
        if "not" in node:
            out.append(f"if {self.call(node['not'], base, 'x')}: return False")
        if "if" in node:
            cond = self.call(node["if"], base, "x")
            then = self.call(node.get("then", True), base, "x")
            other = self.call(node.get("else", True), base, "x")
            out.append(f"if not (({then}) if ({cond}) else ({other})): return False")
        return out

    def _all_of(self, node: dict[str, Any], base: str) -> list[str]:
        """``allOf``; a dispatch (each clause ``if {k: const} then``, distinct constants, on an
        object that requires ``k``) as one if/elif chain: exactly one branch can apply."""
        clauses = node.get("allOf", [])
        keys = {_dispatch_key(c) for c in clauses}
        key = keys.pop() if len(keys) == 1 else None
        consts = [c["if"]["properties"][key]["const"] for c in clauses] if key else []
        if (key is None or len(clauses) < 2 or node.get("type") != "object" or key not in node.get("required", [])
                or len({repr(c) for c in consts}) != len(consts)):
            return [f"if not {self.call(sub, base, 'x')}: return False" for sub in clauses]
        out = [f"t = x[{key!r}]"]
        for n, (clause, const) in enumerate(zip(clauses, consts, strict=True)):
            out.append(f"{'if' if n == 0 else 'elif'} {_equals(const, 't')}:")
            out.append(f"    if not {self.call(clause['then'], base, 'x')}: return False")
        return out

    def _object(self, node: dict[str, Any], base: str) -> list[str]:
        inner: list[str] = []
        if node.get("required"):
            inner.append(f"if not ({' and '.join(f'{p!r} in x' for p in node['required'])}): return False")
        props: dict[str, Any] = node.get("properties", {})
        for prop, sub in props.items():
            test = self.call(sub, base, f"x[{prop!r}]")
            if test != "True":
                inner.append(f"if {prop!r} in x and not {test}: return False")
        if "additionalProperties" in node:
            known = repr(frozenset(props)) if props else "()"
            extra = self.inline(node["additionalProperties"], "v", 0) or f"{self.check(node['additionalProperties'], base)}(v)"
            inner.append(f"if not all({extra} for k, v in x.items() if k not in {known}): return False")
        if "propertyNames" in node:
            names = self.inline(node["propertyNames"], "k", 0) or f"{self.check(node['propertyNames'], base)}(k)"
            inner.append(f"if not all({names} for k in x): return False")
        return ["if isinstance(x, dict):", *("    " + line for line in inner)] if inner else []


def _dispatch_key(clause: Any) -> str | None:
    """``k`` when ``clause`` is ``{"if": {"required": [k], "properties": {k: {"const": v}}}, "then": ...}``."""
    if not isinstance(clause, dict) or set(clause) != {"if", "then"}:
        return None
    cond = clause["if"]
    if not isinstance(cond, dict) or set(cond) != {"required", "properties"} or len(cond["required"]) != 1:
        return None
    key = cond["required"][0]
    prop = cond["properties"].get(key) if isinstance(cond["properties"], dict) else None
    if set(cond["properties"]) != {key} or not isinstance(prop, dict) or set(prop) != {"const"}:
        return None
    return key if isinstance(key, str) else None


_HANDLED = frozenset({
    "$ref", "type", "const", "enum", "minimum", "maximum", "maxLength", "minLength", "maxItems", "minItems",
    "maxProperties", "required", "properties", "additionalProperties", "propertyNames", "items", "allOf",
    "anyOf", "oneOf", "not", "if", "then", "else",
})


def _equals(value: Any, var: str) -> str:
    """A Python test that ``var`` equals ``value`` in JSON Schema's sense (no ``1 == True``)."""
    if value is None or value is True or value is False:
        return f"{var} is {value!r}"
    if isinstance(value, str):
        return f"{var} == {value!r}"
    if isinstance(value, (int, float)):  # 24000 == 24000.0, as in jsonschema; True is not 1
        return f"({var} == {value!r} and not isinstance({var}, bool))"
    raise Unsupported(f"const/enum value {value!r}")


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Unsupported(f"bound {value!r}")
    return repr(value)
