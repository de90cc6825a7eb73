"""SARIF 2.1.0 output, in the shape GitHub code scanning accepts.

One run; ``tool.driver.rules`` lists the whole rule catalogue (so ``ruleIndex`` is stable and
code scanning can show every rule's summary); each diagnostic is one result with a physical
location: a relative, ``/``-separated, percent-encoded URI and a region whose ``startLine``
is at least 1 (whole-file findings, line 0 internally, point at line 1, as GitHub requires).

Message text is :func:`~realtime_cli.core.safety.clean`-ed and bounded, and every string is made
UTF-8-safe, so the output is valid JSON whatever the log held.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

import orjson

from realtime_cli.core.diagnostics import Diagnostic, Result, Severity
from realtime_cli.core.safety import DEFAULT_LIMIT, clean, utf8_safe, utf8_safe_tree
from realtime_cli.rules import catalog as rules
from realtime_cli.views.reporters import Output

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/rtcheck/rtcheck"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_RULE_INDEX = {code: i for i, code in enumerate(rules.RULES)}
_FAMILY = {
    "0": "input", "1": "schema", "2": "dialect", "3": "lifecycle", "4": "streams",
    "5": "usage", "6": "references", "7": "tools", "8": "log",
}


def artifact_uri(path: str) -> str:
    """A SARIF ``artifactLocation.uri``: relative to the cwd when inside it, else a file URI.

    Relative URIs are resolved by code scanning against the repository root (``%SRCROOT%``),
    which is the working directory of a CI job. Characters that are not allowed in a URI
    (spaces, ``%``, ``#``, ``?``, control characters, non-UTF-8 bytes) are percent-encoded.
    """
    if path == "<stdin>" or path == "-":
        return "stdin"
    native = path
    if os.path.isabs(native):
        try:
            rel = os.path.relpath(native)
        except ValueError:  # another drive on Windows
            rel = native
        if rel.startswith(".."):
            encoded = os.fsencode(native).replace(os.sep.encode(), b"/")
            return "file://" + ("" if encoded.startswith(b"/") else "/") + quote(encoded, safe="/")
        native = rel
    encoded = os.fsencode(native).replace(os.sep.encode(), b"/")
    if encoded.startswith(b"./"):
        encoded = encoded[2:]
    return quote(encoded, safe="/")


def rule_descriptor(code: str) -> dict[str, Any]:
    """One ``reportingDescriptor`` for the driver's rule list."""
    r = rules.RULES[code]
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.summary},
        "defaultConfiguration": {"level": _LEVEL[r.severity]},
        "properties": {"tags": ["realtime", _FAMILY.get(r.code[2:3], "other")], "severity": r.severity.label},
    }


def result_object(d: Diagnostic) -> dict[str, Any]:
    """One SARIF ``result`` for one diagnostic."""
    text = clean(d.message, DEFAULT_LIMIT)
    if d.line <= 0:
        text += " (applies to the whole file)"
    region = {"startLine": max(d.line, 1), "startColumn": max(d.col, 1)}
    res: dict[str, Any] = {
        "ruleId": d.code,
        "level": _LEVEL[d.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(d.path), "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
    }
    if d.code in _RULE_INDEX:
        res["ruleIndex"] = _RULE_INDEX[d.code]
    props = {
        key: clean(value, 200)
        for key, value in (
            ("eventType", d.event_type),
            ("eventId", d.event_id),
            ("jsonPath", d.json_path),
            ("responseId", d.response_id),
        )
        if value
    }
    if props:
        res["properties"] = props
    return res


def sarif_log(result: Result, *, quiet: bool = False) -> dict[str, Any]:
    """The whole SARIF log for a run, as plain data."""
    from realtime_cli import __version__

    results = [result_object(d) for d in result.diagnostics if not (quiet and d.severity < Severity.WARNING)]
    unreadable = [f.path for f in result.files if not f.readable]
    invocation: dict[str, Any] = {"executionSuccessful": not result.input_error}
    if unreadable:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": f"cannot read {clean(p, 300)}"}} for p in unreadable[:100]
        ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "rtcheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(code) for code in rules.RULES],
                    }
                },
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


class SarifReporter:
    """``--format sarif``: one SARIF 2.1.0 document on stdout."""

    def __init__(self, console: Output, *, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet

    def report(self, result: Result) -> None:
        data = utf8_safe_tree(sarif_log(result, quiet=self.quiet))
        text = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")
        # Bypass Rich: the document must reach the stream byte-exact.
        self.console.file.write(utf8_safe(text) + "\n")
        self.console.file.flush()
