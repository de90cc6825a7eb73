"""`rtcheck rule`: one rule's documentation, as a user types it (codes, names, typos, JSON).

The golden is the Rich render at 80 columns with colour off; refresh it after a deliberate
change with ``RTCHECK_UPDATE_GOLDEN=1 python -m pytest tests/acceptance/test_rule_command.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from realtime_cli.cli.main import app
from realtime_cli.rules.catalog import RULES

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"


class Run:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def invoke(*args: str, columns: int = 80, color: bool = False) -> Run:
    env = {"COLUMNS": str(columns)}
    if not color:
        env["NO_COLOR"] = "1"
    result = CliRunner().invoke(app, ["rule", *args], env=env, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def test_rule_text_golden_at_80_columns() -> None:
    run = invoke("RT402")
    assert run.code == 0, run
    path = GOLDEN / "rule_RT402.txt"
    if os.environ.get("RTCHECK_UPDATE_GOLDEN") == "1":
        path.write_text(run.stdout, encoding="utf-8")
    assert run.stdout == path.read_text(encoding="utf-8"), f"render differs from {path}:\n{run.stdout}"


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_prose_wraps_and_examples_stay_whole(columns: int) -> None:
    run = invoke("RT405", columns=columns)
    assert run.code == 0, run
    in_fence = False
    for line in run.stdout.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            json.loads(line)  # every example line is still one whole JSON event
        else:
            assert len(line.rstrip()) <= columns, f"prose line wider than {columns}: {line!r}"
    for heading in ("## RT405 delta-mismatch", "### What it checks", "### Why it matters", "### Example",
                    "### How to fix it", "### Evidence"):
        assert heading in run.stdout


@pytest.mark.parametrize("spelling", ["RT402", "rt402", " Rt402 ", "unpaired-content-part", "UNPAIRED_CONTENT_PART"])
def test_code_in_any_case_or_the_rule_name(spelling: str) -> None:
    run = invoke(spelling)
    assert run.code == 0, run
    assert run.stdout.startswith("## RT402 unpaired-content-part\n")


def test_unknown_code_suggests_close_matches() -> None:
    run = invoke("RT4O2")
    assert run.code == 2, run
    assert run.stdout == ""
    assert "unknown rule 'RT4O2'" in run.stderr and "did you mean RT402 (unpaired-content-part)" in run.stderr


def test_misspelt_name_suggests_the_rule() -> None:
    run = invoke("delta-mismatches")
    assert run.code == 2, run
    assert "did you mean RT405 (delta-mismatch)" in run.stderr


def test_nothing_like_a_rule_points_to_the_list() -> None:
    run = invoke("banana")
    assert run.code == 2, run
    assert "unknown rule 'banana'" in run.stderr and "rtcheck rules" in run.stderr


def test_no_rule_and_no_all_is_a_usage_error() -> None:
    run = invoke()
    assert run.code == 2, run
    assert "--all" in run.stderr


def test_all_and_a_code_together_is_a_usage_error() -> None:
    run = invoke("RT402", "--all")
    assert run.code == 2, run


def test_bad_format_names_the_choices() -> None:
    run = invoke("RT402", "--format", "yaml")
    assert run.code == 2, run
    assert "text" in run.stderr and "json" in run.stderr


def test_json_for_one_rule_is_one_object() -> None:
    run = invoke("rt301", "--format", "json")
    assert run.code == 0, run
    data = json.loads(run.stdout)
    assert isinstance(data, dict)
    assert data["version"] == 1 and data["code"] == "RT301" and data["name"] == "response-never-done"
    assert data["severity"] == "error" and data["default"] is True
    assert "response.created" in data["example"]["bad"] and "response.done" in data["example"]["good"]
    assert data["example"]["input"] == "jsonl" and data["example"]["args"] == [] and data["example"]["repeat"] == 0
    assert all(data[k] for k in ("summary", "what", "why", "fix", "evidence"))


def test_json_for_all_rules_is_a_list_in_catalogue_order() -> None:
    run = invoke("--all", "--format", "json")
    assert run.code == 0, run
    data = json.loads(run.stdout)
    assert [d["code"] for d in data] == list(RULES)
    assert all(d["version"] == 1 and d["what"] and d["why"] and d["fix"] and d["evidence"] for d in data)


def test_a_prefix_prints_its_family() -> None:
    run = invoke("RT5", "--format", "json")
    assert run.code == 0, run
    assert [d["code"] for d in json.loads(run.stdout)] == ["RT501", "RT502", "RT503", "RT504", "RT505"]


@pytest.mark.parametrize("columns", [40, 80])
def test_all_as_text_documents_every_rule_within_the_width(columns: int) -> None:
    run = invoke("--all", columns=columns)
    assert run.code == 0, run
    for code, rule in RULES.items():
        assert f"## {code} {rule.name}\n" in run.stdout
    fences = prose = 0
    for line in run.stdout.splitlines():
        if line.startswith("```"):
            fences += 1
        elif fences % 2 == 0:
            prose += 1
            assert len(line) <= columns, f"prose line wider than {columns}: {line!r}"
    assert fences % 2 == 0 and prose > 1000


def test_colour_only_when_asked() -> None:
    assert "\x1b[" not in invoke("RT402").stdout
    coloured = invoke("RT402", "--color", "always", color=True).stdout
    assert "\x1b[1m## RT402" in coloured
