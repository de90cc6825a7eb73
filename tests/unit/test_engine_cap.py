"""Findings per code and file are capped (issue 18, item 1): memory stays bounded, counts exact."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from realtime_cli.engine import collector as col
from realtime_cli.engine.collector import Collector, cap_merge
from realtime_cli.engine.validate import Config, run
from realtime_cli.rules import catalog as rules

ALL = frozenset(rules.RULES)


def test_garbage_file_keeps_the_cap_and_counts_the_rest(tmp_path: Path) -> None:
    log = tmp_path / "garbage.jsonl"
    log.write_bytes(b"x\n" * 2500)
    result = run([str(log)], Config())
    [summary] = result.files
    assert sum(d.code == "RT001" for d in result.diagnostics) == col.CAP_PER_CODE
    assert summary.elided == {"RT001": 2500 - col.CAP_PER_CODE}
    assert result.by_code["RT001"] == 2500  # the tallies count kept and elided alike
    # The kept ones are the first ones.
    assert [d.line for d in result.diagnostics if d.code == "RT001"] == list(range(1, col.CAP_PER_CODE + 1))


def test_schema_findings_are_capped_per_event_and_not_explained_past_the_cap(tmp_path: Path) -> None:
    bad = {"type": "conversation.item.delete", "event_id": 5, "item_id": 7}  # two problems per event
    log = tmp_path / "bad.jsonl"
    log.write_text("".join(json.dumps(bad) + "\n" for _ in range(1100)))
    result = run([str(log)], Config(dialect="ga"))
    kept = [d for d in result.diagnostics if d.code == "RT101"]
    per_event = len([d for d in kept if d.line == 1])
    assert per_event >= 2
    assert len({d.line for d in kept}) == -(-col.CAP_PER_CODE // per_event)  # whole events only
    assert result.files[0].elided["RT101"] == 1100 - len({d.line for d in kept})


_EMISSIONS = st.lists(
    st.tuples(st.sampled_from(["RT001", "RT101", "RT403", "RT802"]), st.integers(1, 3)), max_size=60
)


@given(_EMISSIONS, st.lists(st.integers(0, 60), max_size=4), st.integers(1, 6))
@settings(max_examples=300, deadline=None)
def test_cap_merge_over_ranges_equals_one_pass(emissions: list[tuple[str, int]], cuts: list[int], cap: int) -> None:
    """Ranges validated apart and merged keep and count exactly what one pass would."""
    events = [(code, line, size) for line, (code, size) in enumerate(emissions, 1)]

    def feed(out: Collector, part: list[tuple[str, int, int]]) -> None:
        for code, line, size in part:
            if code in col.GROUPED:
                if out.room(code):
                    for k in range(size):
                        out.emit(code, f"problem {k}", line=line, grouped=True)
            else:
                out.emit(code, "x", line=line)

    whole = Collector("f", ALL, cap=cap)
    feed(whole, events)
    bounds = sorted({0, len(events), *(c for c in cuts if c <= len(events))})
    parts = []
    for a, b in itertools.pairwise(bounds):
        c = Collector("f", ALL, cap=cap)
        feed(c, events[a:b])
        parts.append((c.diagnostics, c.elided))
    kept, elided = cap_merge(parts, cap=cap)
    assert kept == whole.diagnostics
    assert elided == whole.elided


def test_peak_memory_is_bounded_on_a_garbage_file(tmp_path: Path) -> None:
    """A child process validates 200,000 garbage lines; its peak RSS barely exceeds start-up.

    Without the cap the findings alone would take ~66 MB (about 330 bytes each).
    """
    log = tmp_path / "garbage.jsonl"
    log.write_bytes(b"x\n" * 200_000)
    code = textwrap.dedent(f"""
        import resource
        from realtime_cli.engine.validate import Config, run
        from realtime_cli.views import reporters  # what the CLI imports as well
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result = run([{str(log)!r}], Config(), on_file=lambda s, d: None)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(before, after, result.by_code["RT001"], result.files[0].elided["RT001"])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    before, after, total, elided = map(int, out.stdout.split())
    assert total == 200_000 and elided == 200_000 - col.CAP_PER_CODE
    assert after - before < 15 * 1024, (before, after)  # KiB: far below the ~66 MB uncapped
