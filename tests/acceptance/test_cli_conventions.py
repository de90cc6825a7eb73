"""CLI conventions users know from ruff and check-jsonschema: --statistics, --output-file,
--exit-zero, help that fits the terminal and lists choices, defaults and examples, one error
style for every bad option value, configuration errors that name their file and line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from realtime_cli.cli.main import app, capped_jobs

ROOT = Path(__file__).resolve().parents[2]
GA_EXAMPLE = ROOT / "examples" / "ga_session.jsonl"


def invoke(*args: str, cwd: Path | None = None, columns: int = 200) -> tuple[int, str]:
    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": str(columns)}, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def _bad_log(tmp_path: Path) -> Path:
    log = tmp_path / "bad.jsonl"
    log.write_text("{bad\nx\n" + '{"type": "error"}\n' + "{nope\n", encoding="utf-8")
    return log


def _commands() -> list[tuple[list[str], Any]]:
    """Every command as (argv prefix, click command), groups included."""
    out: list[tuple[list[str], Any]] = []

    def walk(prefix: list[str], cmd: Any) -> None:
        out.append((prefix, cmd))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk([*prefix, name], sub)

    walk([], get_command(app))
    return out


COMMANDS = _commands()
IDS = [" ".join(p) or "rtcheck" for p, _ in COMMANDS]


# ------------------------------------------------------------------------------ help


@pytest.mark.parametrize(("prefix", "cmd"), COMMANDS, ids=IDS)
def test_help_lists_choices_defaults_and_ends_with_examples(prefix: list[str], cmd: Any) -> None:
    code, out = invoke(*prefix, "--help", columns=100)
    assert code == 0, out
    assert "<str>" not in out and "TEXT" not in out, out
    for param in cmd.params:
        choices = getattr(param.type, "choices", None)
        if choices and param.opts != ["--help"]:
            assert "|".join(str(c) for c in choices) in out, (param.opts, out)
        takes_value = getattr(param, "is_flag", True) is False and param.param_type_name == "option"
        if takes_value and param.opts[0] != "--help":
            line = next(i for i, ln in enumerate(out.splitlines()) if param.opts[-1] in ln)
            nearby = " ".join(out.splitlines()[line : line + 4])
            assert "[default:" in nearby, (param.opts, nearby)
    lines = [ln for ln in out.rstrip().splitlines()]
    tail = lines[lines.index("  Examples:") + 1 :] if "  Examples:" in lines else []
    assert 2 <= len(tail) <= 3 and all(ln.strip().startswith("rtcheck ") for ln in tail), out


def _real_help(*args: str, columns: int) -> str:
    """--help from the real program (CliRunner forces click's help width to 80)."""
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "realtime_cli", *args, "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_help_follows_the_terminal_width_and_never_cuts_a_summary() -> None:
    narrow = _real_help("validate", columns=80)
    assert max(len(ln) for ln in narrow.splitlines()) <= 80, narrow
    wide = _real_help("validate", columns=160)
    assert 100 < max(len(ln) for ln in wide.splitlines()) <= 160, wide
    for columns in (60, 120):
        top = _real_help(columns=columns)
        assert "..." not in top.split("Commands:", 1)[1], top
        joined = " ".join(top.split())
        assert "validate Check every event against the bundled schemas and the cross-event rules." in joined, top
        for name, cmd in get_command(app).commands.items():  # each summary whole: its first sentence
            summary = " ".join(cmd.get_short_help_str(limit=10_000).split())
            assert summary.endswith(".") and not summary.endswith("..."), (name, summary)
            assert f"{name} {summary}" in joined, (name, top)


def test_status_metavar_lists_the_statuses() -> None:
    from realtime_cli.cli.common import STATUSES, LsSort
    from realtime_cli.session.inspection import LS_SORTS, LS_STATUSES

    assert STATUSES == LS_STATUSES and tuple(LsSort) == LS_SORTS
    _, out = invoke("ls", "--help", columns=200)
    assert "<completed|cancelled|failed|incomplete|in_progress|unfinished>" in out
    assert "<line|latency|tokens|cost|status>" in out


# ------------------------------------------------------------------ bad option values


def _choice_options() -> list[tuple[list[str], str, tuple[str, ...]]]:
    from realtime_cli.cli.common import STATUSES

    found = []
    for prefix, cmd in COMMANDS:
        if not prefix or getattr(cmd, "commands", None):
            continue
        for param in cmd.params:
            choices = getattr(param.type, "choices", None)
            if choices and param.param_type_name == "option":
                found.append((prefix, param.opts[-1] if param.opts[-1].startswith("--") else param.opts[0], tuple(str(c) for c in choices)))
            elif param.opts and param.opts[0] == "--status":
                found.append((prefix, "--status", STATUSES))
    return found


@pytest.mark.parametrize(("prefix", "option", "choices"), _choice_options(), ids=lambda v: str(v))
def test_every_bad_choice_gets_the_same_error_and_exit_2(prefix: list[str], option: str, choices: tuple[str, ...]) -> None:
    args = [*prefix, option, "bogus"]
    if prefix[-1] == "show":
        args.insert(len(prefix), "resp_1")
    code, out = invoke(*args)
    assert code == 2, out
    assert f"Error: Invalid value for '{option}'" in out, out
    assert "'bogus' is not one of " + ", ".join(repr(c) for c in choices) in out, out


@pytest.mark.parametrize(
    "args",
    [["--select", "RT9"], ["--ignore", "XX1"], ["--select", ""], ["--jobs", "-1"], ["--max-line-bytes", "0"]],
)
def test_bad_values_of_other_options_use_the_same_style(tmp_path: Path, args: list[str]) -> None:
    code, out = invoke("validate", str(_bad_log(tmp_path)), *args)
    assert code == 2 and "Error: Invalid value for '" + args[0] + "'" in out, out


def test_statistics_with_sarif_is_a_usage_error(tmp_path: Path) -> None:
    code, out = invoke("validate", str(_bad_log(tmp_path)), "--statistics", "--format", "sarif")
    assert code == 2 and "Invalid value for '--statistics'" in out, out


# ----------------------------------------------------- --statistics, --exit-zero, --output-file


def test_statistics_counts_by_code_most_frequent_first(tmp_path: Path) -> None:
    code, out = invoke("validate", str(_bad_log(tmp_path)), "--statistics")
    assert code == 1, out
    lines = out.splitlines()
    assert lines[0].split() == ["3", "RT001", "error", "malformed-json"], out
    assert lines[1].split()[1] == "RT101", out
    assert "bad.jsonl:" not in out  # counts instead of findings
    code, out = invoke("validate", str(_bad_log(tmp_path)), "--statistics", "--format", "json")
    first = json.loads(out)[0]
    assert (first["code"], first["count"]) == ("RT001", 3)


def test_exit_zero_keeps_findings_but_not_errors(tmp_path: Path) -> None:
    code, out = invoke("validate", str(_bad_log(tmp_path)), "--exit-zero")
    assert code == 0 and "RT001" in out, out
    code, out = invoke("validate", str(tmp_path / "missing.jsonl"), "--exit-zero")
    assert code == 2, out


def test_output_file_gets_the_report(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    code, out = invoke("validate", str(_bad_log(tmp_path)), "--format", "json", "--output-file", str(target))
    assert code == 1 and out == "", out
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["errors"] == 4
    code, out = invoke("validate", str(_bad_log(tmp_path)), "-o", str(target))
    assert code == 1 and "bad.jsonl:1:2: RT001" in target.read_text(encoding="utf-8")
    assert "\x1b[" not in target.read_text(encoding="utf-8")


def test_output_file_never_overwrites_an_input(tmp_path: Path) -> None:
    log = _bad_log(tmp_path)
    before = log.read_bytes()
    for target in (log, tmp_path / "." / "bad.jsonl"):
        code, out = invoke("validate", str(log), "--output-file", str(target))
        assert code == 2 and "is one of the inputs" in out, out
    code, out = invoke("validate", str(tmp_path), "--output-file", str(log))  # found under a directory
    assert code == 2 and "is one of the inputs" in out, out
    assert log.read_bytes() == before


def test_output_file_that_cannot_be_written(tmp_path: Path) -> None:
    code, out = invoke("validate", str(_bad_log(tmp_path)), "--output-file", str(tmp_path / "no" / "such" / "x.txt"))
    assert code == 2 and "cannot write --output-file" in out and "Traceback" not in out, out


def test_jobs_is_capped_at_the_available_cores() -> None:
    cores = len(os.sched_getaffinity(0))
    assert capped_jobs(200) == cores
    assert capped_jobs(0) == 0 and capped_jobs(1) == 1


# ------------------------------------------------------------------------- schema list


def test_schema_list_keeps_every_id_whole(tmp_path: Path) -> None:
    code, js = invoke("schema", "list", "--format", "json")
    ids = [r["id"] for r in json.loads(js)]
    code, out = invoke("schema", "list", columns=60)
    assert code == 0
    assert [ln.split()[-1] for ln in out.splitlines()[1:]] == ids
