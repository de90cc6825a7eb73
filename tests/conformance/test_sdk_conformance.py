"""Conformance of rtcheck's bundled schemas with the openai SDK's pydantic models (issue #2).

The SDK is an independent implementation of both dialects: GA ``openai`` 3.52.0
(``openai.types.realtime``) and beta ``openai`` 1.99.9 (``openai.types.beta.realtime``). Each runs
in its own venv (``sdk_envs.py``); ``sdk_generate.py`` draws SDK-valid events for every type of the
SDK's client and server unions and SDK-rejected mutations of them. Here rtcheck's schemas must

(a) accept every SDK-valid event, and
(b) reject every SDK-rejected mutation,

unless the disagreement is one of the deliberate, documented patches listed in ``VALID_ALLOW`` and
``INVALID_ALLOW`` below. Each entry names its reason; an entry that no longer matches anything fails
``test_allowlist_is_not_stale``, so the list cannot rot. Any other disagreement fails with the event
type, the JSON path and both verdicts.

The generator's own policy (optional SDK fields are generated absent or non-null, never ``null``;
ids realistic; audio valid base64) is explained in ``sdk_generate.py``: the SDK's
``Optional[X] = None`` cannot say "may be absent but not null", so a null there is not evidence.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sdk_envs

from realtime_cli.engine import explain, schema_store

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
DIALECTS = ("ga", "beta")
EXAMPLES_PER_TYPE = 30
MUTATIONS_PER_TYPE = 80
# Distinct disagreement sites printed per failing test (raise it to triage a schema change).
SHOW = int(os.environ.get("RTCHECK_CONFORMANCE_SHOW", "40"))


@dataclass(frozen=True)
class Allow:
    """One deliberate disagreement between rtcheck and the SDK.

    ``where`` is a regular expression matched against a normalised JSON path (array indexes as
    ``[*]``). For schema errors on SDK-valid events the path is the failing instance location, and
    for a ``required`` error the missing field is appended (``$.response.usage.total_tokens``).
    For mutations it is the mutated location. ``what`` is a regular expression matched against
    the jsonschema keyword that failed (valid events) or the mutation op (``type``, ``enum``,
    ``required``).
    """

    dialects: str  # "ga", "beta" or "*"
    types: str  # fnmatch pattern on the event type
    where: str
    what: str
    reason: str
    hits: list[int] = field(default_factory=lambda: [0], compare=False, hash=False)

    def matches(self, dialect: str, event_type: str, path: str, what: str) -> bool:
        return (
            self.dialects in ("*", dialect)
            and fnmatch.fnmatchcase(event_type, self.types)
            and re.fullmatch(self.what, what) is not None
            and re.fullmatch(self.where, path) is not None
        )


# Reasons, each pointing at the documentation of the patch (schemas/README.md for GA and
# common, schemas/beta/README.md for beta; PROTOCOL = the project's protocol notes).
PROSE_NONNEG = (
    "prose constraint the SDK does not enforce: token counts, indexes, millisecond offsets, "
    "rate-limit figures and durations are >= 0 (schemas/README.md 'Prose-only constraints')"
)
PROSE_MAX_TOKENS = (
    "prose constraint: max output tokens is an integer 1..4096 or 'inf' (PROTOCOL 1.9; the "
    "SDK types it int | 'inf')"
)
PROSE_TEMPERATURE = "prose constraint: temperature limited to [0.6, 1.2] (PROTOCOL 1.9)"
PROSE_THRESHOLD = "prose constraint: VAD threshold '0.0 to 1.0' (spec description)"
SPEC_KEYWORD = (
    "SDK bug: the spec states this as a JSON Schema keyword (speed 0.25..1.5, idle_timeout_ms "
    "5000..30000, retention_ratio 0..1, languages minItems 1); Stainless drops range keywords"
)
SDK_ANY_OBJECT = (
    "SDK bug: the SDK types this `object` (any Python value), the spec says a JSON object "
    "(a JSON Schema / a metadata map)"
)
WIRE_RESPONSE = (
    "wire reality: realtime.response always carries these fields, null or not, and clients "
    "break when one is absent (stdapi-ai/stdapi.ai#152); the SDK makes every field optional "
    "(schemas/README.md 'Required fields beyond the spec')"
)
WIRE_ALWAYS_SENT = (
    "wire reality: always sent by the server (usage totals, all four rate-limit fields, "
    "session/conversation id and object); the SDK makes every field optional "
    "(schemas/README.md and schemas/beta/README.md 'Required fields')"
)
ITEM_SHAPE = (
    "protocol semantics: items and parts dispatch on `type` (and `role`), so `type` is always "
    "present; a message has role+content, a function_call name+arguments, its output "
    "call_id+output, a text part its text, a tool type+name; the SDK's flat/optional models "
    "accept empty shells (schemas/beta/README.md 'Required fields the flat spec item does not "
    "state', schemas/README.md 'Required fields beyond the spec')"
)
AUDIO_FORMAT_TYPE = (
    "protocol semantics: an audio format is identified by its `type` (audio/pcm|pcmu|pcma); "
    "the SDK makes it optional (schemas/README.md: 'audio formats require `type`')"
)
BETA_SPEC_REQUIRED = (
    "SDK bug: the 2025-04-29 beta spec requires previous_item_id on these events (null on the "
    "first item, PROTOCOL 1.8); SDK 1.99.9 makes it optional"
)
PROSE_CONTENT_BY_ROLE = (
    "prose constraint: content types by role (system input_text; user input_text/input_audio; "
    "assistant text/audio), spec `content` description; SDK 1.99.9 has one flat content model"
)
PROSE_BETA_ENUMS = (
    "prose constraint: the beta spec types these as plain strings but its descriptions list the "
    "values (input_audio_format pcm16|g711_ulaw|g711_alaw; turn_detection type server_vad, "
    "plus semantic_vad)"
)
BETA_VOICE = (
    "rtcheck decision documented in schemas/beta/README.md ('Spec constructs replaced'): the "
    "beta voice is an enum of the known voice ids, although spec and SDK also accept any string"
)

_ITEM = r"\$(\.item|\.response\.output\[\*\]|\.response\.input\[\*\])"
_TOOLS = r"\$\.(session|response)\.tools\[\*\]"
_COUNTS = (
    r"\$(\.response)?\.usage(\.\w+_details)?(\.cached_tokens_details)?\.\w*tokens"
    r"|\$\.usage\.seconds|\$\.rate_limits\[\*\]\.(limit|remaining|reset_seconds)"
    r"|\$\.(content_index|output_index|audio_start_ms|audio_end_ms|received_at|start|end)"
    r"|\$\.session(\.audio\.input)?\.turn_detection\.(prefix_padding_ms|silence_duration_ms)"
)
_MAX_TOKENS = r"\$\.(session|response)\.(max_output_tokens|max_response_output_tokens)"
_GA_SPEC_RANGES = (
    r"\$\.session\.audio\.input\.turn_detection\.idle_timeout_ms"
    r"|\$\.session\.truncation\.retention_ratio"
)
RANGE = "minimum|maximum"

# (a) SDK accepts, rtcheck rejects: constraints rtcheck enforces on purpose.
VALID_ALLOW: list[Allow] = [
    Allow("*", "*", _COUNTS, "minimum", PROSE_NONNEG),
    Allow("*", "*", _MAX_TOKENS, RANGE, PROSE_MAX_TOKENS),
    Allow("beta", "*", r"\$\.(session|response)\.temperature", RANGE, PROSE_TEMPERATURE),
    Allow(
        "*", "*", r"\$\.session(\.audio\.input)?\.turn_detection\.threshold", RANGE, PROSE_THRESHOLD
    ),
    Allow("*", "session.*", r"\$\.session(\.audio\.output)?\.speed", RANGE, SPEC_KEYWORD),
    Allow("ga", "session.*", _GA_SPEC_RANGES, RANGE, SPEC_KEYWORD),
    Allow(
        "ga",
        "session.*",
        r"\$\.session\.audio\.input\.transcription\.languages",
        "minItems",
        SPEC_KEYWORD,
    ),
    Allow("*", "*", _TOOLS + r"\.parameters", "type", SDK_ANY_OBJECT),
    # mcp_list_tools items, wherever an item travels (conversation.item.*, output items, outputs).
    Allow("ga", "*", _ITEM + r"\.tools\[\*\]\.(input_schema|annotations)", "type", SDK_ANY_OBJECT),
    Allow("ga", "session.update", r"\$\.session\.tracing\.metadata", "type", SDK_ANY_OBJECT),
    Allow("*", "response.created", r"\$\.response\.\w+", "required", WIRE_RESPONSE),
    Allow("*", "response.done", r"\$\.response\.\w+", "required", WIRE_RESPONSE),
    Allow(
        "*",
        "response.*",
        r"\$\.response\.usage\.(total|input|output)_tokens",
        "required",
        WIRE_ALWAYS_SENT,
    ),
    Allow(
        "*",
        "rate_limits.updated",
        r"\$\.rate_limits\[\*\]\.(name|limit|remaining|reset_seconds)",
        "required",
        WIRE_ALWAYS_SENT,
    ),
    Allow("*", "*session.*", r"\$\.session\.(id|object)", "required", WIRE_ALWAYS_SENT),
    Allow(
        "*", "conversation.created", r"\$\.conversation\.(id|object)", "required", WIRE_ALWAYS_SENT
    ),
    Allow(
        "*",
        "*",
        _ITEM + r"\.(type|role|content|name|arguments|call_id|output)",
        "required",
        ITEM_SHAPE,
    ),
    Allow("*", "*", _ITEM + r"\.content\[\*\]\.(type|text)", "required", ITEM_SHAPE),
    Allow("*", "response.content_part.*", r"\$\.part\.type", "required", ITEM_SHAPE),
    Allow("*", "*", _TOOLS + r"\.(type|name)", "required", ITEM_SHAPE),
    Allow(
        "ga",
        "*",
        r"\$\.(session|response)\.audio\.(input|output)\.format\.type",
        "required",
        AUDIO_FORMAT_TYPE,
    ),
    Allow("beta", "*", r"\$\.previous_item_id", "required", BETA_SPEC_REQUIRED),
    Allow("beta", "*", _ITEM + r"\.content\[\*\]\.type", "enum", PROSE_CONTENT_BY_ROLE),
    Allow(
        "beta",
        "transcription_session.updated",
        r"\$\.session\.(input_audio_format|turn_detection\.type)",
        "enum",
        PROSE_BETA_ENUMS,
    ),
    Allow("beta", "*", r"\$\.(session|response)\.voice", "enum", BETA_VOICE),
]

# (b) SDK rejects, rtcheck accepts: tolerances rtcheck grants on purpose.
INVALID_ALLOW: list[Allow] = [
    Allow(
        "beta",
        "conversation.item.input_audio_transcription.completed",
        r"\$\.usage",
        "required",
        "wire reality: `usage` is absent from the 2025-04-29 beta spec and from earlier beta "
        "servers; only later beta servers send it (schemas/beta/README.md 'Fields the spec "
        "lacks'); SDK 1.99.9 requires it",
    ),
    Allow(
        "beta",
        "*session.update",
        r"\$\.session\.client_secret(\.\w+)*",
        "type",
        "open objects (PROTOCOL 1.10.7): `client_secret` (REST session-creation options) is not "
        "in the 2025-04-29 beta spec's session.update, so rtcheck does not declare it and any "
        "value passes; SDK 1.99.9 added it",
    ),
]


def _find(allow: list[Allow], dialect: str, event_type: str, path: str, what: str) -> Allow | None:
    for entry in allow:
        if entry.matches(dialect, event_type, path, what):
            return entry
    return None


def normalise(parts: Any) -> str:
    """``$.a[*].b`` for a path given as a sequence of keys and indexes."""
    return "$" + "".join("[*]" if isinstance(p, int) else f".{p}" for p in parts)


# ---------------------------------------------------------------------------------------------
# Generation (session scope: venvs + one generator run per dialect)


def _generate(dialect: str) -> list[dict[str, Any]]:
    python = sdk_envs.ensure(dialect)
    cmd = [
        str(python),
        str(HERE / "sdk_generate.py"),
        dialect,
        "--examples",
        str(EXAMPLES_PER_TYPE),
        "--mutations",
        str(MUTATIONS_PER_TYPE),
    ]
    # -I would also drop the cwd from sys.path; what matters is that rtcheck is not importable
    # from the venv, which the venv's own site-packages guarantees.
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=240)
    if proc.returncode != 0:
        pytest.fail(f"sdk_generate.py {dialect} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def generated() -> dict[str, list[dict[str, Any]]]:
    """Every generated line, per dialect (both dialects built and generated in parallel)."""
    with ThreadPoolExecutor(max_workers=len(DIALECTS)) as pool:
        return dict(zip(DIALECTS, pool.map(_generate, DIALECTS), strict=True))


def _of(rows: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["kind"] == kind]


def _sid(dialect: str, event_type: str) -> str:
    entry = schema_store.event_entry(dialect, event_type)
    assert entry is not None, f"rtcheck's index has no {dialect} event {event_type!r}"
    return schema_store.schema_id(entry["schema"])


# ---------------------------------------------------------------------------------------------
# Explaining rtcheck's verdict on an SDK-valid event


def _leaf_sites(error: Any) -> Iterator[tuple[str, str]]:
    """(normalised path, keyword) of one non-combinator error; one per missing field."""
    base = normalise(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        for name in error.validator_value:
            if name not in error.instance:
                yield f"{base}.{name}", "required"
    else:
        yield base, str(error.validator)


def _allowed(error: Any, dialect: str, event_type: str) -> bool:
    """True when ``error`` is fully explained by VALID_ALLOW entries.

    An anyOf/oneOf failure is explained when one branch fails only for allowlisted reasons
    (that branch is the one the event was meant for).
    """
    if error.validator in ("anyOf", "oneOf"):
        branches: dict[Any, list[Any]] = defaultdict(list)
        for sub in error.context or ():
            branches[sub.relative_schema_path[0]].append(sub)
        return any(
            all(_allowed(e, dialect, event_type) for e in errs) for errs in branches.values()
        )
    entries = [_find(VALID_ALLOW, dialect, event_type, p, w) for p, w in _leaf_sites(error)]
    if all(entries):
        for entry in entries:
            assert entry is not None
            entry.hits[0] += 1
        return True
    return False


def _describe(error: Any) -> str:
    leaf = error
    if error.validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        leaf = best_match(error.context) or error
    return f"{explain.json_path(leaf.absolute_path)}: {explain.describe(leaf)} [{leaf.validator}]"


# ---------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("dialect", DIALECTS)
def test_union_coverage(generated: dict[str, list[dict[str, Any]]], dialect: str) -> None:
    """The SDK's client+server unions and rtcheck's index name the same types, same directions."""
    (meta,) = _of(generated[dialect], "meta")
    sdk = meta["types"]
    ours = {
        name: entry["direction"]
        for name, entry in schema_store.index()["events"][dialect].items()
        if not entry.get("legacy")
    }
    assert sorted(set(sdk) - set(ours)) == [], "in the SDK unions, missing from schemas/index.json"
    assert sorted(set(ours) - set(sdk)) == [], "in schemas/index.json, not in the SDK unions"
    wrong = {t: (ours[t], sdk[t]) for t in sdk if ours[t] != sdk[t]}
    assert wrong == {}, "direction (rtcheck, SDK) disagrees"
    legacy = [n for n, e in schema_store.index()["events"][dialect].items() if e.get("legacy")]
    assert len(legacy) == 3


@pytest.mark.parametrize("dialect", DIALECTS)
def test_sdk_valid_events_are_accepted(
    generated: dict[str, list[dict[str, Any]]], dialect: str
) -> None:
    """(a) every event the SDK accepts passes rtcheck's schema for its dialect and type."""
    rows = _of(generated[dialect], "valid")
    per_type = defaultdict(int)
    for row in rows:
        per_type[row["type"]] += 1
    (meta,) = _of(generated[dialect], "meta")
    thin = {t: per_type[t] for t in meta["types"] if per_type[t] < 10}
    assert thin == {}, "the generator produced too few SDK-valid events for these types"

    problems: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        etype, event = row["type"], row["event"]
        sid = _sid(dialect, etype)
        if schema_store.fast_validator(sid).is_valid(event):
            continue
        errors = list(schema_store.explain_validator(sid).iter_errors(event))
        if not errors:
            problems[(etype, "$")].append("jsonschema-rs rejects, jsonschema accepts")
            continue
        for err in errors:
            if not _allowed(err, dialect, etype):
                sites = ", ".join(f"{p} [{w}]" for p, w in _leaf_sites(err))
                problems[(etype, sites)].append(
                    f"SDK: valid | rtcheck: {_describe(err)} | event: {json.dumps(event)[:400]}"
                )
    _report(problems, f"{dialect}: SDK-valid events rtcheck rejects")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_sdk_rejected_mutations_are_rejected(
    generated: dict[str, list[dict[str, Any]]], dialect: str
) -> None:
    """(b) every mutation the SDK rejects is rejected by rtcheck too."""
    rows = _of(generated[dialect], "invalid")
    assert len(rows) >= 5 * len(_of(generated[dialect], "meta")[0]["types"])
    problems: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        etype, event = row["type"], row["event"]
        sid = _sid(dialect, etype)
        if not schema_store.fast_validator(sid).is_valid(event):
            continue
        path = normalise(row["path"])
        entry = _find(INVALID_ALLOW, dialect, etype, path, row["op"])
        if entry is not None:
            entry.hits[0] += 1
            continue
        problems[(etype, f"{path} [{row['op']}]")].append(
            f"mutation {row['mutation']} | SDK: rejected ({row['sdk_error']}) | rtcheck: accepted"
        )
    _report(problems, f"{dialect}: SDK-rejected mutations rtcheck accepts")


