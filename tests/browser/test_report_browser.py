"""The HTML report opened in headless Chromium: loads clean and offline, draws its charts,
holds every response id, and leaves hostile log text inert."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.loggen import write_log

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ga_session.jsonl"
HOSTILE_FIXTURE = ROOT / "tests" / "fixtures" / "inspect" / "hostile.jsonl"


def response_ids(log: Path) -> set[str]:
    """Every response id in a log, read independently of rtcheck (plain json, envelopes
    unwrapped by their ``event`` key)."""
    ids = set()
    for line in log.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        ev = obj.get("event") if isinstance(obj.get("event"), dict) else obj
        resp = ev.get("response")
        if ev.get("type") in ("response.created", "response.done") and isinstance(resp, dict) and resp.get("id"):
            ids.add(resp["id"])
    return ids


def assert_clean(opened: Any) -> None:
    assert opened.console_errors == [], opened.console_errors
    assert opened.remote_requests == [], opened.remote_requests


def drawn(page: Any, selector: str) -> int:
    """How many marks (rect/path) the first SVG matching ``selector`` holds, if it has a size."""
    return int(page.evaluate(
        """sel => { const svg = document.querySelector(sel); if (!svg) return -1;
                    const box = svg.getBoundingClientRect(); if (box.width < 100 || box.height < 40) return -2;
                    return svg.querySelectorAll('rect, path').length; }""", selector))


def test_example_report_loads_offline_with_its_timeline(tmp_path: Path, make_report: Any, open_report: Any) -> None:
    opened = open_report(make_report([EXAMPLE], tmp_path / "r.html"))
    assert_clean(opened)
    page = opened.page
    assert drawn(page, "svg.chart-timeline") > 10
    text = page.evaluate("document.body.innerText")
    ids = response_ids(EXAMPLE)
    assert len(ids) == 5 and all(i in text for i in ids)
    # No timestamps in this log: said once, instead of empty latency charts.
    assert "no wall-clock times in this log" in text
    assert page.locator("svg.chart-tokens").count() == 1


def test_timed_log_draws_latency_with_percentiles(tmp_path: Path, make_report: Any, open_report: Any) -> None:
    log = tmp_path / "timed.jsonl"
    write_log(log, "ga", turns=12, seed=3, envelope="time-source", chunk_ms=400)
    opened = open_report(make_report([log], tmp_path / "r.html"))
    assert_clean(opened)
    page = opened.page
    assert drawn(page, "svg.chart-timeline") > 20
    assert drawn(page, "svg.chart-latency") > 5
    assert drawn(page, "svg.chart-histogram") > 1
    labels = page.evaluate("[...document.querySelectorAll('svg.chart-latency text.mark-label')].map(t => t.textContent)")
    assert any(lbl.startswith("p50 ") for lbl in labels) and any(lbl.startswith("p95 ") for lbl in labels)
    text = page.evaluate("document.body.innerText")
    assert all(i in text for i in response_ids(log))
    # Hovering a response bar shows its id, status and latency at once.
    bar = page.locator("svg.chart-timeline rect.resp").first
    bar.hover()
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert "resp_" in tip.inner_text() and "latency" in tip.inner_text()


HOSTILE_TEXTS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "</script><script>window.__pwned=3</script><!--",
    "<svg onload=window.__pwned=4>",
    "\u202eevil\u202c \u2028 \u2029 javascript:window.__pwned=5",
]


def hostile_log(path: Path) -> None:
    """A small GA text session whose user text, assistant text, function call, error
    message and ids carry markup."""
    rid = 'resp_"><img src=x onerror=window.__pwned=6>'
    events: list[dict[str, Any]] = [
        {"type": "session.created", "event_id": "e1", "session": {"type": "realtime", "object": "realtime.session", "id": "sess_<b>x</b>", "model": "gpt-realtime<i>"}},
    ]
    for n, hostile in enumerate(HOSTILE_TEXTS):
        r = f"{rid}{n}"
        events += [
            {"type": "conversation.item.create", "event_id": f"c{n}", "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": hostile}]}},
            {"type": "response.create", "event_id": f"rc{n}"},
            {"type": "response.created", "event_id": f"s{n}", "response": {"object": "realtime.response", "id": r, "status": "in_progress", "output": []}},
            {"type": "response.output_text.delta", "event_id": f"d{n}", "response_id": r, "item_id": f"item{n}", "output_index": 0, "content_index": 0, "delta": hostile},
            {"type": "response.done", "event_id": f"f{n}", "response": {"object": "realtime.response", "id": r, "status": "completed",
             "output": [{"id": f"item{n}", "type": "message", "role": "assistant", "content": [{"type": "output_text", "text": hostile}]},
                        {"id": f"fc{n}", "type": "function_call", "name": hostile, "call_id": f"call_{n}<x>", "arguments": hostile}],
             "usage": {"total_tokens": 3, "input_tokens": 1, "output_tokens": 2}}},
            {"type": "error", "event_id": f"x{n}", "error": {"type": "invalid_request_error", "code": hostile, "message": hostile}},
        ]
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")


def test_hostile_text_renders_as_inert_text(tmp_path: Path, make_report: Any, open_report: Any) -> None:
    log = tmp_path / "hostile.jsonl"
    hostile_log(log)
    opened = open_report(make_report([log, HOSTILE_FIXTURE], tmp_path / "r.html"))
    page = opened.page
    page.evaluate("document.querySelectorAll('details.session').forEach(d => d.open = true)")
    page.locator("svg.chart-timeline rect.resp").first.hover()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert_clean(opened)
    # Nothing from the log became an element: the only images/scripts are none / our own one.
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1
    assert page.locator("main svg:not(.chart)").count() == 0
    text = page.evaluate("document.body.innerText")
    assert '<img src=x onerror="window.__pwned=2">' in text
    assert "<script>window.__pwned = 1</script>" in text
    assert "\\u202eevil" in text and "\u202e" not in text  # bidi controls shown, not obeyed
    assert all(i in text for i in response_ids(log) | response_ids(HOSTILE_FIXTURE))


def test_many_sessions_fold_and_open_on_demand(tmp_path: Path, make_report: Any, open_report: Any) -> None:
    logs = []
    for seed in range(12):
        log = tmp_path / f"call{seed:02d}.jsonl"
        write_log(log, "ga" if seed % 2 else "beta", turns=3, seed=seed, envelope="time-source", profile="text")
        logs.append(log)
    opened = open_report(make_report(logs, tmp_path / "r.html"))
    assert_clean(opened)
    page = opened.page
    rows = page.locator("table#sessions tbody tr")
    assert rows.count() == 12
    # Folded: only the first session is open and drawn; the others' charts are not even
    # in the document until their session is opened.
    assert page.locator("details.session[open]").count() == 1
    assert page.locator("details.session:not([open]) svg.chart").count() == 0
    assert drawn(page, "#s1 svg.chart-timeline") > 5
    text = page.evaluate("document.body.textContent")
    assert all(i in text for log in logs for i in response_ids(log))
    # Sort by tokens, descending: the values come out in order.
    head = page.locator("table#sessions th", has_text="tokens")
    head.click()
    head.click()
    values = page.evaluate("[...document.querySelectorAll('#sessions tbody tr')].map(r => parseFloat(r.cells[11].dataset.v))")
    assert values == sorted(values, reverse=True) and len(set(values)) > 1
    # Following a session's link opens it and draws its charts.
    link = rows.nth(0).locator("td.id a")
    target = link.get_attribute("href")
    assert target != "#s1"
    link.click()
    page.wait_for_selector(f"details.session[open]{target} svg.chart-timeline")
    assert drawn(page, f"{target} svg.chart-timeline") > 5
    assert opened.console_errors == []
