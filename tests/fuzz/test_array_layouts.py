"""JSON-array logs in any layout give the same records, on the physical line of each element.

The streaming array reader (realtime_cli/logs/arrays.py) finds element ends by trying orjson
at likely places and, failing that, by an exact bracket scan; reads cross block boundaries
anywhere. So the properties are checked with tiny read blocks (every boundary case is hit)
and with the real ones, for events whose strings hold brackets, quotes, escapes and the very
separators the reader looks for.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realtime_cli.logs import arrays
from realtime_cli.logs.loader import ParseFailure, Record, iter_file

SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TRICKY = ["}, {", "},{", "]", "[", "}", "\"", "\\", "\\\"}, {", "é", "\u2028", "}\n]", "x" * 300]

texts = st.one_of(st.sampled_from(TRICKY), st.text(alphabet='ab}]{[,"\\ \u00e9', max_size=12))
values: Any = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), texts),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)),
    max_leaves=8,
)
events = st.builds(
    lambda i, extra: {"type": "x.y", "event_id": f"e{i}", **{f"k{j}": v for j, v in enumerate(extra)}},
    st.integers(0, 10**6), st.lists(values, max_size=3),
)


def _layout(evs: list[dict[str, Any]], style: str) -> tuple[bytes, list[int]]:
    """The array file in ``style`` and the physical line each element starts on."""
    parts = [json.dumps(e, indent=2 if style == "pretty" else None, ensure_ascii=style != "utf8") for e in evs]
    nl = "\r\n" if style == "crlf" else "\n"
    if style in ("oneline", "utf8"):
        return ("[" + ", ".join(parts) + "]").encode(), [1] * len(evs)
    if style == "batches":  # an array of arrays (one batch per turn), on one line
        half = len(parts) // 2
        return ("[[" + ", ".join(parts[:half]) + "], [" + ", ".join(parts[half:]) + "]]").encode(), [1] * len(evs)
    if style == "compact":
        return ("[" + ",".join(json.dumps(e, separators=(",", ":")) for e in evs) + "]" + nl).encode(), [1] * len(evs)
    out, lines, line = "[" + nl, [], 2
    for i, p in enumerate(parts):
        p = p.replace("\n", nl)
        lines.append(line)
        out += ("  " if style != "pretty" else "") + p + ("," if i < len(parts) - 1 else "") + nl
        line += p.count("\n") + 1
    return (out + "]" + nl).encode(), lines


@pytest.mark.parametrize("chunk", [5, 64, 1 << 20])
@SETTINGS
@given(evs=st.lists(events, min_size=1, max_size=6), style=st.sampled_from(["oneline", "compact", "perline", "pretty", "crlf", "utf8", "batches"]))
def test_every_layout_gives_the_elements_on_their_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, evs: list[dict[str, Any]], style: str) -> None:
    monkeypatch.setattr(arrays, "_CHUNK", chunk)
    data, lines = _layout(evs, style)
    p = tmp_path / "a.json"
    p.write_bytes(data)
    items = list(iter_file(str(p)))
    assert all(isinstance(i, Record) for i in items), [i for i in items if isinstance(i, ParseFailure)]
    assert [(i.line, i.event) for i in items if isinstance(i, Record)] == list(zip(lines, evs, strict=True))


@pytest.mark.parametrize("chunk", [3, 64, 1 << 20])
@SETTINGS
@given(evs=st.lists(events, min_size=2, max_size=5), cut=st.integers(1, 400), junk=st.binary(max_size=40))
def test_damaged_arrays_never_raise_and_keep_what_is_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, evs: list[dict[str, Any]], cut: int, junk: bytes) -> None:
    """Cut anywhere and followed by junk: no exception, every element wholly before the cut
    is read as it was, and the damage is reported."""
    monkeypatch.setattr(arrays, "_CHUNK", chunk)
    evs = [{**e, "event_id": f"e{i}"} for i, e in enumerate(evs)]
    data, _ = _layout(evs, "perline")
    cut = min(cut, len(data.rstrip()) - 1)  # the closing ] at least is lost
    p = tmp_path / "a.json"
    p.write_bytes(data[:cut] + junk)
    items = list(iter_file(str(p)))
    whole = [e for e in evs if data.find(json.dumps(e).encode()) + len(json.dumps(e)) < cut]
    got = [i.event for i in items if isinstance(i, Record)]
    assert got[: len(whole)] == whole
    assert any(isinstance(i, ParseFailure) for i in items)


@pytest.mark.parametrize("compress", [False, True])
def test_array_layouts_through_gzip_and_utf16(tmp_path: Path, compress: bool) -> None:
    evs = [{"type": "a.b", "event_id": str(i), "t": "}, {" * i} for i in range(50)]
    data, lines = _layout(evs, "pretty")
    for enc in ("utf-8", "utf-16"):
        body = data.decode().encode(enc)
        p = tmp_path / ("a.json.gz" if compress else "a.json")
        p.write_bytes(gzip.compress(body) if compress else body)
        items = list(iter_file(str(p)))
        recs = [(i.line, i.event) for i in items if isinstance(i, Record)]
        assert recs == list(zip(lines, evs, strict=True))
        notes = [i.code for i in items if isinstance(i, ParseFailure)]
        assert notes == (["RT013"] if enc == "utf-16" else [])
