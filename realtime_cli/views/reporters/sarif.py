"""SARIF 2.1.0 output, in the shape GitHub code scanning accepts.

One run; ``tool.driver.rules`` lists the whole rule catalogue (so ``ruleIndex`` is stable), each
rule with its full description and help (text and markdown) from the rule documentation
(:mod:`realtime_cli.rules.catalog`), so code scanning shows what a finding means and how to fix
it. Each diagnostic is one result with a physical location whose region's ``startLine`` is at
least 1 (whole-file findings, line 0 internally, point at line 1, as GitHub requires).

Locations follow SARIF 2.1.0 section 3.4.4: a path inside the working directory is a relative,
``/``-separated, percent-encoded URI against ``%SRCROOT%`` (the repository root in CI, given in
``originalUriBaseIds``); any other path is an absolute ``file:`` URI with no ``uriBaseId``.

Results are written as each input finishes (:mod:`~realtime_cli.views.reporters.jsonstream`);
message text is :func:`~realtime_cli.core.safety.clean`-ed and bounded, and the document is
valid, UTF-8-safe JSON whatever the log held. No URL in it is a placeholder: the tool has no
public home page yet, so ``informationUri`` and ``helpUri`` are left out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from realtime_cli.core.diagnostics import Diagnostic, Result, Severity
from realtime_cli.core.safety import DEFAULT_LIMIT, clean
from realtime_cli.rules import catalog as rules
from realtime_cli.views.reporters import StreamingReporter
from realtime_cli.views.reporters.jsonstream import StreamedArray, placeholder

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
_RULE_INDEX = {code: i for i, code in enumerate(rules.RULES)}
_FAMILY = {
    "0": "input", "1": "schema", "2": "dialect", "3": "lifecycle", "4": "streams",
    "5": "usage", "6": "references", "7": "tools", "8": "log",
}


def artifact_location(path: str) -> dict[str, Any]:
    """A SARIF ``artifactLocation`` for an input path (see the module docstring).

    Characters that are not allowed in a URI (spaces, ``%``, ``#``, ``?``, control characters,
    non-UTF-8 bytes) are percent-encoded. Standard input has no URI of its own: it is named
    ``stdin`` with a description and no base.
    """
    if path in ("<stdin>", "-"):
        return {"uri": "stdin", "description": {"text": "standard input"}}
    uri = artifact_uri(path)
    if uri.startswith("file:"):
        return {"uri": uri}
    return {"uri": uri, "uriBaseId": SRCROOT}


def artifact_uri(path: str) -> str:
    """The URI of ``path``: relative to the cwd when inside it, else an absolute ``file:`` URI."""
    if path in ("<stdin>", "-"):
        return "stdin"
    native = path
    if os.path.isabs(native):
        try:
            rel = os.path.relpath(native)
        except ValueError:  # another drive on Windows
            rel = native
        if rel.startswith("..") or os.path.isabs(rel):
            return file_uri(native)
        native = rel
    encoded = os.fsencode(native).replace(os.sep.encode(), b"/")
    while encoded.startswith(b"./"):
        encoded = encoded[2:]
    return quote(encoded, safe="/")


def file_uri(path: str) -> str:
    """An absolute path as an RFC 8089 ``file:///`` URI, percent-encoded byte by byte."""
    encoded = os.fsencode(path).replace(os.sep.encode(), b"/")
    return "file://" + ("" if encoded.startswith(b"/") else "/") + quote(encoded, safe="/:")


def srcroot_uri() -> str:
    """The working directory as a ``file:`` URI ending in ``/`` (what relative URIs resolve against)."""
    uri = file_uri(str(Path.cwd()))
    return uri if uri.endswith("/") else uri + "/"


def rule_descriptor(code: str) -> dict[str, Any]:
    """One ``reportingDescriptor`` for the driver's rule list, with the rule's documentation."""
    r = rules.RULES[code]
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": rules.full_description(r)},
        "help": {"text": rules.help_text(r), "markdown": rules.help_markdown(r)},
        "defaultConfiguration": {"level": _LEVEL[r.severity], "enabled": r.default},
        "properties": {
            "tags": ["realtime", _FAMILY.get(r.code[2:3], "other")],
            "severity": r.severity.label,
            "problem.severity": _PROBLEM_SEVERITY[r.severity],
        },
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
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(d.path), "region": region}}],
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


def elided_notification(path: str, code: str, count: int) -> dict[str, Any]:
    """A ``toolExecutionNotification`` saying ``count`` more ``code`` findings were not listed;
    the number itself is in ``properties.elidedCount``."""
    note: dict[str, Any] = {
        "level": "note",
        "message": {"text": f"and {count:,} more {code} in this file (not listed)"},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(path)}}],
        "properties": {"elidedCount": count},
    }
    if code in _RULE_INDEX:
        note["associatedRule"] = {"id": code, "index": _RULE_INDEX[code]}
    return note


def _run_head() -> dict[str, Any]:
    from realtime_cli import __version__

    return {
        "tool": {
            "driver": {
                "name": "rtcheck",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [rule_descriptor(code) for code in rules.RULES],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": srcroot_uri()}},
        "columnKind": "unicodeCodePoints",
    }


def _document(run: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def invocation(result: Result, elided: list[dict[str, Any]]) -> dict[str, Any]:
    """The run's one invocation: success, unreadable inputs and elided findings."""
    notes = [
        {"level": "error", "message": {"text": f"cannot read {clean(f.path, 300)}"}}
        for f in result.files
        if not f.readable
    ][:100]
    notes.extend(elided)
    inv: dict[str, Any] = {"executionSuccessful": not result.input_error}
    if notes:
        inv["toolExecutionNotifications"] = notes
    return inv


def sarif_log(result: Result, *, quiet: bool = False) -> dict[str, Any]:
    """The whole SARIF log for a finished result, as plain data (the streamed output has the
    same content)."""
    results = [result_object(d) for d in result.diagnostics if not (quiet and d.severity < Severity.WARNING)]
    from realtime_cli.views.reporters import shown_elided

    elided = [
        elided_notification(f.path, code, n) for f in result.files for code, n in shown_elided(f, quiet=quiet).items()
    ]
    return _document({**_run_head(), "results": results, "invocations": [invocation(result, elided)]})


class SarifReporter(StreamingReporter):
    """``--format sarif``: one SARIF 2.1.0 document on stdout, its results written as the run goes."""

    def __init__(self, console: Any, *, quiet: bool = False, statistics: bool = False) -> None:
        super().__init__(console, quiet=quiet, statistics=statistics)
        self._array = StreamedArray(console.file)
        self._head: dict[str, Any] = {}
        self._elided: list[dict[str, Any]] = []

    def begin(self) -> None:
        self._head = _run_head()
        self._array.begin(_document({**self._head, "results": placeholder()}))

    def emit(self, diagnostics: list[Diagnostic]) -> None:
        self._array.items(result_object(d) for d in diagnostics)

    def elided(self, path: str, counts: dict[str, int]) -> None:
        self._elided.extend(elided_notification(path, code, n) for code, n in counts.items())

    def summary(self, result: Result) -> None:
        run = {**self._head, "results": placeholder(), "invocations": [invocation(result, self._elided)]}
        self._array.end(_document(run))
