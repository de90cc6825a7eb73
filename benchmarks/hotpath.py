"""What a block-wise decoder or more compiled schemas could still save, in-process.

    taskset -c 1 python benchmarks/hotpath.py LOG [--repeat 5] [--dialect ga]

Two measurements that bound the next steps of issue 14 (see benchmarks/README.md, session 6):

1. Per event type: the schema verdict of the engine's fast path (msgspec Struct or
   jsonschema-rs) and the orjson parse, each in a tight loop over that type's events. Their sum
   over all types is an upper bound on what compiling more schemas can save.
2. The delta lines of the most frequent hot type: the fast reader's per-line skeleton
   (``readline``, type lookup, one msgspec decode per line) against decoding each run of
   consecutive delta lines with one ``Decoder.decode_lines`` call (runs cut out of the list of
   lines, no rules). The difference bounds what block-wise decoding can save on decoding.

CPU time of this process, best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import msgspec  # noqa: E402
import orjson  # noqa: E402

from benchmarks.breakdown import best  # noqa: E402
from realtime_cli.engine import filecheck, schema_types, verdicts  # noqa: E402


def per_type(path: str, dialect: str, repeat: int) -> None:
    """Print the verdict and parse cost of each event type, costliest first."""
    lines: dict[str, list[bytes]] = defaultdict(list)
    with open(path, "rb") as f:
        for line in f:
            ev = orjson.loads(line)
            if type(ev) is dict and isinstance(ev.get("type"), str):
                lines[ev["type"]].append(line)
    rows = []
    for etype, raw in lines.items():
        found = filecheck._VALIDATORS.get(dialect, etype)
        if found is None:
            continue
        is_valid = found[1].is_valid
        events = [orjson.loads(line) for line in raw]

        def verdict(events: list[Any] = events, is_valid: Any = is_valid) -> None:
            for ev in events:
                is_valid(ev)

        def parse(raw: list[bytes] = raw) -> None:
            for line in raw:
                orjson.loads(line)

        rows.append((best(verdict, repeat), best(parse, repeat), etype, len(raw)))
    print(f"{'event type':44s} {'events':>7s}  {'engine':13s} {'verdict':>9s} {'parse':>9s} {'verdict total':>14s}")
    for v, p, etype, n in sorted(rows, reverse=True):
        print(f"{etype:44s} {n:7,d}  {verdicts.engine_of(dialect, etype):13s} {v * 1e6 / n:6.2f} us"
              f" {p * 1e6 / n:6.2f} us {v * 1e3:11.1f} ms")
    print(f"{'all types':44s} {sum(r[3] for r in rows):7,d}  {'':13s} {'':>9s} {'':>9s}"
          f" {sum(r[0] for r in rows) * 1e3:11.1f} ms (parse {sum(r[1] for r in rows) * 1e3:.1f} ms)")


def delta_runs(path: str, dialect: str, repeat: int) -> None:
    """Compare the per-line decode of the commonest hot delta type with one decode per run."""
    from realtime_cli.engine.fastread import _HOT

    with open(path, "rb") as f:
        all_lines = f.readlines()
    counts: dict[str, int] = defaultdict(int)
    for line in all_lines:
        if line.startswith(b'{"type":"'):
            counts[line[9:line.find(b'"', 9)].decode()] += 1
    hot = [t for t in sorted(counts, key=counts.__getitem__, reverse=True)
           if t in _HOT and t in schema_types.EVENTS.get(dialect, {})]
    if not hot:
        print("no hot delta type with a compiled Struct in this log")
        return
    etype = hot[0]
    decoder = msgspec.json.Decoder(schema_types.EVENTS[dialect][etype])
    prefix = b'{"type":"' + etype.encode() + b'"'
    runs: list[list[bytes]] = [[]]
    for line in all_lines:
        if line.startswith(prefix):
            runs[-1].append(line)
        elif runs[-1]:
            runs.append([])
    runs = [r for r in runs if r]
    blocks = [b"".join(r) for r in runs]
    n = sum(len(r) for r in runs)
    table = {etype.encode(): decoder}

    def per_line() -> None:
        with open(path, "rb", buffering=1 << 16) as f:
            readline = f.readline
            while raw := readline(1 << 20):
                if raw.startswith(b'{"type":"'):
                    found = table.get(raw[9:raw.find(b'"', 9)])
                    if found is not None:
                        found.decode(raw)

    def per_run() -> None:
        decode_lines = decoder.decode_lines
        for block in blocks:
            decode_lines(block)

    line_loop = best(per_line, repeat)
    block = best(per_run, repeat)
    print(f"\n{etype}: {n:,} lines in {len(runs):,} runs ({n / len(runs):.1f} lines per run)")
    print(f"  fast reader skeleton, every line of the file: {line_loop * 1e3:7.2f} ms")
    print(f"  decode_lines per run of deltas only:          {block * 1e3:7.2f} ms"
          f"  ({block * 1e6 / n:.3f} us per delta)")


def main() -> None:
    """Print both measurements for one log."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dialect", choices=("ga", "beta"), default="ga")
    args = ap.parse_args()
    filecheck.validate_file(args.log, filecheck.Config())  # compile every validator first
    per_type(args.log, args.dialect, args.repeat)
    delta_runs(args.log, args.dialect, args.repeat)


if __name__ == "__main__":
    main()
