"""Compile the bundled JSON Schemas into msgspec Struct definitions (issue 14).

    python -m realtime_cli.engine.codegen            # rewrite realtime_cli/engine/schema_types.py
    python -m realtime_cli.engine.codegen --check    # exit 1 when the committed module is stale

``schemas/`` stays the source of truth; the generated module is committed so that start-up
imports plain class definitions instead of building them. The compiler is deliberately
*exact or nothing*: a schema is compiled only when every keyword in it has an exact msgspec
equivalent, so a msgspec verdict of "valid" means python-jsonschema says "valid" too. A
schema that needs more (the message items' second dispatch on ``role``, ``propertyNames``,
``maxProperties``, ``else`` branches, conflicting ``then`` properties) is listed in
``INEXACT`` with the reason, and the engine keeps checking it with the compiled JSON Schema
validator. Mapping:

- ``type`` lists -> unions (``None`` for null); an optional property -> ``... | UnsetType = UNSET``
- ``const`` / ``enum`` of strings (and null) -> ``Literal`` (``| None``)
- ``integer`` -> ``int | float`` with ``multiple_of=1`` (JSON Schema's integer accepts ``1.0``)
- ``minimum`` / ``maximum`` / ``maxLength`` / ``minItems`` -> ``msgspec.Meta``
- objects with ``properties`` -> Structs (unknown fields allowed, as in the schemas)
- ``allOf`` of ``if {type: const X} then S`` on an object whose ``type`` is an enum -> a
  tagged union on ``type`` (one Struct per value: the base properties plus its ``then``)
- ``$ref`` -> the referenced definition (resolved inside the bundle)
"""

from __future__ import annotations

import argparse
import hashlib
import keyword
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from realtime_cli.engine import schema_store
from realtime_cli.engine.codegen_checks import CheckCompiler, Unsupported

OUTPUT = Path(__file__).with_name("schema_types.py")
_DOC_KEYS = frozenset({"$schema", "$id", "title", "description", "examples", "default", "$comment", "$defs"})


Role = tuple[str, str, dict[str, list[str]]] | None  # (key attribute, array attribute, value -> Structs)


class Inexact(Exception):
    """A schema construct with no exact msgspec equivalent."""


