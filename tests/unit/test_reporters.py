"""github and sarif reporters: escaping, locations, structure GitHub accepts."""

from __future__ import annotations

import functools
import io
import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console

from realtime_cli.core.diagnostics import Diagnostic, FileSummary, Result, Severity
from realtime_cli.rules import catalog as rules
from realtime_cli.views.reporters.github import (
    GithubReporter,
    escape_data,
    escape_property,
    format_command,
)
from realtime_cli.views.reporters.sarif import SarifReporter, artifact_uri

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"


@functools.cache
def _sarif_validator() -> Any:
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def assert_valid_sarif(doc: dict[str, Any]) -> None:
    """Every error the official SARIF 2.1.0 schema finds in ``doc``, in the assertion message."""
    errors = sorted(_sarif_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:10])


def _result(*diags: Diagnostic, unreadable: str | None = None) -> Result:
    r = Result(files=[FileSummary("logs/a.jsonl", events=3)], diagnostics=list(diags))
    if unreadable:
        r.files.append(FileSummary(unreadable, readable=False))
        r.input_error = True
    return r


def _render(reporter: Any, result: Result, quiet: bool = False) -> str:
    buf = io.StringIO()
    reporter(Console(file=buf, width=80, color_system=None), quiet=quiet).report(result)
    return buf.getvalue()


D_ERR = Diagnostic("RT101", Severity.ERROR, "missing `message` at $.error", "logs/a.jsonl", 7, 3, "error", "evt_1")
D_FILE = Diagnostic("RT006", Severity.ERROR, "no such file or directory", "gone.jsonl", 0)
D_INFO = Diagnostic("RT203", Severity.INFO, "undetermined", "logs/a.jsonl", 0)
D_WARN = Diagnostic("RT102", Severity.WARNING, "unknown 100% type: a,b\r\nc", "dir, x:y/a.jsonl", 2, 1)


# --------------------------------------------------------------------------- github


def test_workflow_command_escaping_follows_the_toolkit() -> None:
    assert escape_data("100%\r\n:,") == "100%25%0D%0A:,"
    assert escape_property("a%b\nc:d,e") == "a%25b%0Ac%3Ad%2Ce"


def test_github_lines() -> None:
    assert format_command(D_ERR) == (
        "::error file=logs/a.jsonl,line=7,col=3,title=RT101 schema-violation::"
        "missing `message` at $.error [error evt_1]"
    )
    # whole-file findings: no line/col, so GitHub annotates the file
    assert format_command(D_FILE).startswith("::error file=gone.jsonl,title=RT006 unreadable-input::")
    warn = format_command(D_WARN)
    assert warn.startswith("::warning file=dir%2C x%3Ay/a.jsonl,line=2,col=1,title=")
    # CR/LF from the log are shown escaped (\r\n), then % is encoded: one physical line
    assert warn.endswith("::unknown 100%25 type: a,b\\r\\nc")
    assert "\n" not in warn and "\r" not in warn


def test_github_reporter_notice_quiet_and_summary() -> None:
    out = _render(GithubReporter, _result(D_ERR, D_INFO, D_WARN))
    lines = out.splitlines()
    assert [ln.split(" ", 1)[0] for ln in lines[:3]] == ["::error", "::notice", "::warning"]
    assert lines[-1].startswith("rtcheck: 1 file(s), 3 events: 1 error(s), 1 warning(s), 1 info")
    quiet = _render(GithubReporter, _result(D_ERR, D_INFO), quiet=True).splitlines()
    assert quiet == [format_command(D_ERR)]


def test_github_message_is_bounded() -> None:
    d = Diagnostic("RT101", Severity.ERROR, "x" * 1_000_000, "a.jsonl", 1)
    assert len(format_command(d)) < 1200


# --------------------------------------------------------------------------- sarif


