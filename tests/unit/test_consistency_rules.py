"""Every consistency rule has a passing and a failing minimal log (tests/fixtures/rules/<CODE>/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from realtime_cli.engine.validate import Config, run
from realtime_cli.rules import catalog as rules

RULES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
CONSISTENCY = frozenset(c for c in rules.RULES if c == "RT202" or c[2] in "345678")
CASES = sorted(p.name for p in RULES_DIR.iterdir() if p.is_dir())


def _run(path: Path) -> list[tuple[str, int, str]]:
    result = run([str(path)], Config(enabled=CONSISTENCY))
    return [(d.code, d.line, d.message) for d in result.diagnostics]


def _fail_file(folder: Path) -> Path:
    for name in ("fail.jsonl", "fail.jsonl.gz"):
        if (folder / name).exists():
            return folder / name
    raise AssertionError(f"{folder} has no fail.jsonl")


@pytest.mark.parametrize("code", CASES)
def test_rule_fixture(code: str) -> None:
    folder = RULES_DIR / code
    expected = json.loads((folder / "expected.json").read_text())
    assert expected["code"] == code and code in rules.RULES
    clean = _run(folder / "pass.jsonl")
    assert clean == [], f"pass.jsonl of {code} is not clean: {clean}"
    found = _run(_fail_file(folder))
    lines = sorted(line for c, line, _ in found if c == code)
    assert lines == expected["lines"], f"{code} expected at {expected['lines']}, got {found[:10]}"
    others = {c for c, _, _ in found} - {code}
    assert others <= set(expected.get("also", [])), f"unexpected findings besides {code}: {found[:10]}"


def test_every_implemented_code_has_a_fixture() -> None:
    # RT201 and RT203 belong to the engine's dialect detection, not to the consistency rules.
    implemented = CONSISTENCY - {"RT201", "RT203"}
    assert implemented == set(CASES)
