"""Which files a run reads: paths named on the command line, directories searched, and the
project's logs when no path is given.

One answer for every consumer (the engine, the progress bar's total, ``show``/``ls``/
``stats``): :func:`discover` names each input once, however it was reached (twice on the
command line, through a directory and by name, through a symlink).

* A path named on the command line is always opened (``<(zcat log.gz)`` is a pipe, and
  meant); one that cannot be gets a precise reason (no such file, a dangling symlink, a
  symlink loop, permission denied).
* A named directory is searched recursively for ``*.jsonl``/``*.ndjson`` (and ``.gz``),
  sorted, hidden directories skipped. Special files (FIFOs, sockets, devices) found there are
  skipped quietly (a FIFO would block the run forever); a dangling or looping symlink named
  like a log is reported, since it stands for a log that cannot be read.
* With no path given (:class:`DefaultRoot`), the search follows git as ruff and pre-commit
  do: inside a work tree only the files git tracks or would track (untracked but not
  ignored: ``git ls-files --cached --others --exclude-standard``); outside one, or without
  git, a plain directory walk. Nothing found there is reported except "no log files".
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

LOG_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
NO_LOGS = "no log files (*.jsonl, *.ndjson or their .gz forms) in this directory"
"""The ``discover`` 'error' for a directory with no log file: a warning (RT008), not RT006."""
_GIT_TIMEOUT = 30


class DefaultRoot(str):
    """A directory searched because no path was given (see the module docstring): it reads
    as its path everywhere, and :func:`discover` searches it the quiet, git-aware way."""

    __slots__ = ()


def default_roots(paths: list[str] | None = None) -> list[str]:
    """What to read when no path is named: ``paths`` (configured ones, read as named), else
    the current directory searched as a :class:`DefaultRoot`."""
    return list(paths) if paths else [DefaultRoot(".")]


def discover(paths: list[str]) -> Iterator[tuple[str, str | None]]:
    """Expand paths into the inputs to read, each once, in order.

    Yields ``(path, error)``; ``error`` is None for a path to read, or a message for a path
    that cannot be read (RT006) or a directory without logs (:data:`NO_LOGS`, RT008).
    ``-`` stands for stdin.
    """
    seen: set[object] = set()
    for raw in paths:
        if raw == "-":
            if "-" not in seen:
                seen.add("-")
                yield raw, None
            continue
        if isinstance(raw, DefaultRoot):
            found = list(_default_files(raw))
            if not found:
                yield str(raw), NO_LOGS
            for path, key in found:
                if key not in seen:
                    seen.add(key)
                    yield path, None
            continue
        try:
            st = os.stat(raw)
        except OSError as exc:
            yield raw, _why_not(raw, exc)
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _named_dir(raw, seen)
            continue
        key = (st.st_dev, st.st_ino)
        if key not in seen:
            seen.add(key)
            yield raw, None


def describe(paths: list[str]) -> str:
    """Where a run looked, for a message such as "no response matches ... in <this>"."""
    parts = []
    for p in paths:
        if isinstance(p, DefaultRoot):
            where = "the current directory" if p == "." else str(p)
            parts.append(f"the log files under {where} (no path given; files git ignores skipped)")
        elif p == "-":
            parts.append("standard input")
        else:
            parts.append(str(p))
    return ", ".join(parts) if parts else "no input"


def _why_not(path: str, exc: OSError) -> str:
    """A named path that cannot be reached, said precisely."""
    if exc.errno == errno.ELOOP:
        return "cannot open: a symbolic link loop (too many levels of symbolic links)"
    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            return f"cannot open: dangling symbolic link (its target {_target(path)} does not exist)"
        return "no such file or directory"
    if exc.errno == errno.ENOTDIR:
        return "no such file or directory (a part of the path is not a directory)"
    return f"cannot access: {exc.strerror or exc}"


def _target(path: str) -> str:
    try:
        return repr(os.readlink(path))[:200]
    except OSError:
        return "?"


def _named_dir(top: str, seen: set[object]) -> Iterator[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    logs: list[tuple[str, object]] = []
    any_log = False

    def onerror(exc: OSError) -> None:
        found.append((str(exc.filename or top), f"cannot list: {exc.strerror or exc}"))

    for root, dirs, files in os.walk(top, onerror=onerror):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.endswith(LOG_SUFFIXES):
                continue
            full = os.path.join(root, name)
            try:
                st = os.stat(full)
            except OSError as exc:
                any_log = True
                found.append((full, _why_not(full, exc)))
                continue
            if not stat.S_ISREG(st.st_mode):
                continue  # a FIFO, socket or device is not a log, and would block the run
            any_log = True
            logs.append((full, (st.st_dev, st.st_ino)))
    for path, key in _prefer_real(logs):
        if key not in seen:
            seen.add(key)
            found.append((path, None))
    if not any_log and not found:  # e.g. logs saved as .json: a silent 'checked 0 files' would hide it
        found.append((top, NO_LOGS))
    found.sort(key=lambda item: item[0])
    yield from found


def _default_files(top: str) -> Iterator[tuple[str, object]]:
    """Regular log files under ``top`` that git does not ignore, sorted; ``(path, key)``."""
    listed = _git_files(top)
    names = listed if listed is not None else _walk_files(top)
    found: list[tuple[str, object]] = []
    for full in names:
        try:
            st = os.stat(full)
        except OSError:
            continue  # deleted but still in the index, a dangling link: not named, not reported
        if stat.S_ISREG(st.st_mode):
            found.append((full, (st.st_dev, st.st_ino)))
    yield from _prefer_real(found)


def _prefer_real(found: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """One entry per file, sorted by path: of a file and a symlink to it, the file's own path."""
    best: dict[object, str] = {}
    for path, key in sorted(found, key=lambda item: (os.path.islink(item[0]), item[0])):
        best.setdefault(key, path)
    return sorted(((path, key) for key, path in best.items()), key=lambda item: item[0])


def _walk_files(top: str) -> list[str]:
    out: list[str] = []
    for root, dirs, files in os.walk(top, onerror=lambda _exc: None):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        out.extend(os.path.join(root, n) for n in files if n.endswith(LOG_SUFFIXES))
    return out


def _git_files(top: str) -> list[str] | None:
    """Log files under ``top`` that git tracks or would track; None when git cannot say
    (not installed, not a work tree, a safe.directory refusal, ...). Never touches a network:
    ``ls-files`` reads the index and the work tree only."""
    git = shutil.which("git")
    if git is None:
        return None
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        proc = subprocess.run(
            [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=top, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=_GIT_TIMEOUT, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    out = []
    for rel in proc.stdout.split(b"\0"):
        name = os.fsdecode(rel)
        if not name.endswith(LOG_SUFFIXES) or any(part.startswith(".") for part in Path(name).parts[:-1]):
            continue
        out.append(os.path.join(top, name))
    return out
