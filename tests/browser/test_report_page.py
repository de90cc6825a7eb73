"""``rtcheck report`` without a browser: the command's contract (outputs, exit codes, missing
extra, start-up) and the page's structure (escaping, self-containment, CSP)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from realtime_cli.cli.main import main
from realtime_cli.views.html import render, script_hash
from realtime_cli.views.html.collect import ReportConfig, collect
from realtime_cli.views.html.page import report_view

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ga_session.jsonl"


def run(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "realtime_cli", *args], cwd=cwd, capture_output=True, text=True,
                          input=stdin, check=False, timeout=120)


def page_of(*logs: Path) -> str:
    return render(report_view(collect(ReportConfig(paths=tuple(map(str, logs))))))


def test_default_output_is_next_to_the_log(tmp_path: Path) -> None:
    log = tmp_path / "call.jsonl"
    log.write_bytes(EXAMPLE.read_bytes())
    proc = run(["report", str(log)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "call.jsonl.report.html"
    assert out.is_file() and "wrote" in proc.stderr and str(out) in proc.stderr
    assert log.read_bytes() == EXAMPLE.read_bytes()  # the input is never touched


def test_dash_writes_stdout_and_stdin_needs_an_output(tmp_path: Path) -> None:
    proc = run(["report", str(EXAMPLE), "-o", "-"], tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("<!doctype html>") and proc.stdout.rstrip().endswith("</html>")
    assert list(tmp_path.iterdir()) == []
    proc = run(["report", "-"], tmp_path, stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert proc.returncode == 2 and "-o" in proc.stderr
    proc = run(["report", "-", "-o", "-"], tmp_path, stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert proc.returncode == 0 and "resp_Cs1dT2tYlzbxwrrEs96Dq" in proc.stdout


def test_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    log = tmp_path / "call.jsonl"
    log.write_bytes(EXAMPLE.read_bytes())
    proc = run(["report", str(log), "-o", str(log)], tmp_path)
    assert proc.returncode == 2 and "overwrite" in proc.stderr
    assert log.read_bytes() == EXAMPLE.read_bytes()


def test_unreadable_input_is_named_in_the_page_and_exits_2(tmp_path: Path) -> None:
    proc = run(["report", str(EXAMPLE), str(tmp_path / "gone.jsonl"), "-o", str(tmp_path / "r.html")], tmp_path)
    assert proc.returncode == 2 and "gone.jsonl" in proc.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "gone.jsonl" in page and "not read" in page and "resp_Cs1dT2tYlzbxwrrEs96Dq" in page


def test_no_readable_input_writes_nothing(tmp_path: Path) -> None:
    proc = run(["report", str(tmp_path / "gone.jsonl")], tmp_path)
    assert proc.returncode == 2 and "gone.jsonl" in proc.stderr and "nothing to report" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_empty_log_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    page = page_of(empty)
    assert "No session in this log" in page
    junk = tmp_path / "junk.jsonl"
    junk.write_text("not json\n[1, 2]\n", encoding="utf-8")
    page = page_of(junk)
    assert "holds no session" in page and "RT001" in page and "RT004" in page


def test_without_jinja2_says_which_command_installs_it(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['jinja2'] = None\n"
            "from realtime_cli.cli.main import main\n"
            f"main(['report', {str(EXAMPLE)!r}, '-o', {str(tmp_path / 'r.html')!r}])\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert proc.returncode == 2
    assert 'pip install "rtcheck[report]"' in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "r.html").exists()


def test_validate_does_not_import_the_report(tmp_path: Path) -> None:
    dump = tmp_path / "mods.txt"
    code = ("import atexit, sys\n"
            f"atexit.register(lambda: open({str(dump)!r}, 'w').write('\\n'.join(sys.modules)))\n"
            "from realtime_cli.cli.main import main\n"
            f"main(['validate', '--format', 'json', {str(EXAMPLE)!r}])\n")
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path)
    mods = set(dump.read_text().split("\n"))
    assert "realtime_cli.engine.validate" in mods
    assert not {m for m in mods if m.startswith(("jinja2", "markupsafe", "realtime_cli.views.html"))}


def test_page_is_self_contained_and_locked_down() -> None:
    page = page_of(EXAMPLE)
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    # No URL to any host: no src/href outside the page, no @import or url() in the style.
    assert not re.search(r"""(src|href)\s*=\s*(?!["']?#)""", markup)
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert "@import" not in page and "url(" not in page
    # The only script is ours, allowed by its hash; nothing else may run or load.
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp.group(1)
    assert f"script-src '{script_hash(scripts[0])}'" in csp.group(1)
    # Audio payloads are never embedded (the example streams base64 PCM).
    assert not re.search(r"[A-Za-z0-9+/]{200,}", page)


HOSTILE = '</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)> \u202eevil \u2028 "quoted" &amp;'


def test_log_text_is_escaped_everywhere(tmp_path: Path) -> None:
    log = tmp_path / "h.jsonl"
    events = [
        {"type": "session.created", "event_id": "e1", "session": {"id": f"sess_{HOSTILE}", "model": HOSTILE}},
        {"type": "conversation.item.create", "event_id": "e2", "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": HOSTILE}]}},
        {"type": "response.created", "event_id": "e3", "response": {"id": f"resp_{HOSTILE}", "status": "in_progress", "output": []}},
        {"type": "response.done", "event_id": "e4", "response": {"id": f"resp_{HOSTILE}", "status": "failed",
         "status_details": {"type": "failed", "error": {"type": "server_error", "code": HOSTILE, "message": HOSTILE}},
         "output": [{"id": "i1", "type": "function_call", "name": HOSTILE, "call_id": "c1", "arguments": HOSTILE}]}},
        {"type": "error", "event_id": "e5", "error": {"type": "invalid_request_error", "code": HOSTILE, "message": HOSTILE}},
    ]
    log.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    page = page_of(log)
    assert page.count("<script>") == 1 and page.count("</script>") == 1
    assert "<img" not in page and "<!--" not in page.split("<body", 1)[1]
    assert "\u202e" not in page and "\u2028" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and "\\u202eevil" in page
    assert "&amp;amp;" in page  # an entity in the log shows as typed, not decoded


