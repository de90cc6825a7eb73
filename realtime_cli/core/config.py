"""``[tool.rtcheck]`` in pyproject.toml, found from the current directory upward.

A configuration that cannot be used is an error (exit code 2), never a silent change of what
is checked: a TOML syntax error, a file that is not UTF-8, a ``tool`` or ``[tool.rtcheck]``
that is not a table, an unknown key (with the close one suggested), a value of the wrong type
or outside its choices, an empty rule selector. Every message names the file and, where it
can, the key and its line: ``pyproject.toml:7: [tool.rtcheck] fail-on: 'fatal' is not one of
'error', 'warning', 'info'``.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KNOWN_KEYS = frozenset({"dialect", "select", "ignore", "fail-on", "format", "paths", "jobs", "max-line-bytes", "prices"})
CHOICES: dict[str, tuple[str, ...]] = {
    "dialect": ("auto", "beta", "ga"),
    "fail-on": ("error", "warning", "info"),
    "format": ("text", "json", "github", "sarif"),
}
"""Keys whose value is one of a few words (the same choices as the command-line options)."""
TABLE = "[tool.rtcheck]"


class ConfigError(ValueError):
    """A configuration file rtcheck cannot use (exit code 2); the message names the file."""


@dataclass(frozen=True)
class FileConfig:
    """Settings read from a pyproject.toml; ``source`` is None when none was found."""

    values: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None
    text: str = field(default="", repr=False, compare=False)
    """The file's text, to find the line of a key for a later error (:meth:`error`)."""

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def error(self, key: str, message: str) -> ConfigError:
        """A :class:`ConfigError` about ``key``, located at its line in the file."""
        if self.source is None:
            return ConfigError(f"{TABLE} {key}: {message}")
        return ConfigError(f"{_where(self.source, key_line(self.text, key))}: {TABLE} {key}: {message}")


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies inside it, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _where(path: Path, line: int | None, col: int | None = None) -> str:
    out = display_path(path)
    if line:
        out += f":{line}"
        if col:
            out += f":{col}"
    return out


def key_line(text: str, key: str) -> int | None:
    """The 1-based line where ``key`` of ``[tool.rtcheck]`` is set, best effort, or None.

    Looks inside the ``[tool.rtcheck]`` section first, then for a dotted
    ``tool.rtcheck.key =`` or ``rtcheck.key =`` anywhere, then for the bare key anywhere.
    """
    lines = text.splitlines()
    bare = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
    section = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            section = re.sub(r"\s+", "", stripped.split("#", 1)[0])
            continue
        if section == "[tool.rtcheck]" and bare.match(line):
            return i + 1
    dotted = re.compile(rf"""^\s*(tool\s*\.\s*)?rtcheck\s*\.\s*["']?{re.escape(key)}["']?\s*=""")
    for i, line in enumerate(lines):
        if dotted.match(line):
            return i + 1
    for i, line in enumerate(lines):
        if bare.match(line) or re.search(rf"""[{{,]\s*["']?{re.escape(key)}["']?\s*=""", line):
            return i + 1
    return None


def _table_line(text: str) -> int | None:
    for i, line in enumerate(text.splitlines()):
        if re.match(r"^\s*\[\s*tool\s*\.\s*rtcheck\s*\]", line):
            return i + 1
    return key_line(text, "rtcheck") or key_line(text, "tool")


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml that has a ``[tool.rtcheck]`` table, searching upward."""
    found = _find(start)
    return None if found is None else found[0]


def _find(start: Path | None) -> tuple[Path, dict[str, Any], str] | None:
    """The nearest pyproject.toml with a ``[tool.rtcheck]`` table, its contents and its text.

    A pyproject.toml that never spells ``rtcheck`` (unless with ``\\u`` escapes) is skipped
    without being parsed: it cannot configure rtcheck. One that does and cannot be read
    (not UTF-8, not TOML) raises :class:`ConfigError`: ignoring it would silently check
    something other than what the user configured.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            raw = candidate.read_bytes()
        except OSError as exc:  # it may hold [tool.rtcheck]: skipping it would change the checks
            raise ConfigError(f"{display_path(candidate)}: cannot read: {exc.strerror}") from None
        if b"rtcheck" not in raw and b"\\u" not in raw and b"\\U" not in raw:
            continue
        text = _decode(candidate, raw)
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _syntax_error(candidate, exc, text) from None
        tool = data.get("tool")
        if tool is None:
            continue
        if not isinstance(tool, dict):
            if "rtcheck" not in text:
                continue
            raise ConfigError(
                f"{_where(candidate, key_line(text, 'tool'))}: `tool` must be a table "
                f"(write {TABLE} as a section header), not {_kind(tool)}"
            )
        if "rtcheck" in tool:
            return candidate, data, text
    return None


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{_where(path, line)}: not valid UTF-8 (byte 0x{raw[exc.start]:02x}); TOML files must be UTF-8"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _syntax_error(path: Path, exc: Exception, text: str) -> ConfigError:
    message = str(exc)
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", message)
    if m:
        return ConfigError(f"{_where(path, int(m[1]), int(m[2]))}: invalid TOML: {message[: m.start()]}")
    m = re.search(r"\s*\(at end of document\)\s*$", message)
    if m:
        last = text.rstrip("\n").count("\n") + 1
        return ConfigError(f"{_where(path, last)}: invalid TOML at the end of the file: {message[: m.start()]}")
    return ConfigError(f"{_where(path, None)}: invalid TOML: {message}")


