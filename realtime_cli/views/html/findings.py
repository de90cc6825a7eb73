"""Validation findings for the report: grouped by code, each tied to the response (and so
the turn-table row) it belongs to."""

from __future__ import annotations

from dataclasses import dataclass, field

from realtime_cli.core.diagnostics import Diagnostic
from realtime_cli.core.safety import clean
from realtime_cli.rules import catalog
from realtime_cli.session.model import ResponseInfo

TEXT_LIMIT = 400


def text(value: str | None, limit: int = TEXT_LIMIT) -> str:
    """Log text made safe to show: whitespace folded, control/bidi characters escaped
    visibly (``\\u202e``), cut to ``limit`` characters. HTML escaping is the template's."""
    if not value:
        return ""
    return clean(" ".join(value.split()), limit)


@dataclass(frozen=True, slots=True)
class FindingRef:
    code: str
    severity: str
    line: int
    message: str
    href: str | None
    where: str


@dataclass(slots=True)
class FindingGroup:
    code: str
    name: str
    severity: str
    summary: str
    items: list[FindingRef] = field(default_factory=list)


def _by_response(diags: list[Diagnostic], responses: list[ResponseInfo]) -> dict[int, list[Diagnostic]]:
    """Findings by response position: named by ``response_id``, else the narrowest response
    whose lines hold the finding's line."""
    pos = {r.id: k for k, r in enumerate(responses)}
    out: dict[int, list[Diagnostic]] = {}
    for d in diags:
        k = pos.get(d.response_id) if d.response_id else None
        if k is None and d.line:
            best = None
            for j, r in enumerate(responses):
                if r.first_line <= d.line <= r.last_line and (best is None or r.last_line - r.first_line < best[0]):
                    best = (r.last_line - r.first_line, j)
            k = best[1] if best else None
        if k is not None:
            out.setdefault(k, []).append(d)
    return out


def group_findings(diags: list[Diagnostic], anchor: str, responses: list[ResponseInfo]) -> tuple[list[FindingGroup], dict[int, list[FindingRef]]]:
    """The findings by code (codes in order, lines in order) and, by response position, the
    findings of each response; ``anchor`` prefixes the row ids the findings link to."""
    by_resp = _by_response(diags, responses)
    refs: dict[int, list[FindingRef]] = {pos: [] for pos in by_resp}
    resp_of = {id(d): k for k, ds in by_resp.items() for d in ds}
    groups: dict[str, FindingGroup] = {}
    for d in sorted(diags, key=lambda d: (d.code, d.line)):
        k = resp_of.get(id(d))
        href = f"#{anchor}-r{k + 1}" if k is not None else None
        where = f"response {responses[k].id}" if k is not None else ("whole file" if d.line == 0 else f"line {d.line}")
        ref = FindingRef(d.code, d.severity.label, d.line, text(d.message, 300), href, text(where, 120))
        rule = catalog.RULES.get(d.code)
        g = groups.setdefault(d.code, FindingGroup(d.code, rule.name if rule else "", d.severity.label, rule.summary if rule else ""))
        g.items.append(ref)
        if k is not None:
            refs[k].append(ref)
    return list(groups.values()), refs
