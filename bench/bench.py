#!/usr/bin/env python3
"""Detection-rate and speed benchmark: qraudit against zxing-cpp and zbar, side by side.

Issue 4 measures qraudit first by how many codes it reads (with zero misreads) and second by
speed, on the photographs in ../shared/corpus and on the project's generated testdata/. This
script runs every decoder over the same files in one run and prints, per decoder and per folder,
correct / misread / missed codes, decode milliseconds per image and images per second, as
Markdown (stdout and bench/out/results.md). Entry point: bench/run.sh (see there for options).

Ground truth (see ../shared/corpus/README.md):
  * text truth: zxing/manifest.tsv, boofcv/manifest-decoding.tsv and testdata/manifest.tsv. A code
    is correct when a decoded text equals an expected text exactly; any other decoded text is a
    misread (a decoder that reports the same correct code twice is not penalised).
  * corner truth: boofcv/CATEGORY/imageNNN.txt. A labelled code is read when a decoded symbol's
    polygon covers more than 10% of the label's area (the BoofCV evaluation rule). Each decoded
    symbol is credited to at most one label (the one it covers most), so one huge bogus polygon
    cannot "read" a whole sheet; a decoded symbol that covers no label counts in the misread
    column (a false positive: there is no text truth to call it anything else).
  * boofcv/decoding's .txt truth files lost the carriage returns of their vCard/vEvent texts
    (every decoder reads `BEGIN:VCARD\r\n...` where the truth says `BEGIN:VCARD\n...`), so that
    folder alone is compared with CRLF folded to LF and trailing newlines ignored; the zxing
    manifests keep their CRLFs and are compared byte for byte.
  * zxing/qrcode-7 is one structured-append sequence of four symbols: it is scored as one code,
    read when the texts decoded from its four images, in order, concatenate to the expected text.

Timing: "decode ms/img" is decoding only, the image already loaded (qraudit: its own
`timing.decode_ms`; zxing-cpp and pyzbar: the call alone, after PIL loading and conversion to
grey). Every decoder's per-image decode times are kept, so the tables give the mean and the
median per folder and per set. "img/s" is end to end: qraudit and zbarimg as whole commands over
the folder's files (wall clock, process start included); zxing-cpp in-process PIL load + decode,
one core. With --repeat N (default 3) qraudit's commands (both scans and both load floors) and
zxing-cpp's loop run N times over each folder, one after the other, and each image keeps its
fastest decode time and each command its fastest wall clock (`fastest`): a decode of a fifth of
a millisecond, timed once, moved by a fifth between runs of the same build for both decoders
(bench/README.md). The codes are scored on the first run. zbar runs once (its tens of
milliseconds per image are not the noisy figures, and it is the slowest part of the run).

The ratio table (issue 19), printed before the per-decoder tables, puts per folder and per set
("zxing (4 folders)", "boofcv (10 categories)") side by side: qraudit's and zxing-cpp's mean and
median decode ms/img and their ratios (qraudit / zxing-cpp), zbar's mean and median (pyzbar),
qraudit's end-to-end ms/img at the default jobs (wall clock of the scan command / images) against
the load-only floor at the same jobs and their ratio, and the peak RSS of the commands. A set's
mean is its total ms / its images and its median is taken over all its images (not over folder
medians); its walls are summed and its peak RSS is the largest of its folders'. A decoder that was
not run or failed to install shows "n/a".

The load-only floor is `examples/load_floor.rs` (built with `cargo build --release --example
load_floor`; with --no-build it is expected at the qraudit binary's directory +
examples/load_floor). It reads each file and decodes it to greyscale with the scanner's own
`sniff_image` + `load_gray`, nothing else, with N worker threads, and prints one JSON line. It
runs on each folder's files with --jobs 1 and with --jobs = all cores, like the two scan commands,
in the same run; both are timed the same way (wall clock of the command, process start included).
Peak RSS: every qraudit and load_floor command is started with subprocess.Popen and reaped with
os.wait4, whose rusage gives that child's own ru_maxrss (KB on Linux); a folder reports the
largest of its commands', in MB (1024 KB).

The failure census (issue 21) follows the ratio table: `examples/decode_corpus --census boofcv
zxing` (built beside load_floor; with --no-build expected at the qraudit binary's directory +
examples/decode_corpus), for every labelled code qraudit did not read the furthest stage any
pass got to, per folder. Not with --quick.

Dependencies install themselves (pip: zxing-cpp, pillow, pyzbar; apt: zbar-tools, libzbar0);
a competitor whose install fails is skipped with a note, and a missing corpus skips the corpus
folders, so the script always finishes with whatever it could measure.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "bench" / "out"
BOOFCV_CATEGORIES = [
    "nominal", "blurred", "damaged", "glare", "high_version", "lots",
    "perspective", "rotations", "noncompliant", "pathological",
]
ZXING_FOLDERS = ["qrcode-1", "qrcode-2", "qrcode-5", "qrcode-6"]
QUICK_PER_FOLDER = 4
COVER_FRACTION = 0.10


# ---------------------------------------------------------------------------------------------
# Ground truth


def unescape(s: str) -> bytes:
    """Undo the corpus manifest escaping: \\\\ \\t \\n \\r and \\xHH (a byte, not a code point)."""
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x":
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
                continue
            out.extend({"\\": b"\\", "t": b"\t", "n": b"\n", "r": b"\r"}[n])
            i += 2
        else:
            out.extend(c.encode("utf-8"))
            i += 1
    return bytes(out)


@dataclass
class Item:
    path: Path
    texts: list[bytes] | None = None  # text truth: expected payloads (possibly none)
    polygons: list[list[tuple[float, float]]] | None = None  # corner truth


@dataclass
class Folder:
    name: str
    items: list[Item]
    # "text", "corners" or "sequence" (structured append: all items form one code)
    kind: str = "text"
    sequence_text: bytes | None = None
    # Compare texts with CRLF folded to LF and trailing newlines dropped: only for truth files
    # known to have lost their carriage returns (boofcv/decoding, see the module docstring).
    fold_newlines: bool = False

    @property
    def codes(self) -> int:
        if self.kind == "sequence":
            return 1
        if self.kind == "corners":
            return sum(len(i.polygons or []) for i in self.items)
        return sum(len(i.texts or []) for i in self.items)


def read_tsv(path: Path) -> list[list[str]]:
    rows = []
    with open(path, encoding="utf-8", newline="\n") as f:
        for n, line in enumerate(f):
            line = line.rstrip("\n")
            if not line or line.startswith("#") or (n == 0 and line.startswith("relpath")):
                continue
            rows.append(line.split("\t"))
    return rows


def parse_boofcv_labels(text: str) -> list[list[tuple[float, float]]]:
    """Corner polygons of a BoofCV label file. With a `SETS` line every following line is one
    polygon (x y pairs); without it the file lists one point per line, four per code."""
    lines = [l.split() for l in text.splitlines() if l.strip() and not l.startswith("#")]
    polys: list[list[tuple[float, float]]] = []
    if lines and lines[0] == ["SETS"]:
        for fields in lines[1:]:
            v = [float(x) for x in fields]
            polys.append(list(zip(v[0::2], v[1::2])))
    else:
        points = [(float(f[0]), float(f[1])) for f in lines]
        for k in range(0, len(points) - len(points) % 4, 4):
            polys.append(points[k:k + 4])
    return polys


def load_folders(corpus: Path | None, quick: bool) -> tuple[list[Folder], list[str]]:
    notes: list[str] = []
    folders: list[Folder] = []

    def cut(items: list[Item]) -> list[Item]:
        return items[:QUICK_PER_FOLDER] if quick else items

    if corpus is None or not corpus.is_dir():
        notes.append(f"corpus not found at {corpus}: corpus folders skipped")
    else:
        zx = corpus / "zxing"
        if (zx / "manifest.tsv").is_file():
            by_folder: dict[str, list[Item]] = {}
            for rel, _sha, text in read_tsv(zx / "manifest.tsv"):
                by_folder.setdefault(rel.split("/")[0], []).append(
                    Item(zx / rel, texts=[unescape(text)]))
            for name in ZXING_FOLDERS:
                if name in by_folder:
                    folders.append(Folder(f"zxing/{name}", cut(by_folder[name])))
        if (zx / "manifest-structured-append.tsv").is_file():
            for rels, _sha, text in read_tsv(zx / "manifest-structured-append.tsv"):
                items = [Item(zx / r) for r in rels.split("|")]
                name = "zxing/" + rels.split("/")[0] + " (structured append)"
                folders.append(Folder(name, items, "sequence", unescape(text)))
        bf = corpus / "boofcv"
        if (bf / "manifest.tsv").is_file():
            by_cat: dict[str, list[Item]] = {}
            for rel, _sha, _count in read_tsv(bf / "manifest.tsv"):
                img = bf / rel
                labels = parse_boofcv_labels(img.with_suffix(".txt").read_text())
                by_cat.setdefault(rel.split("/")[0], []).append(Item(img, polygons=labels))
            for cat in BOOFCV_CATEGORIES:
                if cat in by_cat:
                    folders.append(Folder(f"boofcv/{cat}", cut(by_cat[cat]), "corners"))
        if (bf / "manifest-decoding.tsv").is_file():
            items = [Item(bf / rel, texts=[unescape(t)])
                     for rel, _sha, t in read_tsv(bf / "manifest-decoding.tsv")]
            folders.append(Folder("boofcv/decoding", cut(items), fold_newlines=True))

    td = REPO / "testdata" / "manifest.tsv"
    if td.is_file():
        items_by_path: dict[str, Item] = {}
        for rel, expect, _plain, text in read_tsv(td):
            # Images only: skipped/error inputs are qraudit's business, not a decoder benchmark's.
            if expect not in ("code", "unreadable", "no-code"):
                continue
            item = items_by_path.setdefault(rel, Item(REPO / "testdata" / rel, texts=[]))
            if expect == "code":
                item.texts.append(unescape(text))
        folders.append(Folder("testdata (generated)", list(items_by_path.values())))
    else:
        notes.append("testdata/manifest.tsv missing: run `cargo run --example gen_testdata`")
    return folders, notes


# ---------------------------------------------------------------------------------------------
# Geometry: convex polygons, Sutherland–Hodgman clipping, shoelace area.

Point = tuple[float, float]


def cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def convex_hull(points: list[Point]) -> list[Point]:
    """Counter-clockwise hull (monotone chain). Labels and decoder corners come in either
    winding, and pyzbar's polygon is a list of scan points, so everything goes through this."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts
    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def area(poly: list[Point]) -> float:
    s = 0.0
    for i in range(len(poly)):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % len(poly)]
        s += x1 * y2 - x2 * y1
    return abs(s) / 2.0


