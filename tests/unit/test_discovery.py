"""discovery: each input once, git-aware when no path is given, precise when a path is bad."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from realtime_cli.logs import discovery
from realtime_cli.logs.discovery import NO_LOGS, DefaultRoot, default_roots, describe, discover

EV = b'{"type":"session.created","event_id":"e1"}\n'
HAS_GIT = shutil.which("git") is not None


def _names(found: list[tuple[str, str | None]], base: Path) -> list[tuple[str, str | None]]:
    return [(os.path.relpath(p, base) if os.path.isabs(p) else p, e) for p, e in found]


def test_a_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    d = tmp_path / "logs"
    d.mkdir()
    (d / "a.jsonl").write_bytes(EV)
    (d / "b.jsonl").write_bytes(EV)
    (tmp_path / "link.jsonl").symlink_to(d / "a.jsonl")
    paths = [str(d / "a.jsonl"), str(d), str(tmp_path / "link.jsonl"), str(d / "a.jsonl"), "-", "-"]
    found = _names(list(discover(paths)), tmp_path)
    assert found == [("logs/a.jsonl", None), ("logs/b.jsonl", None), ("-", None)]


def test_inside_a_directory_the_file_is_named_not_its_link(tmp_path: Path) -> None:
    (tmp_path / "z.jsonl").write_bytes(EV)
    (tmp_path / "a_link.jsonl").symlink_to(tmp_path / "z.jsonl")
    assert _names(list(discover([str(tmp_path)])), tmp_path) == [("z.jsonl", None)]


def test_named_paths_that_cannot_be_read_say_why(tmp_path: Path) -> None:
    loop = tmp_path / "loop.jsonl"
    loop.symlink_to(loop)
    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to(tmp_path / "gone.jsonl")
    (tmp_path / "file").write_bytes(b"")
    found = dict(discover([str(loop), str(dangling), str(tmp_path / "missing.jsonl"), str(tmp_path / "file" / "x")]))
    assert "symbolic link loop" in str(found[str(loop)])
    assert "dangling symbolic link" in str(found[str(dangling)]) and "gone.jsonl" in str(found[str(dangling)])
    assert found[str(tmp_path / "missing.jsonl")] == "no such file or directory"
    assert "not a directory" in str(found[str(tmp_path / "file" / "x")])


def test_empty_directory_says_it_holds_no_logs(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_bytes(EV)  # .json is not searched for inside a directory
    os.mkfifo(tmp_path / "pipe.jsonl")  # a FIFO is not a log
    assert list(discover([str(tmp_path)])) == [(str(tmp_path), NO_LOGS)]


def _tree(root: Path) -> None:
    for rel in ("tracked.jsonl", "untracked.jsonl", "ignored/x.jsonl", "build.tmp.jsonl", "sub/y.ndjson.gz",
                ".hidden/z.jsonl", "notes.txt"):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(EV)
    (root / ".gitignore").write_text("ignored/\n*.tmp.jsonl\n")
    os.mkfifo(root / "fifo.jsonl")
    (root / "dangling.jsonl").symlink_to(root / "nowhere")


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


@pytest.mark.skipif(not HAS_GIT, reason="git not installed")
def test_no_path_given_follows_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tracked and untracked-but-not-ignored logs; ignored ones, hidden folders, FIFOs and
    dangling links skipped quietly (nothing named, nothing reported)."""
    _tree(tmp_path)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "tracked.jsonl")
    monkeypatch.chdir(tmp_path)
    found = list(discover(default_roots()))
    assert found == [("./sub/y.ndjson.gz", None), ("./tracked.jsonl", None), ("./untracked.jsonl", None)]


@pytest.mark.parametrize("why", ["not a work tree", "git missing"])
def test_no_path_given_without_git_walks_the_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, why: str) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # no work tree above tmp_path either
    if why == "git missing":
        monkeypatch.setattr(discovery.shutil, "which", lambda _name: None)
    found = [p for p, err in discover(default_roots()) if err is None]
    assert found == ["./build.tmp.jsonl", "./ignored/x.jsonl", "./sub/y.ndjson.gz", "./tracked.jsonl", "./untracked.jsonl"]


def test_no_path_given_and_no_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert list(discover(default_roots())) == [(".", NO_LOGS)]


def test_configured_paths_are_named_paths(tmp_path: Path) -> None:
    roots = default_roots([str(tmp_path / "missing")])
    assert not isinstance(roots[0], DefaultRoot)
    assert list(discover(roots)) == [(str(tmp_path / "missing"), "no such file or directory")]


def test_describe_says_where_a_run_looked() -> None:
    assert "current directory" in describe(default_roots()) and "git" in describe(default_roots())
    assert describe(["a.jsonl", "-"]) == "a.jsonl, standard input"


def test_progress_total_counts_each_file_once(tmp_path: Path) -> None:
    from realtime_cli.cli.progress import input_sizes

    (tmp_path / "a.jsonl").write_bytes(EV * 10)
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "a.jsonl")
    sizes = input_sizes([str(tmp_path / "a.jsonl"), str(tmp_path), str(tmp_path / "link.jsonl")])
    assert sum(sizes.values()) == len(EV) * 10