class Compiler:
    def __init__(self) -> None:
        self.schemas = schema_store.all_schemas()
        self.classes: list[str] = []  # class definitions, in dependency order
        self.names: dict[str, str] = {}  # node key -> class name (or type alias)
        self.used_names: set[str] = set()
        self.checks = CheckCompiler(self.resolve)
        self.post: dict[str, dict[str, tuple[str, str]]] = {}  # class -> field -> (check function, why)
        self.deps: dict[str, set[str]] = {}  # class -> the classes its fields name
        self.tags: dict[str, str | None] = {}  # class -> its tag
        self.tables: list[str] = []  # module-level tables the post-checks read

    # ---------------------------------------------------------------- references

    def resolve(self, base: str, ref: str) -> tuple[str, Any]:
        uri = urljoin(base, ref)
        doc, _, pointer = uri.partition("#")
        node: Any = self.schemas.get(doc)
        if node is None:
            raise Inexact(f"unresolvable $ref {ref}")
        for part in [p for p in pointer.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return uri, node

    # ---------------------------------------------------------------- types

    def type_of(self, node: Any, base: str, hint: str) -> str:
        """The Python type expression for ``node`` (a schema), or raise Inexact."""
        if node is True or node == {}:
            return "Any"
        if not isinstance(node, dict):
            raise Inexact("boolean schema false")
        keys = set(node) - _DOC_KEYS
        if "$ref" in node:
            if keys - {"$ref"}:
                raise Inexact("$ref beside other keywords")
            uri, target = self.resolve(base, node["$ref"])
            return self.type_of(target, uri.partition("#")[0], _hint_of(uri) or hint)
        if "if" in node:
            return self.split_on_type(node, base, hint)
        for bad in ("if", "then", "else", "anyOf", "oneOf", "not",
                    "pattern", "patternProperties", "minLength", "maxItems", "uniqueItems", "exclusiveMinimum",
                    "exclusiveMaximum", "multipleOf", "minProperties", "dependentRequired", "contains"):
            if bad in node:
                raise Inexact(f"`{bad}`")
        if "allOf" in node:
            return self.dispatch(node, base, hint)
        if "const" in node:
            return _literal([node["const"]])
        if "enum" in node:
            return _literal(node["enum"])
        types = node.get("type")
        if types is None:
            if "properties" in node or "required" in node:
                types = ["object"]  # an untyped node with properties: only objects are constrained...
                raise Inexact("properties without `type: object` (non-objects pass)")
            raise Inexact(f"unsupported keywords {sorted(keys)}")
        if isinstance(types, str):
            types = [types]
        parts = [self.one_type(t, node, base, hint) for t in types]
        return " | ".join(parts)

    def one_type(self, t: str, node: dict[str, Any], base: str, hint: str) -> str:
        if t == "null":
            return "None"
        if t == "boolean":
            return "bool"
        if t == "string":
            n = node.get("maxLength")
            return "str" if n is None else f"Annotated[str, Meta(max_length={int(n)})]"
        if t in ("integer", "number"):
            bounds = []
            if "minimum" in node:
                bounds.append(f"ge={node['minimum']!r}")
            if "maximum" in node:
                bounds.append(f"le={node['maximum']!r}")
            b = ", ".join(bounds)
            if t == "number":
                # msgspec's float accepts JSON integers too, as JSON Schema's number does.
                return f"Annotated[float, Meta({b})]" if b else "float"
            fl = f"Annotated[float, Meta({b + ', ' if b else ''}multiple_of=1)]"
            return (f"Annotated[int, Meta({b})]" if b else "int") + " | " + fl
        if t == "array":
            items = node.get("items")
            inner = "Any" if items is None else self.type_of(items, base, hint + "_item")
            n = node.get("minItems")
            return f"list[{inner}]" if n is None else f"Annotated[list[{inner}], Meta(min_length={int(n)})]"
        if t == "object":
            if "additionalProperties" in node or "propertyNames" in node or "maxProperties" in node:
                return self.mapping(node, base, hint)
            if "properties" not in node and "required" not in node:
                return "dict[str, Any]"
            return self.struct(node, base, hint, tag=None)
        raise Inexact(f"type {t}")

    def mapping(self, node: dict[str, Any], base: str, hint: str) -> str:
        """An object with no named properties: ``dict[key, value]`` with its lengths."""
        if "properties" in node or "required" in node:
            raise Inexact("`additionalProperties` beside named properties")
        names = node.get("propertyNames", {})
        if set(names) - {"maxLength"} or names.get("type", "string") != "string":
            raise Inexact("`propertyNames` beyond maxLength")
        key = "str" if "maxLength" not in names else f"Annotated[str, Meta(max_length={int(names['maxLength'])})]"
        extra = node.get("additionalProperties", True)
        value = self.type_of(extra, base, hint + "_value")
        typ = f"dict[{key}, {value}]"
        return typ if "maxProperties" not in node else f"Annotated[{typ}, Meta(max_length={int(node['maxProperties'])})]"

    def split_on_type(self, node: dict[str, Any], base: str, hint: str) -> str:
        """``type: [..]`` with ``if: {type: T}``: the ``then`` (``else``) applies to the instances
        of type T (of the other types) only, so each JSON type gets its own msgspec type."""
        cond, types = node["if"], node.get("type")
        if set(cond) != {"type"} or not isinstance(cond["type"], str) or not isinstance(types, list):
            raise Inexact("`if` on more than a JSON type")
        rest = {k: v for k, v in node.items() if k not in ("if", "then", "else") and k not in _DOC_KEYS}
        if set(rest) - set().union(*_APPLIES.values()) - {"type"}:
            raise Inexact("`if` beside keywords that apply to every type")
        parts = []
        for t in types:
            add = node.get("then") if t == cond["type"] else node.get("else")
            own = {k: v for k, v in rest.items() if k in _APPLIES[t]}
            if add is None:
                parts.append(self.one_type(t, {**own, "type": t}, base, hint))
                continue
            add = {k: v for k, v in add.items() if k not in _DOC_KEYS}
            if "$ref" in add:
                _, target = self.resolve(base, add["$ref"])
                if set(add) != {"$ref"} or own or target.get("type") != t:
                    raise Inexact("a type branch $ref that is not exactly that type")
                parts.append(self.type_of(add, base, hint))
                continue
            if set(add) & set(own) or add.get("type", t) != t or set(add) - _APPLIES[t] - {"type", "allOf"}:
                raise Inexact("a type branch that does not merge with the node")
            if "const" in add or "enum" in add:
                values = [add["const"]] if "const" in add else add["enum"]
                if own or not all(_json_type(v) == t for v in values):
                    raise Inexact("a type branch constant of another type")
            parts.append(self.type_of({**own, **add, "type": t}, base, hint))
        return " | ".join(parts)

    def struct(self, node: dict[str, Any], base: str, hint: str, tag: str | None,
               extra: dict[str, Any] | None = None, extra_required: list[str] | None = None,
               fixed: dict[str, str] | None = None, role: Role = None) -> str:
        """A Struct class for an object schema (``extra``: a dispatch branch's properties)."""
        props: dict[str, Any] = dict(node.get("properties", {}))
        required = list(node.get("required", []))
        for name, sub in (extra or {}).items():
            if name in props and props[name] != sub:
                raise Inexact(f"property {name} constrained by both the object and its branch")
            props[name] = sub
        required += [r for r in extra_required or [] if r not in required]
        if tag is not None:
            props.pop("type", None)
            required = [r for r in required if r != "type"]
        key = repr((base, sorted(props.items(), key=lambda kv: kv[0]).__repr__(), sorted(required), tag, fixed, role))
        if key in self.names:
            return self.names[key]
        name = self._name(hint if tag is None else f"{hint}_{tag}")
        self.names[key] = name
        fields_req: list[str] = []
        fields_opt: list[str] = []
        missing = [r for r in required if r not in props]
        if missing:
            raise Inexact(f"required without a property schema: {missing}")
        post: dict[str, tuple[str, str]] = {}
        for prop in sorted(props, key=lambda p: (p not in required, p)):
            typ = (fixed or {}).get(prop) or self.field_type(props[prop], base, f"{name}_{prop}")
            attr = _attr(prop)
            if typ.startswith("!"):  # no msgspec type: ``Any``, checked by a generated function
                post[attr] = (self.checks.check(props[prop], base), typ[1:])
                typ = "Any"
            rename = "" if attr == prop else f"name={prop!r}"
            if prop in required:
                fields_req.append(f"    {attr}: {typ}" + (f" = field({rename})" if rename else ""))
            else:
                default = f"field(default=UNSET{', ' + rename if rename else ''})" if rename else "UNSET"
                fields_opt.append(f"    {attr}: {typ}{'' if typ == 'Any' else ' | UnsetType'} = {default}")
        opts = ", kw_only=True" if fields_req and fields_opt else ""
        head = f"class {name}(Struct{opts}, gc=False" + (f", tag_field='type', tag={tag!r}" if tag is not None else "") + "):"
        body = fields_req + fields_opt or ["    pass"]
        if post or role:
            body += ["", "    def __post_init__(self) -> None:"]
        if role:
            key_attr, items_attr, allowed = role
            table = f"_{name.upper()}_{key_attr.upper()}"
            self.tables.append(f"{table}: dict[str, frozenset[type]] = {{\n" + "".join(
                f"    {v!r}: frozenset({{{', '.join(names)}}}),\n" for v, names in allowed.items()) + "}")
            body.append(f"        allowed = {table}.get(self.{key_attr})  # the second dispatch, on `{key_attr}`")
            body.append(f"        if allowed is not None and not all(x.__class__ in allowed for x in self.{items_attr}):")
            body.append(f"            raise ValueError({items_attr!r})")
        if post:
            for attr, (check, why) in post.items():
                unset = "" if any(line.startswith(f"    {attr}: ") for line in fields_req) else f"self.{attr} is not UNSET and "
                body.append(f"        if {unset}not {check}(self.{attr}):  # {_comment(why)}")
                body.append(f"            raise ValueError({attr!r})")
        self.post[name] = post
        self.tags[name] = tag
        self.deps[name] = {n for n in re.findall(r"\b[A-Z]\w*", "\n".join(body)) if n in self.deps or n in self.post}
        self.classes.append("\n".join([head, *body]))
        return name

    def field_type(self, node: Any, base: str, hint: str) -> str:
        """``type_of`` a property, or ``!reason`` when msgspec cannot express it exactly (nothing
        of the failed attempt stays: no classes, no names)."""
        mark, names, used = len(self.classes), dict(self.names), set(self.used_names)
        try:
            return self.type_of(node, base, hint)
        except Inexact as exc:
            del self.classes[mark:]
            self.names, self.used_names = names, used
            return f"!{exc}"

    def dispatch(self, node: dict[str, Any], base: str, hint: str) -> str:
        """``allOf`` of if/then on ``type`` -> a tagged union of Structs."""
        if node.get("type") != "object":
            raise Inexact("allOf on a node that is not only an object")
        tprop = node.get("properties", {}).get("type")
        if "type" not in node.get("required", []) or not isinstance(tprop, dict):
            raise Inexact("dispatch without a required `type`")
        values = tprop.get("enum") or ([tprop["const"]] if "const" in tprop else None)
        if not values or not all(isinstance(v, str) for v in values) or set(tprop) - {"enum", "const", "description"}:
            raise Inexact("dispatch on a `type` that is not a string enum")
        branches: dict[str, dict[str, Any]] = {}
        for clause in node["allOf"]:
            if set(clause) - {"if", "then"}:
                raise Inexact("allOf clause that is not a plain if/then")
            cond = clause["if"]
            if cond.get("required") != ["type"] or set(cond) - {"required", "properties"} or set(cond["properties"]) != {"type"}:
                raise Inexact("dispatch on more than `type`")
            c = cond["properties"]["type"]
            matched = [c["const"]] if "const" in c and set(c) == {"const"} else c.get("enum") if set(c) == {"enum"} else None
            if not matched:
                raise Inexact("dispatch condition that is not a const or enum")
            then = clause["then"]
            tbase = base
            if "$ref" in then:
                uri, then = self.resolve(base, then["$ref"])
                tbase = uri.partition("#")[0]
            if set(then) - _DOC_KEYS - {"type", "properties", "required", "allOf"} or then.get("type", "object") != "object":
                raise Inexact("a dispatch branch that is more than an object's properties")
            if tbase != base and then.get("properties"):
                raise Inexact("a branch from another document")
            for v in matched:
                if v in branches or v not in values:
                    raise Inexact("overlapping or unknown dispatch values")
                branches[v] = then
        names = []
        for v in values:
            then = branches.get(v, {})
            fixed, role = self.second_dispatch(then, base, f"{hint}_{v}") if "allOf" in then else ({}, None)
            names.append(self.struct(node, base, hint, tag=v, extra=then.get("properties", {}),
                                     extra_required=then.get("required", []), fixed=fixed, role=role))
        return " | ".join(names)

    def second_dispatch(self, then: dict[str, Any], base: str, hint: str) -> tuple[dict[str, str], Role]:
        """A branch whose ``allOf`` dispatches again, on a key ``k`` (a message's ``role``), each
        value narrowing the item schema of one array property ``P`` (its ``content``) to a tagged
        union of its own. msgspec types ``P`` as the union of every value's Structs (a tag must
        mean the same Struct for every value); the generated ``__post_init__`` checks that each
        element's Struct is one the instance's ``k`` allows."""
        props, required = then.get("properties", {}), then.get("required", [])
        key = prop = None
        allowed: dict[str, list[str]] = {}
        for clause in then["allOf"]:
            cond, narrow = clause.get("if", {}), clause.get("then", {})
            if set(clause) != {"if", "then"} or set(cond) != {"required", "properties"} or len(cond["required"]) != 1:
                raise Inexact("a second dispatch that is not a plain if/then")
            k = cond["required"][0]
            c = cond["properties"].get(k, {})
            if set(cond["properties"]) != {k} or set(c) != {"const"} or not isinstance(c["const"], str):
                raise Inexact("a second dispatch on more than one constant")
            if set(narrow) != {"properties"} or len(narrow["properties"]) != 1:
                raise Inexact("a second dispatch branch that narrows more than one property")
            ((p, sub),) = narrow["properties"].items()
            if set(sub) != {"items"} or (key, prop) not in ((None, None), (k, p)) or c["const"] in allowed:
                raise Inexact("a second dispatch branch that is not one array's items")
            key, prop = k, p
            allowed[c["const"]] = self.type_of(sub["items"], base, f"{hint}_{p}").split(" | ")
        if key is None or prop is None or key not in required or props.get(prop) != {"type": "array"}:
            raise Inexact("a second dispatch on an optional key or a constrained array")
        kenum = props.get(key, {}).get("enum")
        if not isinstance(kenum, list) or not all(isinstance(v, str) for v in kenum):
            raise Inexact("a second dispatch key that is not a string enum")
        union: list[str] = []
        for names in allowed.values():
            union += [n for n in names if n not in union]
        tags = [self.tags.get(n) for n in union]
        if None in tags or len(set(tags)) != len(tags):
            raise Inexact("a tag that means different Structs for different values of the second key")
        return {prop: f"list[{' | '.join(union)}]"}, (_attr(key), _attr(prop), allowed)

    def _name(self, hint: str) -> str:
        base = "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", hint) if p) or "T"
        if base[0].isdigit():
            base = "T" + base
        name, n = base, 2
        while name in self.used_names:
            name, n = f"{base}{n}", n + 1
        self.used_names.add(name)
        return name

    # ---------------------------------------------------------------- events

    def event(self, dialect: str, etype: str, sid: str) -> str:
        """The tagged Struct of one event schema (every bundled event compiles: a field msgspec
        cannot express exactly is post-checked; anything else is a generator error)."""
        node = self.schemas[sid]
        props = node.get("properties", {})
        if node.get("type") != "object" or props.get("type") != {"const": etype} or "type" not in node.get("required", []):
            raise SystemExit(f"{sid}: an event schema without `type: const`")
        if set(node) - _DOC_KEYS - {"type", "properties", "required"}:
            raise SystemExit(f"{sid}: event-level keywords beyond properties")
        return self.top(node, sid, f"{dialect}_{etype}", tag=etype)

    def top(self, node: dict[str, Any], sid: str, hint: str, tag: str | None) -> str:
        """An event's Struct (``tag``: its type), or for an object schema its msgspec type, or
        when not even the top of it has one, the name of its generated check function."""
        try:
            if tag is not None:
                return self.struct(node, sid, hint, tag=tag)
            typ = self.field_type(node, sid, hint)
            return self.checks.check(node, sid) if typ.startswith("!") else typ
        except (Inexact, Unsupported) as exc:
            raise SystemExit(f"{sid}: cannot compile: {exc}") from exc

    def post_checked(self, cls: str) -> list[str]:
        """``Class.field: why`` for every post-checked field ``cls`` reaches, sorted."""
        seen, todo, out = {cls}, [cls], []
        while todo:
            name = todo.pop()
            out += [f"{name}.{attr}: {why}" for attr, (_, why) in self.post.get(name, {}).items()]
            for dep in self.deps.get(name, ()):
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return sorted(out)


