"""Hostile situations around the input rather than inside it: huge lines, deep nesting,
missing and unreadable paths, closed stdin, pipes that close early, Ctrl-C, the network."""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from realtime_cli.logs.loader import ParseFailure, Record, iter_file
from tests.hostile.conftest import CORPUS, RunCli, assert_terminal_safe
from tests.hostile.make_corpus import GOOD, defect

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def _cli(*args: str, **kw: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("RTCHECK_DEBUG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "realtime_cli", *args],
        stdout=kw.pop("stdout", subprocess.PIPE), stderr=subprocess.PIPE, env=env, cwd=kw.pop("cwd", ROOT), **kw,
    )


def _codes(out: str) -> set[tuple[str, int]]:
    return {(d["code"], d["line"]) for d in json.loads(out)["diagnostics"]}


# --------------------------------------------------------------------------- size and depth


def test_100_mb_line_is_skipped_streamed_and_the_rest_checked(tmp_path: Path, run_cli: RunCli) -> None:
    """Default --max-line-bytes is 64 MiB: a 100 MB line is RT003 (error), drained in 1 MiB
    chunks without being held whole, and the defect on the next line is still found."""
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as f:
        f.write(GOOD + b"\n")
        f.write(b'{"type":"response.audio.delta","event_id":"big","delta":"')
        chunk = b"A" * MB
        for _ in range(100):
            f.write(chunk)
        f.write(b'"}\n' + defect() + b"\n")
    tracemalloc.start()
    try:
        items = list(iter_file(str(path)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 80 * MB, f"peak {peak / MB:.0f} MB: the long line was held more than once"
    assert [type(i).__name__ for i in items] == ["Record", "ParseFailure", "Record"]
    fail = items[1]
    assert isinstance(fail, ParseFailure) and (fail.code, fail.line) == ("RT003", 2)
    assert "104857" in fail.message  # the real size is reported
    assert isinstance(items[2], Record) and items[2].line == 3
    code, out, _ = run_cli("validate", "--format", "json", str(path))
    assert code == 1
    assert {("RT003", 2), ("RT101", 3)} <= _codes(out)
    assert len(out) < 10_000  # no megabyte message


def test_max_line_bytes_option_applies(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "small.jsonl"
    path.write_bytes(GOOD + b"\n" + defect() + b"\n")
    code, out, _ = run_cli("validate", "--format", "json", "--max-line-bytes", "100", str(path))
    assert code == 1
    assert ("RT003", 1) in _codes(out) and ("RT101", 2) in _codes(out)


def test_100000_levels_of_nesting(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000 + b"\n" + b'{"a":' * 100_000 + b"0" + b"}" * 100_000 + b"\n" + defect() + b"\n")
    code, out, _ = run_cli("validate", "--format", "json", str(path))
    assert code == 1
    assert {("RT001", 1), ("RT001", 2), ("RT101", 3)} <= _codes(out)
    assert "nested deeper than 1024 levels" in out


def test_duplicate_keys_last_one_wins(tmp_path: Path) -> None:
    """Documented choice: like JSON.parse and Python's json, the last duplicate wins."""
    path = tmp_path / "dup.jsonl"
    path.write_bytes(b'{"type":"error","type":"session.created","event_id":"a","event_id":"b"}\n')
    (rec,) = list(iter_file(str(path)))
    assert isinstance(rec, Record)
    assert rec.event == {"type": "session.created", "event_id": "b"}


def test_big_integer_line_is_still_validated(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "bigint.jsonl"
    path.write_bytes(b'{"type":"error","event_id":"e","error":{"type":"x","code":"c","param":null,"event_id":null},"n":' + b"9" * 40 + b"}\n")
    code, out, _ = run_cli("validate", "--format", "json", str(path))
    assert ("RT101", 1) in _codes(out), out  # message is missing: found despite the 40-digit number
    assert code == 1


# --------------------------------------------------------------------------- paths


def test_defects_before_a_missing_file_are_reported_and_exit_is_2(tmp_path: Path, run_cli: RunCli) -> None:
    good = tmp_path / "good.jsonl"
    good.write_bytes(GOOD + b"\n" + defect() + b"\n")
    for fmt in ("json", "text", "github", "sarif"):
        code, out, err = run_cli("validate", "--format", fmt, str(good), str(tmp_path / "missing.jsonl"))
        assert code == 2, (fmt, out, err)
        if fmt == "json":
            assert ("RT101", 2) in _codes(out)
            assert any(d["code"] == "RT006" and d["path"].endswith("missing.jsonl") for d in json.loads(out)["diagnostics"])
        elif fmt == "sarif":
            results = json.loads(out)["runs"][0]["results"]
            assert {r["ruleId"] for r in results} >= {"RT101", "RT006"}
        else:
            assert "RT101" in out and "RT006" in out


def test_fifo_and_dangling_symlink_in_a_directory(tmp_path: Path, run_cli: RunCli) -> None:
    """Inside a directory, a FIFO (or socket) is not a log and would block the run forever:
    skipped quietly. A dangling link or a symlink loop named like a log stands for a log that
    cannot be read: reported (RT006, exit 2), with the right reason. Every other file is checked."""
    d = tmp_path / "logs"
    d.mkdir()
    (d / "a_good.jsonl").write_bytes(GOOD + b"\n" + defect() + b"\n")
    os.mkfifo(d / "b_fifo.jsonl")
    (d / "c_dangling.jsonl").symlink_to(d / "nowhere.jsonl")
    (d / "d_good.jsonl").write_bytes(defect() + b"\n")
    (d / "e_loop.jsonl").symlink_to(d / "e_loop.jsonl")
    code, out, _ = run_cli("validate", "--format", "json", str(d))
    assert code == 2
    diags = json.loads(out)["diagnostics"]
    by_file = {(Path(x["path"]).name, x["code"]) for x in diags}
    assert {("a_good.jsonl", "RT101"), ("d_good.jsonl", "RT101"), ("c_dangling.jsonl", "RT006"), ("e_loop.jsonl", "RT006")} <= by_file
    assert not any(Path(x["path"]).name == "b_fifo.jsonl" for x in diags)
    messages = {Path(x["path"]).name: x["message"] for x in diags if x["code"] == "RT006"}
    assert "dangling symbolic link" in messages["c_dangling.jsonl"]
    assert "symbolic link loop" in messages["e_loop.jsonl"]


@pytest.mark.parametrize("how", ["loop", "dangling", "missing"])
def test_named_path_that_cannot_be_reached_says_why(tmp_path: Path, run_cli: RunCli, how: str) -> None:
    """A symlink loop named on the command line is not "no such file or directory"."""
    p = tmp_path / "x.jsonl"
    if how == "loop":
        p.symlink_to(p)
    elif how == "dangling":
        p.symlink_to(tmp_path / "gone.jsonl")
    code, out, _ = run_cli("validate", "--format", "json", str(p))
    assert code == 2
    (diag,) = json.loads(out)["diagnostics"]
    expected = {"loop": "symbolic link loop", "dangling": "dangling symbolic link", "missing": "no such file"}[how]
    assert diag["code"] == "RT006" and expected in diag["message"], diag


def test_permission_denied_file(tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreadable file is RT006 (exit 2) and the next file is still checked.

    Tests run as root here, where chmod 000 does not stop a read, so the OS refusal is
    simulated at the loader's one ``open`` call: the handling under test is rtcheck's."""
    import builtins

    from realtime_cli.logs import streams

    locked = tmp_path / "locked.jsonl"
    locked.write_bytes(GOOD + b"\n")
    other = tmp_path / "other.jsonl"
    other.write_bytes(defect() + b"\n")

    def refusing_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return builtins.open(path, *args, **kwargs)

    monkeypatch.setattr(streams, "open", refusing_open, raising=False)
    code, out, _ = run_cli("validate", "--format", "json", str(locked), str(other))
    assert code == 2
    diags = json.loads(out)["diagnostics"]
    assert any(d["code"] == "RT006" and d["line"] == 0 and "Permission denied" in d["message"] for d in diags), diags
    assert any(d["code"] == "RT101" and d["path"].endswith("other.jsonl") for d in diags), diags


def test_nonexistent_path_alone(run_cli: RunCli, tmp_path: Path) -> None:
    code, out, _err = run_cli("validate", str(tmp_path / "nope.jsonl"))
    assert code == 2
    assert "RT006" in out and "no such file" in out


# --------------------------------------------------------------------------- streams and signals


def test_stdin_closed() -> None:
    """`rtcheck validate - <&-`: fd 0 does not exist. A clear RT006 and exit 2."""
    p = subprocess.run(
        ["bash", "-c", f"exec 0<&-; exec {sys.executable} -m realtime_cli validate --color never -"],
        capture_output=True, cwd=ROOT, timeout=60,
    )
    assert p.returncode == 2, p.stderr
    assert b"Traceback" not in p.stderr
    assert b"standard input is closed" in p.stdout


def test_stdin_writer_dies_mid_line() -> None:
    """The producer is killed mid-event: the cut last line is RT001, the defect before it found."""
    p = _cli("validate", "--format", "json", "-", stdin=subprocess.PIPE)
    assert p.stdin is not None
    p.stdin.write(defect() + b"\n" + b'{"type":"response.done","event_id":"ev')
    p.stdin.close()
    assert p.stdout is not None and p.stderr is not None
    with p.stdout, p.stderr:
        out, err = p.stdout.read(), p.stderr.read()
    assert p.wait(timeout=60) == 1, err
    assert b"Traceback" not in err
    codes = _codes(out.decode())
    assert {("RT101", 1), ("RT001", 2)} <= codes
    assert "cut off" in out.decode()


def _many_defects(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "many.jsonl"
    with path.open("wb") as f:
        for i in range(n):
            f.write(defect(f"event_{i}") + b"\n")
    return path


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_output_piped_into_head(tmp_path: Path, fmt: str) -> None:
    """A real `rtcheck validate ... | head -n 3` pipeline: no BrokenPipeError traceback."""
    path = _many_defects(tmp_path, 3000)
    r, w = os.pipe()
    head = subprocess.Popen(["head", "-n", "3"], stdin=r, stdout=subprocess.PIPE)
    p = _cli("validate", "--format", fmt, "--color", "always", str(path), stdout=w)
    os.close(r)
    os.close(w)  # only the two processes hold the pipe: when head exits, writes fail (EPIPE)
    head_out, _ = head.communicate(timeout=60)
    _, err = p.communicate(timeout=120)
    assert len(head_out.splitlines()) == 3
    assert b"Traceback" not in err and b"BrokenPipe" not in err and b"Exception ignored" not in err, err
    assert p.returncode == 1  # the findings verdict; head closing the pipe is not an internal error


def test_ctrl_c_during_a_long_validation(tmp_path: Path) -> None:
    """SIGINT while validating: exit 130, one line on stderr, no traceback."""
    path = _many_defects(tmp_path, 400_000)  # long enough to still be running after startup
    p = _cli("validate", str(path))
    time.sleep(3.0)
    assert p.poll() is None, "the validation finished before it could be interrupted"
    p.send_signal(signal.SIGINT)
    _out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err
    assert b"interrupted" in err


# --------------------------------------------------------------------------- network


def test_validation_never_opens_a_network_connection(monkeypatch: pytest.MonkeyPatch, run_cli: RunCli) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network access during validation")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    fixtures = [str(p) for p in (ROOT / "tests" / "fixtures" / "valid", ROOT / "tests" / "fixtures" / "invalid") if p.is_dir()]
    for fmt in ("text", "sarif"):
        code, out, _ = run_cli("validate", "--format", fmt, str(CORPUS), *fixtures)
        assert code in (1, 2)
        if fmt == "text":
            assert_terminal_safe(out)
    assert attempts == []


def test_non_utf8_file_name_in_every_format(tmp_path: Path, run_cli: RunCli) -> None:
    """os.walk hands back undecodable names with lone surrogates: no format may crash on them."""
    d = tmp_path / "logs"
    d.mkdir()
    with open(os.path.join(os.fsencode(d), b"caf\xe9.jsonl"), "wb") as f:
        f.write(defect() + b"\n")
    for fmt in ("text", "json", "github", "sarif"):
        code, out, _ = run_cli("validate", "--format", fmt, str(d))
        assert code == 1, (fmt, out)
        out.encode("utf-8")
        if fmt in ("json", "sarif"):
            json.loads(out)
        else:
            assert_terminal_safe(out)
            assert "caf\\udce9.jsonl" in out  # shown escaped, not dropped


def test_a_log_named_twice_is_checked_once(tmp_path: Path, run_cli: RunCli) -> None:
    """Named twice, through its directory, and through a symlink: one file, one finding."""
    d = tmp_path / "logs"
    d.mkdir()
    (d / "a.jsonl").write_bytes(defect() + b"\n")
    (tmp_path / "link.jsonl").symlink_to(d / "a.jsonl")
    code, out, _ = run_cli("validate", "--format", "json", str(d / "a.jsonl"), str(d), str(tmp_path / "link.jsonl"), str(d / "a.jsonl"))
    assert code == 1
    data = json.loads(out)
    assert [(Path(x["path"]).name, x["code"]) for x in data["diagnostics"]] == [("a.jsonl", "RT101")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32-be"])
def test_show_and_ls_read_a_utf16_log_like_its_utf8_twin(tmp_path: Path, run_cli: RunCli, encoding: str) -> None:
    """A PowerShell-written copy of a session (UTF-16 with a BOM, CRLF) answers `show` and
    `ls` as the UTF-8 original does when streamed (its bytes cannot be searched for the id)."""
    src = Path(__file__).resolve().parents[2] / "examples" / "ga_session.jsonl"
    text = src.read_bytes().decode()
    utf8 = tmp_path / "ga.jsonl.gz"
    utf8.write_bytes(gzip.compress(text.encode()))
    twin = tmp_path / "ga16.jsonl"
    data = text.replace("\n", "\r\n")
    twin.write_bytes(data.encode(encoding) if encoding == "utf-16" else b"\x00\x00\xfe\xff" + data.encode(encoding))
    for cmd in (("show", "last"), ("ls",)):
        code8, out8, _ = run_cli(*cmd, "--format", "json", str(utf8))
        code16, out16, _ = run_cli(*cmd, "--format", "json", str(twin))
        assert code8 == code16 == 0
        assert out16.replace(str(twin), str(utf8)) == out8
