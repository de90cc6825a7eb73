"""The long form of each rule's documentation, read once from the bundled ``rule_docs.toml``.

The text lives in a data file, not in Python, so a rule's explanation reads as prose and its
examples as the JSONL a user would paste. ``catalog`` attaches it to each ``Rule`` (``rule.doc``)
and renders it; ``rtcheck rule``, SARIF ``help`` and ``docs/rules.md`` all read it from there.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

INPUT_KINDS = ("jsonl", "bytes", "gzip", "utf16", "path")
"""How a doc's ``bad``/``good`` text becomes the input that shows the rule:

- ``jsonl``: the text is the log file, as is;
- ``bytes``: the text is the log file with ``\\xNN`` standing for one raw byte (invalid UTF-8,
  NUL bytes), because those bytes cannot be shown as text;
- ``gzip``: the text is gzip-compressed into a ``.gz`` log; for ``bad`` the compressed stream
  is then cut short (a truncated download or an interrupted writer);
- ``utf16``: ``bad`` is saved as UTF-16 LE with a byte-order mark (as Windows PowerShell 5's
  ``>`` saves text), ``good`` as UTF-8;
- ``path``: no content; ``bad`` is a path that does not exist and ``good`` one that does.
"""


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """A rule's explanation: what it checks, why it matters, an example and its fix, the evidence.

    ``bad`` is the smallest input that triggers the rule and ``good`` the corrected one (empty
    where no input can be corrected, e.g. an unreadable path). ``input`` says how that text
    becomes an input (one of ``INPUT_KINDS``) and ``args`` the ``rtcheck validate`` options the
    example needs (e.g. ``--max-line-bytes 80`` or ``--select RT011``). The tests run every
    example through the real validator, so the docs cannot drift from the rules.
    """

    what: str = ""
    why: str = ""
    bad: str = ""
    good: str = ""
    fix: str = ""
    evidence: str = ""
    input: str = "jsonl"
    args: tuple[str, ...] = ()
    repeat: int = 0
    """When > 0, the example stands for its lines written ``repeat`` times over, with ``{i}``
    replaced by 1, 2, ... in each copy (a rule about volume, such as RT803)."""

    def bad_bytes(self) -> bytes:
        """The bytes of ``bad`` as a log file holds them (``\\xNN`` decoded for ``bytes``)."""
        data = _as_bytes(self.bad, self.input, self.repeat)
        if self.input == "utf16":
            return b"\xff\xfe" + data.decode("utf-8").encode("utf-16-le")
        return data

    def good_bytes(self) -> bytes:
        """The bytes of ``good`` as a log file holds them."""
        return _as_bytes(self.good, self.input, self.repeat)


EMPTY = RuleDoc()

_FIELDS = ("what", "why", "bad", "good", "fix", "evidence", "input", "args", "repeat")


def _as_bytes(text: str, kind: str, repeat: int) -> bytes:
    if repeat > 0:
        text = "".join(text.replace("{i}", str(i)) for i in range(1, repeat + 1))
    if kind == "bytes":
        import codecs

        raw: bytes = codecs.escape_decode(text.encode("utf-8"))[0]
        return raw
    return text.encode("utf-8")


@functools.cache
def load() -> dict[str, RuleDoc]:
    """Every rule's documentation by code, parsed from the bundled TOML once per process."""
    from importlib import resources

    return parse(resources.files("realtime_cli.rules").joinpath("rule_docs.toml").read_text(encoding="utf-8"))


def parse(text: str) -> dict[str, RuleDoc]:
    """Rule docs from TOML text (``[CODE]`` tables); ValueError names a malformed entry."""
    import tomllib

    data = tomllib.loads(text)
    out: dict[str, RuleDoc] = {}
    for code, entry in data.items():
        unknown = set(entry) - set(_FIELDS)
        if unknown:
            raise ValueError(f"rule_docs.toml: {code} has unknown field(s) {sorted(unknown)}")
        kind = entry.get("input", "jsonl")
        if kind not in INPUT_KINDS:
            raise ValueError(f"rule_docs.toml: {code} has input {kind!r}, not one of {INPUT_KINDS}")
        out[code] = RuleDoc(
            what=_prose(entry.get("what", "")),
            why=_prose(entry.get("why", "")),
            bad=_example(entry.get("bad", "")),
            good=_example(entry.get("good", "")),
            fix=_prose(entry.get("fix", "")),
            evidence=_prose(entry.get("evidence", "")),
            input=kind,
            args=tuple(entry.get("args", ())),
            repeat=int(entry.get("repeat", 0)),
        )
    return out


def _prose(text: str) -> str:
    """Reflow hard-wrapped TOML prose: one line per paragraph; lists (``- ``) keep their lines."""
    paras = []
    for block in text.strip().split("\n\n"):
        lines = [ln.strip() for ln in block.strip().splitlines()]
        out: list[str] = []
        for ln in lines:
            if out and not ln.startswith("- "):
                out[-1] += " " + ln
            else:
                out.append(ln)
        paras.append("\n".join(out))
    return "\n\n".join(p for p in paras if p)


def _example(text: str) -> str:
    """An example is kept as written, minus the newline TOML leaves after the opening quotes."""
    text = text.lstrip("\n")
    return text if not text or text.endswith("\n") else text + "\n"
