"""loader: every hostile byte sequence becomes a Record or a precise ParseFailure."""

from __future__ import annotations

import gzip
import io
import math
import os
from pathlib import Path

import pytest

from realtime_cli.logs.jsonparse import FAILED, parse_json, parse_slow
from realtime_cli.logs.loader import (
    ParseFailure,
    Record,
    _GzipRaw,
    discover,
    iter_file,
    unwrap,
)

EV = b'{"type":"session.created","event_id":"e1"}'


def _items(tmp_path: Path, data: bytes, name: str = "x.jsonl", **kw: int) -> list[tuple[str, int, str]]:
    p = tmp_path / name
    p.write_bytes(data)
    out = []
    for it in iter_file(str(p), **kw):
        if isinstance(it, Record):
            out.append(("rec", it.line, str(it.event.get("type"))))
        else:
            out.append((it.code, it.line, it.message))
    return out


def test_parse_slow_classifies() -> None:
    assert parse_slow(b'{"a":1}') == ({"a": 1}, [])
    v, probs = parse_slow(b'{"a":NaN,"b":-Infinity}')
    assert math.isnan(v["a"]) and v["b"] == -math.inf and probs[0][0] == "RT010"
    v, probs = parse_slow(b'{"a\\udc80":"x\\ud800"}')
    assert v == {"a\ufffd": "x\ufffd"} and probs[0][0] == "RT010"
    assert parse_slow(b'{"a":"\\ud83d\\ude00"}') == ({"a": "\U0001f600"}, [])  # a real pair is fine
    assert parse_slow(b'{"a":"\xff"}')[1][0][:2] == ("RT002", "invalid UTF-8 at byte 7 (0xff)")
    assert parse_slow(b"[" * 5000 + b"]" * 5000)[1][0][0] == "RT001"
    v, probs = parse_slow(b'{"a":1')
    assert v is FAILED and probs[0][0] == "RT001" and probs[0][2] == 7
    assert parse_slow(b"1" * 5000)[0] is FAILED


def test_parse_json_compat() -> None:
    assert parse_json(b"null") == (None, None, None)
    assert parse_json(b"{")[1] == "RT001"


