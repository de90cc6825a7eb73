"""Where validate's time goes, piece by piece, in-process (no start-up, no reporter).

    python benchmarks/breakdown.py benchmarks/data/ga-text-50mb-s1.jsonl [--repeat 5]

Each line adds one layer to the one before and prints the best of ``--repeat`` runs (CPU
time of this process, which other load on a shared machine disturbs less than wall time):
orjson per line; the loader's line loop (records); + each event's fast verdict (msgspec
Structs generated from the schemas, a few fields post-checked by generated Python: the first
line says how many events each way decided; ``--per-type`` adds a tight loop of the verdicts
of each event type); + the engine's bookkeeping (dialect,
dispatch, audio digest) without the consistency rules; then each rule family alone on top of
that; the full run through the loader (general path); and ``validate_file`` as the CLI runs
it (the msgspec shortest path for deltas, see realtime_cli/engine/fastread.py). Pin it to one
core (``taskset -c 1``) for numbers comparable with ``run.py``.
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
from realtime_cli.engine import verdicts  # noqa: E402
from realtime_cli.logs import dialect as dl  # noqa: E402
from realtime_cli.logs import loader  # noqa: E402
from realtime_cli.rules import lifecycle, refs, session, structure, usage  # noqa: E402


def best(fn: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    """Print the layered timings for one log."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--per-type", action="store_true", help="also time the verdicts of each event type alone")
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

    engines: dict[str, int] = {}

    def loader_is_valid() -> None:
        get = v._VALIDATORS.get
        for item in loader.iter_file(path):
            if type(item) is loader.Record:
                ev = item.event
                found = get(dialect, ev.get("type"))
                if found is not None:
                    found[1].is_valid(ev)

    for item in loader.iter_file(path):
        if type(item) is loader.Record and isinstance(item.event.get("type"), str):
            name = verdicts.engine_of(dialect, item.event["type"])
            engines[name] = engines.get(name, 0) + 1

    # Only the schema-level codes: no rule family is built (ConsistencyChecker._build).
    base_codes = frozenset(c for c in v.Config().enabled if c < "RT300" and c != "RT202")
    schema_only = v.Config(enabled=base_codes)

    def general(config: v.Config) -> Callable[[], Any]:
        return lambda: v.validate_stream(path, loader.iter_file(path), config)

    def full() -> None:
        v.validate_file(path, v.Config())

    full()  # compile every validator before timing
    decided = ", ".join(f"{n:,} by {e}" for e, n in sorted(engines.items()))
    print(f"{path}: {events:,} events, dialect {dialect}; verdicts: {decided}")
    if args.per_type:
        per_type(path, dialect, args.repeat)
    prev = 0.0
    for name, fn in (
        ("parse-only (orjson per line)", parse_only),
        ("loader line loop -> records", loader_only),
        ("+ fast verdicts (msgspec Structs)", loader_is_valid),
        ("+ engine bookkeeping (no rules)", general(schema_only)),
    ):
        t = best(fn, args.repeat)
        step = "" if name.startswith("parse") else f"  (+{(t - prev) * 1e6 / events:.2f} us/event)"
        print(f"{name:44s} {t:6.3f} s  {t * 1e6 / events:5.2f} us/event{step}")
        prev = t
    no_rules = prev
    for family, codes in (("lifecycle", lifecycle.CODES), ("structure", structure.CODES), ("usage", usage.CODES),
                          ("refs", refs.CODES), ("session", session.CODES)):
        t = best(general(v.Config(enabled=base_codes | frozenset(codes))), args.repeat)
        print(f"{'  rules: ' + family + ' alone':44s} {t:6.3f} s  {t * 1e6 / events:5.2f} us/event"
              f"  (+{(t - no_rules) * 1e6 / events:.2f} us/event)")
    for name, fn in (("all rules, general path (loader, dicts)", general(v.Config())),
                     ("validate_file (msgspec shortest path)", full)):
        t = best(fn, args.repeat)
        print(f"{name:44s} {t:6.3f} s  {t * 1e6 / events:5.2f} us/event  (+{(t - no_rules) * 1e6 / events:.2f} us/event)")


def per_type(path: str, dialect: str, repeat: int) -> None:
    """A tight loop of each event type's verdicts (best of ``repeat``), the slowest first."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for item in loader.iter_file(path):
        if type(item) is loader.Record and isinstance(item.event.get("type"), str):
            by_type.setdefault(item.event["type"], []).append(item.event)
    rows = []
    for etype, evs in by_type.items():
        found = v._VALIDATORS.get(dialect, etype)
        if found is None:
            continue
        is_valid = found[1].is_valid
        t = best(lambda evs=evs, is_valid=is_valid: [is_valid(ev) for ev in evs], repeat)  # type: ignore[misc]
        rows.append((t, etype, len(evs)))
    for t, etype, n in sorted(rows, reverse=True):
        print(f"  {etype:42s} {n:8,d} events {t * 1e6 / n:6.2f} us/event  {verdicts.engine_of(dialect, etype)}")
    print(f"  {'all types':42s} {sum(r[2] for r in rows):8,d} events {sum(r[0] for r in rows) * 1e3:6.1f} ms")


if __name__ == "__main__":
    main()