def clip(subject: list[Point], clipper: list[Point]) -> list[Point]:
    """Sutherland–Hodgman: `subject` clipped by the convex, counter-clockwise `clipper`."""
    out = subject
    for i in range(len(clipper)):
        a, b = clipper[i], clipper[(i + 1) % len(clipper)]
        inp, out = out, []
        if not inp:
            break
        for j in range(len(inp)):
            p, q = inp[j], inp[(j + 1) % len(inp)]
            p_in, q_in = cross(a, b, p) >= 0, cross(a, b, q) >= 0
            if p_in:
                out.append(p)
            if p_in != q_in:
                # Intersection of segment p-q with the infinite line a-b.
                dp, dq = cross(a, b, p), cross(a, b, q)
                t = dp / (dp - dq)
                out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def coverage(label: list[Point], found: list[Point]) -> float:
    """Fraction of the label's area that the found polygon covers."""
    lab, fnd = convex_hull(label), convex_hull(found)
    a = area(lab)
    if a <= 0 or len(fnd) < 3:
        return 0.0
    return area(clip(lab, fnd)) / a


# ---------------------------------------------------------------------------------------------
# Decoder results and scoring


@dataclass
class Decoded:
    candidates: list[bytes]  # the payload as text (UTF-8) and/or raw bytes
    polygon: list[Point] | None = None


