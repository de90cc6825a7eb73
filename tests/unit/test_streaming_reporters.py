"""Reporters fed input by input (begin / file / end): streamed output, elided counts, --statistics,
and JSON that escapes what a terminal must never see raw."""

from __future__ import annotations

import io
import json
from typing import Any

import orjson
import pytest

from realtime_cli.core.diagnostics import Diagnostic, FileSummary, Result, Severity
from realtime_cli.views.reporters import PlainOutput, get_reporter
from realtime_cli.views.reporters.json_ import JsonReporter, result_dict
from realtime_cli.views.reporters.statistics import rows
from realtime_cli.views.reporters.text import TextReporter


def _d(code: str, path: str, line: int, sev: Severity = Severity.ERROR, **kw: Any) -> Diagnostic:
    return Diagnostic(code, sev, kw.pop("message", f"{code} at {line}"), path, line, 1, **kw)


def _stream(name: str, outcomes: list[tuple[FileSummary, list[Diagnostic]]], **opts: Any) -> tuple[str, Result]:
    """Feed ``outcomes`` to a reporter as the engine's on_file would; return output and result."""
    buf = io.StringIO()
    reporter = get_reporter(name)(PlainOutput(buf), **opts)
    result = Result()
    reporter.begin()
    for summary, diags in outcomes:
        reporter.file(summary, diags)
        result.add(summary, diags, keep=False, severity_of={"RT001": Severity.ERROR, "RT203": Severity.INFO})
    reporter.end(result)
    return buf.getvalue(), result


OUTCOMES = [
    (FileSummary("a.jsonl", events=5), [_d("RT001", "a.jsonl", 1), _d("RT101", "a.jsonl", 4)]),
    (FileSummary("empty.jsonl"), []),
    (FileSummary("b.jsonl", events=2, elided={"RT001": 1_999_000}), [_d("RT001", "b.jsonl", 2)]),
]


def test_streamed_json_is_the_whole_document_byte_for_byte() -> None:
    out, result = _stream("json", OUTCOMES)
    whole = Result(files=[s for s, _ in OUTCOMES], diagnostics=[d for _, ds in OUTCOMES for d in ds])
    whole.tally, whole.by_code, whole.elapsed = result.tally, result.by_code, result.elapsed
    assert out == orjson.dumps(result_dict(whole), option=orjson.OPT_INDENT_2).decode() + "\n"
    data = json.loads(out)
    assert [d["line"] for d in data["diagnostics"]] == [1, 4, 2]
    assert data["files"][2]["elided"] == {"RT001": 1_999_000}
    assert data["summary"]["by_code"] == {"RT001": 1_999_002, "RT101": 1}
    assert data["summary"]["elided"] == 1_999_000 and data["summary"]["errors"] == 1_999_003
    assert result.diagnostics == []  # the run kept tallies only


def test_streamed_json_without_findings_is_valid() -> None:
    out, _ = _stream("json", [(FileSummary("a.jsonl", events=1), [])])
    assert json.loads(out)["diagnostics"] == []
    assert '"diagnostics": [],' in out


def test_text_lines_are_written_as_each_file_finishes() -> None:
    buf = io.StringIO()
    reporter = TextReporter(PlainOutput(buf))
    reporter.begin()
    reporter.file(*OUTCOMES[0])
    assert buf.getvalue() == "a.jsonl:1:1: RT001 RT001 at 1\na.jsonl:4:1: RT101 RT101 at 4\n"
    reporter.file(*OUTCOMES[2])
    assert buf.getvalue().endswith("b.jsonl:2:1: RT001 RT001 at 2\nb.jsonl: and 1,999,000 more RT001 in this file\n")


