"""``rtcheck report``: one self-contained HTML page of what happened in the given logs.

Thin: options -> :class:`realtime_cli.views.html.collect.ReportConfig` -> one pass per log
(validator and session builder fed the same records) -> the page -> a file (or stdout).
Its dependencies (Jinja2) are the ``report`` extra and are imported only here, only when the
command runs: ``validate`` starts as fast without them.

Exit codes: 0 report written; 2 usage error, missing dependency, or an input that could not
be read (the report is still written and says which).
"""

# No `from __future__ import annotations` here: typer reads every parameter's annotation at
# each start, and string annotations cost a compile() each.
import contextlib
import os
import sys
from typing import Annotated

import typer

from realtime_cli.cli.common import Dialect, examples, fail

STDOUT = "-"
EPILOG = (
    "Exit codes: 0 written; 2 usage error, missing dependency, or an input that could not be read "
    "(the page still names it).\n\n"
    + examples("rtcheck report call.jsonl", "rtcheck report recordings/ -o report.html", "rtcheck report - -o - < call.jsonl > report.html")
)


def default_output(paths: list[str]) -> str:
    """``LOG.report.html`` next to a single log (or directory); for several inputs,
    ``rtcheck.report.html`` in the current directory."""
    if len(paths) == 1 and paths[0] != STDOUT:
        return paths[0].rstrip("/\\") + ".report.html"
    return "rtcheck.report.html"


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def report(
    paths: Annotated[list[str], typer.Argument(help="Log files or directories; - for stdin.", show_default=False, metavar="LOG...")],
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="Where to write the page; - for stdout [default: LOG.report.html next to the log].", show_default=False)] = None,
    dialect: Annotated[Dialect | None, typer.Option("--dialect", help="Protocol dialect; auto detects it per file [default: auto].", show_default=False)] = None,
    max_line_bytes: Annotated[int | None, typer.Option("--max-line-bytes", min=1, metavar="N", help="Skip (and report) lines longer than this [default: 64 MiB].", show_default=False)] = None,
) -> None:
    """Write one self-contained HTML report: per session a header, a turn timeline, latency,
    tokens and cost, the turns and the validation findings."""
    from realtime_cli.views import html

    missing = html.missing_dependency()
    if missing is not None:
        fail(f"`rtcheck report` needs {missing}, which is not installed; install it with: {html.INSTALL_HINT}")
    if STDOUT in paths and output is None:
        fail("the log comes from stdin: say where the report goes with -o FILE (or -o - for stdout)")
    from realtime_cli.cli.common import inspect_settings
    from realtime_cli.logs.loader import DEFAULT_MAX_LINE_BYTES
    from realtime_cli.views.html.collect import ReportConfig, collect
    from realtime_cli.views.html.page import report_view

    fc, enabled, prices = inspect_settings()
    dia = dialect.value if dialect else fc.get("dialect", "auto")
    if dia not in ("auto", "beta", "ga"):
        fail(f"unknown dialect {dia!r} in the configuration (choose auto, beta or ga)")
    target = output or default_output(paths)
    if target != STDOUT:
        for p in paths:
            if p != STDOUT and (_same_file(p, target) or os.path.abspath(p) == os.path.abspath(target)):
                fail(f"-o {target} would overwrite an input log")
        if os.path.isdir(target):
            fail(f"-o {target} is a directory; name the HTML file to write")
    config = ReportConfig(
        paths=tuple(paths), dialect=dia,
        max_line_bytes=max_line_bytes or fc.get("max-line-bytes") or DEFAULT_MAX_LINE_BYTES, enabled=enabled,
        prices=prices,
    )
    files = collect(config)
    from realtime_cli.core.safety import clean

    code = 0
    for fr in files:
        if fr.error is not None:
            sys.stderr.write(f"rtcheck: {clean(fr.path, 400)}: {clean(fr.error, 400)}\n")
            code = 2
    if all(fr.error is not None for fr in files):
        fail("nothing to report: no input could be read")
    page = html.render(report_view(files))
    if target == STDOUT:
        sys.stdout.write(page)
        raise typer.Exit(code)
    tmp = f"{target}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8", errors="replace", newline="\n") as f:
            f.write(page)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        fail(f"cannot write {target}: {exc.strerror or exc}")
    sessions = sum(len(fr.log.sessions) for fr in files)
    size = len(page.encode("utf-8", "replace"))
    sys.stderr.write(f"rtcheck: wrote {clean(target, 400)} ({sessions} session{'s' if sessions != 1 else ''}, {size / 1024:,.0f} KiB)\n")
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``report`` to the rtcheck app."""
    app.command("report", epilog=EPILOG)(report)
