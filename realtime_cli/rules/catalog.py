"""The rule catalogue: every diagnostic code rtcheck can emit, with its default severity.

Codes are stable: a ``RT`` prefix and three digits, grouped by family. JSON output, the
README and ``--select``/``--ignore`` key on the code, never on message text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from realtime_cli.core.diagnostics import Severity
from realtime_cli.rules import docs as _docs
from realtime_cli.rules.docs import RuleDoc

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741 - terse table below


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    default: bool = True
    """Off-by-default rules are notes only some users want; ``--select`` turns them on."""

    @property
    def doc(self) -> RuleDoc:
        """The long explanation (what, why, bad/good example, fix, evidence), loaded on first use."""
        return _docs.load().get(self.code, _docs.EMPTY)


_RULES: tuple[Rule, ...] = (
    # RT0xx: reading the input
    Rule("RT001", "malformed-json", E, "A line (or a JSON-array file) is not valid JSON."),
    Rule("RT002", "invalid-utf8", E, "A line is not valid UTF-8."),
    Rule("RT003", "line-too-long", E, "A line is longer than --max-line-bytes and was skipped."),
    Rule("RT004", "not-an-object", E, "A JSON value that is not an object where an event was expected."),
    Rule("RT005", "missing-type", E, "An event has no `type`, or a `type` that is not a string."),
    Rule("RT006", "unreadable-input", E, "A path does not exist or cannot be read."),
    Rule("RT007", "corrupt-compression", E, "A .gz input is truncated or corrupt; the rest of it is lost."),
    Rule("RT008", "empty-input", W, "An input holds no events at all."),
    Rule("RT009", "unrecognised-record", W, "A record matches no known log shape (bare event or envelope)."),
    Rule("RT010", "non-standard-json", W, "A line uses NaN/Infinity or other non-standard JSON tokens."),
    Rule("RT011", "synthetic-entry", I, "A logger's own entry that is not a protocol event was skipped.", default=False),
    Rule("RT012", "binary-input", E, "An input looks like a binary file, not a JSON log."),
    Rule("RT013", "non-utf8-encoding", I, "An input is UTF-16 or UTF-32, not UTF-8; it was decoded and checked."),
    # RT1xx: schema validation
    Rule("RT101", "schema-violation", E, "An event does not match the schema for its type and dialect."),
    Rule("RT102", "unknown-event-type", W, "An event type that neither dialect defines."),
    Rule("RT103", "legacy-event-type", I, "A known legacy event name (early WebRTC beta).", default=False),
    Rule("RT104", "response-schema-violation", E, "A standalone realtime.response object does not match its schema."),
    # RT2xx: dialect
    Rule("RT201", "mixed-dialects", E, "A log mixes beta and GA events; the dialect was not guessed."),
    Rule("RT202", "wrong-dialect-parameter", E, "A client parameter that belongs to the other dialect."),
    Rule("RT203", "undetermined-dialect", I, "Nothing tells beta from GA and an event is valid in only one; shared events checked against both."),
    # RT3xx: response lifecycle
    Rule("RT301", "response-never-done", E, "A response.created has no later response.done (reported at the response.created)."),
    Rule("RT302", "duplicate-response-done", E, "More than one response.done for the same response id."),
    Rule("RT303", "done-without-created", E, "A response.done without an earlier response.created."),
    Rule("RT304", "unknown-response-id", E, "An event names a response_id that was never created."),
    Rule("RT305", "done-in-progress", E, "A response.done whose status is still in_progress."),
    Rule("RT306", "status-details-mismatch", E, "status_details.type differs from status."),
    Rule("RT307", "invalid-status-reason", E, "status_details.reason is not allowed for the status."),
    Rule("RT308", "error-without-failed", E, "status_details.error on a response that did not fail (or missing on one that did)."),
    Rule("RT309", "overlapping-responses", W, "Two responses active at once in one conversation (out-of-band responses excluded)."),
    Rule("RT310", "client-event-rejected", W, "A server error names a client event (e.g. a rejected response.create)."),
    Rule("RT311", "event-after-done", W, "An event for a response arrives after its response.done (WebRTC playback events excepted)."),
    # RT4xx: output structure and streams
    Rule("RT401", "unpaired-output-item", E, "response.output_item.added and .done do not pair up."),
    Rule("RT402", "unpaired-content-part", E, "response.content_part.added and .done do not pair up."),
    Rule("RT403", "inconsistent-index", E, "output_index or content_index disagrees with the streamed items."),
    Rule("RT404", "done-output-mismatch", E, "The items in response.done.output differ from the items streamed."),
    Rule("RT405", "delta-mismatch", E, "Concatenated deltas differ from the final .done value."),
    Rule("RT406", "invalid-audio-base64", E, "An audio payload is not valid base64 (once per item; input audio once per log)."),
    # RT5xx: usage arithmetic
    Rule("RT501", "usage-total-mismatch", E, "usage.total_tokens != input_tokens + output_tokens."),
    Rule("RT502", "usage-input-mismatch", E, "input_tokens != text + audio (+ image) input tokens."),
    Rule("RT503", "usage-output-mismatch", E, "output_tokens != text + audio output tokens."),
    Rule("RT504", "cached-details-mismatch", E, "cached_tokens != the sum of cached_tokens_details."),
    Rule("RT505", "cached-exceeds-input", E, "cached_tokens is greater than input_tokens."),
    # RT6xx: references
    Rule("RT601", "unknown-call-id", E, "A function_call_output answers a call_id that no earlier function_call has."),
    Rule("RT602", "unknown-item-reference", E, "An item_reference names an item that does not exist."),
    Rule("RT603", "unknown-previous-item", E, "previous_item_id names an item that does not exist."),
    Rule("RT604", "unknown-item", E, "conversation.item.truncate/delete/retrieve names an item that does not exist."),
    Rule("RT605", "truncate-beyond-audio", E, "audio_end_ms is past the end of the audio sent for the item."),
    # RT7xx: session and tools
    Rule("RT701", "arguments-not-json", E, "Function-call arguments are not valid JSON."),
    Rule("RT702", "arguments-schema-mismatch", E, "Function-call arguments do not match the declared tool parameters."),
    Rule("RT703", "undeclared-tool", W, "A function call names a tool that no session.update or response.create declared."),
    # RT8xx: notes about the log itself
    Rule("RT801", "recorder-truncated", I, "The recorder cut or elided values ('...[truncated N chars]', LiveKit's '...'); checks needing them skipped."),
    Rule("RT802", "mid-session-start", I, "The log starts mid-session; rules that need the start are relaxed."),
    Rule("RT803", "state-limit", W, "Too much open state (e.g. responses that never finish); oldest entries dropped."),
)

RULES: dict[str, Rule] = {r.code: r for r in _RULES}


def get(code: str) -> Rule:
    """Return the rule for ``code``; raise KeyError for an unknown code."""
    return RULES[code]


def expand(selectors: Iterable[str]) -> set[str]:
    """Expand codes and prefixes (``RT3``, ``RT30``, ``RT301``, ``ALL``) to a set of codes.

    Raises ValueError naming the first selector that matches no rule.
    """
    codes: set[str] = set()
    for raw in selectors:
        sel = raw.strip().upper()
        if not sel:
            continue
        if sel == "ALL":
            codes.update(RULES)
            continue
        matched = {c for c in RULES if c.startswith(sel)}
        if not matched:
            raise ValueError(f"{raw!r} matches no rule code (see `rtcheck rules`)")
        codes |= matched
    return codes


def enabled_codes(select: Iterable[str] | None, ignore: Iterable[str] | None) -> frozenset[str]:
    """The codes a run reports: ``select`` (default: every default-on rule) minus ``ignore``."""
    sel = list(select or [])
    chosen = expand(sel) if sel else {c for c, r in RULES.items() if r.default}
    chosen -= expand(ignore or [])
    return frozenset(chosen)


# ---------------------------------------------------------------------- finding a rule

def find(query: str) -> Rule | None:
    """The rule a user means by ``query``: a code in any case (``rt402``) or a name (``delta-mismatch``)."""
    q = query.strip()
    rule = RULES.get(q.upper())
    if rule is not None:
        return rule
    name = q.lower().replace("_", "-")
    return next((r for r in RULES.values() if r.name == name), None)


def suggest(query: str, n: int = 3) -> list[str]:
    """Close matches for an unknown code or name, as ``CODE (name)`` strings, best first."""
    import difflib

    q = query.strip()
    codes = difflib.get_close_matches(q.upper(), list(RULES), n=n, cutoff=0.6)
    names = difflib.get_close_matches(q.lower(), [r.name for r in RULES.values()], n=n, cutoff=0.6)
    by_name = {r.name: r.code for r in RULES.values()}
    picked = list(dict.fromkeys(codes + [by_name[x] for x in names]))[:n]
    return [f"{c} ({RULES[c].name})" for c in picked]


# ---------------------------------------------------------------------- rendering the docs

DOC_FORMAT_VERSION = 1
"""Version of the JSON shape of ``to_dict`` (``rtcheck rule --format json``); bumped on any
incompatible change. Fields are only ever added within a version."""


def examples(rule: Rule) -> list[tuple[str, str, str]]:
    """The rule's example as ``(sentence, block, language)`` steps: the failing input and how it
    is checked, then the corrected one. ``block`` may be empty (an empty file, a missing path)."""
    d = rule.doc
    log = "log.jsonl.gz" if d.input == "gzip" else "log.jsonl"
    cmd = " ".join(("rtcheck validate", *d.args, log))
    lang = "text" if d.input == "bytes" else "jsonl"
    steps: list[tuple[str, str, str]] = []
    if d.input == "path":
        steps.append((f"A path that does not exist (or cannot be read) is reported by `rtcheck validate {d.bad.strip()}`.", "", ""))
        return steps
    if not d.bad:
        steps.append((f"An empty file (0 bytes, or only blank lines) is reported by `{cmd}`.", "", ""))
    elif d.input == "gzip":
        steps.append((f"These lines, gzip-compressed into `{log}` and then cut short (as a partial download or a killed "
                      f"writer leaves them), are reported by `{cmd}`:", d.bad, lang))
    elif d.input == "utf16":
        steps.append((f"These lines, saved as UTF-16 LE with a byte-order mark (as Windows PowerShell 5's `>` "
                      f"saves text), are reported by `{cmd}`:", d.bad, lang))
    elif d.repeat:
        steps.append((f"A log of this line repeated {d.repeat:,} times (`{{i}}` counting 1, 2, 3, ...) is reported by "
                      f"`{cmd}`:", d.bad, lang))
    else:
        raw = " (`\\xNN` stands for one raw byte)" if d.input == "bytes" else ""
        steps.append((f"A log with these lines{raw} is reported by `{cmd}`:", d.bad, lang))
    if d.good:
        if d.input == "gzip":
            sentence = "The same lines, compressed whole, are not reported:"
        elif d.input == "utf16":
            sentence = "The same lines saved as UTF-8 are not reported:"
        elif d.repeat:
            sentence = f"These lines, repeated {d.repeat:,} times the same way, are not reported:"
        else:
            sentence = "The corrected log is not reported:"
        steps.append((sentence, d.good, lang))
    return steps


def full_description(rule: Rule) -> str:
    """What the rule checks and why it matters, as plain text (SARIF ``fullDescription``)."""
    d = rule.doc
    parts = [p for p in (d.what, d.why) if p]
    return "\n\n".join(parts) if parts else rule.summary


def _sections(rule: Rule) -> list[tuple[str, str]]:
    d = rule.doc
    return [(title, text) for title, text in (
        ("What it checks", d.what), ("Why it matters", d.why), ("How to fix it", d.fix), ("Evidence", d.evidence),
    ) if text]


def _header(rule: Rule) -> str:
    default = "on by default" if rule.default else f"off by default (turn it on with --select {rule.code})"
    return f"{rule.severity.label}, {default}"


def help_text(rule: Rule) -> str:
    """Everything about the rule as plain text: SARIF ``help.text``."""
    out = [f"{rule.code} {rule.name} ({_header(rule)})", "", rule.summary]
    sections = _sections(rule)
    for title, text in sections[:2]:
        out += ["", title + ":", text]
    steps = examples(rule)
    if steps:
        out += ["", "Example:"]
    for sentence, block, _lang in steps:
        out += ["", sentence]
        if block:
            out += ["", _indent(block)]
    for title, text in sections[2:]:
        out += ["", title + ":", text]
    return "\n".join(out).rstrip() + "\n"


def help_markdown(rule: Rule, level: int = 2) -> str:
    """Everything about the rule as Markdown: SARIF ``help.markdown``, ``rtcheck rule`` and
    ``docs/rules.md``. ``level``: the heading level of the rule's own title."""
    h, sub = "#" * level, "#" * (level + 1)
    out = [f"{h} {rule.code} {rule.name}", "", f"*{_header(rule)}*", "", rule.summary]
    sections = _sections(rule)
    for title, text in sections[:2]:
        out += ["", f"{sub} {title}", "", text]
    steps = examples(rule)
    if steps:
        out += ["", f"{sub} Example"]
    for sentence, block, lang in steps:
        out += ["", sentence]
        if block:
            out += ["", _fence(block, lang)]
    for title, text in sections[2:]:
        out += ["", f"{sub} {title}", "", text]
    return "\n".join(out).rstrip() + "\n"


def to_dict(rule: Rule) -> dict[str, Any]:
    """The rule and its documentation as JSON-ready data (shape version ``DOC_FORMAT_VERSION``)."""
    d = rule.doc
    return {
        "version": DOC_FORMAT_VERSION,
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.label,
        "default": rule.default,
        "summary": rule.summary,
        "what": d.what,
        "why": d.why,
        "example": {"input": d.input, "args": list(d.args), "repeat": d.repeat, "bad": d.bad, "good": d.good},
        "fix": d.fix,
        "evidence": d.evidence,
    }


def _indent(block: str) -> str:
    return "\n".join("    " + ln if ln else "" for ln in block.rstrip("\n").split("\n"))


def _fence(block: str, lang: str) -> str:
    ticks = "```"
    while ticks in block:
        ticks += "`"
    return f"{ticks}{lang}\n{block.rstrip(chr(10))}\n{ticks}"
