"""Regenerate docs/report.png: the HTML report of examples/ga_voice_agent.jsonl, as headless
Chromium draws it at a desktop width.

    python docs/screenshot.py [LOG] [-o docs/report.png] [--width 1280] [--full]

Needs the report and test extras (Jinja2, Playwright) and a Chromium at /usr/bin/chromium
(Debian: apt-get install chromium); Playwright drives that browser and downloads none.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("log", nargs="?", default="examples/ga_voice_agent.jsonl", help="relative to the repository root")
    ap.add_argument("-o", "--output", default=str(ROOT / "docs" / "report.png"))
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=1500)
    ap.add_argument("--full", action="store_true", help="the whole page, not the first screen")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "report.html"
        # Run from the repository root, so the page names the log as a reader would type it.
        subprocess.run([sys.executable, "-m", "realtime_cli", "report", args.log, "-o", str(page_path)], check=True, cwd=ROOT)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)  # a fresh profile each launch
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.goto(page_path.as_uri())
            page.screenshot(path=args.output, full_page=args.full)
            browser.close()
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
