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


# --------------------------------------------------------------------------- the msgspec reader

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import msgspec  # noqa: E402
import pytest  # noqa: E402

from benchmarks import loggen  # noqa: E402
from realtime_cli.engine import fastread  # noqa: E402
from realtime_cli.engine.filecheck import Config, validate_file, validate_stream  # noqa: E402
from realtime_cli.logs.loader import iter_file  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _both(path: Path, config: Config | None = None) -> None:
    """validate_file (the msgspec reader when it applies) == the loader's general path."""
    config = config or Config()
    fast = validate_file(str(path), config)
    general = validate_stream(str(path), iter_file(str(path), config.max_line_bytes), config)
    assert fast == general


@pytest.mark.parametrize("path", sorted(ROOT.glob("tests/fixtures/**/*.jsonl")) + sorted(ROOT.glob("examples/*.jsonl")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_msgspec_reader_equals_the_loader_on_every_fixture(path: Path) -> None:
    _both(path)


def _session_lines(dialect: str, seed: int, profile: str = "audio") -> list[str]:
    events = loggen.generate_events(dialect, turns=4, seed=seed, chunk_ms=20, profile=profile)
    return [json.dumps(e, separators=(",", ":")) for e in events]


@pytest.mark.parametrize("profile", ["audio", "text"])
@pytest.mark.parametrize("dialect", ["ga", "beta"])
def test_msgspec_reader_equals_the_loader_on_damaged_logs(tmp_path: Path, dialect: str, profile: str) -> None:
    """Defects and oddities in the middle of the hot stream: each variant, same answers."""
    lines = _session_lines(dialect, seed=3, profile=profile)
    hot = [i for i, text in enumerate(lines) if '.delta"' in text[:60] or "input_audio_buffer.append" in text[:60]]
    assert len(hot) > 20
    rng = random.Random(dialect + profile)
    variants: list[list[str]] = []
    for i in rng.sample(hot[5:], 12):
        ev = json.loads(lines[i])
        edits = [
            lambda e: e.update(delta=e["delta"] + "#") if "audio" not in e["type"] else e.update(delta="not base64!", audio="QQ="),
            lambda e: e.update(response_id="resp_unknown"),
            lambda e: e.update(item_id="item_unknown"),
            lambda e: e.update(content_index=7),
            lambda e: e.update(output_index=1.0),
            lambda e: e.update(event_id=5),
            lambda e: e.pop("delta", None) or e.pop("audio"),
            lambda e: e.update(delta="x" * 400 + "...[truncated 900 chars]"),
        ]
        for edit in edits:
            e = json.loads(json.dumps(ev))
            edit(e)
            variants.append([*lines[:i], json.dumps(e, separators=(",", ":")), *lines[i + 1:]])
        raw = lines[i]
        variants += [
            [*lines[:i], raw[:40], *lines[i + 1:]],  # broken JSON
            [*lines[:i], raw[:-1] + ',"type":"x"}', *lines[i + 1:]],  # a duplicate key wins
            [*lines[:i], "", "   ", raw, *lines[i + 1:]],  # blank lines
            [*lines[:i], ' ' + raw, *lines[i + 1:]],  # not at the start of the line
            [*lines[:i], json.dumps({"event": json.loads(raw), "direction": "server", "timestamp": 1}), *lines[i + 1:]],
            [*lines[:i], raw.replace('"type":', '"type" :', 1), *lines[i + 1:]],
            lines[:i] + lines[i + 1:],
        ]
    for n, variant in enumerate(variants):
        log = tmp_path / f"v{n}.jsonl"
        log.write_text("\r\n".join(variant) + ("\r\n" if n % 2 else ""))
        _both(log)


def test_msgspec_reader_hands_long_lines_and_odd_starts_to_the_loader(tmp_path: Path) -> None:
    lines = _session_lines("ga", seed=5)
    long_line = json.dumps({"type": "conversation.item.create", "event_id": "e", "item": {"type": "message", "role": "user",
                            "content": [{"type": "input_text", "text": "x" * (1 << 20)}]}})
    cases = {
        "long.jsonl": "\n".join([*lines[:30], long_line, *lines[30:]]) + "\n",
        "bom.jsonl": "\ufeff" + "\n".join(lines) + "\n",
        "blank.jsonl": "\n \n",
        "array.json": "[" + ",".join(lines[:20]) + "]",
    }
    for name, text in cases.items():
        log = tmp_path / name
        log.write_text(text, encoding="utf-8")
        _both(log)
        _both(log, Config(max_line_bytes=4096))
    assert not fastread.simple_file(str(tmp_path / "bom.jsonl"))
    assert not fastread.simple_file(str(tmp_path / "array.json"))


def test_sliced_audio_payloads_read_exactly_as_the_loader_reads_them(tmp_path: Path) -> None:
    """Long audio lines have their payload cut out of the raw bytes (fastread._sliced); every
    spelling that could fool a byte search must give the general path's answers."""
    lines = _session_lines("ga", seed=7)
    hot = [i for i, text in enumerate(lines) if "output_audio.delta" in text[:60] or "input_audio_buffer.append" in text[:60]]
    assert len(hot) > 10
    real = binascii.b2a_base64(bytes(range(256)) * 8, newline=False).decode()
    other = binascii.b2a_base64(bytes(range(256)) * 5, newline=False).decode()
    assert len(real) > 1024

    def dumps(obj: Any, ascii: bool = True) -> str:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=ascii)

    def spellings(raw: str, key: str) -> list[str]:
        e = json.loads(raw)
        value = e[key]
        return [
            raw,
            raw.replace(f'"{key}":', f'"{key}" :', 1),  # whitespace before the colon
            raw.replace(f'"{key}":', '"\\u00' + format(ord(key[0]), "x") + f'{key[1:]}":', 1),  # an escaped key
            # Before the real key (a byte search finds the first): the key's name inside an
            # escaped key, the same key in a nested object, a duplicate key (the last one wins).
            "{" + f'"x\\"{key}":"{other}",' + raw[1:],
            "{" + f'"nested":{{"{key}":"{other}"}},' + raw[1:],
            "{" + f'"{key}":"{other}",' + raw[1:],
            raw[:-1] + f',"{key}":"{other}"' + "}",
            # The same with an empty real payload, which the empty cut must not be taken for.
            "{" + f'"nested":{{"{key}":"{other}"}},' + dumps({**e, key: ""})[1:],
            "{" + f'"nested":{{"{key}":"{other}"}},' + dumps({**e, key: ""})[1:].replace(f'"{key}":', '"\\u00'
                                                                                            + format(ord(key[0]), "x") + f'{key[1:]}":', 1),
            dumps({**e, key: value[:-1]}),  # not a multiple of 4
            dumps({**e, key: value[:-4] + "AA=="}),  # two pads
            dumps({**e, key: value[:-4] + "AAA="}),  # one pad
            dumps({**e, key: value[:-4] + "A==="}),  # too much padding
            dumps({**e, key: value[:-4] + "AA=A"}),  # padding inside
            dumps({**e, key: value[:100] + "\\n" + value[100:]}),  # an escape inside the payload
            dumps({**e, key: value[:100] + "\u00e9" + value[101:]}),  # a non-ASCII character
            dumps({**e, key: value[:100] + "\u00e9" + value[101:]}, ascii=False),
            dumps({**e, key: ""}),
            dumps({**e, key: real, "event_id": "ev\\u0022" + key}),
        ]

    variants: list[list[str]] = []
    sliced = 0
    for i in hot[3:9]:
        key = "audio" if "append" in lines[i][:60] else "delta"
        etype = json.loads(lines[i])["type"]
        entry = fastread._decoders("ga")[etype.encode()]
        long_raw = json.dumps({**json.loads(lines[i]), key: real}, separators=(",", ":"))
        for spelled in spellings(long_raw, key):
            variants.append([*lines[:i], spelled, *lines[i + 1:]])
            # The slicer alone: its event and length are the full decode's, or it declines (-1).
            raw = spelled.encode() + b"\n"
            try:
                whole = entry[0].decode(raw)
            except msgspec.ValidationError:
                whole = None
            try:
                ev, n = fastread._sliced(entry, raw)
            except msgspec.ValidationError:
                assert whole is None, spelled[:80]
                continue
            assert whole is not None
            if n >= 0:
                sliced += 1
                assert n == audio_length(getattr(whole, key)), spelled[:80]
                assert msgspec.structs.replace(ev, **{key: getattr(whole, key)}) == whole
            else:
                assert ev == whole
    assert sliced >= 6  # the plain spellings were sliced
    for n, variant in enumerate(variants):
        log = tmp_path / f"s{n}.jsonl"
        log.write_text("\n".join(variant) + "\n", encoding="utf-8")
        _both(log)


@pytest.mark.parametrize("envelope", ["time-source", "direction", "cookbook", "livekit", "agents", "lively4"])
def test_msgspec_reader_reads_enveloped_deltas_as_the_loader_does(tmp_path: Path, envelope: str) -> None:
    """Deltas inside an envelope take the shortest path too (fastread._inner); every shape of
    record that a byte search for `"event":{"type":"` could mistake must read as the loader
    reads it."""
    src = tmp_path / "src.jsonl"
    loggen.write_log(src, "ga", profile="text", turns=4, seed=11, envelope=envelope)
    lines = src.read_text().splitlines()
    hot = [i for i, text in enumerate(lines) if '"response.output_text.delta"' in text]
    assert len(hot) > 10
    _both(src)
    variants: list[list[str]] = []
    rng = random.Random(envelope)
    for i in rng.sample(hot[3:], 6):
        raw = lines[i]
        rec = json.loads(raw)
        inner = rec.get("event") if isinstance(rec.get("event"), dict) else None
        edits = [
            raw.replace('"event":{', '"\\u0065vent":{', 1),  # an escaped key: still the envelope's event
            raw[:-1] + ',"type":"x","event_id":"e"}',  # a record with both type and event_id is the event itself
            raw[:-1] + ',"type":"x"}',  # type alone: still an envelope
            raw[:-1] + ',"event":"not an object"}',  # a duplicate key: the last one wins
            raw[:-1] + ',"event":{"type":"response.output_text.delta"}}',
            '{"meta":{"event":{"type":"response.output_text.delta","x":1}},' + raw[1:],  # a nested look-alike first
            raw.replace('"event":{"type":"response.output_text.delta"', '"event":{"type":"response.output_text.done"', 1),
        ]
        if inner is not None:
            edits += [
                json.dumps({**rec, "event": {**inner, "delta": 5}}, separators=(",", ":")),
                json.dumps({**rec, "event": {**inner, "response_id": "resp_unknown"}}, separators=(",", ":")),
                json.dumps({"event": inner}, separators=(",", ":")),
                json.dumps({"type": "realtime", "event": inner}, separators=(",", ":")),
                json.dumps({"event": inner, "event_id": "e", "type": inner["type"]}, separators=(",", ":")),
            ]
        for edit in edits:
            variants.append([*lines[:i], edit, *lines[i + 1:]])
    for n, variant in enumerate(variants):
        log = tmp_path / f"e{n}.jsonl"
        log.write_text("\n".join(variant) + "\n", encoding="utf-8")
        _both(log)
