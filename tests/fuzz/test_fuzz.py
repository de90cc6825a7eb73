"""Property-based fuzzing of the whole pipeline: loader -> validator + consistency -> every reporter.

Bounded budget (a few hundred examples in all, well under a minute on 2 cores). Properties:
any bytes, and any mutation of a real session, give exit 0 or 1 with diagnostics, never an
exception; JSON and SARIF output parse as JSON; text and github output carry no raw escape.
A longer, coverage-guided run uses atheris: see tests/fuzz/README.md.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from realtime_cli.core.diagnostics import Result, Severity
from realtime_cli.engine.validate import Config, exit_code, run
from realtime_cli.views.reporters import REPORTER_NAMES, get_reporter
from tests.hostile.conftest import assert_terminal_safe

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = [ROOT / "examples" / "ga_session.jsonl", ROOT / "examples" / "beta_session.jsonl"]
EVENTS: list[dict[str, Any]] = [
    orjson.loads(line) for p in SESSIONS if p.exists() for line in p.read_bytes().splitlines() if line.strip()
]
FUZZ = settings(
    max_examples=int(os.environ.get("RTCHECK_FUZZ_EXAMPLES", "150")), deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

NASTY_STRINGS = [
    "", "\x1b[31mX\x1b[0m", "\x1b]8;;http://e/\x1b\\l\x1b]8;;\x1b\\", "a\rb", "\u202e", "[bold]x[/]", "\ud800",
    "%0A::error::x", "A" * 5000, "response.done", "resp_1", "item_1", "call_1", "\x00",
]
NASTY_VALUES: list[Any] = [None, True, 0, -1, 2**70, 1.5, float("nan"), [], {}, [1, "x"], {"type": None}, *NASTY_STRINGS]


def _check_all_reporters(result: Result) -> None:
    """Every reporter renders the result; machine formats are JSON; human formats are safe."""
    for name in REPORTER_NAMES:
        for colour in (False, True) if name == "text" else (False,):
            buf = io.StringIO()
            console = Console(file=buf, force_terminal=colour, color_system="truecolor" if colour else None,
                              width=120, highlight=False)
            get_reporter(name)(console, quiet=False).report(result)
            out = buf.getvalue()
            out.encode("utf-8")
            if name in ("json", "sarif"):
                json.loads(out)
            else:
                assert_terminal_safe(out, colour=colour)
            assert max((len(line) for line in out.splitlines()), default=0) < 20_000


def _run_bytes(tmp_path: Path, data: bytes, name: str = "fuzz.jsonl") -> Result:
    path = tmp_path / name
    path.write_bytes(data)
    result = run([str(path)], Config())
    assert exit_code(result, Severity.ERROR) in (0, 1)
    assert result.files and result.files[0].readable
    _check_all_reporters(result)
    return result


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes(tmp_path: Path, data: bytes) -> None:
    _run_bytes(tmp_path, data)


@FUZZ
@given(lines=st.lists(
    st.one_of(
        st.binary(max_size=80),
        st.sampled_from([b"{", b"[", b"]", b"NaN", b'{"type":1}', b'"\\ud800"', b"\xef\xbb\xbf{}", b"\x00" * 8, b"\r"]),
        st.builds(lambda v: orjson.dumps(v, option=orjson.OPT_SERIALIZE_NUMPY) if False else json.dumps(v).encode(),
                  st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                               lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                               max_leaves=12)),
    ), max_size=30,
))
def test_any_lines(tmp_path: Path, lines: list[bytes]) -> None:
    _run_bytes(tmp_path, b"\n".join(lines))


@FUZZ
@given(data=st.binary(max_size=600), cut=st.integers(min_value=0, max_value=400))
def test_gzip_truncated_anywhere(tmp_path: Path, data: bytes, cut: int) -> None:
    blob = gzip.compress(b"\n".join(orjson.dumps(e) for e in EVENTS[:20]) + b"\n" + data, mtime=0)
    _run_bytes(tmp_path, blob[: max(len(blob) - cut, 0)], name="fuzz.jsonl.gz")


def _mutate(rng: random.Random, event: Any, depth: int = 0) -> Any:
    """One random, plausible corruption of a real event (or of a value inside it)."""
    if isinstance(event, dict) and event and depth < 6:
        key = rng.choice(list(event))
        op = rng.randrange(6)
        ev = dict(event)
        if op == 0:
            del ev[key]
        elif op == 1:
            ev[key] = rng.choice(NASTY_VALUES)
        elif op == 2:
            ev[key] = _mutate(rng, ev[key], depth + 1)
        elif op == 3:
            ev[rng.choice(NASTY_STRINGS[:8])] = rng.choice(NASTY_VALUES)
        elif op == 4 and isinstance(ev.get("type"), str):
            other = rng.choice(EVENTS)
            ev["type"] = other.get("type")
        else:
            ev = _mutate(rng, ev[key], depth + 1) if depth < 2 and rng.random() < 0.2 else ev
        return ev
    if isinstance(event, list) and event and depth < 6:
        lst = list(event)
        i = rng.randrange(len(lst))
        if rng.random() < 0.5:
            lst[i] = _mutate(rng, lst[i], depth + 1)
        else:
            del lst[i]
        return lst
    return rng.choice(NASTY_VALUES)


@pytest.mark.skipif(not EVENTS, reason="examples/ missing")
@FUZZ
@given(seed=st.integers(min_value=0, max_value=2**32), n_mut=st.integers(min_value=1, max_value=12),
       start=st.integers(min_value=0, max_value=400), length=st.integers(min_value=1, max_value=120))
def test_mutated_real_sessions(tmp_path: Path, seed: int, n_mut: int, start: int, length: int) -> None:
    """Near-valid input exercises the schema and consistency rules, not just the parser."""
    rng = random.Random(seed)
    window = [dict(e) for e in EVENTS[start % len(EVENTS):][:length]]
    for _ in range(n_mut):
        i = rng.randrange(len(window))
        op = rng.randrange(5)
        if op == 0:
            window[i] = _mutate(rng, window[i])
        elif op == 1:
            window.insert(i, window[i])  # duplicated event (replayed log)
        elif op == 2:
            del window[i]
            if not window:
                window = [dict(EVENTS[0])]
        elif op == 3:
            j = rng.randrange(len(window))
            window[i], window[j] = window[j], window[i]  # out of order
        else:
            window[i] = _mutate(rng, _mutate(rng, window[i]))
    lines = [json.dumps(e, allow_nan=True).encode() for e in window]
    if rng.random() < 0.2:
        k = rng.randrange(len(lines))
        lines[k] = lines[k][: rng.randrange(len(lines[k]) + 1)]  # a cut line
    _run_bytes(tmp_path, b"\n".join(lines) + b"\n")


def test_fuzz_harness_is_not_vacuous(tmp_path: Path) -> None:
    """The mutation path really reaches the schema rules (RT1xx), not only the parser."""
    window = [dict(e) for e in EVENTS[:50]]
    rng = random.Random(7)
    for i in range(0, 50, 5):
        window[i] = _mutate(rng, window[i])
    result = _run_bytes(tmp_path, b"\n".join(json.dumps(e).encode() for e in window) + b"\n")
    assert any(d.code.startswith("RT1") for d in result.diagnostics)