def test_in_process_entry_point_exit_codes(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["report", str(EXAMPLE), "--dialect", "bogus", "-o", str(tmp_path / "r.html")])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["report", str(EXAMPLE), "-o", str(tmp_path)])
    assert exc.value.code == 2


@pytest.mark.slow
def test_wheel_ships_the_templates(tmp_path: Path) -> None:
    import zipfile

    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (whl,) = tmp_path.glob("rtcheck-*.whl")
    names = set(zipfile.ZipFile(whl).namelist())
    assets = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "realtime_cli" / "views" / "html").rglob("*")
                    if p.is_file() and p.suffix in (".j2", ".css", ".js"))
    assert len(assets) >= 5 and not [a for a in assets if a not in names]


def test_a_turn_without_response_keeps_its_place_in_the_table() -> None:
    from realtime_cli.core.diagnostics import FileSummary
    from realtime_cli.session.model import LogModel, ResponseInfo, Session, Turn
    from realtime_cli.views.html.page import FileReport, session_view

    s = Session(1, "x.jsonl", "sess_1", first_line=1, last_line=30)
    s.turns = [Turn(1, "speech", 3, transcript="hello?"), Turn(2, "text", 10, text="anyone there", response_ids=["r1"]),
               Turn(3, "speech", 25, transcript="bye", transcription_failed="audio_unintelligible")]
    s.responses = [ResponseInfo("r1", "x.jsonl", 1, turn_index=2, status="failed", reason="rate_limit_exceeded",
                                first_line=12, last_line=20, done_line=20)]
    view = session_view(1, FileReport("x.jsonl", LogModel("x.jsonl", [s]), FileSummary("x.jsonl"), []), s, [])
    assert [(r.turn, r.status) for r in view.rows] == [("1", "no response"), ("2", "failed"), ("3", "no response")]
    assert view.rows[1].reason == "rate_limit_exceeded" and view.rows[2].reason == "audio_unintelligible"
    page = render(report_view([FileReport("x.jsonl", LogModel("x.jsonl", [s]), FileSummary("x.jsonl"), [])]))
    assert page.index("hello?") < page.index("anyone there") < page.index("bye")