# The keywords that constrain instances of one JSON type (and ignore every other type).
_APPLIES: dict[str, set[str]] = {
    "string": {"maxLength", "minLength", "pattern", "format", "const", "enum"},
    "integer": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "const", "enum"},
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "const", "enum"},
    "object": {"properties", "required", "additionalProperties", "propertyNames", "maxProperties", "minProperties"},
    "array": {"items", "minItems", "maxItems", "uniqueItems", "contains"},
    "boolean": {"const", "enum"},
    "null": {"const", "enum"},
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int):
        return "integer"
    return "number" if isinstance(value, float) else "object" if isinstance(value, dict) else "array"


def _hint_of(uri: str) -> str:
    doc, _, frag = uri.partition("#")
    stem = doc.rsplit("/", 2)
    return "_".join([*stem[-2:], frag.rsplit("/", 1)[-1]]).removesuffix(".json").replace(".json", "")


def _attr(prop: str) -> str:
    attr = re.sub(r"\W", "_", prop)
    if not attr or attr[0].isdigit() or keyword.iskeyword(attr) or attr in ("type",):
        attr = attr + "_"
    return attr


def _comment(text: str) -> str:
    return text.replace("\n", " ")[:90]


def _literal(values: list[Any]) -> str:
    strs = [v for v in values if isinstance(v, str)]
    rest = [v for v in values if not isinstance(v, str)]
    if any(v is not None for v in rest):
        raise Inexact("const/enum of a non-string value")
    parts = [f"Literal[{', '.join(repr(s) for s in strs)}]"] if strs else []
    if rest:
        parts.append("None")
    return " | ".join(parts)




