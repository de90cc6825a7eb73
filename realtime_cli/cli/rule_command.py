"""``rtcheck rule CODE``: one rule's documentation (what, why, example, fix, evidence), like ``ruff rule``.

Reads the one source of rule docs (:mod:`realtime_cli.rules.catalog`, ``Rule.doc``); prints it as
Markdown-ish text through Rich (prose wrapped to the terminal, examples never wrapped, so they
stay copyable) or as JSON (one object per rule, ``"version": 1``).

Exit codes: 0 printed; 2 unknown rule or bad option.
"""

# No `from __future__ import annotations` here: typer reads every parameter's annotation at
# each start, and string annotations cost a compile() each.
import re
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from realtime_cli.cli.common import Color, fail, make_console


class RuleFormat(StrEnum):
    text = "text"
    json = "json"


def rule(
    names: Annotated[
        list[str] | None,
        typer.Argument(metavar="[RULE]...", help="Rule codes (RT402, rt402), prefixes (RT4) or names (delta-mismatch).",
                       show_default=False),
    ] = None,
    all_rules: Annotated[bool, typer.Option("--all", help="Document every rule.")] = False,
    output_format: Annotated[RuleFormat, typer.Option("--format", "-f", help="Output format.")] = RuleFormat.text,
    color: Annotated[Color, typer.Option("--color", help="Colour the text output (honours NO_COLOR).")] = Color.auto,
) -> None:
    """Explain a rule: what it checks, why it matters, an example and its fix, the evidence."""
    from realtime_cli.rules import catalog

    if all_rules and names:
        fail("give rule codes or --all, not both")
    if not all_rules and not names:
        fail("name a rule (e.g. `rtcheck rule RT402` or `rtcheck rule delta-mismatch`), or use --all; "
             "`rtcheck rules` lists them all")
    rules = list(catalog.RULES.values()) if all_rules else _lookup(names or [])
    if output_format is RuleFormat.json:
        import orjson

        data: Any = [catalog.to_dict(r) for r in rules]
        if len(data) == 1 and names and catalog.find(names[0]) is not None:
            data = data[0]  # one rule asked for by its code or name: one object, not a list
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    console = make_console(color.value, literal=True)
    for i, r in enumerate(rules):
        if i:
            console.print()
        render(console, catalog.help_markdown(r))


def _lookup(names: list[str]) -> list[Any]:
    """The rules ``names`` mean, in the order given (each once); exit 2 naming the unknown ones."""
    from realtime_cli.rules import catalog

    found: dict[str, Any] = {}
    for name in names:
        rule_ = catalog.find(name)
        if rule_ is not None:
            found.setdefault(rule_.code, rule_)
            continue
        prefix = name.strip().upper()
        matches = [r for c, r in catalog.RULES.items() if len(prefix) >= 3 and prefix.startswith("RT") and c.startswith(prefix)]
        if matches:
            for r in matches:
                found.setdefault(r.code, r)
            continue
        close = catalog.suggest(name)
        said = ", ".join(close[:-1]) + " or " + close[-1] if len(close) > 1 else "".join(close)
        hint = f"; did you mean {said}?" if close else "; `rtcheck rules` lists every rule"
        fail(f"unknown rule {name!r}{hint}")
    return list(found.values())


_CODE_SPAN = re.compile(r"(`[^`]+`)")


def render(console: Any, markdown: str) -> None:
    """Print a rule's Markdown the way ``ruff rule`` does, but styled: headings bold, inline
    code highlighted, prose wrapped to the console width, fenced examples printed unwrapped
    (soft-wrapped by the terminal, so a copied line is still one JSON event)."""
    from rich.text import Text

    in_fence = False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            in_fence = not in_fence
            console.print(Text(line, style="dim"), soft_wrap=True)
        elif in_fence:
            console.print(Text(line, style="green"), soft_wrap=True)
        elif line.startswith("#"):
            console.print(Text(line, style="bold"))
        elif line.startswith("*") and line.endswith("*") and len(line) > 2:
            console.print(Text(line.strip("*"), style="italic"))
        else:
            text = Text()
            for part in _CODE_SPAN.split(line):
                text.append(part, style="cyan" if part.startswith("`") and part.endswith("`") and len(part) > 1 else "")
            for wrapped in text.wrap(console, console.width):
                wrapped.rstrip()  # no trailing blanks where Rich broke the line
                console.print(wrapped, soft_wrap=True)


EPILOG = (
    "\b\nExamples:\n"
    "  rtcheck rule RT402                    explain one rule\n"
    "  rtcheck rule delta-mismatch -f json   the same rule, as JSON\n"
    "  rtcheck rule --all > rules.md         every rule, as Markdown-ish text"
)


def register(app: typer.Typer) -> None:
    """Add ``rule`` to the rtcheck app."""
    app.command("rule", epilog=EPILOG)(rule)
