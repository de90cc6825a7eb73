"""`rtcheck validate` through the real CLI: inputs, formats, options, configuration, exit codes."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from realtime_cli.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
GA_EXAMPLE = ROOT / "examples" / "ga_session.jsonl"
BETA_EXAMPLE = ROOT / "examples" / "beta_session.jsonl"
REAL_SAMPLE_DIR = ROOT / "tests" / "fixtures" / "real"


def invoke(*args: str, input: str | bytes | None = None, cwd: Path | None = None) -> tuple[int, str]:
    """Run the CLI in-process; on failure the output is part of the assertion message."""
    runner = CliRunner()
    env = {"NO_COLOR": "1", "COLUMNS": "200"}
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def find_line(lines: list[str], event_type: str, nth: int = 0) -> int:
    """0-based index of the nth line whose event has ``event_type``."""
    hits = [i for i, ln in enumerate(lines) if json.loads(ln).get("type") == event_type]
    return hits[nth]


# ------------------------------------------------------------------ clean logs


@pytest.mark.parametrize("example", [GA_EXAMPLE, BETA_EXAMPLE], ids=["ga", "beta"])
def test_bundled_examples_are_clean(example: Path) -> None:
    code, out = invoke("validate", str(example))
    assert code == 0, out
    assert "0 errors, 0 warnings, 0 info" in out, out


def test_real_sample_is_clean() -> None:
    samples = sorted(REAL_SAMPLE_DIR.glob("*.json"))
    assert samples, "the real lively4 sample must be committed under tests/fixtures/real/"
    code, out = invoke("validate", *map(str, samples))
    assert code == 0, out
    assert "0 errors, 0 warnings" in out, out


def test_json_format_shape_on_clean_log() -> None:
    code, out = invoke("validate", str(GA_EXAMPLE), "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["version"] == 1
    assert data["tool"]["name"] == "rtcheck"
    assert set(data["summary"]) == {
        "files", "events", "responses", "errors", "warnings", "info", "by_code", "elided", "elapsed_seconds"
    }
    assert list(data) == ["version", "tool", "diagnostics", "files", "summary"]  # diagnostics stream first
    assert data["files"][0]["elided"] == {} and data["summary"]["elided"] == 0
    assert data["summary"]["events"] == len(lines_of(GA_EXAMPLE))
    assert data["summary"]["responses"] >= 1
    assert data["files"][0]["dialect"] == "ga"
    assert data["diagnostics"] == []


# ------------------------------------------------------------------ planted defects


def test_schema_defect_is_reported_on_its_line(tmp_path: Path) -> None:
    lines = lines_of(GA_EXAMPLE)
    i = find_line(lines, "response.done")
    ev = json.loads(lines[i])
    ev["response"]["status"] = "finished"
    lines[i] = json.dumps(ev)
    log = write(tmp_path, "bad.jsonl", lines)
    code, out = invoke("validate", str(log))
    assert code == 1, out
    assert f"bad.jsonl:{i + 1}:1: RT101" in out, out
    assert "$.response.status" in out, out
    assert '"finished" is not one of' in out, out


def test_one_precise_message_for_a_bad_item(tmp_path: Path) -> None:
    lines = lines_of(GA_EXAMPLE)
    i = find_line(lines, "response.output_item.done")
    ev = json.loads(lines[i])
    ev["item"]["type"] = "telepathy"
    lines[i] = json.dumps(ev)
    log = write(tmp_path, "bad.jsonl", lines)
    code, out = invoke("validate", str(log), "--format", "json")
    assert code == 1, out
    diags = [d for d in json.loads(out)["diagnostics"] if d["line"] == i + 1]
    assert len(diags) == 1, diags
    assert diags[0]["json_path"] == "$.item.type"
    assert diags[0]["event_type"] == "response.output_item.done"
    assert diags[0]["event_id"] == ev["event_id"]


def test_malformed_line_does_not_stop_the_run(tmp_path: Path) -> None:
    lines = lines_of(GA_EXAMPLE)
    i = find_line(lines, "response.done")
    ev = json.loads(lines[i])
    del ev["event_id"]
    lines[i] = json.dumps(ev)
    lines.insert(2, '{"type": "session.update", oops}')
    log = write(tmp_path, "bad.jsonl", lines)
    code, out = invoke("validate", str(log))
    assert code == 1, out
    assert "bad.jsonl:3:" in out and "RT001" in out, out
    assert f"bad.jsonl:{i + 2}:1: RT101 missing required field `event_id`" in out, out


def test_unknown_event_type_is_a_warning(tmp_path: Path) -> None:
    lines = [*lines_of(GA_EXAMPLE), '{"type": "response.telepathy.delta", "event_id": "event_x"}']
    log = write(tmp_path, "warn.jsonl", lines)
    code, out = invoke("validate", str(log))
    assert code == 0, out
    assert f"warn.jsonl:{len(lines)}:1: RT102" in out, out
    code, out = invoke("validate", str(log), "--fail-on", "warning")
    assert code == 1, out


def test_long_strings_are_elided(tmp_path: Path) -> None:
    lines = lines_of(GA_EXAMPLE)
    i = find_line(lines, "response.output_audio.delta") if any(
        '"response.output_audio.delta"' in ln for ln in lines
    ) else find_line(lines, "response.output_text.delta")
    ev = json.loads(lines[i])
    ev["output_index"] = "A" * 100_000
    lines[i] = json.dumps(ev)
    log = write(tmp_path, "long.jsonl", lines)
    code, out = invoke("validate", str(log))
    assert code == 1, out
    assert "A" * 200 not in out
    assert "(100000 chars)" in out, out


# ------------------------------------------------------------------ inputs


def test_directory_recursion_gz_and_ndjson(tmp_path: Path) -> None:
    data = GA_EXAMPLE.read_bytes()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.jsonl").write_bytes(data)
    (tmp_path / "a" / "two.ndjson.gz").write_bytes(gzip.compress(data))
    (tmp_path / "notes.txt").write_text("not a log")
    (tmp_path / "three.json").write_text("[]")
    code, out = invoke("validate", str(tmp_path), "--format", "json")
    assert code == 0, out
    files = [Path(f["path"]).name for f in json.loads(out)["files"]]
    assert files == ["one.jsonl", "two.ndjson.gz"]


def test_stdin_dash(tmp_path: Path) -> None:
    code, out = invoke("validate", "-", input=GA_EXAMPLE.read_text(encoding="utf-8"))
    assert code == 0, out
    assert "Checked 1 file" in out


def test_missing_path_exit_2_but_other_files_reported(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.jsonl", ["{nope"])
    code, out = invoke("validate", str(bad), str(tmp_path / "missing.jsonl"))
    assert code == 2, out
    assert "bad.jsonl:1:" in out and "RT001" in out
    assert "missing.jsonl:0:1: RT006" in out


def test_json_array_file_keeps_physical_lines(tmp_path: Path) -> None:
    events = [json.loads(ln) for ln in lines_of(GA_EXAMPLE)]
    i = next(k for k, e in enumerate(events) if e["type"] == "response.done")
    events[i]["response"]["object"] = "realtime.nonsense"
    text = "[\n" + ",\n".join(json.dumps(e) for e in events) + "\n]\n"
    p = tmp_path / "array.jsonl"
    p.write_text(text, encoding="utf-8")
    code, out = invoke("validate", str(p))
    assert code == 1, out
    assert f"array.jsonl:{i + 2}:1: RT101" in out, out


# ------------------------------------------------------------------ options and config


def test_select_and_ignore_take_codes_and_prefixes(tmp_path: Path) -> None:
    log = write(tmp_path, "x.jsonl", ["{bad json", '{"type": "nope.nope", "event_id": "e"}'])
    code, out = invoke("validate", str(log), "--ignore", "RT0")
    assert "RT001" not in out and "RT102" in out, out
    assert code == 0
    code, out = invoke("validate", str(log), "--select", "RT001")
    assert "RT001" in out and "RT102" not in out, out
    assert code == 1
    code, out = invoke("validate", str(log), "--select", "RT9")
    assert code == 2 and "matches no rule code" in out, out


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    log = write(tmp_path, "x.jsonl", ['{"type": "error"}'])
    for args in (["--format", "xml"], ["--fail-on", "fatal"], ["--dialect", "v3"], ["--jobs", "-1"]):
        code, out = invoke("validate", str(log), *args)
        assert code == 2, (args, out)


def test_pyproject_configuration_and_cli_override(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.rtcheck]\nignore = ["RT001"]\nformat = "json"\n')
    sub = tmp_path / "logs"
    sub.mkdir()
    write(sub, "x.jsonl", ["{bad json"])
    code, out = invoke("validate", "logs/x.jsonl", cwd=sub.parent)
    assert code == 0, out
    assert json.loads(out)["diagnostics"] == []
    # found from a subdirectory too, and the command line overrides the file
    code, out = invoke("validate", "x.jsonl", "--format", "text", "--select", "RT001", cwd=sub)
    assert code == 1 and "RT001" in out, out


def test_pyproject_unknown_key_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.rtcheck]\nselekt = ["RT001"]\n')
    write(tmp_path, "x.jsonl", ['{"type": "error"}'])
    code, out = invoke("validate", "x.jsonl", cwd=tmp_path)
    assert code == 2 and "selekt" in out, out


def test_default_paths_from_config_and_cwd(tmp_path: Path) -> None:
    logs = tmp_path / "recordings"
    logs.mkdir()
    write(logs, "s.jsonl", ["{bad"])
    code, out = invoke("validate", cwd=tmp_path)
    assert code == 1 and "s.jsonl:1:" in out, out
    (tmp_path / "pyproject.toml").write_text('[tool.rtcheck]\npaths = ["elsewhere"]\n')
    (tmp_path / "elsewhere").mkdir()
    write(tmp_path / "elsewhere", "t.jsonl", ['{"type": "nope.nope", "event_id": "e"}'])
    code, out = invoke("validate", cwd=tmp_path)
    assert "t.jsonl" in out and "s.jsonl" not in out, out


def test_quiet_prints_only_problems(tmp_path: Path) -> None:
    code, out = invoke("validate", str(GA_EXAMPLE), "--quiet")
    assert code == 0 and out == "", out


def test_rules_command_lists_every_code() -> None:
    from realtime_cli.rules.catalog import RULES

    code, out = invoke("rules", "--format", "json")
    assert code == 0
    assert [r["code"] for r in json.loads(out)] == list(RULES)


def test_python_dash_m_and_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "realtime_cli", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and proc.stdout.startswith("rtcheck "), proc.stderr


# ------------------------------------------------------------------ public API


def test_public_api_validate_path_and_events(tmp_path: Path) -> None:
    from realtime_cli import validate_events, validate_path

    report = validate_path(GA_EXAMPLE)
    assert report.ok and report.diagnostics == ()
    events = [json.loads(ln) for ln in lines_of(GA_EXAMPLE)]
    done = next(e for e in events if e["type"] == "response.done")
    done["response"]["status"] = "finished"
    report = validate_events(events)
    assert not report.ok
    assert {d.code for d in report.errors} == {"RT101"}
    with pytest.raises(ValueError):
        validate_path(GA_EXAMPLE, dialect="v2")


def test_directory_without_logs_is_a_warning_not_a_silent_pass(tmp_path: Path) -> None:
    (tmp_path / "session.json").write_text("[]")  # logs saved under the wrong name
    code, out = invoke("validate", str(tmp_path), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [(d["code"], d["severity"]) for d in data["diagnostics"]] == [("RT008", "warning")]
    assert "no log files" in data["diagnostics"][0]["message"]
    assert data["summary"]["files"] == 0  # the directory is not a file that was checked
    code, _ = invoke("validate", str(tmp_path), "--fail-on", "warning")
    assert code == 1
    code, out = invoke("validate", str(tmp_path), str(GA_EXAMPLE))
    assert "Checked 1 file," in out  # the log beside it is counted; the empty directory is not


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('tool = "rtcheck"\n', "pyproject.toml:1: `tool` must be a table"),
        ('[tool.rtcheck]\nselect = [""]\n', 'pyproject.toml:2: [tool.rtcheck] select: holds an empty string'),
        ('[tool.rtcheck]\nselect = ["RT1"\n', "pyproject.toml:2: invalid TOML"),
        ('[tool.rtcheck]\nfail_on = "info"\n', "fail_on: did you mean fail-on?"),
        ('[tool.rtcheck]\nselect = ["RT9"]\n', "pyproject.toml:2: [tool.rtcheck] select: 'RT9' matches no rule code"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "ls", "stats"])
def test_malformed_pyproject_is_a_configuration_error(tmp_path: Path, body: str, fragment: str, command: str) -> None:
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    write(tmp_path, "x.jsonl", ["{bad json"])
    code, out = invoke(command, "x.jsonl", cwd=tmp_path)
    assert code == 2, out
    assert fragment in out and "internal error" not in out, out


def test_symlink_loop_named_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").symlink_to(tmp_path / "b.jsonl")
    (tmp_path / "b.jsonl").symlink_to(tmp_path / "a.jsonl")
    (tmp_path / "dangling.jsonl").symlink_to(tmp_path / "nowhere.jsonl")
    code, out = invoke("validate", str(tmp_path / "a.jsonl"), str(tmp_path / "dangling.jsonl"))
    assert code == 2, out
    assert "a.jsonl:0:1: RT006 cannot open: a symbolic link loop" in out, out
    assert "dangling.jsonl:0:1: RT006 cannot open: dangling symbolic link (its target" in out, out
    assert "no such file" not in out


def test_json_output_escapes_raw_controls_and_elides_huge_values(tmp_path: Path) -> None:
    raw = "\u202e\u009b\ufeff"
    event = {"type": "response.done", "event_id": "evt_" + raw + "x" * 5_000_000, "response": {"status": raw}}
    log = tmp_path / "hostile.jsonl"
    log.write_text(json.dumps(event, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out = invoke("validate", str(log), "--format", "json")
    assert code == 1, out[:2000]
    assert not any(ch in out for ch in raw), "a raw bidi/C1/BOM character reached the output"
    assert len(out) < 50_000, len(out)
    ids = {d["event_id"] for d in json.loads(out)["diagnostics"]}
    assert ids and all(i.startswith("evt_" + raw) and i.endswith(" chars)") for i in ids), ids
