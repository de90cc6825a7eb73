"""Coverage-guided fuzzing of loader -> validator -> reporters with atheris (libFuzzer).

Not part of the test suite (pytest does not collect it: the name does not start with test_).
Run, for example::

    pip install atheris
    python tests/fuzz/atheris_loader.py -runs=200000 -max_len=4096 [corpus_dir]

Any uncaught exception, or JSON/SARIF output that does not parse, is a crash that libFuzzer
reports with the input that caused it (saved as ``crash-<sha1>``).
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from rich.console import Console

    from realtime_cli.core.diagnostics import Severity
    from realtime_cli.engine.validate import Config, exit_code, run
    from realtime_cli.views.reporters import REPORTER_NAMES, get_reporter

_DIR = Path(tempfile.mkdtemp(prefix="rtcheck-atheris-"))
_CONFIG = Config()


def test_one_input(data: bytes) -> None:
    """One libFuzzer iteration: the bytes become a log file (gzip when they say so)."""
    name = "in.jsonl.gz" if data[:2] == b"\x1f\x8b" else "in.jsonl"
    path = _DIR / name
    path.write_bytes(data)
    result = run([str(path)], _CONFIG)
    if exit_code(result, Severity.ERROR) not in (0, 1):
        raise AssertionError(f"exit code {exit_code(result, Severity.ERROR)} for a readable file")
    for fmt in REPORTER_NAMES:
        buf = io.StringIO()
        get_reporter(fmt)(Console(file=buf, width=120, color_system=None), quiet=False).report(result)
        out = buf.getvalue()
        out.encode("utf-8")
        if fmt in ("json", "sarif"):
            json.loads(out)
        elif "\x1b" in out or "\r" in out:
            raise AssertionError(f"raw escape in {fmt} output")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