def test_allowlist_is_not_stale(generated: dict[str, list[dict[str, Any]]]) -> None:
    """Every allowlist entry still explains at least one disagreement (run after the others)."""
    # The hit counters are filled by the two tests above; recompute them here so this test
    # also stands alone (e.g. when run with -k).
    for entry in (*VALID_ALLOW, *INVALID_ALLOW):
        entry.hits[0] = 0
    for dialect in DIALECTS:
        for row in _of(generated[dialect], "valid"):
            sid = _sid(dialect, row["type"])
            if not schema_store.fast_validator(sid).is_valid(row["event"]):
                for err in schema_store.explain_validator(sid).iter_errors(row["event"]):
                    _allowed(err, dialect, row["type"])
        for row in _of(generated[dialect], "invalid"):
            sid = _sid(dialect, row["type"])
            if schema_store.fast_validator(sid).is_valid(row["event"]):
                entry = _find(
                    INVALID_ALLOW, dialect, row["type"], normalise(row["path"]), row["op"]
                )
                if entry is not None:
                    entry.hits[0] += 1
    stale = [e for e in (*VALID_ALLOW, *INVALID_ALLOW) if e.hits[0] == 0]
    assert stale == [], "allowlist entries that no longer match anything: remove them"


def _report(problems: dict[tuple[str, str], list[str]], title: str) -> None:
    if not problems:
        return
    lines = [f"{title}: {sum(map(len, problems.values()))} in {len(problems)} distinct sites"]
    for (etype, site), examples in sorted(problems.items())[:SHOW]:
        lines.append(f"- {etype} {site}: {len(examples)}x, e.g. {examples[0]}")
    if len(problems) > SHOW:
        lines.append(f"... and {len(problems) - SHOW} more sites")
    pytest.fail("\n".join(lines), pytrace=False)