@dataclass
class ImageResult:
    decoded: list[Decoded] = field(default_factory=list)
    error: str | None = None
    decode_ms: float | None = None


@dataclass
class Score:
    images: int = 0
    codes: int = 0
    correct: int = 0
    misread: int = 0
    missed: int = 0
    errors: int = 0
    decode_ms: list[float] = field(default_factory=list)


def macro_rate(folders: list, scores: list) -> float | None:
    """The mean over the BoofCV categories (every boofcv folder but `decoding`, which has text
    truth and is not one of the benchmark's categories) of codes read / codes labelled; None
    when no category was measured."""
    rates = [s.correct / f.codes for f, s in zip(folders, scores)
             if f.name.startswith("boofcv/") and f.name != "boofcv/decoding" and f.codes]
    return sum(rates) / len(rates) if rates else None


def fold(text: bytes) -> bytes:
    return text.replace(b"\r\n", b"\n").rstrip(b"\n")


def score_text(expected: list[bytes], decoded: list[Decoded],
               fold_newlines: bool = False) -> tuple[int, int]:
    """(correct, misread) for one image with text truth."""
    if fold_newlines:
        expected = [fold(e) for e in expected]
        decoded = [Decoded([fold(c) for c in d.candidates], d.polygon) for d in decoded]
    remaining = list(expected)
    correct = misread = 0
    for d in decoded:
        match = next((e for e in remaining if e in d.candidates), None)
        if match is not None:
            remaining.remove(match)
            correct += 1
        elif not any(e in d.candidates for e in expected):
            misread += 1
        # else: the same correct code reported twice, neither credit nor blame
    return correct, misread


def score_corners(labels: list[list[Point]], decoded: list[Decoded]) -> tuple[int, int]:
    """(labels read, decoded symbols covering no label) for one image with corner truth."""
    read = [False] * len(labels)
    false_pos = 0
    for d in decoded:
        if not d.polygon:
            false_pos += 1
            continue
        covers = [(coverage(l, d.polygon), i) for i, l in enumerate(labels)]
        hits = [(c, i) for c, i in covers if c > COVER_FRACTION]
        if not hits:
            false_pos += 1
            continue
        fresh = [(c, i) for c, i in hits if not read[i]]
        if fresh:
            read[max(fresh)[1]] = True
    return sum(read), false_pos


def score_folder(folder: Folder, results: dict[Path, ImageResult]) -> Score:
    s = Score(images=len(folder.items), codes=folder.codes)
    for item in folder.items:
        r = results.get(item.path, ImageResult(error="no result"))
        if r.error:
            s.errors += 1
        if r.decode_ms is not None:
            s.decode_ms.append(r.decode_ms)
    if folder.kind == "sequence":
        parts = []
        for item in folder.items:
            r = results.get(item.path)
            texts = [d.candidates[0] for d in r.decoded] if r and r.decoded else []
            parts.append(texts[0] if len(texts) == 1 else None)
        ok = all(p is not None for p in parts) and b"".join(parts) == folder.sequence_text
        s.correct = int(ok)
        s.missed = 1 - s.correct
        return s
    for item in folder.items:
        r = results.get(item.path, ImageResult())
        if folder.kind == "corners":
            c, m = score_corners(item.polygons or [], r.decoded)
            expected = len(item.polygons or [])
        else:
            c, m = score_text(item.texts or [], r.decoded, folder.fold_newlines)
            expected = len(item.texts or [])
        s.correct += c
        s.misread += m
        s.missed += expected - c
    return s


# ---------------------------------------------------------------------------------------------
# Speed statistics: per-image times, sets, the load-only floor, peak RSS (issue 19)


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def median(values: list[float]) -> float | None:
    """Middle value; with an even count, the mean of the two middle ones."""
    return statistics.median(values) if values else None


def fmt_num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def fmt_ratio(num: float | None, den: float | None) -> str:
    """num / den with two decimals, "n/a" when either side was not measured (or den is 0)."""
    if num is None or den is None or den <= 0:
        return "n/a"
    return f"{num / den:.2f}"


def set_groups(folders: list[Folder]) -> list[tuple[str, list[int]]]:
    """The sets that get a subtotal row: (label, indexes of its folders). The structured-append
    sequence and boofcv/decoding (text truth, another source) are not part of either set."""
    groups = []
    for prefix, label in (("zxing/qrcode-", "**zxing (4 folders)**"),
                          ("boofcv/", "**boofcv (10 categories)**")):
        idx = [i for i, f in enumerate(folders)
               if f.name.startswith(prefix) and "structured" not in f.name
               and f.name != "boofcv/decoding"]
        if len(idx) > 1:
            groups.append((label, idx))
    return groups


