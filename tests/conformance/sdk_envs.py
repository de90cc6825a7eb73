"""Build (idempotently) the two virtual environments that hold the openai SDK oracles.

The GA oracle (openai 3.52.0) and the beta oracle (openai 1.99.9) cannot share an environment,
and neither may leak into rtcheck's own: each gets a venv at the repository root,
``.venv-sdk-ga/`` and ``.venv-sdk-beta/`` (ignored by ``.gitignore``'s ``.venv-*/``), filled
with pip from the fully pinned ``requirements-{dialect}.txt`` beside this file.

A stamp file inside each venv records a hash of its requirements and of the interpreter, so
a second call is a no-op and a changed pin rebuilds the venv. pip's own cache makes a rebuild
take seconds. Run directly to build both: ``python tests/conformance/sdk_envs.py``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
DIALECTS = ("ga", "beta")
STAMP = "rtcheck-sdk-stamp"


class SdkEnvError(RuntimeError):
    """A venv could not be created or its requirements could not be installed."""


def requirements(dialect: str) -> Path:
    """The pinned requirements file of ``dialect``."""
    return HERE / f"requirements-{dialect}.txt"


def venv_dir(dialect: str) -> Path:
    """Where the ``dialect`` venv lives (overridable with ``RTCHECK_SDK_VENV_ROOT``)."""
    root = Path(os.environ.get("RTCHECK_SDK_VENV_ROOT", REPO_ROOT))
    return root / f".venv-sdk-{dialect}"


def python_of(dialect: str) -> Path:
    """The interpreter inside the ``dialect`` venv."""
    return venv_dir(dialect) / "bin" / "python"


def _fingerprint(dialect: str) -> str:
    digest = hashlib.sha256(requirements(dialect).read_bytes())
    digest.update(sys.version.encode())
    digest.update(sys.executable.encode())
    return digest.hexdigest()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    # Two pytest processes building the same venv at once would corrupt it.
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure(dialect: str) -> Path:
    """Create or reuse the ``dialect`` venv; returns its interpreter."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}")
    target = venv_dir(dialect)
    stamp = target / STAMP
    wanted = _fingerprint(dialect)
    # The lock lives in a folder that .gitignore's `.venv-*/` already covers.
    with _locked(target.parent / ".venv-sdk-locks" / f"{dialect}.lock"):
        if stamp.is_file() and stamp.read_text() == wanted and python_of(dialect).exists():
            return python_of(dialect)
        if target.exists():
            shutil.rmtree(target)
        venv.EnvBuilder(with_pip=True, clear=True).create(target)
        cmd = [
            str(python_of(dialect)),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "-r",
            str(requirements(dialect)),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SdkEnvError(
                f"pip install for the {dialect} SDK venv failed ({proc.returncode}):\n"
                f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
            )
        stamp.write_text(wanted)
    return python_of(dialect)


def main() -> int:
    """Build both venvs and print their interpreters."""
    for dialect in DIALECTS:
        print(f"{dialect}: {ensure(dialect)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
