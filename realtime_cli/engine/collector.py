"""Where rules put their findings: severity from the catalogue, filtering by --select/--ignore,
and a cap on repeats of one code per input.

The cap: past :data:`CAP_PER_CODE` findings of one code in one input, further findings of
that code are only counted (``elided``, reported by the CLI as "and N more RT001 in this
file"). 1000 is far more than anyone reads of one code, and it bounds memory whatever the
input: a 2,000,000-line file of garbage keeps 1000 RT001 findings (~330 KB), not two million
(~700 MB). Which findings are kept is defined by emission order (the first 1000 emitted), so
a file validated in byte ranges (``--jobs``, :mod:`realtime_cli.engine.split`) keeps exactly
the same ones: see :func:`cap_merge`.

Schema findings (RT101/RT104) come in groups, one per problem of one event, and explaining an
event costs far more than checking it; so their cap is checked once per event (an event's
problems are kept or counted together), and past the cap an event counts as one elided
finding without being explained.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from realtime_cli.core.diagnostics import Diagnostic
from realtime_cli.rules import catalog as rules

CAP_PER_CODE = 1000
"""Findings of one code kept per input; the rest are counted in ``elided``."""
GROUPED = frozenset({"RT101", "RT104"})
"""Codes whose findings come as one group per event (see :meth:`Collector.room`)."""


class Collector:
    """Accumulates the diagnostics of one input, dropping codes that are not enabled."""

    __slots__ = ("cap", "cites_lines", "diagnostics", "elided", "enabled", "kept", "path")

    def __init__(self, path: str, enabled: frozenset[str], cap: int = CAP_PER_CODE) -> None:
        self.path = path
        self.enabled = enabled
        self.cap = cap
        self.diagnostics: list[Diagnostic] = []  # in emission order
        self.kept: dict[str, int] = {}
        self.elided: dict[str, int] = {}
        # True once a kept message quotes another line's number ("... at line 12"): a range
        # of a file validated with relative line numbers must then be redone with its real
        # first line (see realtime_cli.engine.split), as only the ``line`` fields can be shifted.
        self.cites_lines = False

    def wants(self, code: str) -> bool:
        return code in self.enabled

    def room(self, code: str) -> bool:
        """Whether a group of ``code`` findings (one event's) is kept; if not, it is counted
        as one elided finding here. Emit a kept group with ``grouped=True``."""
        if self.kept.get(code, 0) < self.cap:
            return True
        self.elided[code] = self.elided.get(code, 0) + 1
        return False

    def emit(
        self,
        code: str,
        message: str,
        *,
        line: int,
        col: int = 1,
        event: Any = None,
        json_path: str | None = None,
        response_id: str | None = None,
        cites_line: bool = False,
        grouped: bool = False,
    ) -> None:
        """Record one finding at ``line`` (1-based; 0 = the whole input).

        ``cites_line``: the message quotes the number of a line of the input.
        ``grouped``: part of a group :meth:`room` already admitted (kept past the cap).
        """
        if code not in self.enabled:
            return
        n = self.kept.get(code, 0)
        if n >= self.cap and not grouped:
            self.elided[code] = self.elided.get(code, 0) + 1
            return
        self.kept[code] = n + 1
        if cites_line:
            self.cites_lines = True
        etype = eid = None
        if isinstance(event, dict):
            t, i = event.get("type"), event.get("event_id")
            etype = t if isinstance(t, str) else None
            eid = i if isinstance(i, str) else None
        self.diagnostics.append(
            Diagnostic(
                code=code,
                severity=rules.RULES[code].severity,
                message=message,
                path=self.path,
                line=line,
                col=col,
                event_type=etype,
                event_id=eid,
                json_path=json_path,
                response_id=response_id,
            )
        )


def cap_merge(parts: Iterable[tuple[list[Diagnostic], dict[str, int]]], cap: int = CAP_PER_CODE,
              ) -> tuple[list[Diagnostic], dict[str, int]]:
    """Apply the per-code cap across consecutive parts of one input (byte ranges, in order).

    Each part is ``(diagnostics in emission order, elided counts)`` as its own
    :class:`Collector` left them. The result is what one Collector over the whole input would
    have kept and counted: parts are emitted one after another, a part's kept findings are its
    first ones, and its elided ones are past the cap here too.
    """
    kept: dict[str, int] = {}
    elided: dict[str, int] = {}
    out: list[Diagnostic] = []
    for diags, part_elided in parts:
        group: tuple[str, int] | None = None
        admitted = False
        for d in diags:
            code = d.code
            n = kept.get(code, 0)
            if code in GROUPED:
                if (code, d.line) != group:  # a new event's group: admitted as a whole or not
                    group = (code, d.line)
                    admitted = n < cap
                    if not admitted:
                        elided[code] = elided.get(code, 0) + 1
                if not admitted:
                    continue
            elif n >= cap:
                elided[code] = elided.get(code, 0) + 1
                continue
            kept[code] = n + 1
            out.append(d)
        for code, n in part_elided.items():
            elided[code] = elided.get(code, 0) + n
    return out, elided
