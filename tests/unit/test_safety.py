"""safety.clean / utf8_safe: nothing from a log can drive the terminal or break UTF-8 output."""

from __future__ import annotations

import pytest

from realtime_cli.core.safety import clean, markup_safe, utf8_safe, utf8_safe_tree


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\x1b]8;;http://evil/\x1b\\x", "\\x1b]8;;http://evil/\\x1b\\x"),
        ("a\rb", "a\\rb"),
        ("a\x08b", "a\\bb"),
        ("bell\x07", "bell\\x07"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("\u202eevil", "\\u202eevil"),
        ("\u2066iso\u2069", "\\u2066iso\\u2069"),
        ("line\u2028sep", "line\\u2028sep"),
        ("lone\ud800", "lone\\ud800"),
        ("tab\tnl\n", "tab\\tnl\\n"),
        ("plain é ✓", "plain é ✓"),
    ],
)
def test_clean_escapes_every_control(raw: str, shown: str) -> None:
    assert clean(raw) == shown
    clean(raw).encode("utf-8")


def test_clean_limits_before_escaping() -> None:
    out = clean("x" * 10_000, 100)
    assert out.startswith("x" * 100) and out.endswith("…(+9900 chars)")
    assert len(clean("\x1b" * 10_000, 50)) < 50 * 4 + 30


def test_markup_safe_keeps_brackets_literal() -> None:
    from rich.text import Text

    assert Text.from_markup(markup_safe("[bold]x[/] \x1b")).plain == "[bold]x[/] \\x1b"


def test_utf8_safe_replaces_only_surrogates() -> None:
    assert utf8_safe("ok é") == "ok é"
    assert utf8_safe("a\ud800b\udfff") == "a\ufffdb\ufffd"
    tree = utf8_safe_tree({"k\udc80": ["\ud800", 1, None, {"x": "\udbff"}]})
    assert tree == {"k\ufffd": ["\ufffd", 1, None, {"x": "\ufffd"}]}
