"""RT202 and RT701-RT703: client parameters of the wrong dialect, and function calls vs tools.

Tool parameter schemas are checked against their metaschema and compiled with python-jsonschema
once per (name, schema) (and shared between files of a run); ``$ref``s are never fetched (the
registry's retriever refuses, and a ref to another document is resolved when the tool is
declared), and a schema that is not usable is reported once.
"""

from __future__ import annotations

from typing import Any

import orjson

from realtime_cli.engine.explain import short
from realtime_cli.logs import dialect as dl
from realtime_cli.logs.jsonparse import parse_json
from realtime_cli.logs.loader import Record
from realtime_cli.rules.context import OPEN_CAP, Context, Handler, is_cut, plain, put_bounded

CODES = ("RT202", "RT701", "RT702", "RT703")

# Client parameters that exist only in the other dialect (PROTOCOL.md §1.1, §1.2, §4.2).
_FOREIGN_SESSION = {
    dl.BETA: ("type", "output_modalities", "audio"),
    dl.GA: ("modalities", "voice", "input_audio_format", "output_audio_format",
            "input_audio_transcription", "input_audio_noise_reduction", "max_response_output_tokens"),
}
_FOREIGN_RESPONSE = {
    dl.BETA: ("output_modalities", "audio"),
    dl.GA: ("modalities", "voice", "output_audio_format", "temperature", "max_response_output_tokens"),
}


def _refuse(uri: str) -> Any:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


_COMPILED: dict[bytes, tuple[Any, str | None]] = {}  # schema key -> (validator or None, why not)
_COMPILED_CAP = 256


def _compile(key: bytes, params: Any) -> tuple[Any, str | None]:
    """A python-jsonschema validator for a tool's ``parameters`` (the draft its ``$schema``
    names, 2020-12 by default), or None and the first line of why it is not usable."""
    hit = _COMPILED.get(key)
    if hit is not None:
        return hit
    import warnings

    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for
    from jsonschema_specifications import REGISTRY as SPECIFICATIONS  # type: ignore[import-untyped]
    from referencing import Registry
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012, specification_with

    try:
        cls: Any = Draft202012Validator  # and its check_schema says what is wrong with anything else
        if isinstance(params, dict) and isinstance(params.get("$schema"), str):
            with warnings.catch_warnings():  # an unknown $schema: 2020-12, without a DeprecationWarning
                warnings.simplefilter("ignore")
                cls = validator_for(params, default=Draft202012Validator)
        cls.check_schema(params)
        spec = specification_with(cls.META_SCHEMA.get("$schema", ""), default=DRAFT202012)
        resource = spec.create_resource(params)
        base = resource.id() or ""
        # The metaschemas are bundled with jsonschema; anything else that is not in the schema
        # itself is refused, never fetched.
        registry: Any = Registry(retrieve=_refuse).combine(SPECIFICATIONS).with_resource(base, resource)  # type: ignore[call-arg]
        out: tuple[Any, str | None] = (cls(params, registry=registry), None)
        for ref in _refs(params):  # resolved now: RT702 where the tool is declared, not a crash later
            try:
                registry.resolver(base_uri=base).lookup(ref)
            except Unresolvable:
                local = ref.startswith("#")
                out = (None, f"$ref {ref} does not resolve" + ("" if local else " (remote schemas are never fetched)"))
                break
    except SchemaError as exc:
        out = (None, exc.message.splitlines()[0] if exc.message else "not a JSON Schema")
    except (ValueError, TypeError, OverflowError, RecursionError, LookupError) as exc:
        out = (None, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    if len(_COMPILED) >= _COMPILED_CAP:
        _COMPILED.clear()
    _COMPILED[key] = out
    return out


def _refs(node: Any) -> list[str]:
    """Every ``$ref`` in ``node``."""
    out: list[str] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            ref = cur.get("$ref")
            if isinstance(ref, str):
                out.append(ref)
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)
    return out


class _Tool:
    __slots__ = ("key", "validator")

    def __init__(self, key: bytes, validator: Any) -> None:
        self.key = key
        self.validator = validator  # None: no parameters schema, or one that does not compile


