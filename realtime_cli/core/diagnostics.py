"""Diagnostics and the result of a run: plain, frozen data that reporters render."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How serious a finding is. Ordered, so ``sev >= Severity.WARNING`` works."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Parse ``error``/``warning``/``info`` (case-insensitive); raise ValueError otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r} (expected error, warning or info)"
            ) from None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding, located at a physical line of one input.

    ``line`` and ``col`` are 1-based; ``line`` is 0 for findings about a whole file
    (for example a file that cannot be opened). ``json_path`` names the offending value
    inside the event in JSONPath-like form (``$.response.usage.total_tokens``).
    """

    code: str
    severity: Severity
    message: str
    path: str
    line: int = 0
    col: int = 1
    event_type: str | None = None
    event_id: str | None = None
    json_path: str | None = None
    response_id: str | None = None

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line, self.col, self.code)


@dataclass(slots=True)
class FileSummary:
    """Counts for one input file (or stdin)."""

    path: str
    dialect: str | None = None
    events: int = 0
    responses: int = 0
    readable: bool = True
    elided: dict[str, int] = field(default_factory=dict)
    """Findings past the per-file cap of their code: counted here (code -> count), not kept."""
    is_log: bool = True
    """False for a named directory that holds no log file: it has findings (RT008) but is
    not a file that was checked, so the totals do not count it."""


@dataclass(slots=True)
class Result:
    """Everything a validation run produced, in input order.

    When the run streams findings to a per-file callback (``run(..., on_file=...)``),
    ``diagnostics`` stays empty and only the tallies are kept: memory does not grow with
    the number of findings.
    """

    files: list[FileSummary] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    elapsed: float = 0.0
    input_error: bool = False
    """True when an input could not be read at all (exit code 2)."""
    tally: dict[Severity, int] = field(default_factory=dict)
    """Findings by severity, kept, streamed or elided alike (see :meth:`add`)."""
    by_code: dict[str, int] = field(default_factory=dict)
    """Findings by code, kept, streamed or elided alike."""

    def add(
        self,
        summary: FileSummary,
        diagnostics: list[Diagnostic],
        *,
        keep: bool = True,
        severity_of: dict[str, Severity] | None = None,
    ) -> None:
        """Count one input's outcome; keep its findings unless they were streamed elsewhere.

        ``severity_of`` maps a code to its severity, for the elided counts of ``summary``.
        """
        self.files.append(summary)
        if not summary.readable:
            self.input_error = True
        for d in diagnostics:
            self.tally[d.severity] = self.tally.get(d.severity, 0) + 1
            self.by_code[d.code] = self.by_code.get(d.code, 0) + 1
        for code, n in summary.elided.items():
            self.by_code[code] = self.by_code.get(code, 0) + n
            if severity_of is not None and code in severity_of:
                sev = severity_of[code]
                self.tally[sev] = self.tally.get(sev, 0) + n
        if keep:
            self.diagnostics.extend(diagnostics)

    @property
    def checked_files(self) -> int:
        """How many inputs were log files (a directory with no log in it is not one)."""
        return sum(1 for f in self.files if f.is_log)

    @property
    def events(self) -> int:
        return sum(f.events for f in self.files)

    @property
    def responses(self) -> int:
        return sum(f.responses for f in self.files)

    def count(self, severity: Severity) -> int:
        if self.tally:
            return self.tally.get(severity, 0)
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def worst(self) -> Severity | None:
        if self.tally:
            return max((s for s, n in self.tally.items() if n), default=None)
        return max((d.severity for d in self.diagnostics), default=None)
