"""The HTML report (``rtcheck report``): one self-contained page per run.

:mod:`.collect` reads each log once (validator and session builder fed the same records),
:mod:`.page` turns the session model and the findings into plain view data, :mod:`.charts`
and :mod:`.timeline` lay out the figures, and :func:`render` fills the Jinja2 templates
(package data under ``templates/`` and ``static/``, read through importlib.resources) with
autoescaping on. Jinja2 is the ``report`` extra: importing this package does not import it.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources
from typing import Any

from realtime_cli import __version__
from realtime_cli.views.html.page import ReportView

INSTALL_HINT = 'pip install "rtcheck[report]"'
"""What ``rtcheck report`` tells a user whose install lacks the report's dependencies."""


def missing_dependency() -> str | None:
    """The name of the report dependency that cannot be imported, or None when all can."""
    try:
        import jinja2  # noqa: F401 - the check is the import
    except ImportError:
        return "Jinja2"
    return None


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _num(value: float) -> str:
    """A coordinate, short: ``12.5``, ``3``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _ms(value: float | None) -> str:
    from realtime_cli.views.html.charts import fmt_ms

    return fmt_ms(value)


def _plain(value: str | None) -> str:
    """Hover and chart text, line by line through :func:`clean` (control and bidi characters
    shown, not obeyed), whatever the caller already did; autoescape then escapes it."""
    from realtime_cli.core.safety import clean

    if not value:
        return ""
    return "\n".join(clean(line) for line in str(value).split("\n"))


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: _asset(f"templates/{name}")),
        autoescape=True,  # every template is HTML: log text is escaped unless marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["n"] = _num
    env.filters["ms"] = _ms
    env.filters["plain"] = _plain
    return env


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def render(view: ReportView) -> str:
    """The report page for ``view``, as one HTML string with its style and script inline."""
    script = _asset("static/report.js")
    if "</" in script:  # the script is ours; this keeps it from ever closing its own element
        raise ValueError("report.js must not contain '</'")
    from realtime_cli.session.prices import PRICES_AS_OF

    template = _environment().get_template("report.html.j2")
    return str(template.render(view=view, version=__version__, css=_asset("static/report.css"),
                               script=script, script_hash=script_hash(script), prices_as_of=PRICES_AS_OF))
