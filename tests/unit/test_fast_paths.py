"""The engine's fast paths give exactly the answers of the slow, obviously correct ones."""

from __future__ import annotations

import binascii
import itertools
import random
from typing import Any

from realtime_cli.engine.validate import audio_length


def _strict(payload: Any) -> int:
    if not isinstance(payload, str):
        return -1
    try:
        return len(binascii.a2b_base64(payload, strict_mode=True))
    except (binascii.Error, ValueError):
        return -1


def test_audio_length_agrees_with_the_strict_decoder_on_every_short_string() -> None:
    # Every string of up to 6 characters over an alphabet with padding, separators and junk.
    for n in range(7):
        for chars in itertools.product("Az+/=\n", repeat=n):
            s = "".join(chars)
            assert audio_length(s) == _strict(s), repr(s)


def test_audio_length_agrees_on_random_and_odd_payloads() -> None:
    rng = random.Random(6)
    pool = "AB/+=\u00e9 \n\x00-_z9"
    cases: list[Any] = ["".join(rng.choice(pool) for _ in range(rng.randrange(40))) for _ in range(20000)]
    cases += [None, 3, b"AAAA", [], "", "AAAA=", "AAAA==", "AB=", "A===", "=AAA", "AB==" * 3, "\udcff" * 4]
    real = binascii.b2a_base64(bytes(range(256)) * 30, newline=False).decode()
    cases += [real, real[:-1], real[:-4], real + "=", real[:100] + "*" + real[101:]]
    for s in cases:
        assert audio_length(s) == _strict(s), repr(s)[:80]