@dataclass
class QrauditRun:
    """One folder's (or set's) qraudit commands: wall clocks in seconds, peak RSS in KB.
    None = not measured (command failed, floor binary missing)."""
    images: int = 0
    wall_1: float | None = None  # scan --jobs 1
    wall_n: float | None = None  # scan, default jobs
    floor_1: float | None = None  # load_floor --jobs 1
    floor_n: float | None = None  # load_floor --jobs <cores>
    rss_scan_kb: int | None = None  # max over the scan commands
    rss_floor_kb: int | None = None  # max over the load_floor commands
    floor_errors: int = 0  # load_floor's "errors" (the --jobs 1 run)


def combine_runs(runs: list[QrauditRun]) -> QrauditRun:
    """A set's figures: images and walls summed (None if any folder lacks one), peak RSS the
    largest of its folders' (None only when no folder has one)."""
    def total(values):
        return sum(values) if values and all(v is not None for v in values) else None

    def peak(values):
        known = [v for v in values if v is not None]
        return max(known) if known else None

    return QrauditRun(
        images=sum(r.images for r in runs),
        wall_1=total([r.wall_1 for r in runs]),
        wall_n=total([r.wall_n for r in runs]),
        floor_1=total([r.floor_1 for r in runs]),
        floor_n=total([r.floor_n for r in runs]),
        rss_scan_kb=peak([r.rss_scan_kb for r in runs]),
        rss_floor_kb=peak([r.rss_floor_kb for r in runs]),
        floor_errors=sum(r.floor_errors for r in runs),
    )


def ms_per_image(seconds: float | None, images: int) -> float | None:
    return seconds * 1000 / images if seconds is not None and images else None


def fmt_rss(kb_scan: int | None, kb_floor: int | None) -> str:
    """"scan / floor" peak RSS in MB (1024 KB)."""
    def mb(kb):
        return None if kb is None else kb / 1024

    if kb_scan is None and kb_floor is None:
        return "n/a"
    return f"{fmt_num(mb(kb_scan), 0)} / {fmt_num(mb(kb_floor), 0)}"


@dataclass
class FloorResult:
    images: int
    errors: int
    wall_ms: float
    load_ms: list[float | None]


def parse_load_floor(stdout: str) -> FloorResult:
    """The one JSON line of examples/load_floor.rs. Raises ValueError when there is none or it
    does not have the expected shape (a floor that is silently wrong is worse than none)."""
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"load_floor printed bad JSON: {e}") from e
        try:
            images, errors = int(obj["images"]), int(obj["errors"])
            wall_ms = float(obj["wall_ms"])
            load_ms = [None if v is None else float(v) for v in obj["load_ms"]]
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"load_floor JSON lacks or garbles {e}") from e
        if len(load_ms) != images:
            raise ValueError(f"load_floor: {images} images but {len(load_ms)} times")
        return FloorResult(images, errors, wall_ms, load_ms)
    raise ValueError("load_floor printed no JSON line")


# ---------------------------------------------------------------------------------------------
# Installing the competitors


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def try_import(module: str, pip_name: str, install: bool):
    try:
        return importlib.import_module(module)
    except ImportError as e:
        first = e
    if not install:
        raise first
    log(f"installing {pip_name} with pip ...")
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", pip_name]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 and "externally-managed" in r.stderr:
        r = subprocess.run(cmd + ["--break-system-packages"], capture_output=True, text=True)
    if r.returncode != 0:
        raise ImportError(f"pip install {pip_name} failed: {r.stderr.strip()[-300:]}")
    importlib.invalidate_caches()
    return importlib.import_module(module)


def apt_install(packages: list[str]) -> bool:
    if shutil.which("apt-get") is None:
        return False
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None:
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    log(f"installing {' '.join(packages)} with apt-get ...")
    cmd = prefix + ["apt-get", "install", "-y", "-qq"] + packages
    if subprocess.run(cmd, capture_output=True, env=env).returncode == 0:
        return True
    # A fresh machine has no package lists yet.
    subprocess.run(prefix + ["apt-get", "update", "-qq"], capture_output=True, env=env)
    return subprocess.run(cmd, capture_output=True, env=env).returncode == 0


# ---------------------------------------------------------------------------------------------
# Decoders


def qraudit_results(lines: str, wanted: set[Path]) -> dict[Path, ImageResult]:
    """Parse qraudit's JSONL (one object per input) into per-image results."""
    out: dict[Path, ImageResult] = {}
    for line in lines.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        # Other object types (the closing {"type": "summary"}) are not per-image results.
        if obj.get("type", "input") != "input" or "path" not in obj:
            continue
        path = Path(obj["path"])
        if path not in wanted:
            path = Path(os.path.realpath(path))
        r = ImageResult()
        if obj.get("status") in ("error", "skipped"):
            r.error = obj.get("error") or obj.get("status")
        timing = obj.get("timing") or {}
        if isinstance(timing.get("decode_ms"), (int, float)):
            r.decode_ms = float(timing["decode_ms"])
        for code in obj.get("codes") or []:
            cands = []
            if code.get("bytes_hex"):
                cands.append(bytes.fromhex(code["bytes_hex"]))
            if code.get("text") is not None:
                cands.append(code["text"].encode("utf-8"))
            if not cands:
                continue  # a symbol found but unreadable is not a decoded code
            corners = (code.get("symbol") or {}).get("corners")
            poly = [(float(p[0]), float(p[1])) for p in corners] if corners else None
            r.decoded.append(Decoded(cands, poly))
        out[path] = r
    return out


@dataclass
class Measured:
    stdout: bytes
    stderr: bytes
    returncode: int | None
    wall: float  # seconds, start of the process to its end
    maxrss_kb: int | None  # the child's own peak resident set (ru_maxrss, KB on Linux)
    timed_out: bool = False


