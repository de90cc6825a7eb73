"""Realtime model prices (USD per 1M tokens) and the cost of one response's usage.

The bundled table is dated: prices change, so a project overrides or adds models in
``[tool.rtcheck.prices]`` (see the README, "Cost"). A model that is in neither is named in the
output, never guessed from a similar name; a dated snapshot (``gpt-realtime-2025-08-28``) uses
its base model's prices unless the table lists the snapshot itself (the 2024-10-01 preview had
different audio prices).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PRICES_AS_OF = "2026-12-04"
"""When the bundled prices were last checked against OpenAI's model pages."""

PRICE_KEYS = (
    "text_input", "text_cached_input", "text_output",
    "audio_input", "audio_cached_input", "audio_output",
    "image_input", "image_cached_input",
)


@dataclass(frozen=True, slots=True)
class Price:
    """USD per 1M tokens for each kind of token, and where the figures come from."""

    text_input: float
    text_cached_input: float
    text_output: float
    audio_input: float
    audio_cached_input: float
    audio_output: float
    image_input: float = 0.0
    image_cached_input: float = 0.0
    source: str = ""


_GPT_REALTIME = "https://platform.openai.com/docs/models/gpt-realtime (checked 2026-12-04)"
_GPT_REALTIME_MINI = "https://platform.openai.com/docs/models/gpt-realtime-mini (checked 2026-12-04)"
_GPT_4O_RT = "https://platform.openai.com/docs/models/gpt-4o-realtime-preview (checked 2026-12-04)"
_GPT_4O_RT_2024_10 = (
    "openai.com/index/introducing-the-realtime-api (2024-10-01 launch: audio $100 in / $200 out); "
    "cached audio $20 per community.openai.com/t/1060242 citing the pricing page"
)
_GPT_4O_MINI_RT = "https://platform.openai.com/docs/models/gpt-4o-mini-realtime-preview (checked 2026-12-04)"

BUNDLED: dict[str, Price] = {
    # gpt-realtime (GA, snapshot 2025-08-28): text 4 / 0.40 / 16, audio 32 / 0.40 / 64, image 5 / 0.50.
    "gpt-realtime": Price(4.0, 0.4, 16.0, 32.0, 0.4, 64.0, 5.0, 0.5, _GPT_REALTIME),
    # gpt-realtime-mini (snapshots 2025-10-06, 2025-12-15): text 0.60 / 0.06 / 2.40,
    # audio 10 / 0.30 / 20, image 0.80 / 0.08.
    "gpt-realtime-mini": Price(0.6, 0.06, 2.4, 10.0, 0.3, 20.0, 0.8, 0.08, _GPT_REALTIME_MINI),
    # gpt-4o-realtime-preview (2024-12-17, 2025-06-03): text 5 / 2.50 / 20, audio 40 / 2.50 / 80.
    "gpt-4o-realtime-preview": Price(5.0, 2.5, 20.0, 40.0, 2.5, 80.0, source=_GPT_4O_RT),
    # The first preview snapshot was priced higher for audio: 100 / 20 / 200.
    "gpt-4o-realtime-preview-2024-10-01": Price(5.0, 2.5, 20.0, 100.0, 20.0, 200.0, source=_GPT_4O_RT_2024_10),
    # gpt-4o-mini-realtime-preview (2024-12-17): text 0.60 / 0.30 / 2.40, audio 10 / 0.30 / 20.
    "gpt-4o-mini-realtime-preview": Price(0.6, 0.3, 2.4, 10.0, 0.3, 20.0, source=_GPT_4O_MINI_RT),
}

_DATED = re.compile(r"^(?P<base>.+)-\d{4}-\d{2}-\d{2}$")


def price_table(overrides: Mapping[str, Mapping[str, float]] | None = None) -> dict[str, Price]:
    """The bundled table with ``[tool.rtcheck.prices]`` applied: a listed model's given keys
    replace the bundled figures (an unlisted key of a new model is 0)."""
    table = dict(BUNDLED)
    for model, figures in (overrides or {}).items():
        base = table.get(model)
        values: dict[str, Any] = {k: getattr(base, k) if base else 0.0 for k in PRICE_KEYS}
        values.update({k: float(v) for k, v in figures.items() if k in PRICE_KEYS})
        table[model] = Price(**values, source="[tool.rtcheck.prices]")
    return table


def lookup(table: Mapping[str, Price], model: str | None) -> Price | None:
    """The price of ``model``: exact name first, then its base name without a date suffix."""
    if model is None:
        return None
    hit = table.get(model)
    if hit is not None:
        return hit
    m = _DATED.match(model)
    return table.get(m.group("base")) if m else None


def usage_cost(price: Price, u: Any) -> float:
    """USD for one ``usage`` object (a dict from ``response.done``).

    Uncached input = input tokens minus cached tokens of the same kind. When the log gives
    ``cached_tokens`` without the per-kind breakdown, cached tokens are counted as text first,
    then audio (text is what the cache holds most: instructions and history).
    """
    d = u if isinstance(u, dict) else {}
    idet = _d(d.get("input_token_details"))
    odet = _d(d.get("output_token_details"))
    cdet = _d(idet.get("cached_tokens_details"))
    text_in, audio_in, image_in = _i(idet.get("text_tokens")), _i(idet.get("audio_tokens")), _i(idet.get("image_tokens"))
    if not (text_in or audio_in or image_in):
        text_in = _i(d.get("input_tokens"))  # no breakdown: price the input as text
    cached = _i(idet.get("cached_tokens"))
    if cdet:
        c_text, c_audio, c_image = _i(cdet.get("text_tokens")), _i(cdet.get("audio_tokens")), _i(cdet.get("image_tokens"))
    else:
        c_text = min(cached, text_in)
        c_audio = min(cached - c_text, audio_in)
        c_image = min(cached - c_text - c_audio, image_in)
    text_out, audio_out = _i(odet.get("text_tokens")), _i(odet.get("audio_tokens"))
    if not (text_out or audio_out):
        text_out = _i(d.get("output_tokens"))
    usd = (
        max(0, text_in - c_text) * price.text_input + c_text * price.text_cached_input
        + max(0, audio_in - c_audio) * price.audio_input + c_audio * price.audio_cached_input
        + max(0, image_in - c_image) * price.image_input + c_image * price.image_cached_input
        + text_out * price.text_output + audio_out * price.audio_output
    )
    return usd / 1_000_000


def _d(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _i(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else 0