class Session:
    """Dialect of client parameters, and function calls checked against the declared tools."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out = ctx.out
        self.tools: dict[str, _Tool] = {}
        self.declared = False
        self.names: dict[str, str] = {}  # open function_call item id -> tool name
        self.checked: dict[str, None] = {}  # item ids whose arguments were checked at .done

    def handlers(self) -> dict[str, Handler]:
        """Event type -> handler, for the types this family cares about."""
        return {
            "session.update": self.on_session_update,
            "response.create": self.on_response_create,
            "session.created": self.on_server_session,
            "session.updated": self.on_server_session,
            "response.output_item.added": self.on_item_added,
            "response.output_item.done": self.on_item_done,
            "response.function_call_arguments.done": self.on_args_done,
        }

    # ------------------------------------------------------------------ declarations

    def on_session_update(self, rec: Record, ev: dict[str, Any]) -> None:
        session = ev.get("session")
        if isinstance(session, dict):
            self._foreign(rec, ev, session, _FOREIGN_SESSION, "$.session", "session")
            self._declare(rec, session.get("tools"), "$.session.tools")

    def on_response_create(self, rec: Record, ev: dict[str, Any]) -> None:
        resp = ev.get("response")
        if isinstance(resp, dict):
            self._foreign(rec, ev, resp, _FOREIGN_RESPONSE, "$.response", "response")
            self._declare(rec, resp.get("tools"), "$.response.tools")

    def on_server_session(self, rec: Record, ev: dict[str, Any]) -> None:
        session = ev.get("session")
        if isinstance(session, dict):
            self._declare(rec, session.get("tools"), "$.session.tools")

    def _foreign(self, rec: Record, ev: dict[str, Any], params: dict[str, Any],
                 table: dict[str, tuple[str, ...]], prefix: str, what: str) -> None:
        d = self.ctx.dialect
        keys = table.get(d) if d is not None else None
        if not keys:
            return
        for k in keys:
            if params.get(k) is not None:  # SDK dumps (cookbook) write absent fields as null
                other = "GA" if d == dl.BETA else "beta"
                self.out.emit("RT202", f"{what} parameter `{k}` belongs to the {other} dialect, but this log is {d}",
                              line=rec.line, event=ev, json_path=f"{prefix}.{k}")

    def _declare(self, rec: Record, tools: Any, path: str) -> None:
        if not isinstance(tools, list):
            return
        for i, tool in enumerate(tools):
            if not isinstance(tool, dict) or tool.get("type", "function") != "function":
                continue
            name = tool.get("name")
            if type(name) is not str:
                continue
            self.declared = True
            params = tool.get("parameters")
            try:
                key = orjson.dumps(params, option=orjson.OPT_SORT_KEYS)
            except TypeError:  # orjson.JSONEncodeError: values orjson cannot re-encode (huge ints)
                key = repr(params).encode()
            known = self.tools.get(name)
            if known is not None and known.key == key:
                continue
            validator = None
            if params is not None:
                validator, first = _compile(key, params)
                if first is not None:
                    self.out.emit("RT702", f"tool {short(name)} declares parameters that are not a usable JSON Schema "
                                  f"({plain(first, 120)}); its calls are not checked against them",
                                  line=rec.line, event=rec.event, json_path=f"{path}[{i}].parameters")
            self.tools[name] = _Tool(key, validator)

    # ------------------------------------------------------------------ calls

    def on_item_added(self, rec: Record, ev: dict[str, Any]) -> None:
        item = ev.get("item")
        if isinstance(item, dict) and item.get("type") == "function_call":
            iid, name = item.get("id"), item.get("name")
            if type(iid) is str and type(name) is str and put_bounded(self.names, iid, name, OPEN_CAP):
                self.ctx.limit(rec.line, f"{OPEN_CAP} function calls")

    def on_args_done(self, rec: Record, ev: dict[str, Any]) -> None:
        iid = ev.get("item_id")
        name = ev.get("name")
        if type(name) is not str and type(iid) is str:
            name = self.names.get(iid)
        if type(iid) is str:
            put_bounded(self.checked, iid, None, OPEN_CAP)
        self._check_call(rec, ev, name, ev.get("arguments"), "$.arguments")

    def on_item_done(self, rec: Record, ev: dict[str, Any]) -> None:
        item = ev.get("item")
        if not isinstance(item, dict) or item.get("type") != "function_call":
            return
        iid = item.get("id")
        if type(iid) is str:
            self.names.pop(iid, None)
            if self.checked.pop(iid, 0) is None:
                return  # already checked at response.function_call_arguments.done
        self._check_call(rec, ev, item.get("name"), item.get("arguments"), "$.item.arguments")

    def _check_call(self, rec: Record, ev: dict[str, Any], name: Any, args: Any, path: str) -> None:
        if type(args) is not str:
            return
        if is_cut(args):
            self.ctx.cut(rec.line, "function-call arguments")
            return
        value, code, msg = parse_json(args.encode("utf-8", "surrogatepass"))
        if code is not None:
            self.out.emit("RT701", f"arguments of {short(name)} are not valid JSON: {msg}",
                          line=rec.line, event=ev, json_path=path)
            return
        if type(name) is not str or not self.declared:
            return
        tool = self.tools.get(name)
        if tool is None:
            if self.ctx.full:
                self.out.emit("RT703", f"function call to {short(name)}, a tool that no session.update or response.create declared",
                              line=rec.line, event=ev, json_path=path.rsplit(".", 1)[0] + ".name")
            else:
                self.ctx.relax(rec.line, "tools declared before the log")
            return
        if tool.validator is None:
            return
        try:
            err = next(iter(tool.validator.iter_errors(value)), None)
        except Exception:
            return
        if err is not None:
            where = "/".join(str(p) for p in err.absolute_path)
            at = f" at /{where}" if where else ""
            self.out.emit("RT702", f"arguments of {short(name)} do not match its parameters: {plain(err.message, 160)}{at}",
                          line=rec.line, event=ev, json_path=path)

    def finish(self) -> None:
        """Nothing to report at the end."""