def fastest(runs: list[dict[Path, ImageResult]]) -> dict[Path, ImageResult]:
    """The first run's results (what is scored), each image with the fastest decode time any
    run measured for it (`--repeat`). Images a later run did not time keep the first's."""
    if not runs:
        return {}
    merged = {path: ImageResult(r.decoded, r.error, r.decode_ms) for path, r in runs[0].items()}
    for later in runs[1:]:
        for path, r in later.items():
            first = merged.get(path)
            if first is None or r.decode_ms is None:
                continue
            if first.decode_ms is None or r.decode_ms < first.decode_ms:
                first.decode_ms = r.decode_ms
    return merged


def fastest_wall(walls: list[float | None]) -> float | None:
    """The fastest of a command's wall clocks, None when none was measured."""
    known = [w for w in walls if w is not None]
    return min(known) if known else None


def run_measured(cmd: list[str], timeout: float) -> Measured:
    """Run cmd to the end and measure its wall clock and its own peak RSS: the child is reaped
    with os.wait4, whose rusage is that process's alone (resource.RUSAGE_CHILDREN would be the
    largest of every child so far). Output goes to temporary files, so a full pipe cannot block
    it; a timer kills it after `timeout` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            p = subprocess.Popen(cmd, stdout=out, stderr=err)
        except OSError as e:
            return Measured(b"", str(e).encode(), None, 0.0, None)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            p.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return Measured(out.read(), err.read(), p.returncode, wall, usage.ru_maxrss,
                        timed_out.is_set())


def run_qraudit(binary: Path, files: list[Path],
                jobs: int | None) -> tuple[dict, float, str, int | None]:
    """(results, wall seconds, problem note or "", peak RSS KB) of one scan command."""
    # --show-secrets: the benchmark compares decoded texts with the truth, and a redacted
    # password would count a correct read as a misread.
    cmd = [str(binary), "scan", "--format", "jsonl", "--timings", "--quiet", "--show-secrets"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    cmd += [str(f) for f in files]
    m = run_measured(cmd, 120 + 60 * len(files))
    if m.timed_out:
        return {}, m.wall, "qraudit timed out", m.maxrss_kb
    results = qraudit_results(m.stdout.decode("utf-8", "replace"), set(files))
    note = ""
    if not results:
        note = f"qraudit printed no results (exit {m.returncode}): {m.stderr.decode()[-300:]}"
    return results, m.wall, note, m.maxrss_kb


def run_load_floor(binary: Path, files: list[Path],
                   jobs: int) -> tuple[FloorResult | None, float, str, int | None]:
    """(parsed JSON line or None, wall seconds, problem note or "", peak RSS KB) of one
    examples/load_floor command."""
    cmd = [str(binary), "--jobs", str(jobs)] + [str(f) for f in files]
    m = run_measured(cmd, 120 + 60 * len(files))
    if m.timed_out:
        return None, m.wall, "load_floor timed out", m.maxrss_kb
    try:
        floor = parse_load_floor(m.stdout.decode("utf-8", "replace"))
    except ValueError as e:
        return None, m.wall, f"{e} (exit {m.returncode}): {m.stderr.decode()[-300:]}", m.maxrss_kb
    note = ""
    if floor.errors:
        note = f"load_floor: {floor.errors} of {floor.images} files not loaded: " \
               f"{m.stderr.decode()[-300:]}"
    return floor, m.wall, note, m.maxrss_kb


def census_table(stdout: str) -> str | None:
    """The failure census table that `decode_corpus --census` prints last (from its "failure
    census" line to the end of the table), or None when it printed none."""
    lines = stdout.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("failure census")), None)
    if start is None:
        return None
    table = [l for l in lines[start + 1:] if l.startswith("|")]
    return "\n".join(table) if table else None


def run_census(binary: Path, corpus: Path) -> tuple[str | None, str]:
    """(census table or None, problem note or "") of `examples/decode_corpus --census` over the
    corpus's boofcv and zxing folders: for every labelled code qraudit did not read, the
    furthest stage any pass got to (issue 21)."""
    cmd = [str(binary), "--census", "--corpus", str(corpus), "boofcv", "zxing"]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"failure census: {e}"
    table = census_table(done.stdout.decode("utf-8", "replace"))
    if table is None:
        return None, f"failure census: decode_corpus printed none (exit {done.returncode}): " \
                     f"{done.stderr.decode('utf-8', 'replace')[-300:]}"
    return table, ""


def load_grey(Image, path: Path):
    # No EXIF transposition: BoofCV labels are in raw pixel coordinates.
    img = Image.open(path)
    img.load()
    return img.convert("L")


def run_zxingcpp(zxingcpp, Image, files: list[Path]) -> tuple[dict, float]:
    fmt = zxingcpp.BarcodeFormat.QRCode
    mode = getattr(zxingcpp, "TextMode", None)
    kwargs = {"formats": fmt}
    if mode is not None:
        kwargs["text_mode"] = mode.Plain  # exact text (GS1 keeps its 0x1D), not "(01)…" HRI
    out: dict[Path, ImageResult] = {}
    start = time.perf_counter()
    for f in files:
        r = ImageResult()
        try:
            img = load_grey(Image, f)
            t0 = time.perf_counter()
            found = zxingcpp.read_barcodes(img, **kwargs)
            r.decode_ms = (time.perf_counter() - t0) * 1000
            for b in found:
                cands = [b.text.encode("utf-8")]
                if bytes(b.bytes) not in cands:
                    cands.append(bytes(b.bytes))
                p = b.position
                poly = [(p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y),
                        (p.bottom_right.x, p.bottom_right.y), (p.bottom_left.x, p.bottom_left.y)]
                r.decoded.append(Decoded(cands, poly))
        except Exception as e:  # one bad image must not end the benchmark
            r.error = f"{type(e).__name__}: {e}"
        out[f] = r
    return out, time.perf_counter() - start


