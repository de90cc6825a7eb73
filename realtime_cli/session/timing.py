"""Wall-clock times of a log's records, read the same way for the whole file.

Loggers put the time under many names (``timestamp``, ``ts``, ``time``, ``t`` ...) and in many
units (epoch seconds, milliseconds, microseconds, nanoseconds, ISO 8601, a locale clock such as
``3:04:05 PM``). :class:`Clock` decides the field and the unit **once per file**, from the first
record that has a usable time, and reads every later record the same way: a file whose first
time is epoch seconds is not read as milliseconds halfway through because one value is small.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from realtime_cli.logs.loader import Record

# Keys that hold a time in a bare event record (the event is the whole line there).
TIME_KEYS = ("timestamp", "ts", "time", "t", "timestamp_ms", "time_ms", "ts_ms", "event_time_ms", "created_at")

_LOCALE_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?\s*([AaPp][Mm])?\s*$")

# Epoch magnitude -> multiplier to milliseconds. Below 1e8: a relative clock in milliseconds.
_UNITS = ((1e17, 1e-6, "epoch ns"), (1e14, 1e-3, "epoch us"), (1e11, 1.0, "epoch ms"), (1e8, 1000.0, "epoch s"))


class Clock:
    """Reads a record's wall-clock time in milliseconds, with the unit fixed at first sight."""

    __slots__ = ("key", "kind", "scale")

    def __init__(self) -> None:
        self.key: str | None = None  # the bare-event key, when the loader found no envelope time
        self.kind: str | None = None  # "epoch ms", "ISO 8601", ... for the views
        self.scale: float | None = None

    @property
    def description(self) -> str | None:
        """``"ts: epoch ms"`` style, or None when no time was found yet."""
        if self.kind is None:
            return None
        return f"{self.key}: {self.kind}" if self.key else self.kind

    def read(self, rec: Record) -> float | None:
        """The record's time in ms on the log's clock, or None."""
        raw = rec.ts
        if raw is None and rec.envelope == "bare":
            ev = rec.event
            if self.key is not None:
                raw = ev.get(self.key)
            else:
                for key in TIME_KEYS:
                    if key in ev and _usable(ev[key]):
                        self.key = key
                        raw = ev[key]
                        break
        if raw is None:
            return None
        return self.convert(raw)

    def convert(self, raw: Any) -> float | None:
        """One raw time value in ms; the first number read fixes the unit for the rest."""
        if isinstance(raw, bool):
            return None
        if isinstance(raw, int | float):
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                return None
            if self.scale is None:
                self.scale, self.kind = 1.0, "relative ms"
                for bound, scale, kind in _UNITS:
                    if abs(value) >= bound:
                        self.scale, self.kind = scale, kind
                        break
            return value * self.scale
        if isinstance(raw, str) and len(raw) <= 64:
            value_ms = _string_ms(raw)
            if value_ms is not None and self.kind is None:
                self.kind = "clock time" if _LOCALE_TIME.match(raw) else "ISO 8601"
            return value_ms
        return None


def _usable(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) or isinstance(value, str)


def _string_ms(ts: str) -> float | None:
    m = _LOCALE_TIME.match(ts)
    if m:
        hour, minute, sec = int(m.group(1)), int(m.group(2)), int(m.group(3))
        frac = int((m.group(4) or "0")[:6].ljust(6, "0")) / 1000.0
        ampm = (m.group(5) or "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        return ((hour * 60 + minute) * 60 + sec) * 1000 + frac
    text = ts.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = _dt.datetime.fromisoformat(text)
    except ValueError:
        try:  # a number written as a string: "1733330000.123"
            return float(text) * 1000.0 if 1e8 <= float(text) < 1e11 else None
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_dt.UTC)
    return parsed.timestamp() * 1000.0
