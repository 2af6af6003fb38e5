#!/usr/bin/env python3
"""Self-test of bench.py's ground-truth parsing and scoring, without any decoder or corpus.

A benchmark whose scoring is wrong reports wrong numbers with full confidence, so the pieces
that turn files and decoder output into counts are checked here on hand-made inputs: manifest
unescaping, BoofCV label parsing (both file layouts), polygon coverage (Sutherland–Hodgman on
convex hulls), text and corner scoring, structured-append scoring and qraudit JSONL parsing;
and the speed figures of the ratio table (issue 19): mean and median of per-image times, the
aggregation of folders into sets (a set's median over all its images, walls summed, peak RSS the
largest), the ratio and "n/a" formatting, parsing of examples/load_floor's JSON line, and the
peak-RSS measurement of one child process.
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


def test_mean_median() -> None:
    check("median odd", bench.median([5.0, 1.0, 3.0]), 3.0)
    check("median even", bench.median([4.0, 1.0, 3.0, 10.0]), 3.5)
    check("median one", bench.median([2.5]), 2.5)
    check("median empty", bench.median([]), None)
    check("mean", bench.mean([1.0, 2.0, 6.0]), 3.0)
    check("mean empty", bench.mean([]), None)


def test_ratio_formatting() -> None:
    check("ratio", bench.fmt_ratio(3.0, 2.0), "1.50")
    check("ratio rounds", bench.fmt_ratio(1.0, 3.0), "0.33")
    check("ratio no numerator", bench.fmt_ratio(None, 2.0), "n/a")
    check("ratio no denominator", bench.fmt_ratio(2.0, None), "n/a")
    check("ratio zero denominator", bench.fmt_ratio(2.0, 0.0), "n/a")
    check("num", bench.fmt_num(12.345), "12.35")
    check("num none", bench.fmt_num(None), "n/a")
    check("rss", bench.fmt_rss(2048 * 100, 1024 * 20), "200 / 20")
    check("rss floor missing", bench.fmt_rss(1024 * 30, None), "30 / n/a")
    check("rss none", bench.fmt_rss(None, None), "n/a")
    check("ms per image", bench.ms_per_image(0.5, 4), 125.0)
    check("ms per image none", bench.ms_per_image(None, 4), None)


def _folder(name: str, n: int) -> bench.Folder:
    return bench.Folder(name, [bench.Item(Path(f"/{name}/{k}.png"), texts=[b"x"])
                               for k in range(n)])


def test_sets_and_ratio_rows() -> None:
    folders = [_folder("zxing/qrcode-1", 2), _folder("zxing/qrcode-2", 3),
               _folder("zxing/qrcode-7 (structured append)", 1),
               _folder("boofcv/nominal", 1), _folder("boofcv/lots", 2),
               _folder("boofcv/decoding", 1)]
    groups = bench.set_groups(folders)
    check("sets", groups, [("**zxing (4 folders)**", [0, 1]),
                           ("**boofcv (10 categories)**", [3, 4])])

    def score(times: list[float]) -> bench.Score:
        return bench.Score(images=len(times), decode_ms=times)

    # Folder medians 1.0 and 10.0 would give 5.5 as a median of medians; over all five images
    # of the zxing set the median is 2.0, and the mean is 45 / 5 = 9.0.
    summary = {
        "qraudit": [score([1.0, 1.0]), score([2.0, 10.0, 31.0]), score([5.0]),
                    score([100.0]), score([50.0, 70.0]), score([1.0])],
        "zxing-cpp": [score([2.0, 2.0]), score([1.0, 4.0, 6.0]), score([5.0]),
                      score([50.0]), score([40.0, 60.0]), score([1.0])],
    }
    runs = [bench.QrauditRun(2, 0.1, 0.05, 0.04, 0.02, 30_000, 20_000),
            bench.QrauditRun(3, 0.3, 0.15, 0.10, 0.05, 50_000, 25_000),
            bench.QrauditRun(1, 0.1, 0.1, 0.1, 0.1, 10_000, 10_000),
            bench.QrauditRun(1, 1.0, 0.4, 0.2, 0.1, 200_000, 40_000),
            bench.QrauditRun(2, 2.0, None, 0.4, 0.2, 300_000, None)]
    runs.append(bench.QrauditRun(1, 0.1, 0.1, None, None, 10_000, None))

    zx = bench.combine_runs([runs[0], runs[1]])
    check("set images", zx.images, 5)
    check("set wall summed", zx.wall_n, 0.2)
    check("set floor summed", zx.floor_n, 0.07)
    check("set rss max", zx.rss_scan_kb, 50_000)
    bf = bench.combine_runs([runs[3], runs[4]])
    check("set wall missing in one folder", bf.wall_n, None)
    check("set rss max of known", bf.rss_floor_kb, 40_000)

    rows = bench.ratio_rows(folders, summary, runs)
    check("row count", len(rows), 8)
    check("row width", {len(r) for r in rows}, {len(bench.RATIO_HEADERS)})
    by_name = {r[0]: r for r in rows}
    z = by_name["**zxing (4 folders)**"]
    check("set images cell", z[1], "5")
    check("set mean (total / images)", z[2], "9.00")
    check("set zxing-cpp mean", z[3], "3.00")
    check("set mean ratio", z[4], "3.00")
    check("set median over all images", z[5], "2.00")
    check("set zxing-cpp median", z[6], "2.00")
    check("set median ratio", z[7], "1.00")
    check("zbar not run", (z[8], z[9]), ("n/a", "n/a"))
    check("end to end ms/img", z[10], "40.00")  # 0.2 s / 5 images
    check("floor ms/img", z[11], "14.00")  # 0.07 s / 5
    check("end to end / floor", z[12], "2.86")
    check("rss MB", z[13], "49 / 24")
    f2 = by_name["zxing/qrcode-2"]
    check("folder median odd", f2[5], "10.00")
    check("folder mean", f2[2], "14.33")
    b = by_name["**boofcv (10 categories)**"]
    check("boofcv median even", b[5], "70.00")
    check("boofcv e2e n/a when a folder failed", (b[10], b[12]), ("n/a", "n/a"))
    check("boofcv floor still measured", b[11], "100.00")
    check("decoding not in a set", "boofcv/decoding" in by_name and b[1] == "3", True)

    # A decoder that was not run (or failed to install) and no qraudit runs: n/a, no crash.
    only_zx = bench.ratio_rows(folders, {"zxing-cpp": summary["zxing-cpp"]}, None)
    z = {r[0]: r for r in only_zx}["**zxing (4 folders)**"]
    check("qraudit missing", (z[2], z[4], z[5], z[7]), ("n/a", "n/a", "n/a", "n/a"))
    check("zxing-cpp alone", z[3], "3.00")
    check("no runs", (z[10], z[11], z[12], z[13]), ("n/a", "n/a", "n/a", "n/a"))
    table = bench.ratio_table(folders, {}, None, 2)
    check("table legend", bench.RATIO_LEGEND in table, True)
    check("table jobs header", "end to end ms/img (2 jobs)" in table, True)


def test_load_floor_json() -> None:
    line = '{"images": 3, "errors": 1, "wall_ms": 12.5, "load_ms": [1.25, 2.0, 9.0]}'
    f = bench.parse_load_floor("some noise\n" + line + "\n")
    check("floor images", f.images, 3)
    check("floor errors", f.errors, 1)
    check("floor wall", f.wall_ms, 12.5)
    check("floor times", f.load_ms, [1.25, 2.0, 9.0])
    check("floor median", bench.median(f.load_ms), 2.0)
    f = bench.parse_load_floor('{"images": 1, "errors": 1, "wall_ms": 1, "load_ms": [null]}')
    check("floor null time", f.load_ms, [None])
    for bad in ("", "no json here", '{"images": 2, "errors": 0, "wall_ms": 1, "load_ms": [1]}',
                '{"images": 1, "errors": 0, "load_ms": [1]}', '{"images": 1, oops'):
        try:
            bench.parse_load_floor(bad)
            FAILURES.append(f"load_floor {bad!r}: accepted")
        except ValueError:
            pass


def test_peak_rss() -> None:
    # A child that holds 64 MB: its own ru_maxrss (KB) must show it, and its output must arrive.
    code = "b = bytearray(64 << 20); b[::4096] = b'x' * len(b[::4096]); print('done')"
    m = bench.run_measured([sys.executable, "-c", code], 60)
    check("child exit", m.returncode, 0)
    check("child output", m.stdout.strip(), b"done")
    check("child rss at least 64 MB", (m.maxrss_kb or 0) >= 64 * 1024, True)
    check("child rss plausible", (m.maxrss_kb or 0) < 1024 * 1024, True)
    m = bench.run_measured([sys.executable, "-c", "import time; time.sleep(30)"], 0.5)
    check("timeout kills", (m.timed_out, m.wall < 10), (True, True))


def test_fastest() -> None:
    a, b, c = Path("a.png"), Path("b.png"), Path("c.png")
    first = {a: bench.ImageResult([bench.Decoded([b"A"], None)], None, 0.30),
             b: bench.ImageResult([], "broken", None),
             c: bench.ImageResult([], None, 0.20)}
    second = {a: bench.ImageResult([], None, 0.21),  # what a later run decoded is not scored
              b: bench.ImageResult([], None, 0.10),
              c: bench.ImageResult([], None, 0.25)}
    merged = bench.fastest([first, second])
    check("fastest: the fastest time of each image", merged[a].decode_ms, 0.21)
    check("fastest: the first run's codes are scored", merged[a].decoded[0].candidates, [b"A"])
    check("fastest: a slower later time is not taken", merged[c].decode_ms, 0.20)
    check("fastest: the first run's error stays", merged[b].error, "broken")
    check("fastest: the first run is not changed", first[a].decode_ms, 0.30)
    check("fastest: no runs", bench.fastest([]), {})
    check("fastest_wall", bench.fastest_wall([None, 2.5, 1.5]), 1.5)
    check("fastest_wall: none measured", bench.fastest_wall([None]), None)


def test_macro_rate() -> None:
    folders = [_folder("boofcv/nominal", 4), _folder("boofcv/damaged", 10),
               _folder("boofcv/decoding", 26), _folder("zxing/qrcode-1", 8)]
    scores = [bench.Score(correct=c) for c in [3, 2, 26, 0]]
    # (3/4 + 2/10) / 2: decoding and the zxing folder do not count.
    check("macro rate", round(bench.macro_rate(folders, scores), 6), 0.475)
    check("macro rate without categories", bench.macro_rate(folders[2:], scores[2:]), None)


def test_census_table() -> None:
    out = "\n".join([
        "folder  images  codes", "TOTAL 1 1", "time by pass (3 ms in all):",
        "failure census (the furthest stage each code not read got to, over all passes):",
        "| folder | codes | read |", "|---|---|---|", "| boofcv/damaged | 43 | 21 |",
        "| **all** | 43 | 21 |", ""])
    check("census table", bench.census_table(out),
          "| folder | codes | read |\n|---|---|---|\n| boofcv/damaged | 43 | 21 |\n"
          "| **all** | 43 | 21 |")
    check("no census", bench.census_table("TOTAL 1 1\n| a | b |"), None)


def main() -> int:
    for test in (test_unescape, test_labels, test_geometry, test_text_scoring,
                 test_corner_scoring, test_qraudit_jsonl_and_folder, test_manifest_reading,
                 test_mean_median, test_ratio_formatting, test_sets_and_ratio_rows,
                 test_load_floor_json, test_peak_rss, test_fastest, test_macro_rate,
                 test_census_table):
        test()
    if FAILURES:
        print("\n".join(FAILURES))
        print(f"0 passed, {len(FAILURES)} failed")
        return 1
    print("selftest: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