def run_pyzbar(pyzbar, ZBarSymbol, Image, files: list[Path]) -> dict:
    # pyzbar 0.1.9 raises ValueError on every symbol whose orientation zbar reports as unknown
    # (-1), e.g. all of zxing/qrcode-7, losing the decoded data; without the orientation getter
    # it skips that field. Orientation is not used here.
    pyzbar.zbar_symbol_get_orientation = None
    out: dict[Path, ImageResult] = {}
    for f in files:
        r = ImageResult()
        try:
            img = load_grey(Image, f)
            t0 = time.perf_counter()
            found = pyzbar.decode(img, symbols=[ZBarSymbol.QRCODE])
            r.decode_ms = (time.perf_counter() - t0) * 1000
            for s in found:
                poly = [(float(p.x), float(p.y)) for p in s.polygon] or None
                r.decoded.append(Decoded([s.data], poly))
        except Exception as e:
            r.error = f"{type(e).__name__}: {e}"
        out[f] = r
    return out


def run_zbarimg(files: list[Path]) -> float | None:
    cmd = ["zbarimg", "-q", "--raw", "--nodbus", "-Sdisable", "-Sqrcode.enable"] + [str(f) for f in files]
    start = time.perf_counter()
    try:
        # Exit status 4 means "no symbol found in some image": not a failure here.
        subprocess.run(cmd, capture_output=True, timeout=120 + 60 * len(files))
    except (subprocess.TimeoutExpired, OSError):
        return None
    return time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# Report


def fmt_ms(values: list[float]) -> str:
    return f"{sum(values) / len(values):.1f}" if values else "—"


def fmt_rate(images: int, seconds: float | None) -> str:
    return f"{images / seconds:.1f}" if seconds and images else "—"


def totals(name: str, scores: list[Score], walls: list) -> tuple[Score, list]:
    t = Score()
    for s in scores:
        t.images += s.images
        t.codes += s.codes
        t.correct += s.correct
        t.misread += s.misread
        t.missed += s.missed
        t.errors += s.errors
        t.decode_ms += s.decode_ms
    summed = []
    for col in zip(*walls) if walls else []:
        summed.append(sum(col) if all(c is not None for c in col) else None)
    return t, summed


def decoder_table(title: str, rate_headers: list[str], rows: list) -> str:
    head = ["folder", "images", "codes", "correct", "misread", "missed", "errors",
            "decode ms/img"] + rate_headers
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |",
             "|" + "---|" * len(head)]
    for name, s, walls in rows:
        cells = [name, s.images, s.codes, s.correct, s.misread, s.missed, s.errors,
                 fmt_ms(s.decode_ms)] + [fmt_rate(s.images, w) for w in walls]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def group_rows(folders, scores, walls) -> list:
    """Folder rows, then subtotal rows for the zxing and boofcv groups."""
    rows = [(f.name, scores[i], walls[i]) for i, f in enumerate(folders)]
    for label, idx in set_groups(folders):
        t, w = totals(label, [scores[i] for i in idx], [walls[i] for i in idx])
        rows.append((label, t, w))
    return rows


RATIO_HEADERS = [
    "folder", "images",
    "qraudit mean", "zxing-cpp mean", "mean ratio †",
    "qraudit median", "zxing-cpp median", "median ratio †",
    "zbar mean", "zbar median",
    "end to end ms/img ({jobs} jobs)", "load floor ms/img ({jobs} jobs)", "end to end / floor †",
    "peak RSS MB (scan / floor)",
]
RATIO_LEGEND = ("† goal: decode ratio ≤ 1.0 on mean and median per set; end to end ≤ 1.3 × "
                "floor")


def ratio_rows(folders: list[Folder], summary: dict[str, list[Score]],
               runs: list[QrauditRun] | None) -> list[list[str]]:
    """The cells of the ratio table: one row per folder, then one per set. Decode times are
    ms/img (mean = total / images with a time; a set's median over all its images); a decoder
    absent from `summary`, or qraudit's runs absent, gives "n/a"."""
    def decode_times(decoder: str, idx: list[int]) -> list[float] | None:
        if decoder not in summary:
            return None
        return [ms for i in idx for ms in summary[decoder][i].decode_ms]

    def stat(values: list[float] | None, f) -> float | None:
        return f(values) if values else None

    units = [(f.name, [i]) for i, f in enumerate(folders)] + set_groups(folders)
    rows = []
    for name, idx in units:
        images = sum(len(folders[i].items) for i in idx)
        q, z, b = (decode_times(d, idx) for d in ("qraudit", "zxing-cpp", "zbar"))
        q_mean, z_mean = stat(q, mean), stat(z, mean)
        q_med, z_med = stat(q, median), stat(z, median)
        run = combine_runs([runs[i] for i in idx]) if runs is not None else QrauditRun()
        e2e = ms_per_image(run.wall_n, run.images)
        floor = ms_per_image(run.floor_n, run.images)
        rows.append([
            name, str(images),
            fmt_num(q_mean), fmt_num(z_mean), fmt_ratio(q_mean, z_mean),
            fmt_num(q_med), fmt_num(z_med), fmt_ratio(q_med, z_med),
            fmt_num(stat(b, mean)), fmt_num(stat(b, median)),
            fmt_num(e2e), fmt_num(floor), fmt_ratio(e2e, floor),
            fmt_rss(run.rss_scan_kb, run.rss_floor_kb),
        ])
    return rows


