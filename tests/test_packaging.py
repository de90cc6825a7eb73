"""Test what users install: the wheel (with the schemas inside) and the pre-commit hook, for real."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "examples" / "ga_session.jsonl"

pytestmark = pytest.mark.slow


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600)


def broken_log(tmp: Path) -> Path:
    lines = GOOD.read_text(encoding="utf-8").splitlines()
    lines.insert(1, '{"type": "response.done", "event_id": "event_x", "response": {"object": "nope"}}')
    p = tmp / "broken.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (whl,) = out.glob("rtcheck-*.whl")
    return whl


def test_wheel_ships_every_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    schemas = sorted(p.relative_to(ROOT / "schemas").as_posix() for p in (ROOT / "schemas").rglob("*.json"))
    assert schemas, "no schemas in the source tree"
    missing = [s for s in schemas if f"realtime_cli/schemas/{s}" not in names]
    assert not missing, missing
    assert "realtime_cli/schemas.py" not in names
    assert "realtime_cli/rules/rule_docs.toml" in names, "the rule docs (rtcheck rule, SARIF help) must ship"
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_installed_wheel_runs_in_a_clean_venv(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    proc = run([str(py), "-m", "pip", "install", "--quiet", str(wheel)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    exe = env_dir / "bin" / "rtcheck"
    # Run from a folder without the source tree, so only the installed schemas can be found.
    proc = run([str(exe), "validate", str(GOOD)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run([str(exe), "validate", str(broken_log(tmp_path)), "--format", "json"], cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert '"RT101"' in proc.stdout
    proc = run([str(exe), "rule", "RT402"], cwd=tmp_path)
    assert proc.returncode == 0 and "### Why it matters" in proc.stdout, proc.stdout + proc.stderr
    proc = run([str(py), "-c", "import realtime_cli.engine.schema_store as s; print(s.schema_root())"], cwd=tmp_path)
    assert "site-packages" in proc.stdout, proc.stdout + proc.stderr
    proc = run([str(py), "-X", "importtime", "-c", "import realtime_cli.cli.main"], cwd=tmp_path)
    assert "pydantic" not in proc.stderr and "openai" not in proc.stderr


def test_pre_commit_hook_passes_good_and_fails_broken_logs(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is required for the pre-commit test")
    repo = tmp_path / "userrepo"
    repo.mkdir()
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pc-home"), GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    env.pop("VIRTUAL_ENV", None)
    assert run(["git", "init", "-q"], cwd=repo).returncode == 0
    logs = repo / "logs"
    logs.mkdir()
    shutil.copy(GOOD, logs / "good.jsonl")
    assert run(["git", "add", "."], cwd=repo).returncode == 0
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "rtcheck", "--all-files", "--color", "never"]
    proc = run(pre_commit, cwd=repo, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout, proc.stdout
    shutil.copy(broken_log(tmp_path), logs / "broken.jsonl")
    assert run(["git", "add", "."], cwd=repo).returncode == 0
    proc = run(pre_commit, cwd=repo, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout and "broken.jsonl:2:1: RT101" in proc.stdout, proc.stdout