def generate() -> str:
    """The source of the generated module."""
    comp = Compiler()
    index = schema_store.index()
    events: dict[str, dict[str, str]] = {}
    by_schema: dict[str, str] = {}
    for dialect in sorted(index["events"]):
        events[dialect] = {}
        for etype, entry in sorted(index["events"][dialect].items()):
            sid = schema_store.schema_id(entry["schema"])
            events[dialect][etype] = by_schema[sid] = comp.event(dialect, etype, sid)
    for sid in sorted(comp.schemas):  # every other schema too: realtime.response is checked alone
        if sid not in by_schema:
            by_schema[sid] = comp.top(comp.schemas[sid], sid, _hint_of(sid + "#"), tag=None)
    post = {d: {t: comp.post_checked(c) for t, c in table.items() if comp.post_checked(c)} for d, table in events.items()}
    digest = hashlib.sha256()
    for sid in sorted(comp.schemas):
        digest.update(sid.encode() + repr(comp.schemas[sid]).encode())
    lines = [
        '"""GENERATED by `python -m realtime_cli.engine.codegen` from schemas/: do not edit.',
        "",
        "msgspec Structs for every bundled event schema and the standalone objects the engine",
        "checks. ``EVENTS``: dialect -> event type -> Struct; ``SCHEMAS``: schema $id -> type;",
        "``POST_CHECKED``: dialect -> event type -> the fields msgspec cannot type exactly, which",
        "are typed ``Any`` and checked in ``__post_init__`` by the generated ``_c*`` functions.",
        f"Schemas digest: {digest.hexdigest()[:16]}",
        '"""',
        "",
        "# ruff: noqa",
        "from __future__ import annotations",
        "",
        "from typing import Annotated, Any, Literal",
        "",
        "from msgspec import UNSET, Meta, Struct, UnsetType, field",
        "",
        "__all__ = ['EVENTS', 'POST_CHECKED', 'SCHEMAS']",
        "",
    ]
    for fn in comp.checks.functions:
        lines += ["", fn, ""]
    for cls in comp.classes:
        lines += ["", cls, ""]
    for source in comp.tables:
        lines += ["", source, ""]
    lines += ["", "EVENTS: dict[str, dict[str, type[Struct]]] = {"]
    for dialect, table in events.items():
        lines.append(f"    {dialect!r}: {{")
        lines += [f"        {etype!r}: {cls}," for etype, cls in table.items()]
        lines.append("    },")
    lines += ["}", "", "SCHEMAS: dict[str, Any] = {  # a msgspec type, or a check function for the whole object"]
    lines += [f"    {sid!r}: {cls}," for sid, cls in sorted(by_schema.items())]
    lines += ["}", "", "POST_CHECKED: dict[str, dict[str, list[str]]] = {"]
    for dialect, ptable in post.items():
        lines.append(f"    {dialect!r}: {{")
        for etype, fields in ptable.items():
            lines.append(f"        {etype!r}: [")
            lines += [f"            {f!r}," for f in fields]
            lines.append("        ],")
        lines.append("    },")
    lines += ["}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m realtime_cli.engine.codegen", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed module is stale")
    args = parser.parse_args(argv)
    source = generate()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != source:
            print(f"{OUTPUT} is stale: run python -m realtime_cli.engine.codegen", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(source, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