def _kind(value: Any) -> str:
    """``a string ('rtcheck')``: a TOML value's type, for messages."""
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "an array", dict: "a table"}
    kind = next((n for t, n in names.items() if type(value) is t), type(value).__name__)
    shown = repr(value)
    return f"{kind} ({shown if len(shown) <= 60 else shown[:57] + '...'})"


def load(start: Path | None = None) -> FileConfig:
    """Read and check ``[tool.rtcheck]``; raise :class:`ConfigError` on bad contents."""
    found = _find(start)
    if found is None:
        return FileConfig()
    path, data, text = found
    table = data["tool"]["rtcheck"]
    fc = FileConfig({}, path, text)
    if not isinstance(table, dict):
        raise ConfigError(f"{_where(path, _table_line(text))}: {TABLE} must be a table, not {_kind(table)}")
    for key in sorted(set(table) - KNOWN_KEYS):
        close = difflib.get_close_matches(key.replace("_", "-"), sorted(KNOWN_KEYS), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}?" if close else f"known keys: {', '.join(sorted(KNOWN_KEYS))}"
        raise ConfigError(f"{_where(path, key_line(text, key))}: unknown key in {TABLE}: {key}: {hint}")
    for key in ("select", "ignore", "paths"):
        if key not in table:
            continue
        value = table[key]
        if not (isinstance(value, list) and all(isinstance(x, str) for x in value)):
            raise fc.error(key, f"must be an array of strings, not {_kind(value)}")
        if any(not x.strip() for x in value):
            raise fc.error(key, "holds an empty string; remove it")
        if key == "select" and not value:
            raise fc.error(key, "is empty, so no rule would run; remove the key for the default rules")
    for key, choices in CHOICES.items():
        if key not in table:
            continue
        value = table[key]
        if not isinstance(value, str):
            raise fc.error(key, f"must be a string, one of {_choices(choices)}; not {_kind(value)}")
        if value.strip().lower() not in choices:
            raise fc.error(key, f"{value!r} is not one of {_choices(choices)}")
    for key, low in (("jobs", 0), ("max-line-bytes", 1)):
        if key in table:
            value = table[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                kind = "a non-negative integer" if low == 0 else "a positive integer"
                raise fc.error(key, f"must be {kind}, not {_kind(value)}")
    values = dict(table)
    for key in CHOICES:
        if key in values:
            values[key] = values[key].strip().lower()
    if "paths" in values:  # relative to the pyproject's folder, not the cwd
        values["paths"] = [str(path.parent / p) if not Path(p).is_absolute() else p for p in values["paths"]]
    return FileConfig(values, path, text)


def _choices(choices: tuple[str, ...]) -> str:
    return ", ".join(repr(c) for c in choices)


PRICE_FIELDS = frozenset({
    "text_input", "text_cached_input", "text_output", "audio_input", "audio_cached_input", "audio_output",
    "image_input", "image_cached_input",
})


def prices(file_config: FileConfig) -> dict[str, dict[str, float]]:
    """``[tool.rtcheck.prices]``: model -> {field: USD per 1M tokens}; ConfigError if malformed."""
    table = file_config.get("prices")
    if table is None:
        return {}
    where = f"{file_config.source}: [tool.rtcheck.prices]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table of models")
    out: dict[str, dict[str, float]] = {}
    for model, figures in table.items():
        if not isinstance(figures, dict):
            raise ConfigError(f"{where} {model!r} must be a table such as {{ audio_input = 32.0 }}")
        unknown = sorted(set(figures) - PRICE_FIELDS)
        if unknown:
            raise ConfigError(f"{where} {model!r}: unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(PRICE_FIELDS))})")
        for key, value in figures.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value != value:
                raise ConfigError(f"{where} {model!r} {key} must be a non-negative number (USD per 1M tokens)")
        out[str(model)] = {k: float(v) for k, v in figures.items()}
    return out


def default_log_paths(file_config: FileConfig) -> list[str]:
    """The configured ``paths`` to read when none is given ([] when none is configured: then
    the project's log files are discovered, see :mod:`realtime_cli.logs.discovery`)."""
    return list(file_config.get("paths") or [])
