"""RT501-RT505: the arithmetic of ``realtime.response.usage`` (PROTOCOL.md §1.6).

Only numbers that are present are compared: null or absent usage, or a missing part, is not a
finding (real logs and SDK dumps carry nulls). Cached tokens on the first turn are legitimate.
"""

from __future__ import annotations

from typing import Any

from realtime_cli.logs.loader import Record
from realtime_cli.rules.context import Context, Handler

CODES = ("RT501", "RT502", "RT503", "RT504", "RT505")


def _n(d: Any, key: str) -> int | None:
    if not isinstance(d, dict):
        return None
    v = d.get(key)
    return v if type(v) is int else None


def check_usage(out: Any, rec: Record, usage: Any, prefix: str, rid: str | None) -> None:
    """Check one usage object; ``prefix`` is the JSON path of the usage object."""
    if not isinstance(usage, dict):
        return
    ev = rec.event
    total, inp, outp = _n(usage, "total_tokens"), _n(usage, "input_tokens"), _n(usage, "output_tokens")
    if total is not None and inp is not None and outp is not None and total != inp + outp:
        out.emit("RT501", f"total_tokens {total} != input_tokens {inp} + output_tokens {outp} (= {inp + outp})",
                 line=rec.line, event=ev, json_path=f"{prefix}.total_tokens", response_id=rid)
    idet = usage.get("input_token_details")
    if isinstance(idet, dict):
        text, audio, image = _n(idet, "text_tokens"), _n(idet, "audio_tokens"), _n(idet, "image_tokens")
        if inp is not None and text is not None and audio is not None and inp != text + audio + (image or 0):
            parts = f"text {text} + audio {audio}" + (f" + image {image}" if image else "")
            out.emit("RT502", f"input_tokens {inp} != {parts} (= {text + audio + (image or 0)})",
                     line=rec.line, event=ev, json_path=f"{prefix}.input_tokens", response_id=rid)
        cached = _n(idet, "cached_tokens")
        cdet = idet.get("cached_tokens_details")
        if cached is not None and isinstance(cdet, dict):
            vals = [v for v in (_n(cdet, "text_tokens"), _n(cdet, "audio_tokens"), _n(cdet, "image_tokens")) if v is not None]
            if vals and cached != sum(vals):
                out.emit("RT504", f"cached_tokens {cached} != the sum of cached_tokens_details ({sum(vals)})",
                         line=rec.line, event=ev, json_path=f"{prefix}.input_token_details.cached_tokens", response_id=rid)
        if cached is not None and inp is not None and cached > inp:
            out.emit("RT505", f"cached_tokens {cached} > input_tokens {inp}: more tokens cached than were input",
                     line=rec.line, event=ev, json_path=f"{prefix}.input_token_details.cached_tokens", response_id=rid)
    odet = usage.get("output_token_details")
    if isinstance(odet, dict) and outp is not None:
        text, audio = _n(odet, "text_tokens"), _n(odet, "audio_tokens")
        if text is not None and audio is not None and outp != text + audio:
            out.emit("RT503", f"output_tokens {outp} != text {text} + audio {audio} (= {text + audio})",
                     line=rec.line, event=ev, json_path=f"{prefix}.output_tokens", response_id=rid)


class Usage:
    """Usage arithmetic on response.done and standalone realtime.response objects."""

    def __init__(self, ctx: Context) -> None:
        self.out = ctx.out

    def handlers(self) -> dict[str, Handler]:
        """Event type -> handler, for the types this family cares about."""
        return {"response.done": self.on_done, "realtime.response": self.on_standalone}

    def on_done(self, rec: Record, ev: dict[str, Any]) -> None:
        resp = ev.get("response")
        if isinstance(resp, dict):
            rid = resp.get("id")
            check_usage(self.out, rec, resp.get("usage"), "$.response.usage", rid if type(rid) is str else None)

    def on_standalone(self, rec: Record, ev: dict[str, Any]) -> None:
        rid = ev.get("id")
        check_usage(self.out, rec, ev.get("usage"), "$.usage", rid if type(rid) is str else None)

    def finish(self) -> None:
        """Nothing is left open between events."""
