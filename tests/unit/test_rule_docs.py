"""Rule docs that cannot drift: every example runs through the real `rtcheck validate`.

For each rule, the documented ``bad`` input must raise the rule's code and the ``good`` one must
not (and must be clean of every other error and warning too, so it is an example to copy).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from realtime_cli.cli.main import app
from realtime_cli.rules import catalog
from realtime_cli.rules.catalog import RULES, Rule
from realtime_cli.rules.docs import INPUT_KINDS

CODES = list(RULES)


def write_example(rule: Rule, which: str, folder: Path) -> Path:
    """The documented ``bad`` or ``good`` example as a file, the way the doc says to feed it."""
    doc = rule.doc
    if doc.input == "path":
        text = doc.bad if which == "bad" else doc.good
        return folder / text.strip()
    data = doc.bad_bytes() if which == "bad" else doc.good_bytes()
    if doc.input == "gzip":
        packed = gzip.compress(data, mtime=0)
        path = folder / "log.jsonl.gz"
        path.write_bytes(packed[: len(packed) * 2 // 3] if which == "bad" else packed)
        return path
    path = folder / "log.jsonl"
    path.write_bytes(data)
    return path


def run_example(rule: Rule, which: str, folder: Path) -> list[dict[str, Any]]:
    """Run `rtcheck validate ARGS --format json FILE` on an example; return its diagnostics."""
    path = write_example(rule, which, folder)
    args = ["validate", *rule.doc.args, "--format", "json", "--jobs", "1", str(path)]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), result.output
    out = orjson.loads(result.stdout)
    diags: list[dict[str, Any]] = out["diagnostics"]
    return diags


def _show(diags: list[dict[str, Any]]) -> str:
    return "\n".join(f"  line {d['line']}: {d['code']} {d['message']}" for d in diags) or "  (nothing)"


@pytest.mark.parametrize("code", CODES)
def test_every_rule_is_fully_documented(code: str) -> None:
    rule = RULES[code]
    doc = rule.doc
    for field in ("what", "why", "fix", "evidence"):
        text = getattr(doc, field)
        assert len(text) > 80, f"{code}.{field} is missing or too short to explain anything: {text!r}"
    assert doc.input in INPUT_KINDS
    if code != "RT008":  # RT008's failing input is the empty file itself
        assert doc.bad.strip(), f"{code} has no failing example"
    if doc.input != "path":  # a missing path has no corrected form worth showing
        assert doc.good.strip(), f"{code} has no corrected example"
    assert catalog.full_description(rule) != rule.summary
    assert len(catalog.full_description(rule)) > len(rule.summary)


@pytest.mark.parametrize("code", CODES)
def test_bad_example_raises_the_rule(code: str, tmp_path: Path) -> None:
    rule = RULES[code]
    diags = run_example(rule, "bad", tmp_path)
    assert code in {d["code"] for d in diags}, f"{code}'s documented bad example does not raise it; got:\n{_show(diags)}"


@pytest.mark.parametrize("code", [c for c in CODES if RULES[c].doc.good.strip()])
def test_good_example_is_clean(code: str, tmp_path: Path) -> None:
    rule = RULES[code]
    diags = run_example(rule, "good", tmp_path)
    assert code not in {d["code"] for d in diags}, f"{code}'s corrected example still raises it:\n{_show(diags)}"
    noisy = [d for d in diags if d["severity"] in ("error", "warning")]
    assert not noisy, f"{code}'s corrected example is not clean:\n{_show(noisy)}"


# RT803 is about volume: its example leaves 10,001 responses open, and each is an RT301 too.
SINGLE_DEFECT = [c for c in CODES if c != "RT803"]


@pytest.mark.parametrize("code", SINGLE_DEFECT)
def test_bad_example_is_one_clear_defect(code: str, tmp_path: Path) -> None:
    """A failing example shows one defect: the rule's own finding (at most twice), nothing else,
    so a reader sees exactly what the rule is about."""
    diags = run_example(RULES[code], "bad", tmp_path)
    assert {d["code"] for d in diags} == {code} and len(diags) <= 2, (
        f"{code}'s failing example raises more than its own finding:\n{_show(diags)}"
    )


# ---------------------------------------------------------------------- generated pages

ROOT = Path(__file__).resolve().parents[2]


def test_readme_rule_table_is_current() -> None:
    from realtime_cli.rules import pages

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert pages.replace_section(readme) == readme, "README's rule table is stale: python -m realtime_cli.rules.pages"


def test_docs_rules_page_is_current() -> None:
    from realtime_cli.rules import pages

    page = (ROOT / pages.RULES_PAGE).read_text(encoding="utf-8")
    assert page == pages.rules_page(), "docs/rules.md is stale: python -m realtime_cli.rules.pages"
    for code in CODES:
        assert f"## {code} {RULES[code].name}" in page


def test_pages_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    from realtime_cli.rules import pages

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (tmp_path / "README.md").write_text(readme.replace("| RT402", "| RT4O2", 1).replace("unpaired-content-part |", "x |", 1), encoding="utf-8")
    assert pages.main(["--check", "--root", str(tmp_path)]) == 1
    assert not (tmp_path / "docs").exists(), "--check must not write"
    assert pages.main(["--root", str(tmp_path)]) == 0
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == readme
    assert pages.main(["--check", "--root", str(tmp_path)]) == 0


def test_pages_refuses_a_readme_without_markers(tmp_path: Path) -> None:
    from realtime_cli.rules import pages

    (tmp_path / "README.md").write_text("# a readme without the table\n", encoding="utf-8")
    assert pages.main(["--root", str(tmp_path)]) == 2


# ---------------------------------------------------------------------- the docs data and renderers


def test_docs_exist_exactly_for_the_catalogue() -> None:
    from realtime_cli.rules import docs

    assert set(RULES) <= set(docs.load()), "a rule without docs"
    assert set(docs.load()) <= set(RULES), "docs for a code that does not exist (a typo in a code?)"


def test_prose_is_reflowed_and_examples_kept_verbatim() -> None:
    from realtime_cli.rules import docs

    parsed = docs.parse(
        "[RT999]\nwhat = '''\nOne sentence\nwrapped by hand.\n\nA second paragraph.\n- an item\n  continued\n- another\n'''\n"
        "bad = '''\n{\"a\":1}\n  {\"b\":2}\n'''\n"
    )
    doc = parsed["RT999"]
    assert doc.what == "One sentence wrapped by hand.\n\nA second paragraph.\n- an item continued\n- another"
    assert doc.bad == '{"a":1}\n  {"b":2}\n'


@pytest.mark.parametrize("toml", [
    "[RT999]\nwaht = 'typo'\n",
    "[RT999]\ninput = 'stdin'\n",
])
def test_malformed_docs_are_refused(toml: str) -> None:
    from realtime_cli.rules import docs

    with pytest.raises(ValueError, match="RT999"):
        docs.parse(toml)


def test_bytes_examples_decode_escapes_and_repeat_counts() -> None:
    from realtime_cli.rules import docs

    parsed = docs.parse("[RT999]\ninput = 'bytes'\nrepeat = 3\nbad = '''\n{\"n\":\"{i}\\xff\"}\n'''\n")
    assert parsed["RT999"].bad_bytes() == b'{"n":"1\xff"}\n{"n":"2\xff"}\n{"n":"3\xff"}\n'


def test_markdown_help_fences_every_example_line() -> None:
    rule = RULES["RT402"]
    md = catalog.help_markdown(rule)
    fenced = re.findall(r"```jsonl\n(.*?)\n```", md, re.S)
    assert fenced == [rule.doc.bad.rstrip("\n"), rule.doc.good.rstrip("\n")]
    assert md.startswith("## RT402 unpaired-content-part\n")
    assert catalog.help_markdown(rule, level=1).startswith("# RT402 ")
    for title in ("What it checks", "Why it matters", "Example", "How to fix it", "Evidence"):
        assert f"\n### {title}\n" in md


def test_text_help_holds_everything_without_markdown() -> None:
    rule = RULES["RT605"]
    text = catalog.help_text(rule)
    assert text.startswith("RT605 truncate-beyond-audio (error, on by default)\n")
    for part in (rule.summary, rule.doc.what, rule.doc.why, rule.doc.fix, rule.doc.evidence):
        assert part in text
    for line in rule.doc.bad.splitlines():
        assert "    " + line in text.splitlines()
    assert "```" not in text and "##" not in text


def test_full_description_is_what_and_why() -> None:
    rule = RULES["RT301"]
    assert catalog.full_description(rule) == rule.doc.what + "\n\n" + rule.doc.why


def test_off_by_default_rules_say_how_to_turn_them_on() -> None:
    assert "off by default (turn it on with --select RT011)" in catalog.help_text(RULES["RT011"])


@pytest.mark.parametrize(("query", "code"), [("RT402", "RT402"), ("rt402", "RT402"), ("delta-mismatch", "RT405"),
                                             ("DELTA_MISMATCH", "RT405"), ("RT4", None), ("nope", None)])
def test_find(query: str, code: str | None) -> None:
    found = catalog.find(query)
    assert (found.code if found else None) == code


def test_suggest_offers_codes_and_names() -> None:
    assert catalog.suggest("RT4O2")[0] == "RT402 (unpaired-content-part)"
    assert catalog.suggest("delta-mismatches")[0] == "RT405 (delta-mismatch)"
    assert catalog.suggest("zzzzzz") == []