def _check_sarif_structure(doc: dict[str, Any]) -> None:
    """Valid against the official SARIF 2.1.0 schema (vendored), and the parts code scanning
    reads, checked by hand."""
    assert_valid_sarif(doc)
    assert doc["version"] == "2.1.0"
    assert isinstance(doc["$schema"], str)
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "rtcheck" and isinstance(driver["version"], str)
    ids = [r["id"] for r in driver["rules"]]
    assert ids == list(rules.RULES)
    for r in driver["rules"]:
        assert set(r) >= {"id", "name", "shortDescription", "defaultConfiguration"}
        assert r["shortDescription"]["text"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
    for res in run["results"]:
        assert res["ruleId"] in rules.RULES
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note", "none")
        assert isinstance(res["message"]["text"], str) and res["message"]["text"]
        (loc,) = res["locations"]
        phys = loc["physicalLocation"]
        uri = phys["artifactLocation"]["uri"]
        assert "\\" not in uri and " " not in uri and not uri.startswith("/")
        region = phys["region"]
        assert isinstance(region["startLine"], int) and region["startLine"] >= 1
        assert isinstance(region["startColumn"], int) and region["startColumn"] >= 1
    for inv in run.get("invocations", []):
        assert isinstance(inv["executionSuccessful"], bool)


def test_sarif_document() -> None:
    doc = json.loads(_render(SarifReporter, _result(D_ERR, D_FILE, D_INFO, D_WARN, unreadable="gone.jsonl")))
    _check_sarif_structure(doc)
    results = doc["runs"][0]["results"]
    # file by file, in input order (a.jsonl, then gone.jsonl), then findings of no listed file
    assert [r["ruleId"] for r in results] == ["RT101", "RT203", "RT006", "RT102"]
    assert [r["level"] for r in results] == ["error", "note", "error", "warning"]
    first = results[0]
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 7, "startColumn": 3}
    assert first["properties"] == {"eventType": "error", "eventId": "evt_1"}
    assert results[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1  # whole file
    assert "whole file" in results[1]["message"]["text"]
    assert results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "dir%2C%20x%3Ay/a.jsonl"
    assert "\\r\\n" in results[3]["message"]["text"]
    inv = doc["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert "gone.jsonl" in inv["toolExecutionNotifications"][0]["message"]["text"]


def test_sarif_quiet_drops_notes() -> None:
    doc = json.loads(_render(SarifReporter, _result(D_ERR, D_INFO), quiet=True))
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["RT101"]


def test_sarif_survives_surrogates_and_huge_messages() -> None:
    d = Diagnostic("RT101", Severity.ERROR, "bad \ud800 " + "y" * 100_000, "caf\udce9.jsonl", 2, 1, "t\udfff", "e")
    out = _render(SarifReporter, _result(d))
    out.encode("utf-8")
    doc = json.loads(out)
    _check_sarif_structure(doc)
    res = doc["runs"][0]["results"][0]
    assert len(res["message"]["text"]) < 1200
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "caf%E9.jsonl"


def test_artifact_uri(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    assert artifact_uri("<stdin>") == "stdin"
    assert artifact_uri("./a b/c#1.jsonl") == "a%20b/c%231.jsonl"
    assert artifact_uri(str(tmp_path / "sub" / "x.jsonl")) == "sub/x.jsonl"
    outside = artifact_uri(os.path.join(os.sep, "var", "log", "x y.jsonl"))
    assert outside == "file:///var/log/x%20y.jsonl"


def _sarif_of(result: Result, tmp_path: Path, monkeypatch: Any) -> dict[str, Any]:
    monkeypatch.chdir(tmp_path)
    doc: dict[str, Any] = json.loads(_render(SarifReporter, result))
    assert_valid_sarif(doc)
    return doc


def test_sarif_absolute_paths_are_file_uris_without_a_base(tmp_path: Path, monkeypatch: Any) -> None:
    inside = str(tmp_path / "logs" / "a b.jsonl")
    outside = os.path.join(os.sep, "var", "log", "x%y.jsonl")
    diags = [
        Diagnostic("RT101", Severity.ERROR, "m", inside, 3),
        Diagnostic("RT101", Severity.ERROR, "m", outside, 4),
        Diagnostic("RT101", Severity.ERROR, "m", "rel/c.jsonl", 5),
        Diagnostic("RT101", Severity.ERROR, "m", "<stdin>", 6),
    ]
    doc = _sarif_of(Result(files=[], diagnostics=diags), tmp_path, monkeypatch)
    locs = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in doc["runs"][0]["results"]]
    assert locs[0] == {"uri": "logs/a%20b.jsonl", "uriBaseId": "%SRCROOT%"}
    assert locs[1] == {"uri": "file:///var/log/x%25y.jsonl"}  # SARIF 3.4.4: absolute, so no uriBaseId
    assert locs[2] == {"uri": "rel/c.jsonl", "uriBaseId": "%SRCROOT%"}
    assert locs[3]["uri"] == "stdin" and "uriBaseId" not in locs[3]
    base = doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_sarif_rules_carry_help_and_no_placeholder_url(tmp_path: Path, monkeypatch: Any) -> None:
    doc = _sarif_of(_result(D_ERR), tmp_path, monkeypatch)
    driver = doc["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    by_id = {r["id"]: r for r in driver["rules"]}
    for code, r in by_id.items():
        assert r["help"]["text"].startswith(f"{code} ") and r["help"]["markdown"].startswith(f"## {code} ")
        assert r["fullDescription"]["text"].startswith(r["shortDescription"]["text"][:20]) or len(
            r["fullDescription"]["text"]
        ) >= len(r["shortDescription"]["text"])
        assert r["defaultConfiguration"]["enabled"] is rules.RULES[code].default
    documented = [c for c, rule in rules.RULES.items() if rule.doc.what]
    assert documented, "the rule documentation has no rule with a description"
    for code in documented:  # a documented rule says more than its one-line summary
        assert len(by_id[code]["fullDescription"]["text"]) > len(by_id[code]["shortDescription"]["text"]) + 40
        assert "What it checks" in by_id[code]["help"]["markdown"]
    urls = [s for s in _strings(doc) if "://" in s and " " not in s]
    assert all(u.startswith(("file:///", "https://docs.oasis-open.org/")) for u in urls), urls
    text = json.dumps(doc)
    for placeholder in ("your-org", "example.com", "OWNER/REPO", "rtcheck/rtcheck"):
        assert placeholder not in text


def test_sarif_elided_counts_are_notifications(tmp_path: Path, monkeypatch: Any) -> None:
    summary = FileSummary("logs/a.jsonl", events=3, elided={"RT001": 1_999_000, "RT203": 5})
    result = Result(files=[summary], diagnostics=[D_ERR])
    doc = _sarif_of(result, tmp_path, monkeypatch)
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["properties"]["elidedCount"] for n in notes] == [1_999_000, 5]
    assert notes[0]["associatedRule"]["id"] == "RT001"
    assert notes[0]["message"]["text"] == "and 1,999,000 more RT001 in this file (not listed)"
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "logs/a.jsonl"
    monkeypatch.chdir(tmp_path)
    quiet = json.loads(_render(SarifReporter, result, quiet=True))  # RT203 is info: not shown
    assert [n["associatedRule"]["id"] for n in quiet["runs"][0]["invocations"][0]["toolExecutionNotifications"]] == ["RT001"]
