"""Start-up cost: what a command imports, and the plain-text path that spares Rich."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from rich.console import Console

import realtime_cli
from realtime_cli.core.diagnostics import Diagnostic, FileSummary, Result, Severity
from realtime_cli.views.reporters import PlainOutput, plain_text_ok
from realtime_cli.views.reporters.text import TextReporter

ROOT = Path(__file__).resolve().parents[2]
GA = ROOT / "examples" / "ga_session.jsonl"

# Modules a run must not load when it does not use them (each costs milliseconds).
NEVER = ("importlib.metadata", "multiprocessing", "hashlib", "tomllib")  # (email is loaded by typer)
# Without these, Rich treats a pipe as a pipe (no colour), as in pre-commit or CI.
_ENV = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}


def test_version_has_one_source() -> None:
    # pyproject.toml takes the version from realtime_cli/__init__.py, and the installed
    # distribution says the same.
    from importlib.metadata import version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "realtime_cli/__init__.py"
    assert version("rtcheck") == realtime_cli.__version__


def _modules_after(args: list[str], cwd: Path) -> set[str]:
    """The modules loaded by one CLI run, in a fresh interpreter with stdout piped."""
    dump = cwd / "modules.txt"
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(dump)!r}, 'w').write('\\n'.join(sys.modules)))\n"
        "from realtime_cli.cli.main import main\n"
        f"main({args!r})\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=_ENV, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return set(dump.read_text().split("\n"))


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "text"])
def test_validate_imports_no_rich_and_nothing_unused(tmp_path: Path, fmt: str) -> None:
    mods = _modules_after(["validate", "--format", fmt, str(GA)], tmp_path)
    assert "realtime_cli.engine.validate" in mods  # the run did happen
    assert not {m for m in mods if m == "rich" or m.startswith("rich.")}, "rich imported"
    # SARIF carries each rule's documentation, which is bundled TOML (realtime_cli.rules.docs).
    never = tuple(m for m in NEVER if not (fmt == "sarif" and m == "tomllib"))
    assert not {m for m in mods if m.startswith(never)}


HOSTILE = [
    Diagnostic("RT101", Severity.ERROR, "[bold red]markup[/] :smile: \t tab \x1b[31m esc", "a b/[x].jsonl", 7, 3, "error", "evt_1"),
    Diagnostic("RT102", Severity.WARNING, "x" * 1000 + " 全角文字 😀 \u202e bidi \r\n", "ok.jsonl", 2, 1, None, "evt:2"),
    Diagnostic("RT203", Severity.INFO, "", "\udcff-not-utf8.jsonl", 0, 1, "t" * 200, None),
    Diagnostic("RT006", Severity.ERROR, "no such file or directory", "gone.jsonl", 0),
]


@pytest.mark.parametrize("quiet", [False, True])
@pytest.mark.parametrize("diags", [HOSTILE, [], HOSTILE[2:3]])
def test_plain_text_is_what_rich_prints_uncoloured(
    monkeypatch: pytest.MonkeyPatch, quiet: bool, diags: list[Diagnostic]
) -> None:
    result = Result(files=[FileSummary("a.jsonl", events=5, responses=1)], diagnostics=list(diags), elapsed=0.123)
    rich_buf = io.StringIO()
    TextReporter(Console(file=rich_buf, force_terminal=False, highlight=False), quiet=quiet).report(result)
    plain_buf = io.StringIO()
    monkeypatch.setattr(sys, "stdout", plain_buf)
    TextReporter(PlainOutput(), quiet=quiet).report(result)
    assert plain_buf.getvalue() == rich_buf.getvalue()


def test_plain_text_only_where_rich_would_not_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert plain_text_ok("auto", {}) and plain_text_ok("never", {})
    assert not plain_text_ok("always", {})
    assert not plain_text_ok("auto", {"FORCE_COLOR": "1"}) and not plain_text_ok("auto", {"TTY_COMPATIBLE": "1"})
    assert plain_text_ok("never", {"FORCE_COLOR": "1"})
    monkeypatch.setattr(sys, "stdout", Tty())
    assert not plain_text_ok("auto", {}) and plain_text_ok("never", {})


def test_color_always_still_colours_a_pipe(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "response.done", "event_id": "e", "response": {"object": "nope"}}\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "realtime_cli", "validate", "--color", "always", str(bad)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert proc.returncode == 1 and "\x1b[" in proc.stdout
    plain = subprocess.run(
        [sys.executable, "-m", "realtime_cli", "validate", str(bad)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
        env=_ENV,
    )
    assert plain.returncode == 1 and "\x1b" not in plain.stdout and "RT1" in plain.stdout


def test_command_annotations_are_not_strings() -> None:
    """typer evaluates each command parameter's annotation at every start; a string annotation
    (``from __future__ import annotations``) costs a compile() each."""
    from realtime_cli.cli import inspect_commands as cli_inspect
    from realtime_cli.cli import main as cli

    funcs = [cli.validate, cli.list_rules, cli.schema_list, cli.schema_show, cli._root,
             cli_inspect.show, cli_inspect.ls, cli_inspect.stats]
    for func in funcs:
        strings = {k for k, v in func.__annotations__.items() if isinstance(v, str)}
        assert not strings, (func.__name__, strings)


def test_show_imports_nothing_unused(tmp_path: Path) -> None:
    mods = _modules_after(["show", "last", str(GA)], tmp_path)
    assert "rich.console" in mods  # show renders with Rich
    assert not {m for m in mods if m.startswith(NEVER)}
    assert "realtime_cli.session.stats" not in mods
    assert "rich._emoji_codes" not in mods  # render's strings are literal: no emoji lookup
