"""``[tool.rtcheck]`` in pyproject.toml, found from the current directory upward."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KNOWN_KEYS = frozenset({"dialect", "select", "ignore", "fail-on", "format", "paths", "jobs", "max-line-bytes", "prices"})


class ConfigError(ValueError):
    """A configuration file rtcheck cannot use (exit code 2)."""


@dataclass(frozen=True)
class FileConfig:
    """Settings read from a pyproject.toml; ``source`` is None when none was found."""

    values: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml that has a ``[tool.rtcheck]`` table, searching upward."""
    found = _find(start)
    return None if found is None else found[0]


def _find(start: Path | None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest pyproject.toml with a ``[tool.rtcheck]`` table, and its parsed contents."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            # A file that never spells "rtcheck" cannot have the table (unless the key is
            # written with \u escapes): skip it without importing or running the TOML parser.
            if "rtcheck" not in text and "\\u" not in text and "\\U" not in text:
                continue
            import tomllib

            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                continue
            if "rtcheck" in data.get("tool", {}):
                return candidate, data
    return None


def load(start: Path | None = None) -> FileConfig:
    """Read and check ``[tool.rtcheck]``; raise :class:`ConfigError` on bad contents."""
    found = _find(start)
    if found is None:
        return FileConfig()
    path, data = found
    table = data["tool"]["rtcheck"]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.rtcheck] must be a table")
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in [tool.rtcheck]: {', '.join(unknown)}")
    for key in ("select", "ignore", "paths"):
        if key in table and not (isinstance(table[key], list) and all(isinstance(x, str) for x in table[key])):
            raise ConfigError(f"{path}: [tool.rtcheck] {key} must be a list of strings")
    for key in ("dialect", "fail-on", "format"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{path}: [tool.rtcheck] {key} must be a string")
    for key in ("jobs", "max-line-bytes"):
        if key in table and (not isinstance(table[key], int) or isinstance(table[key], bool) or table[key] < 0):
            raise ConfigError(f"{path}: [tool.rtcheck] {key} must be a non-negative integer")
    values = dict(table)
    if "paths" in values:  # relative to the pyproject's folder, not the cwd
        values["paths"] = [str(path.parent / p) if not Path(p).is_absolute() else p for p in values["paths"]]
    return FileConfig(values, path)


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
