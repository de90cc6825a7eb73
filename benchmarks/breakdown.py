"""Where validate's time goes, piece by piece, in-process (no start-up, no reporter).

    python benchmarks/breakdown.py benchmarks/data/ga-text-50mb-s1.jsonl [--repeat 5]

Each line adds one layer to the one before and prints the best of ``--repeat`` runs:
orjson per line; the loader's line loop (records); + the jsonschema-rs ``is_valid`` of each
event's schema; + the engine's bookkeeping (dialect, dispatch, audio digest) without the
consistency rules; the full ``validate_file``. Pin it to one core (``taskset -c 1``) for
numbers comparable with ``run.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from realtime_cli.engine import filecheck as v  # noqa: E402
from realtime_cli.logs import dialect as dl  # noqa: E402
from realtime_cli.logs import loader  # noqa: E402


def best(fn: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    """Print the layered timings for one log."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    path: str = args.log
    with open(path, "rb") as f:
        events = sum(1 for line in f if line.strip())

    def parse_only() -> None:  # as benchmarks/competitors.py's parse-only pass
        with open(path, "rb", buffering=1 << 16) as f:
            for line in f:
                orjson.loads(line)

    def loader_only() -> None:
        for _ in loader.iter_file(path):
            pass

    def detect() -> str:
        for item in loader.iter_file(path):
            if type(item) is loader.Record:
                t = item.event.get("type")
                sig = dl.strong_signal(item.event, t) if isinstance(t, str) else None
                if sig:
                    return sig
        return dl.GA

    dialect = detect()

    def loader_is_valid() -> None:
        get = v._VALIDATORS.get
        for item in loader.iter_file(path):
            if type(item) is loader.Record:
                ev = item.event
                found = get(dialect, ev.get("type"))
                if found is not None:
                    found[1].is_valid(ev)

    # Only the schema-level codes: no rule family is built (ConsistencyChecker._build).
    schema_only = v.Config(enabled=frozenset(c for c in v.Config().enabled if c < "RT300" and c != "RT202"))

    def engine_without_rules() -> None:
        v.validate_file(path, schema_only)

    def full() -> None:
        v.validate_file(path, v.Config())

    full()  # compile every validator before timing
    prev = 0.0
    print(f"{path}: {events:,} events, dialect {dialect}")
    for name, fn in (
        ("parse-only (orjson per line)", parse_only),
        ("loader line loop -> records", loader_only),
        ("+ jsonschema-rs is_valid", loader_is_valid),
        ("+ engine bookkeeping (no rules)", engine_without_rules),
        ("+ consistency rules = validate_file", full),
    ):
        t = best(fn, args.repeat)
        step = "" if name.startswith("parse") else f"  (+{(t - prev) * 1e6 / events:.2f} us/event)"
        print(f"{name:38s} {t:6.3f} s  {t * 1e6 / events:5.2f} us/event{step}")
        prev = t


if __name__ == "__main__":
    main()