def ratio_table(folders: list[Folder], summary: dict[str, list[Score]],
                runs: list[QrauditRun] | None, cores: int) -> str:
    head = [h.format(jobs=cores) for h in RATIO_HEADERS]
    lines = ["## Ratio table (issue 19)", "",
             "Decode ms/img (decoding only, image loaded), mean and median, per folder and per "
             "set; ratio = qraudit / zxing-cpp. End to end = wall clock of `qraudit scan` at the "
             f"default jobs ({cores}) / images; load floor = `examples/load_floor --jobs {cores}` "
             "(read + decode to grey only) on the same files, timed the same way.", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in ratio_rows(folders, summary, runs)]
    lines += ["", RATIO_LEGEND]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help=f"first {QUICK_PER_FOLDER} images of each folder only")
    ap.add_argument("--only", action="append", choices=["qraudit", "zxing-cpp", "zbar"],
                    help="run only this decoder (repeatable)")
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--qraudit", type=Path, default=REPO / "target" / "release" / "qraudit",
                    help="qraudit binary (default: built with cargo build --release)")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --release")
    ap.add_argument("--no-install", action="store_true", help="never pip/apt install")
    ap.add_argument("--out", type=Path, default=OUT_DIR / "results.md")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of qraudit's commands and zxing-cpp's loop per folder; each "
                         "image keeps its fastest decode time, each command its fastest wall "
                         "(default 3)")
    ap.add_argument("--selftest", action="store_true", help="run bench/selftest.py and exit")
    args = ap.parse_args(argv)

    if args.selftest:
        import selftest  # noqa: E402 (bench/ is on sys.path when run as a script)
        return selftest.main()

    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    decoders = args.only or ["qraudit", "zxing-cpp", "zbar"]
    install = not args.no_install
    folders, notes = load_folders(args.corpus, args.quick)
    folders = [f for f in folders if f.items]
    all_files = [i.path for f in folders for i in f.items]
    log(f"{len(folders)} folders, {len(all_files)} images")

    sections: list[str] = []
    summary: dict[str, list[Score]] = {}
    versions: list[str] = []

    cores = os.cpu_count() or 1
    runs: list[QrauditRun] | None = None  # qraudit's walls, floor and RSS per folder
    if "qraudit" in decoders:
        ok = True
        floor_bin = args.qraudit.parent / "examples" / "load_floor"
        if not args.no_build:
            log("cargo build --release ...")
            b = subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO)
            ok = b.returncode == 0
            if not ok:
                notes.append("qraudit: cargo build --release failed, skipped")
            else:
                log("cargo build --release --example load_floor --example decode_corpus ...")
                b = subprocess.run(["cargo", "build", "--release", "--quiet", "--example",
                                    "load_floor", "--example", "decode_corpus"], cwd=REPO)
                if b.returncode != 0:
                    notes.append("load floor, census: cargo build --release --example "
                                 "load_floor --example decode_corpus failed")
        if ok and not args.qraudit.is_file():
            notes.append(f"qraudit: no binary at {args.qraudit}, skipped")
            ok = False
        have_floor = floor_bin.is_file()
        if ok and not have_floor:
            notes.append(f"load floor not measured: no binary at {floor_bin} "
                         "(cargo build --release --example load_floor)")
        if ok:
            v = subprocess.run([str(args.qraudit), "--version"], capture_output=True, text=True)
            versions.append(v.stdout.strip() or "qraudit (version unknown)")
            scores, walls, problems, answered = [], [], [], False
            folder_runs: list[QrauditRun] = []
            for f in folders:
                files = [i.path for i in f.items]
                log(f"qraudit: {f.name} ({len(files)} images) ...")
                run = QrauditRun(images=len(files))
                rss, floor_rss = [], []
                timed, walls_1, walls_n = [], [], []
                floor_walls: dict[int, list[float | None]] = {1: [], cores: []}
                for _ in range(args.repeat):
                    res1, wall1, note1, rss1 = run_qraudit(args.qraudit, files, 1)
                    rss.append(rss1)
                    answered = answered or bool(res1)
                    if note1:
                        # No default-jobs scan then; the floor is still measured, once.
                        problems.append(f"{f.name}: {note1}")
                    else:
                        timed.append(res1)
                        walls_1.append(wall1)
                        _, wall_n, note_n, rss_n = run_qraudit(args.qraudit, files, None)
                        rss.append(rss_n)
                        walls_n.append(None if note_n else wall_n)
                        if note_n:
                            problems.append(f"{f.name} (default jobs): {note_n}")
                    if have_floor:
                        for jobs in (1, cores):
                            floor, wall, note, frss = run_load_floor(floor_bin, files, jobs)
                            floor_rss.append(frss)
                            if note:
                                problems.append(f"{f.name} (load_floor --jobs {jobs}): {note}")
                            if floor is None:
                                continue
                            floor_walls[jobs].append(wall)
                            if jobs == 1:
                                run.floor_errors = floor.errors
                    if note1:
                        break
                res1 = fastest(timed)
                run.wall_1 = fastest_wall(walls_1)
                run.wall_n = fastest_wall(walls_n)
                run.floor_1 = fastest_wall(floor_walls[1])
                run.floor_n = fastest_wall(floor_walls[cores])
                known = [r for r in rss if r is not None]
                run.rss_scan_kb = max(known) if known else None
                known = [r for r in floor_rss if r is not None]
                run.rss_floor_kb = max(known) if known else None
                folder_runs.append(run)
                walls.append([run.wall_1, run.wall_n, run.floor_1, run.floor_n])
                scores.append(score_folder(f, res1))
            if not answered:
                # The binary exists but does not implement `scan` yet (or fails on everything).
                notes.append(f"qraudit skipped: {problems[0] if problems else 'no output'}")
            else:
                # A problem that every repeat met is noted once.
                notes.extend(f"qraudit: {p}" for p in dict.fromkeys(problems))
                summary["qraudit"] = scores
                runs = folder_runs
                sections.append(decoder_table(
                    "qraudit", ["img/s (--jobs 1)", f"img/s (default jobs, {cores} cores)",
                                "load floor img/s (--jobs 1)",
                                f"load floor img/s (--jobs {cores})"],
                    group_rows(folders, scores, walls)))

    Image = None
    if "zxing-cpp" in decoders or "zbar" in decoders:
        try:
            Image = try_import("PIL.Image", "pillow", install)
        except ImportError as e:
            notes.append(f"pillow unavailable ({e}): zxing-cpp and zbar skipped")

    if "zxing-cpp" in decoders and Image is not None:
        try:
            zxingcpp = try_import("zxingcpp", "zxing-cpp", install)
            from importlib.metadata import version
            versions.append(f"zxing-cpp {version('zxing-cpp')} (Python bindings)")
            scores, walls = [], []
            for f in folders:
                log(f"zxing-cpp: {f.name} ...")
                timed = [run_zxingcpp(zxingcpp, Image, [i.path for i in f.items])
                         for _ in range(args.repeat)]
                res = fastest([res for res, _ in timed])
                scores.append(score_folder(f, res))
                walls.append([fastest_wall([wall for _, wall in timed])])
            summary["zxing-cpp"] = scores
            sections.append(decoder_table("zxing-cpp", ["img/s (PIL load + decode)"],
                                          group_rows(folders, scores, walls)))
        except ImportError as e:
            notes.append(f"zxing-cpp skipped: {e}")

    if "zbar" in decoders and Image is not None:
        pyzbar = None
        try:
            try:
                mod = try_import("pyzbar.pyzbar", "pyzbar", install)
            except ImportError:
                # pyzbar itself installs from PyPI but needs libzbar0 from the system.
                if not install or not apt_install(["libzbar0", "zbar-tools"]):
                    raise
                mod = importlib.import_module("pyzbar.pyzbar")
            pyzbar = mod
        except (ImportError, OSError) as e:
            notes.append(f"zbar (pyzbar) skipped: {e}")
        if shutil.which("zbarimg") is None and install:
            apt_install(["zbar-tools", "libzbar0"])
        have_zbarimg = shutil.which("zbarimg") is not None
        if not have_zbarimg:
            notes.append("zbarimg unavailable: zbar images/second not measured")
        if pyzbar is not None:
            zv = subprocess.run(["zbarimg", "--version"], capture_output=True, text=True) \
                if have_zbarimg else None
            versions.append(f"zbar {zv.stdout.strip() if zv else '(version unknown)'}")
            scores, walls = [], []
            for f in folders:
                log(f"zbar: {f.name} ...")
                files = [i.path for i in f.items]
                res = run_pyzbar(pyzbar, mod.ZBarSymbol, Image, files)
                scores.append(score_folder(f, res))
                walls.append([run_zbarimg(files) if have_zbarimg else None])
            summary["zbar"] = scores
            sections.append(decoder_table("zbar (counts and ms: pyzbar; img/s: zbarimg)",
                                          ["img/s (zbarimg)"],
                                          group_rows(folders, scores, walls)))

    # Summary: correct (misread) per folder, decoders side by side.
    names = list(summary)
    lines = ["| folder | images | codes | " + " | ".join(names) + " |",
             "|" + "---|" * (3 + len(names))]
    for i, f in enumerate(folders):
        cells = [f.name, str(len(f.items)), str(f.codes)]
        for n in names:
            s = summary[n][i]
            cells.append(f"{s.correct}" + (f" ({s.misread} misread)" if s.misread else ""))
        lines.append("| " + " | ".join(cells) + " |")

    # Issue 21's headline: the macro rate, the mean of the BoofCV categories' reading rates (the
    # figure commercial SDKs publish), over the categories present in this run.
    macro_cells = ["**macro rate (BoofCV categories)**", "", ""]
    for n in names:
        rate = macro_rate(folders, summary[n])
        macro_cells.append("n/a" if rate is None else f"{100 * rate:.1f}%")
    lines.append("| " + " | ".join(macro_cells) + " |")

    cmd = "bench/run.sh " + " ".join(argv)
    doc = [
        "# qraudit benchmark results", "",
        f"Command: `{cmd.strip()}`  ",
        f"Date: {datetime.date.today().isoformat()}; machine: {platform.machine()}, "
        f"{os.cpu_count()} cores; {sys.version.split()[0]}; qraudit's and zxing-cpp's times "
        f"the fastest of {args.repeat} run{'s' if args.repeat != 1 else ''} (--repeat)  ",
        "Decoders: " + "; ".join(versions), "",
        "Correct codes per folder (misreads in brackets; for boofcv folders, \"misread\" = a "
        "decoded symbol that covers no labelled code):", "",
        "\n".join(lines), "",
        ratio_table(folders, summary, runs, cores),
    ]
    # Where qraudit loses the codes it does not read (issue 21), stage by stage.
    census_bin = args.qraudit.parent / "examples" / "decode_corpus"
    if "qraudit" in decoders and args.corpus.is_dir() and not args.quick:
        if census_bin.is_file():
            log("qraudit: failure census (decode_corpus --census) ...")
            census, note = run_census(census_bin, args.corpus)
            if census:
                doc += ["## Failure census (issue 21)", "",
                        "For every labelled code qraudit did not read, the furthest stage any "
                        "pass got to (`examples/decode_corpus --census boofcv zxing`; see "
                        "bench/README.md, \"Where the codes are lost\").", "", census, ""]
            if note:
                notes.append(note)
        else:
            notes.append(f"failure census: no decode_corpus at {census_bin}, skipped")
    doc += [
        "## Per decoder", "",
        "decode ms/img = decoding only (image loaded); img/s = end to end (see bench/README.md).",
        "",
        "\n".join(sections),
    ]
    if notes:
        doc += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    text = "\n".join(doc)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    log(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
