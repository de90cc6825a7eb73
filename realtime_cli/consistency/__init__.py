"""Cross-event consistency rules, run in the same streaming pass as schema validation.

The engine creates one :class:`ConsistencyChecker` per input, calls :meth:`feed` for every
record in order (after schema validation, also for schema-invalid events: rules must be
defensive about types), and :meth:`finish` at the end of the input.
"""

from __future__ import annotations

from realtime_cli.collector import Collector
from realtime_cli.loader import Record


class ConsistencyChecker:
    """Runs every enabled cross-event rule family over one input's records."""

    def __init__(self, collector: Collector) -> None:
        self.out = collector

    def feed(self, rec: Record, dialect: str | None) -> None:
        """Process one record. ``dialect`` is the input's decided dialect (or None)."""

    def finish(self) -> None:
        """End of input: report what never completed."""
