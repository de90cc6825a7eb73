"""github and sarif reporters: escaping, locations, structure GitHub accepts."""

from __future__ import annotations

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
    """The parts of SARIF 2.1.0 that the schema requires and code scanning reads, by hand
    (the official schema could not be vendored from a PyPI package; see the report)."""
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
