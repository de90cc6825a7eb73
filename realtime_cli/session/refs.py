"""Resolve what ``show`` is given when it is not a response id: a ``FILE:LINE`` or an item or
call id, to the response it belongs to (or, for a user input, the response it triggered).

These read the input through the loader (a full pass at most); a response id is searched by its
bytes instead (:mod:`realtime_cli.session.locate`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from realtime_cli.logs.loader import ParseFailure, Record, discover, iter_file
from realtime_cli.session.summaries import as_dict, event_type, response_id_of


def refs_of(rec: Record) -> set[str]:
    """Item and call ids an event names (its own, its item's, its response's output items')."""
    ev = rec.event
    out: set[str] = set()
    for key in ("item_id", "call_id", "previous_item_id"):
        v = ev.get(key)
        if isinstance(v, str):
            out.add(v)
    item = as_dict(ev.get("item"))
    for key in ("id", "call_id"):
        v = item.get(key)
        if isinstance(v, str):
            out.add(v)
    for it in as_dict(ev.get("response")).get("output") or []:
        if isinstance(it, dict):
            out.update(v for k in ("id", "call_id") if isinstance(v := it.get(k), str))
    return out


def _scan(items: Iterable[Any], match: Any) -> str | None:
    """The response of the first record ``match`` accepts; for one that names no response (a
    user item, a speech event), the next response created after it."""
    waiting = False
    for item in items:
        if isinstance(item, ParseFailure):
            continue
        if waiting:
            if event_type(item) == "response.created":
                return response_id_of(item)
            continue
        if match(item):
            rid = response_id_of(item)
            if rid is not None and event_type(item) != "response.create":
                return rid
            waiting = True
    return None


def response_at(path: str, line: int, max_line_bytes: int) -> str | None:
    """The response line ``line`` of ``path`` belongs to, or the one it triggered."""
    return _scan(iter_file(path, max_line_bytes), lambda rec: rec.line >= line)


def response_for_ref(paths: Iterable[str], ref: str, max_line_bytes: int) -> tuple[str | None, str | None]:
    """(response id, path) for an item or call id, searching the inputs in order."""
    for path, error in discover(list(paths)):
        if error is not None:
            continue
        rid = _scan(iter_file(path, max_line_bytes), lambda rec: ref in refs_of(rec))
        if rid is not None:
            return rid, path
    return None, None
