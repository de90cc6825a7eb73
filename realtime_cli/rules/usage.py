"""RT501-RT505: the arithmetic of ``realtime.response.usage`` (PROTOCOL.md §1.6).

Only numbers that are present are compared: null or absent usage, or a missing part, is not a
finding (real logs and SDK dumps carry nulls). Cached tokens on the first turn are legitimate.
"""

from __future__ import annotations

from typing import Any

from realtime_cli.logs.loader import Record
from realtime_cli.rules.context import Context, Handler

CODES = ("RT501", "RT502", "RT503", "RT504", "RT505")


# A float holds every integer exactly up to 2**53. Past that, an integral float (a count
# beyond 64 bits, which orjson turns into a float, or one written as ``1e30``) has lost its
# digits, and no sum with it can be checked.
_EXACT = 2**53


class _Inexact(Exception):
    """A count too large to hold exactly: reported once per usage object, not compared."""

    def __init__(self, key: str, value: float) -> None:
        self.key, self.value = key, value


def _not_int(key: str, v: Any) -> int | None:
    """A count that is not an int: an integral float as its int, anything else None."""
    if type(v) is float and v.is_integer():
        if abs(v) >= _EXACT:
            raise _Inexact(key, v)
        return int(v)  # JSON Schema's integer accepts 12.0; so does the arithmetic
    return None


def _exact(keys: tuple[str, ...], values: tuple[Any, ...]) -> list[Any]:
    """``values`` (read at ``keys``) as counts: ints kept, the rest through :func:`_not_int`,
    in key order (so the first inexact one is the one reported)."""
    return [v if type(v) is int else _not_int(k, v) for k, v in zip(keys, values, strict=True)]


_TOP = ("total_tokens", "input_tokens", "output_tokens")
_PARTS = ("text_tokens", "audio_tokens", "image_tokens")


def check_usage(out: Any, rec: Record, usage: Any, prefix: str, rid: str | None) -> None:
    """Check one usage object; ``prefix`` is the JSON path of the usage object.

    Counts are Python ints, so no sum overflows; a count that reached us as a float too large
    to be exact is reported (RT501) instead of being compared, never skipped silently.
    """
    if not isinstance(usage, dict):
        return
    try:
        _check_usage(out, rec, usage, prefix, rid)
    except _Inexact as exc:
        out.emit("RT501", f"{exc.key} {exc.value:.6g} is too large to be a token count (beyond 2**53, so its "
                 "digits are not exact); the usage arithmetic cannot be checked",
                 line=rec.line, event=rec.event, json_path=f"{prefix}", response_id=rid)


def _check_usage(out: Any, rec: Record, usage: dict[str, Any], prefix: str, rid: str | None) -> None:
    # Each group of counts is read at once, in a fixed order; only a group holding something
    # else than ints (never, in a clean log) goes through _exact.
    g = usage.get
    total, inp, outp = g("total_tokens"), g("input_tokens"), g("output_tokens")
    if not (type(total) is int and type(inp) is int and type(outp) is int):
        total, inp, outp = _exact(_TOP, (total, inp, outp))
    if total is not None and inp is not None and outp is not None and total != inp + outp:
        out.emit("RT501", f"total_tokens {total} != input_tokens {inp} + output_tokens {outp} (= {inp + outp})",
                 line=rec.line, event=rec.event, json_path=f"{prefix}.total_tokens", response_id=rid)
    idet = g("input_token_details")
    if isinstance(idet, dict):
        g = idet.get
        text, audio, image = g("text_tokens"), g("audio_tokens"), g("image_tokens")
        if not (type(text) is int and type(audio) is int and type(image) is int):
            text, audio, image = _exact(_PARTS, (text, audio, image))
        if inp is not None and text is not None and audio is not None and inp != text + audio + (image or 0):
            parts = f"text {text} + audio {audio}" + (f" + image {image}" if image else "")
            out.emit("RT502", f"input_tokens {inp} != {parts} (= {text + audio + (image or 0)})",
                     line=rec.line, event=rec.event, json_path=f"{prefix}.input_tokens", response_id=rid)
        cached = g("cached_tokens")
        if type(cached) is not int:
            cached = _not_int("cached_tokens", cached)
        cdet = g("cached_tokens_details")
        if cached is not None and isinstance(cdet, dict):
            g = cdet.get
            ct, ca, ci = g("text_tokens"), g("audio_tokens"), g("image_tokens")
            if not (type(ct) is int and type(ca) is int and type(ci) is int):
                ct, ca, ci = _exact(_PARTS, (ct, ca, ci))
            summed = (ct or 0) + (ca or 0) + (ci or 0)  # the details present (None: absent)
            if (ct is not None or ca is not None or ci is not None) and cached != summed:
                out.emit("RT504", f"cached_tokens {cached} != the sum of cached_tokens_details ({summed})",
                         line=rec.line, event=rec.event, json_path=f"{prefix}.input_token_details.cached_tokens", response_id=rid)
        if cached is not None and inp is not None and cached > inp:
            out.emit("RT505", f"cached_tokens {cached} > input_tokens {inp}: more tokens cached than were input",
                     line=rec.line, event=rec.event, json_path=f"{prefix}.input_token_details.cached_tokens", response_id=rid)
    odet = usage.get("output_token_details")
    if isinstance(odet, dict) and outp is not None:
        g = odet.get
        text, audio = g("text_tokens"), g("audio_tokens")
        if not (type(text) is int and type(audio) is int):
            text, audio = _exact(_PARTS[:2], (text, audio))
        if text is not None and audio is not None and outp != text + audio:
            out.emit("RT503", f"output_tokens {outp} != text {text} + audio {audio} (= {text + audio})",
                     line=rec.line, event=rec.event, json_path=f"{prefix}.output_tokens", response_id=rid)


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
