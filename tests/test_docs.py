"""Docs come from code and are checked: every rule code, command and option is in the README,
and the README's set-up commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from realtime_cli.cli.main import app
from realtime_cli.rules.catalog import RULES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str) -> list[str]:
    return re.findall(r"```(?:bash|sh|console)?\n(.*?)```", text, re.S)


def test_readme_starts_with_the_two_setup_commands() -> None:
    blocks = code_blocks(README)
    assert len(blocks) >= 2
    first, second = blocks[0].strip(), blocks[1].strip()
    assert "pip install" in first and "rtcheck validate examples/" in first
    assert "pip install" in second and "pytest" in second
    # Nothing but a title and a sentence or two before them.
    assert README.index(first) < 1500


def test_ci_runs_the_readme_test_command() -> None:
    second = code_blocks(README)[1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert second in ci


def test_bundled_example_named_in_readme_exists() -> None:
    for path in re.findall(r"rtcheck validate (examples/\S+)", README):
        assert (ROOT / path).is_file(), path


@pytest.mark.parametrize("code", list(RULES))
def test_every_rule_is_documented(code: str) -> None:
    rule = RULES[code]
    row = re.search(rf"^\|\s*\[?`?{code}`?(?:\]\([^)]*\))?\s*\|(.*)$", README, re.M)
    assert row, f"{code} has no row in the README's rule table"
    assert rule.name in row.group(1), f"{code}'s README row does not name {rule.name}"
    assert rule.severity.label in row.group(1), f"{code}'s README row does not give severity {rule.severity.label}"


def _commands() -> dict[str, Any]:
    # Typer ships click vendored in some versions: use the command objects' shape, not click's types.
    root = typer.main.get_command(app)
    out: dict[str, Any] = {}
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        if hasattr(cmd, "commands"):
            for sub, subcmd in cmd.commands.items():
                out[f"{name} {sub}"] = subcmd
        else:
            out[name] = cmd
    return out


def test_every_command_is_documented() -> None:
    for name in _commands():
        assert f"rtcheck {name}" in README, f"`rtcheck {name}` is not documented in the README"


def test_every_option_is_documented() -> None:
    missing = []
    for name, cmd in _commands().items():
        for param in cmd.params:
            if param.param_type_name == "option":
                longs = [o for o in param.opts if o.startswith("--")]
                if longs and not any(o in README for o in longs):
                    missing.append(f"{name} {longs[0]}")
    assert not missing, f"options missing from the README: {missing}"


def test_rule_table_is_generated_from_the_catalogue() -> None:
    """The README's table is generated from the catalogue, between its markers."""
    from realtime_cli.rules import pages

    assert pages.readme_section() in README, "regenerate the table: python -m realtime_cli.rules.pages"