def test_elided_counts_in_every_format() -> None:
    text, _ = _stream("text", OUTCOMES)
    assert "b.jsonl: and 1,999,000 more RT001 in this file" in text
    github, _ = _stream("github", OUTCOMES)
    assert "::notice file=b.jsonl,title=RT001::and 1,999,000 more RT001 in this file" in github
    sarif, _ = _stream("sarif", OUTCOMES)
    notes = json.loads(sarif)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["properties"]["elidedCount"] == 1_999_000


def test_quiet_hides_info_findings_and_their_elided_counts() -> None:
    outcomes = [(FileSummary("a.jsonl", elided={"RT203": 7, "RT001": 3}), [_d("RT203", "a.jsonl", 0, Severity.INFO)])]
    text, _ = _stream("text", outcomes, quiet=True)
    assert text == "a.jsonl: and 3 more RT001 in this file\n"
    data = json.loads(_stream("json", outcomes, quiet=True)[0])
    assert data["diagnostics"] == [] and data["files"][0]["elided"] == {"RT001": 3, "RT203": 7}


RAW = "\u202e\u009b\ufeff\u2028\u2066"


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_json_escapes_bidi_c1_and_bom(fmt: str) -> None:
    d = _d("RT101", "x\u202e.jsonl", 3, message=f"bad {RAW}", event_type=f"t{RAW}", event_id=f"e{RAW}")
    out, _ = _stream(fmt, [(FileSummary("x\u202e.jsonl"), [d])])
    assert not any(ch in out for ch in RAW), [hex(ord(c)) for c in out if ord(c) > 126][:5]
    doc = json.loads(out)
    assert "\\u202e" in out or "\u202e" in json.dumps(doc, ensure_ascii=False)
    if fmt == "json":
        assert doc["diagnostics"][0]["event_id"] == f"e{RAW}"  # escaped on the wire, exact when parsed


def test_json_bounds_huge_values() -> None:
    big = "e" * 5_000_000
    d = _d("RT101", "a.jsonl", 1, message="m" * 3_000_000, event_id=big, response_id=big, json_path="$." + big)
    out, _ = _stream("json", [(FileSummary("a.jsonl"), [d])])
    assert len(out) < 10_000
    diag = json.loads(out)["diagnostics"][0]
    assert diag["event_id"].startswith("eee") and diag["event_id"].endswith("(+4999800 chars)")


def test_json_survives_lone_surrogates() -> None:
    d = _d("RT101", "caf\udce9.jsonl", 1, message="bad \ud800")
    out, _ = _stream("json", [(FileSummary("caf\udce9.jsonl"), [d])])
    out.encode("utf-8")
    assert json.loads(out)["diagnostics"][0]["path"] == "caf\ufffd.jsonl"


def test_statistics_by_count_then_code() -> None:
    result = Result(by_code={"RT101": 2, "RT001": 5, "RT003": 2, "RT203": 9})
    table = rows(result)
    assert [(r["code"], r["count"]) for r in table] == [("RT203", 9), ("RT001", 5), ("RT003", 2), ("RT101", 2)]
    assert [r["code"] for r in rows(result, quiet=True)] == ["RT001", "RT003", "RT101"]  # RT203 is info
    out, _ = _stream("text", OUTCOMES, statistics=True)
    lines = out.splitlines()
    assert lines[:2] == ["1999002  RT001  error    malformed-json", "      1  RT101  error    schema-violation"]
    assert lines[3].startswith("Checked 3 files")
    data = json.loads(_stream("json", OUTCOMES, statistics=True)[0])
    assert data[0] == {"code": "RT001", "name": "malformed-json", "severity": "error", "count": 1_999_002}


def test_report_of_a_finished_result_matches_the_stream() -> None:
    whole = Result(files=[s for s, _ in OUTCOMES], diagnostics=[d for _, ds in OUTCOMES for d in ds])
    buf = io.StringIO()
    JsonReporter(PlainOutput(buf)).report(whole)
    streamed, _ = _stream("json", OUTCOMES)
    assert json.loads(buf.getvalue())["diagnostics"] == json.loads(streamed)["diagnostics"]
