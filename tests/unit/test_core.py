"""Unit tests of the small core modules: rule catalogue, configuration, dialect facts, messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from realtime_cli.core import config
from realtime_cli.core.diagnostics import Severity
from realtime_cli.engine.explain import json_path, short
from realtime_cli.logs import dialect
from realtime_cli.rules import catalog as rules


def test_rule_codes_are_stable_shaped_and_unique() -> None:
    names = [r.name for r in rules.RULES.values()]
    assert len(names) == len(set(names))
    for code, rule in rules.RULES.items():
        assert re.fullmatch(r"RT\d{3}", code)
        assert rule.code == code
        assert rule.summary.endswith(".")


def test_selectors_expand_prefixes_and_reject_unknown() -> None:
    assert rules.expand(["RT00"]) == {c for c in rules.RULES if c.startswith("RT00")}
    assert rules.expand(["rt101"]) == {"RT101"}
    assert rules.expand(["ALL"]) == set(rules.RULES)
    with pytest.raises(ValueError, match="RT999"):
        rules.expand(["RT999"])
    enabled = rules.enabled_codes(["RT1"], ["RT102"])
    assert "RT101" in enabled and "RT102" not in enabled and "RT001" not in enabled
    defaults = rules.enabled_codes(None, None)
    assert "RT103" not in defaults and "RT101" in defaults
    assert "RT103" in rules.enabled_codes(["RT1"], None)


def test_severity_parse() -> None:
    assert Severity.parse("Warning") is Severity.WARNING
    assert Severity.ERROR > Severity.WARNING > Severity.INFO
    with pytest.raises(ValueError):
        Severity.parse("fatal")


def test_config_found_upward_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.rtcheck]\npaths = ["logs"]\nfail-on = "warning"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    fc = config.load(deep)
    assert fc.source == tmp_path / "pyproject.toml"
    assert fc.get("paths") == [str(tmp_path / "logs")]
    assert config.default_log_paths(fc) == [str(tmp_path / "logs")]


def test_config_skips_pyprojects_without_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.rtcheck]\nformat = "json"\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert config.load(inner).get("format") == "json"


@pytest.mark.parametrize(
    "body",
    ['select = "RT1"', "jobs = -1", 'dialect = 3', "colour = true", "jobs = true"],
)
def test_config_rejects_bad_values(tmp_path: Path, body: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.rtcheck]\n{body}\n")
    with pytest.raises(config.ConfigError):
        config.load(tmp_path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'tool = "rtcheck"\n', "pyproject.toml:1: `tool` must be a table"),
        (b'[project]\nname = "x"\n\n[tool]\nrtcheck = 3\n', "pyproject.toml:5: [tool.rtcheck] must be a table, not an integer (3)"),
        (b'[tool.rtcheck]\nselect = ["RT1",\n', "pyproject.toml:2: invalid TOML at the end of the file"),
        (b'[tool.rtcheck]\nselect = ["RT1"]\nfail-on = = "x"\n', "pyproject.toml:3:11: invalid TOML: "),
        (b'[tool.rtcheck]\n# caf\xe9 rtcheck\n', "pyproject.toml:2: not valid UTF-8 (byte 0xe9)"),
        (b'[tool.rtcheck]\n\nselect = [""]\n', "pyproject.toml:3: [tool.rtcheck] select: holds an empty string"),
        (b'[tool.rtcheck]\nselect = []\n', "pyproject.toml:2: [tool.rtcheck] select: is empty, so no rule would run"),
        (b'[tool.rtcheck]\nignore = ["RT1", " "]\n', "pyproject.toml:2: [tool.rtcheck] ignore: holds an empty string"),
        (b'[tool.rtcheck]\ndialect = "ga"\nfail_on = "warning"\n', "pyproject.toml:3: unknown key in [tool.rtcheck]: fail_on: did you mean fail-on?"),
        (b'[tool.rtcheck]\nmaxlinebytes = 5\n', "maxlinebytes: did you mean max-line-bytes?"),
        (b'[tool.rtcheck]\nzzz = 5\n', "zzz: known keys: dialect, fail-on"),
        (b'[tool.rtcheck]\nformat = "xml"\n', "pyproject.toml:2: [tool.rtcheck] format: 'xml' is not one of 'text', 'json', 'github', 'sarif'"),
        (b'[tool.rtcheck]\nfail-on = 2\n', "[tool.rtcheck] fail-on: must be a string, one of 'error', 'warning', 'info'; not an integer (2)"),
        (b'[tool.rtcheck]\nmax-line-bytes = 0\n', "pyproject.toml:2: [tool.rtcheck] max-line-bytes: must be a positive integer"),
        (b'tool.rtcheck.jobs = "2"\n', "pyproject.toml:1: [tool.rtcheck] jobs: must be a non-negative integer, not a string ('2')"),
    ],
)
def test_config_errors_name_the_file_the_key_and_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: bytes, expected: str
) -> None:
    (tmp_path / "pyproject.toml").write_bytes(raw)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(config.ConfigError) as info:
        config.load(tmp_path)
    assert expected in str(info.value)


def test_config_choices_are_case_insensitive_and_a_bom_is_fine(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b'\xef\xbb\xbf[tool.rtcheck]\nformat = "JSON"\n')
    assert config.load(tmp_path).get("format") == "json"


def test_config_error_from_a_parent_folder_names_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.rtcheck]\nselekt = ["RT1"]\n')
    inner = tmp_path / "a"
    inner.mkdir()
    monkeypatch.chdir(inner)
    with pytest.raises(config.ConfigError, match=r"^" + re.escape(str(tmp_path / "pyproject.toml")) + r":2: .*select\?"):
        config.load()


def test_dialect_event_sets_match_the_protocol_counts() -> None:
    assert len(dialect.CLIENT_EVENTS["beta"]) == 12 and len(dialect.SERVER_EVENTS["beta"]) == 34
    assert len(dialect.CLIENT_EVENTS["ga"]) == 11 and len(dialect.SERVER_EVENTS["ga"]) == 46
    for d in dialect.DIALECTS:
        assert not dialect.CLIENT_EVENTS[d] & dialect.SERVER_EVENTS[d]


def test_dialect_signals() -> None:
    assert dialect.strong_signal({}, "response.text.delta") == "beta"
    assert dialect.strong_signal({}, "response.output_text.delta") == "ga"
    assert dialect.strong_signal({"response": {"modalities": ["text"]}}, "response.done") == "beta"
    assert dialect.strong_signal({"response": {"output_modalities": ["text"]}}, "response.created") == "ga"
    assert dialect.strong_signal({"session": {"type": "realtime"}}, "session.created") == "ga"
    assert dialect.strong_signal({"session": {"type": "realtime"}}, "session.update") is None
    assert dialect.weak_signal({"session": {"type": "realtime"}}, "session.update") == "ga"
    assert dialect.strong_signal({}, "error") is None
    assert dialect.direction_of("response.create") == "client"
    assert dialect.direction_of("response.done") == "server"
    assert dialect.direction_of("output_audio_buffer.audio_started") == "server"


def test_messages_elide_long_values() -> None:
    long = "QUJD" * 10_000
    out = short(long)
    assert len(out) < 100 and "(40000 chars)" in out
    assert short("a\x1b[31mb") == '"a\\x1b[31mb"'
    assert short({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}).endswith(", …}")
    assert json_path(["response", "output", 0, "content", 1, "type"]) == "$.response.output[0].content[1].type"
    assert json_path(["metadata", "weird key"]) == '$.metadata["weird key"]'
