#!/usr/bin/env python3
"""Self-test of bench.py's ground-truth parsing and scoring, without any decoder or corpus.

A benchmark whose scoring is wrong reports wrong numbers with full confidence, so the pieces
that turn files and decoder output into counts are checked here on hand-made inputs: manifest
unescaping, BoofCV label parsing (both file layouts), polygon coverage (Sutherland–Hodgman on
convex hulls), text and corner scoring, structured-append scoring and qraudit JSONL parsing.
Run: `python3 bench/selftest.py` or `bench/run.sh --selftest`. Exits non-zero on a failure.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

FAILURES: list[str] = []


def check(name: str, got, want) -> None:
    ok = abs(got - want) < 1e-6 if isinstance(want, float) else got == want
    if not ok:
        FAILURES.append(f"{name}: got {got!r}, want {want!r}")


def test_unescape() -> None:
    check("plain", bench.unescape("http://a.b/"), b"http://a.b/")
    check("crlf", bench.unescape(r"a\r\nb\tc"), b"a\r\nb\tc")
    check("backslash", bench.unescape(r"MEBKM:URL:http\\://x"), b"MEBKM:URL:http\\://x")
    check("gs1", bench.unescape(r"]Q3\x1d01"), b"]Q3\x1d01")
    check("bytes", bench.unescape(r"\xe2\x80\xae\xff"), b"\xe2\x80\xae\xff")
    check("utf8 kept", bench.unescape("größe"), "größe".encode())
    check("escaped backslash before x", bench.unescape(r"\\x41"), b"\\x41")


def test_labels() -> None:
    sets = "# list of hand selected 2D points\nSETS\n0 0 10 0 10 10 0 10\n20 20 30 20 30 30 20 30\n"
    check("sets", bench.parse_boofcv_labels(sets),
          [[(0, 0), (10, 0), (10, 10), (0, 10)], [(20, 20), (30, 20), (30, 30), (20, 30)]])
    points = "# list of hand selected 2D points\n1.5 2\n3 2\n3 4\n1.5 4\n"
    check("points", bench.parse_boofcv_labels(points),
          [[(1.5, 2.0), (3.0, 2.0), (3.0, 4.0), (1.5, 4.0)]])


def test_geometry() -> None:
    sq = [(0, 0), (10, 0), (10, 10), (0, 10)]
    check("area", bench.area(sq), 100.0)
    check("hull ccw from cw", bench.area(bench.convex_hull(list(reversed(sq)))), 100.0)
    check("hull drops inner point", len(bench.convex_hull(sq + [(5, 5)])), 4)
    check("identical", bench.coverage(sq, sq), 1.0)
    check("half", bench.coverage(sq, [(5, -5), (15, -5), (15, 15), (5, 15)]), 0.5)
    check("quarter", bench.coverage(sq, [(5, 5), (15, 5), (15, 15), (5, 15)]), 0.25)
    check("disjoint", bench.coverage(sq, [(20, 20), (30, 20), (30, 30), (20, 30)]), 0.0)
    check("contains", bench.coverage(sq, [(-5, -5), (15, -5), (15, 15), (-5, 15)]), 1.0)
    # A diamond inscribed in the square covers half of it, whatever the winding of either.
    diamond = [(5, 0), (10, 5), (5, 10), (0, 5)]
    check("diamond", bench.coverage(sq, diamond), 0.5)
    check("diamond cw", bench.coverage(list(reversed(sq)), list(reversed(diamond))), 0.5)
    check("label inside found", bench.coverage(diamond, sq), 1.0)
    # Degenerate found polygon (a line) covers nothing.
    check("line", bench.coverage(sq, [(0, 0), (10, 10)]), 0.0)


def test_text_scoring() -> None:
    D = bench.Decoded
    check("correct", bench.score_text([b"a"], [D([b"a"])]), (1, 0))
    check("misread", bench.score_text([b"a"], [D([b"b"])]), (0, 1))
    check("duplicate not misread", bench.score_text([b"a"], [D([b"a"]), D([b"a"])]), (1, 0))
    check("two codes", bench.score_text([b"a", b"a"], [D([b"a"]), D([b"a"])]), (2, 0))
    check("bytes candidate", bench.score_text([b"\xff"], [D([b"\xc3\xbf", b"\xff"])]), (1, 0))
    check("nothing expected", bench.score_text([], [D([b"x"])]), (0, 1))
    check("crlf strict", bench.score_text([b"a\nb"], [D([b"a\r\nb\r\n"])]), (0, 1))
    check("crlf folded", bench.score_text([b"a\nb"], [D([b"a\r\nb\r\n"])], True), (1, 0))


def test_corner_scoring() -> None:
    D = bench.Decoded
    a = [(0, 0), (10, 0), (10, 10), (0, 10)]
    b = [(100, 0), (110, 0), (110, 10), (100, 10)]
    check("both", bench.score_corners([a, b], [D([b"1"], a), D([b"2"], b)]), (2, 0))
    check("10% is not enough", bench.score_corners([a], [D([b"1"], [(9, 0), (20, 0), (20, 10), (9, 10)])]), (0, 1))
    check("11% is", bench.score_corners([a], [D([b"1"], [(8.9, 0), (20, 0), (20, 10), (8.9, 10)])]), (1, 0))
    big = [(-1, -1), (200, -1), (200, 20), (-1, 20)]
    check("one polygon, one label", bench.score_corners([a, b], [D([b"x"], big)]), (1, 0))
    check("false positive", bench.score_corners([a], [D([b"x"], b)]), (0, 1))
    check("no polygon", bench.score_corners([a], [D([b"x"], None)]), (0, 1))
    check("duplicate", bench.score_corners([a], [D([b"1"], a), D([b"1"], a)]), (1, 0))


def test_qraudit_jsonl_and_folder() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        p1, p2, p3, p4 = (Path(tmp) / n for n in ("a.png", "b.png", "c.png", "d.png"))
        lines = [
            {"path": str(p1), "status": "ok", "codes": [
                {"location": str(p1), "index": 0, "text": "hello",
                 "symbol": {"version": 1, "ecc": "M", "mask": 2,
                            "corners": [[0, 0], [10, 0], [10, 10], [0, 10]],
                            "module_px": 1.0, "pass": "plain"},
                 "payload": {"kind": "text"}, "findings": []},
                {"location": str(p1), "index": 1, "text": None,
                 "symbol": {"corners": [[50, 50], [60, 50], [60, 60], [50, 60]]},
                 "payload": {}, "findings": []}],
             "timing": {"load_ms": 1.0, "decode_ms": 4.0}},
            {"path": str(p2), "status": "ok", "codes": [
                {"location": str(p2), "index": 0, "text": "\ufffd\ufffd", "bytes_hex": "fffe",
                 "symbol": {}, "payload": {}, "findings": []}],
             "timing": {"load_ms": 1.0, "decode_ms": 2.0}},
            {"path": str(p3), "status": "error", "error": "decode timed out after 5 s",
             "codes": [], "timing": {"load_ms": 1.0, "decode_ms": 5000.0}},
        ]
        # qraudit closes its JSONL with a summary object, which is not an input.
        lines.append({"type": "summary", "schema_version": 1, "summary": {"inputs": 3}})
        text = "\n".join(json.dumps(l) for l in lines) + "\nnot json\n"
        res = bench.qraudit_results(text, {p1, p2, p3, p4})
        check("parsed", sorted(res), sorted([p1, p2, p3]))
        check("unreadable dropped", len(res[p1].decoded), 1)
        check("corners", res[p1].decoded[0].polygon, [(0, 0), (10, 0), (10, 10), (0, 10)])
        check("bytes first", res[p2].decoded[0].candidates[0], b"\xff\xfe")
        check("error", res[p3].error, "decode timed out after 5 s")

        folder = bench.Folder("t", [bench.Item(p1, texts=[b"hello"]),
                                    bench.Item(p2, texts=[b"\xff\xfe"]),
                                    bench.Item(p3, texts=[b"x"]),
                                    bench.Item(p4, texts=[b"y", b"z"])])
        s = bench.score_folder(folder, res)
        check("folder correct", s.correct, 2)
        check("folder missed", s.missed, 3)
        check("folder errors (incl. no result)", s.errors, 2)
        check("folder codes", s.codes, 5)
        check("decode ms", s.decode_ms, [4.0, 2.0, 5000.0])

        seq = bench.Folder("seq", [bench.Item(p1), bench.Item(p2)], "sequence", b"ab")
        D, R = bench.Decoded, bench.ImageResult
        check("sequence ok", bench.score_folder(seq, {p1: R([D([b"a"])]), p2: R([D([b"b"])])}).correct, 1)
        check("sequence part missing", bench.score_folder(seq, {p1: R([D([b"a"])])}).correct, 0)


def test_manifest_reading() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        m = Path(tmp) / "manifest.tsv"
        m.write_text("relpath\tsha\ttext\nq/1.png\tabc\tline\\r\\nnext\n# comment\n")
        rows = bench.read_tsv(m)
        check("rows", rows, [["q/1.png", "abc", "line\\r\\nnext"]])
        check("unescaped", bench.unescape(rows[0][2]), b"line\r\nnext")


def main() -> int:
    for test in (test_unescape, test_labels, test_geometry, test_text_scoring,
                 test_corner_scoring, test_qraudit_jsonl_and_folder, test_manifest_reading):
        test()
    if FAILURES:
        print("\n".join(FAILURES))
        print(f"0 passed, {len(FAILURES)} failed")
        return 1
    print("selftest: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