def test_line_by_line(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + EV + b"\r\n\r\n  \n42\n" + EV + b"\n{\"a\":1\n"
    assert _items(tmp_path, data) == [
        ("rec", 1, "session.created"),
        ("RT004", 4, "expected a JSON object, got number"),
        ("rec", 5, "session.created"),
        ("RT001", 6, "invalid JSON: Expecting ',' delimiter at column 7 (the line ends early)"),
    ]


def test_cut_last_line_is_named(tmp_path: Path) -> None:
    (*_, last) = _items(tmp_path, EV + b'\n{"type":"x')
    assert last[0] == "RT001" and "cut off" in last[2]


def test_empty_and_blank(tmp_path: Path) -> None:
    assert [i[0] for i in _items(tmp_path, b"")] == ["RT008"]
    assert [i[0] for i in _items(tmp_path, b"\n \r\n\t\n")] == ["RT008"]


def test_long_lines_around_the_limit(tmp_path: Path) -> None:
    line = b'{"type":"x.y","event_id":"e","pad":"' + b"a" * 3_000_000 + b'"}'
    items = _items(tmp_path, line + b"\n" + EV + b"\n")
    assert [i[:2] for i in items] == [("rec", 1), ("rec", 2)]
    items = _items(tmp_path, line + b"\n" + EV + b"\n", max_line_bytes=len(line))
    assert [i[:2] for i in items] == [("rec", 1), ("rec", 2)]
    items = _items(tmp_path, line + b"\n" + EV + b"\n", max_line_bytes=len(line) - 1)
    assert [i[:2] for i in items] == [("RT003", 1), ("rec", 2)]
    assert str(len(line) + 1) in items[0][2]


def test_binary_start_reports_once_and_keeps_events(tmp_path: Path) -> None:
    items = _items(tmp_path, b"\x00\x01\x02garbage\n\x00\x00\n" + EV + b"\n")
    assert [i[:2] for i in items] == [("rec", 3), ("RT012", 1)]


def test_broken_one_line_array_does_not_swallow_the_file(tmp_path: Path) -> None:
    # The batch [1,2] holds no event (RT004 for each); the stray "]" is reported; line 2 is read.
    items = _items(tmp_path, b"[[1,2]]]\n" + EV + b"\n")
    assert [i[:2] for i in items] == [("RT004", 1), ("RT004", 1), ("RT001", 1), ("rec", 2)]


def test_json_array_file_keeps_physical_lines(tmp_path: Path) -> None:
    data = b'[\n  {"type":"a.b","event_id":"1"},\n\n  {"type":"c.d","event_id":"2"}\n]\n'
    assert _items(tmp_path, data, name="x.json") == [("rec", 2, "a.b"), ("rec", 4, "c.d")]


def test_gzip_multi_member_and_truncation(tmp_path: Path) -> None:
    two = gzip.compress(EV + b"\n") + gzip.compress(EV + b"\n") + b"\x00" * 16
    assert [i[:2] for i in _items(tmp_path, two, name="x.jsonl.gz")] == [("rec", 1), ("rec", 2)]
    big = gzip.compress((EV + b"\n") * 5000)
    items = _items(tmp_path, big[:-100], name="x.jsonl.gz")
    assert items[-1][0] == "RT007" and len(items) > 4000


def test_gzip_raw_never_inflates_a_bomb_at_once() -> None:
    bomb = gzip.compress(b"\n" * (50 * 1024 * 1024))
    raw = _GzipRaw(io.BytesIO(bomb))
    buf = bytearray(10 * 1024 * 1024)
    n = raw.readinto(buf)
    assert 0 < n <= 1024 * 1024  # one capped step, not 50 MB


def test_unwrap_event_id_without_type_is_an_event() -> None:
    ev, env, *_ = unwrap({"event_id": "e"})
    assert ev == {"event_id": "e"} and env == "bare"
    ev, env, _, _, problem = unwrap({"hello": 1})
    assert ev is None and env == "unknown" and problem


def test_discover_skips_fifos_and_reports_dangling_links(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(EV)
    os.mkfifo(tmp_path / "b.jsonl")
    (tmp_path / "c.jsonl").symlink_to(tmp_path / "none")
    (tmp_path / "notes.txt").write_text("ignored")
    found = [(Path(p).name, err is None) for p, err in discover([str(tmp_path), str(tmp_path / "zz")])]
    # The FIFO is not a log: skipped quietly. The dangling link stands for a log: reported.
    assert found == [("a.jsonl", True), ("c.jsonl", False), ("zz", False)]


def test_closed_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", None)
    (item,) = list(iter_file("-"))
    assert isinstance(item, ParseFailure) and item.code == "RT006" and "closed" in item.message


def test_a_batch_line_in_a_jsonl_log_is_read_as_records(tmp_path: Path) -> None:
    data = EV + b"\n[" + EV + b"," + EV + b"]\n[1, " + EV + b"]\n[]\n"
    assert [i[:2] for i in _items(tmp_path, data)] == [("rec", 1), ("rec", 2), ("rec", 2), ("RT004", 3), ("RT004", 4)]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xfe{\x00", ("utf-16-le", 2)), (b"\xfe\xff\x00{", ("utf-16-be", 2)),
        (b"\xff\xfe\x00\x00", ("utf-32-le", 4)), (b"\x00\x00\xfe\xff", ("utf-32-be", 4)),
        (b"{\x00\"\x00", ("utf-16-le", 0)), (b"\x00[\x00\n", ("utf-16-be", 0)),
        (b"{\x00\x00\x00", ("utf-32-le", 0)), (b"\x00\x00\x00[", ("utf-32-be", 0)),
        (b"\xef\xbb\xbf{", None), (b'{"a"', None), (b"\x89PNG", None), (b"\x00\x00\x00\x00", None), (b"{\x00", None),
    ],
)
def test_sniff_encoding(head: bytes, expected: tuple[str, int] | None) -> None:
    from realtime_cli.logs.streams import sniff_encoding

    found = sniff_encoding(head)
    assert (found[:2] if found else None) == expected


def test_utf16_damage_is_reported_on_its_line(tmp_path: Path) -> None:
    body = (EV + b"\n" + EV + b"\n").decode().encode("utf-16-le")
    lone = '{"type":"\ud800"}\n'.encode("utf-16-le", "surrogatepass")
    items = _items(tmp_path, b"\xff\xfe" + body + lone + b"{")  # and an odd trailing byte
    assert [i[:2] for i in items] == [("RT013", 1), ("rec", 1), ("rec", 2), ("RT002", 3), ("RT002", 4)]


@pytest.mark.parametrize("element", [b'{"type":"x.y","event_id":"e","pad":"' + b"z" * 5000 + b'"}', b'"' + b"z" * 5000 + b'"', b"1" * 5000])
@pytest.mark.parametrize("chunk", [256, 1 << 20])  # the element spans many reads, or is in one
def test_an_array_element_over_the_limit_is_drained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, element: bytes, chunk: int) -> None:
    from realtime_cli.logs import arrays

    monkeypatch.setattr(arrays, "_CHUNK", chunk)
    data = b"[" + EV + b", " + element + b",\n" + EV + b"]"
    items = _items(tmp_path, data, max_line_bytes=1000)
    assert [i[:2] for i in items] == [("rec", 1), ("RT003", 1), ("rec", 2)]
    assert f"array element is {len(element)} bytes" in items[1][2]
