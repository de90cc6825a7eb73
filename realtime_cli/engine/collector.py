"""Where rules put their findings: severity from the catalogue, filtering by --select/--ignore."""

from __future__ import annotations

from typing import Any

from realtime_cli.core.diagnostics import Diagnostic
from realtime_cli.rules import catalog as rules


class Collector:
    """Accumulates the diagnostics of one input, dropping codes that are not enabled."""

    __slots__ = ("cites_lines", "diagnostics", "enabled", "path")

    def __init__(self, path: str, enabled: frozenset[str]) -> None:
        self.path = path
        self.enabled = enabled
        self.diagnostics: list[Diagnostic] = []
        # True once a kept message quotes another line's number ("... at line 12"): a range
        # of a file validated with relative line numbers must then be redone with its real
        # first line (see realtime_cli.engine.split), as only the ``line`` fields can be shifted.
        self.cites_lines = False

    def wants(self, code: str) -> bool:
        return code in self.enabled

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
    ) -> None:
        """Record one finding at ``line`` (1-based; 0 = the whole input).

        ``cites_line``: the message quotes the number of a line of the input.
        """
        if code not in self.enabled:
            return
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
