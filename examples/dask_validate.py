"""Validate a partitioned collection of Realtime API logs with Dask, then aggregate the findings.

rtcheck validates one session log in one ordered pass (the cross-event rules need every event
of a session, in order), so the unit of parallel work is a *whole log*: a file, or all the
records of one session. Dask spreads those units over cores or machines; the public Python API
(:func:`realtime_cli.validate_path`, :func:`realtime_cli.validate_events`) does the work inside
each task and returns a picklable :class:`realtime_cli.ValidationReport`; the driver only adds
up small result rows. Two patterns:

* **files** (``--pattern files``, the default): a bag of paths, ``.map(validate_path)``. Line
  numbers are the physical lines of each file; gzip, envelopes and parse errors are handled by
  rtcheck's own loader.
* **lines** (``--pattern lines``): ``dask.bag.read_text(..., blocksize=None)`` gives one
  partition per file (never cut a session in two), ``.map_partitions`` parses the JSONL lines and
  calls ``validate_events`` on the partition. Use this shape when the records already live in a
  bag (read from object storage, a queue, parquet); a record's position stands in for its line.

Run it (``pip install "dask[bag]"``; ``distributed`` for ``--scheduler distributed``)::

    python examples/dask_validate.py recordings/ --scheduler processes
    python examples/dask_validate.py 'logs/*.jsonl' --pattern lines --json

Exit code: 0 no errors, 1 errors found, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
from collections.abc import Iterable
from typing import Any

import dask
import dask.bag as db

from realtime_cli import ValidationReport, validate_events, validate_path
from realtime_cli.logs.loader import discover

FIELDS = ("code", "severity", "path", "line", "event_type", "json_path", "message")


def rows(report: ValidationReport) -> list[dict[str, Any]]:
    """One small, plain dict per diagnostic: cheap to move from a worker to the driver."""
    return [
        {
            "code": d.code,
            "severity": d.severity.label,
            "path": d.path,
            "line": d.line,
            "event_type": d.event_type,
            "json_path": d.json_path,
            "message": d.message,
        }
        for d in report.diagnostics
    ]


def file_rows(report: ValidationReport) -> list[dict[str, Any]]:
    """Per-file counts of one report (events, responses, dialect, readable)."""
    return [
        {"path": f.path, "dialect": f.dialect, "events": f.events, "responses": f.responses, "readable": f.readable}
        for f in report.files
    ]


def expand(inputs: Iterable[str]) -> list[str]:
    """Files to validate: globs expanded, directories searched like ``rtcheck validate`` does."""
    out: list[str] = []
    for item in inputs:
        matches = sorted(glob.glob(item)) or [item]
        out.extend(path for path, _ in discover(matches))
    return out


def validate_files(paths: list[str], npartitions: int | None = None, **options: Any) -> db.Bag:
    """Pattern 1: one task per file. Returns a bag of reports (lazy; nothing runs yet)."""
    bag = db.from_sequence(paths, npartitions=npartitions or min(len(paths), 64) or 1)
    return bag.map(validate_path, **options)


def _validate_partition(items: Iterable[tuple[str, str]], **options: Any) -> list[ValidationReport]:
    """Pattern 2 worker: one partition = the lines of one file, in order -> one report."""
    lines = list(items)
    if not lines:
        return []
    name = lines[0][1]
    events: list[Any] = []
    for text, _ in lines:
        if not text.strip():
            continue  # rtcheck skips blank lines too (positions then count records, not lines)
        try:
            events.append(json.loads(text))
        except ValueError:
            events.append(text)  # kept in place: reported (RT004) at its position, not dropped
    return [validate_events(events, name=name, **options)]


def validate_lines(paths: list[str], **options: Any) -> db.Bag:
    """Pattern 2: JSONL text read by Dask, one partition per file, ``validate_events`` on each."""
    bag = db.read_text(paths, blocksize=None, include_path=True)
    return bag.map_partitions(_validate_partition, **options)


def aggregate(reports: db.Bag, scheduler: str | None = None) -> dict[str, Any]:
    """Compute the findings, the counts by rule code and the per-file counts in one pass."""
    findings = reports.map(rows).flatten()
    by_code = findings.pluck("code").frequencies()
    files = reports.map(file_rows).flatten()
    found, counts, summaries = dask.compute(findings, by_code, files, scheduler=scheduler)
    found = sorted(found, key=lambda r: (r["path"], r["line"], r["code"]))
    return {
        "files": len(summaries),
        "events": sum(f["events"] for f in summaries),
        "by_code": dict(sorted(counts)),
        "findings": found,
        "errors": sum(1 for r in found if r["severity"] == "error"),
    }


def _print_text(summary: dict[str, Any]) -> None:
    # Log text is untrusted: no escape sequence from a log may reach the terminal.
    from realtime_cli.core.safety import clean

    print(f"{summary['files']} files, {summary['events']} events, {len(summary['findings'])} findings")
    for code, n in summary["by_code"].items():
        print(f"  {code}  {n}")
    for r in summary["findings"]:
        print(f"{clean(r['path'])}:{r['line']}: {r['code']} [{r['severity']}] {clean(r['message'], 300)}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="log files, directories or glob patterns")
    ap.add_argument("--pattern", choices=("files", "lines"), default="files")
    ap.add_argument(
        "--scheduler",
        choices=("synchronous", "threads", "processes", "distributed"),
        default="processes",
        help="distributed starts a LocalCluster; point a Client at a real cluster the same way",
    )
    ap.add_argument("--workers", type=int, default=2, help="workers for --scheduler distributed")
    ap.add_argument("--npartitions", type=int, default=None, help="pattern files: partitions of the path bag")
    ap.add_argument("--dialect", choices=("auto", "beta", "ga"), default="auto")
    ap.add_argument("--json", action="store_true", help="print the aggregate as JSON")
    args = ap.parse_args(argv)

    paths = expand(args.inputs)
    if not paths:
        ap.error("no log files found")
    options = {"dialect": args.dialect}
    reports = (
        validate_files(paths, args.npartitions, **options)
        if args.pattern == "files"
        else validate_lines(paths, **options)
    )
    if args.scheduler == "distributed":
        from distributed import Client, LocalCluster

        # processes=True: validation is CPU-bound Python, so one single-threaded process per core.
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster):
            summary = aggregate(reports)  # the active Client is the scheduler
    else:
        summary = aggregate(reports, scheduler=args.scheduler)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print_text(summary)
    return 1 if summary["errors"] else 0


if __name__ == "__main__":  # the guard matters: process-based workers re-import this module
    sys.exit(main())
