"""The hostile corpus: every file gives its exit code, its diagnostics on the right lines, the
planted defect after the garbage, no traceback, and output that is safe in every format."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.hostile.conftest import _SGR, CORPUS, EXPECTED, RunCli, assert_terminal_safe

NAMES = sorted(EXPECTED)


def test_corpus_matches_its_generator() -> None:
    """The committed files are exactly what make_corpus.py writes (nobody edits one by hand)."""
    from tests.hostile.make_corpus import cases

    generated = cases()
    assert sorted(generated) == sorted(p.name for p in CORPUS.iterdir())
    for name, (data, exp) in generated.items():
        assert (CORPUS / name).read_bytes() == data, name
        assert EXPECTED[name] == json.loads(json.dumps(exp)), name


def _diags(out: str) -> list[dict[str, object]]:
    data = json.loads(out)
    diags: list[dict[str, object]] = data["diagnostics"]
    return diags


@pytest.mark.parametrize("name", NAMES)
def test_corpus_file(run_cli: RunCli, name: str) -> None:
    exp = EXPECTED[name]
    code, out, _err = run_cli("validate", "--format", "json", str(CORPUS / name))
    assert code == exp["exit"], out
    found = {(d["code"], d["line"]) for d in _diags(out)}
    if exp["defect_line"] is not None:
        assert ("RT101", exp["defect_line"]) in found, found
    for line, codes in exp["codes"].items():
        for c in codes:
            assert (c, int(line)) in found, (c, line, found)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["text", "text-colour", "github"])
def test_no_escape_reaches_the_terminal(run_cli: RunCli, name: str, fmt: str) -> None:
    args = ["validate", str(CORPUS / name)]
    if fmt == "github":
        args += ["--format", "github"]
    else:
        args += ["--color", "always" if fmt == "text-colour" else "never"]
    code, out, err = run_cli(*args)
    assert code == EXPECTED[name]["exit"]
    assert_terminal_safe(out, colour=fmt == "text-colour")
    assert_terminal_safe(err)
    if EXPECTED[name]["defect_line"] is not None and fmt != "github":
        plain = _SGR.sub("", out)
        assert f"{name}:{EXPECTED[name]['defect_line']}:1: RT101" in plain


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_output_is_valid_json_for_the_whole_corpus(run_cli: RunCli, fmt: str) -> None:
    code, out, _ = run_cli("validate", "--format", fmt, str(CORPUS))
    assert code == 1
    data = json.loads(out)
    assert "\x1b" not in json.dumps(data["runs"][0]["results"] if fmt == "sarif" else data["diagnostics"], ensure_ascii=False)
    out.encode("utf-8")  # no lone surrogate survived


def test_escapes_are_shown_escaped_not_dropped(run_cli: RunCli) -> None:
    """The user still sees *what* was there: the payload is visible as \\x1b, \\r, \\u202e."""
    _, out, _ = run_cli("validate", "--color", "never", str(CORPUS / "terminal_escapes.jsonl"))
    assert "\\x1b[31mRED" in out
    assert "\\u202e" in out
    assert "[bold red]markup[/]" in out  # Rich markup is printed literally, never interpreted


def test_github_annotation_for_the_escape_file_is_one_line_each(run_cli: RunCli) -> None:
    _, out, _ = run_cli("validate", "--format", "github", str(CORPUS / "terminal_escapes.jsonl"))
    commands = [ln for ln in out.splitlines() if ln.startswith("::")]
    assert len(commands) == 2
    assert commands[1].startswith("::error file=")
    assert ",line=2,col=1,title=RT101 schema-violation::" in commands[1]


def test_inputs_are_never_modified(run_cli: RunCli, tmp_path: Path) -> None:
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in CORPUS.iterdir()}
    for fmt in ("text", "json", "github", "sarif"):
        run_cli("validate", "--format", fmt, str(CORPUS))
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in CORPUS.iterdir()}
    assert before == after
    assert sorted(os.listdir(tmp_path)) == []  # and nothing written to the working directory
