"""Helpers for the hostile-input tests: run the real CLI edge (``main()``) in-process."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
EXPECTED: dict[str, dict[str, Any]] = json.loads((HERE / "expected.json").read_text())

# Rich's own colour codes (SGR: ESC [ ... m) are allowed in --color always output; nothing else.
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def assert_terminal_safe(text: str, *, colour: bool = False) -> None:
    """No raw ESC (beyond Rich's SGR when ``colour``), CR, backspace, BEL or bidi control."""
    bare = _SGR.sub("", text) if colour else text
    assert "\x1b" not in bare, f"raw ESC in output: {bare[bare.index(chr(27)) - 40:][:120]!r}"
    for ch in ("\r", "\x08", "\x07", "\x9b", "\x00"):
        assert ch not in bare, f"raw {ch!r} in output"
    leaked = _BIDI.intersection(bare)
    assert not leaked, f"bidi controls in output: {leaked}"
    assert not re.search(r"[\ud800-\udfff]", bare), "lone surrogate in output"


RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> RunCli:
    """Call ``realtime_cli.cli.main.main(argv)``; return ``(exit code, stdout, stderr)``.

    Runs in an empty working directory so no pyproject.toml configuration applies.
    """
    from realtime_cli.cli.main import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("RTCHECK_DEBUG", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exc:
            main(list(args))
        out, err = capsys.readouterr()
        code = exc.value.code
        assert isinstance(code, int), code
        assert "Traceback" not in err, err
        assert "internal error" not in err, err
        return code, out, err

    return run
