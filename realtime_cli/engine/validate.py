"""Validation runs: every input in order, sequentially or with ``--jobs`` workers.

The per-input work is :mod:`realtime_cli.engine.filecheck` and :mod:`.prechecks` (re-exported here, the engine's
public entry point: ``Config``, ``FileValidator``, ``validate_stream``, ``validate_file``,
``audio_length``); :mod:`.parallel` and :mod:`.split` run it across processes. Imports point
down: this module -> parallel -> split -> filecheck.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from realtime_cli.core.diagnostics import Diagnostic, FileSummary, Result, Severity
from realtime_cli.engine.filecheck import (
    STDIN_NAME,
    Config,
    FileValidator,
    iter_inputs,
    unreadable,
    validate_file,
    validate_stream,
)
from realtime_cli.engine.prechecks import AUDIO_FIELDS, audio_length, precheck
from realtime_cli.rules import catalog as rules

__all__ = [
    "AUDIO_FIELDS",
    "STDIN_NAME",
    "Config",
    "FileValidator",
    "audio_length",
    "exit_code",
    "iter_inputs",
    "precheck",
    "run",
    "unreadable",
    "validate_file",
    "validate_stream",
]


def run(
    paths: list[str],
    config: Config,
    *,
    progress: Any = None,
    on_file: Callable[[FileSummary, list[Diagnostic]], None] | None = None,
) -> Result:
    """Validate every input and return the whole result (``config.jobs`` != 1: in parallel).

    ``progress``: an optional ``hook(path, bytes_done)`` (see :mod:`realtime_cli.engine.ticks`),
    called every few MB within a file and with ``-1`` when an input is finished.

    ``on_file``: called with each input's summary and sorted findings as soon as that input is
    done, in input order; the result then keeps only counts, not the findings themselves.
    """
    started = time.perf_counter()
    result = Result()
    severity_of = {code: rule.severity for code, rule in rules.RULES.items()}
    if config.jobs != 1:
        from realtime_cli.engine.parallel import iter_inputs_parallel

        outcomes = iter_inputs_parallel(paths, config, progress)
    else:
        outcomes = iter_inputs(paths, config, progress)
    for summary, diags in outcomes:
        if progress is not None:
            progress(summary.path, -1)
        if on_file is not None:
            on_file(summary, diags)
        result.add(summary, diags, keep=on_file is None, severity_of=severity_of)
    result.elapsed = time.perf_counter() - started
    return result


def exit_code(result: Result, fail_on: Severity) -> int:
    """0 clean, 1 findings at or above ``fail_on``, 2 when an input could not be read."""
    if result.input_error:
        return 2
    worst = result.worst()
    return 1 if worst is not None and worst >= fail_on else 0
