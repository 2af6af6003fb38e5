#!/usr/bin/env python3
"""Soak benchmark: thousands of mixed, mostly hostile inputs through the real binary.

Issue 17 asks for "a folder of thousands of inputs mixed from valid codes, mutated images (bit
flips, truncation, splices of two formats, wrong extensions), and hostile containers, scanned
with --jobs = cores". This script builds that folder (deterministically, from a seed, out of the
project's own testdata/ and inputs it generates), then:

1. scans it in rounds: round r scans r copies of the folder in one process, so that memory that
   grows with the number of inputs (a leak, rather than the report itself) shows up as peak RSS
   growing faster than the report does;
2. checks every round: the process exited normally (0, 1 or 2: never a signal, never a panic's
   101), printed no panic, and the report lists every input exactly once;
3. runs the base folder as --shard I/N for every I and merges the shard reports with `qraudit
   merge`: the merged report must equal the single run's.

It prints inputs per second, peak RSS and the counts of decoded (ok) / no-code / error /
skipped inputs per round, and exits 1 when any check fails. Speed is measured here, never
asserted in tests. Usage:

    bench/soak.py [--inputs 3000] [--rounds 3] [--shards 3] [--jobs N] [--seed 17]
                  [--qraudit target/release/qraudit] [--no-build] [--out bench/out/soak]
"""

import argparse
import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width, height, idat=b"\0" * 64):
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(idat))
        + png_chunk(b"IEND", b"")
    )


def zip_bytes(members, method=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buffer.getvalue()


def pdf_bytes(objects):
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, obj in enumerate(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def mail_bytes(parts):
    out = [
        "From: a@example.com\r\nTo: b@example.com\r\nSubject: soak\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
    ]
    for content_type, body in parts:
        out.append(f"--b\r\nContent-Type: {content_type}\r\n\r\n{body}\r\n")
    out.append("--b--\r\n")
    return "".join(out).encode()


def hostile_containers(rng):
    """A few dozen hostile containers, small on disk."""
    zeros = zip_bytes([("zeros.bin", b"\0" * (64 << 20))])
    nested = zip_bytes([("qr.png", b"x")])
    for i in range(12):
        nested = zip_bytes([(f"level-{i}.zip", nested)])
    pages = 3000
    kids = b" ".join(b"%d 0 R" % (i + 3) for i in range(pages))
    many_pages = pdf_bytes(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
        + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>"] * pages
    )
    loop_pdf = pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])
    laughs = '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY l0 "lol">\n'
    for i in range(1, 10):
        laughs += f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">\n'
    laughs += ']>\n<svg xmlns="http://www.w3.org/2000/svg"><title>&l9;</title></svg>\n'
    nested_mail = "hclsametime://deep.example.com/?action=AddCommunity"
    for _ in range(30):
        nested_mail = (
            "From: a@example.com\r\nTo: b@example.com\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n"
            "Content-Type: message/rfc822\r\n\r\n" + nested_mail
        )
    many_parts = mail_bytes([("text/plain", f"part {i}") for i in range(2000)])
    return [
        ("bomb.zip", zeros),
        ("deep.zip", nested),
        ("pages.pdf", many_pages),
        ("loop.pdf", loop_pdf),
        ("laughs.svg", laughs.encode()),
        ("nested.eml", nested_mail.encode()),
        ("parts.eml", many_parts),
        ("huge-header.png", png_header_only(65535, 65535)),
        ("bomb-header.png", png_header_only(200000, 200000)),
    ]


def base_files():
    """The project's own valid inputs: generated test images and containers."""
    files = []
    for path in sorted((ROOT / "testdata").rglob("*")):
        if path.is_file() and path.suffix not in (".md", ".tsv"):
            files.append(path)
    return files


def mutate(rng, name, data, others):
    """One mutated copy of `data`: a bit flip, a truncation, a splice or a wrong extension."""
    kind = rng.choice(["flip", "flip", "truncate", "splice", "rename", "insert"])
    data = bytearray(data)
    stem, ext = os.path.splitext(name)
    if kind == "flip" and data:
        for _ in range(rng.randint(1, 16)):
            at = rng.randrange(len(data))
            data[at] ^= 1 << rng.randrange(8)
    elif kind == "truncate" and data:
        data = data[: rng.randrange(len(data))]
    elif kind == "splice":
        other = rng.choice(others)
        data = data[: len(data) // 2] + other[len(other) // 2 :]
    elif kind == "rename":
        ext = rng.choice([".png", ".jpg", ".pdf", ".eml", ".zip", ".txt", ""])
    elif kind == "insert" and data:
        at = rng.randrange(len(data))
        data = data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))) + data[at:]
    return f"{stem}-{kind}{ext}", bytes(data)


def build_folder(folder, count, seed):
    rng = random.Random(seed)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    sources = [(p.name, p.read_bytes()) for p in base_files()]
    datas = [d for _, d in sources]
    written = 0
    hostile = hostile_containers(rng)
    for name, data in hostile:
        (folder / name).write_bytes(data)
        written += 1
    # Valid inputs, untouched, once each.
    for i, (name, data) in enumerate(sources):
        (folder / f"valid-{i:03}-{name}").write_bytes(data)
        written += 1
    i = 0
    while written < count:
        name, data = rng.choice(sources)
        new_name, new_data = mutate(rng, name, data, datas)
        sub = folder / f"m{i // 500:02}"
        sub.mkdir(exist_ok=True)
        (sub / f"{i:05}-{new_name}").write_bytes(new_data)
        written += 1
        i += 1
    return written


def run_measured(binary, args, out_path):
    started = time.monotonic()
    with open(out_path, "wb") as out, open(str(out_path) + ".stderr", "wb") as err:
        process = subprocess.Popen([str(binary), *args], stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code
    stderr = Path(str(out_path) + ".stderr").read_text(errors="replace")
    return code, elapsed, usage.ru_maxrss / 1024.0, stderr


def all_files(folder):
    return sorted(str(p) for p in folder.rglob("*") if p.is_file())


def check_run(label, code, stderr, report, expected_paths, problems):
    if code not in (0, 1, 2):
        problems.append(f"{label}: exit {code} (crashed or killed)")
    if "panicked at" in stderr:
        problems.append(f"{label}: a panic was printed: {stderr[:500]}")
    if report is None:
        problems.append(f"{label}: no JSON report")
        return {}
    paths = [i["path"] for i in report["inputs"]]
    missing = set(expected_paths) - set(paths)
    if missing:
        problems.append(f"{label}: {len(missing)} inputs missing from the report, e.g. {sorted(missing)[:3]}")
    if len(paths) != len(set(paths)):
        problems.append(f"{label}: inputs reported twice")
    counts = {}
    for i in report["inputs"]:
        counts[i["status"]] = counts.get(i["status"], 0) + 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shards", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--qraudit", default=str(ROOT / "target/release/qraudit"))
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench/out/soak"))
    args = parser.parse_args()

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    binary = Path(args.qraudit)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    base = out / "inputs" / "round-1"
    count = build_folder(base, args.inputs, args.seed)
    print(f"soak: {count} inputs in {base} (seed {args.seed}), --jobs {args.jobs}")

    problems = []
    rounds = []
    for r in range(1, args.rounds + 1):
        # Round r scans r copies of the folder (hard links: no extra disk).
        folders = [out / "inputs" / f"round-{k}" for k in range(1, r + 1)]
        for k, folder in enumerate(folders[1:], start=2):
            if not folder.exists():
                shutil.copytree(base, folder, copy_function=os.link)
        expected = [p for f in folders for p in all_files(f)]
        report_path = out / f"round-{r}.json"
        code, elapsed, rss, stderr = run_measured(
            binary,
            ["scan", "--format", "json", "--quiet", "--no-policy", "--jobs", str(args.jobs), *map(str, folders)],
            report_path,
        )
        try:
            report = json.loads(report_path.read_text())
        except (ValueError, OSError):
            report = None
        counts = check_run(f"round {r}", code, stderr, report, expected, problems)
        size_mb = report_path.stat().st_size / 1e6
        rounds.append((r, len(expected), elapsed, rss, size_mb, counts, code))
        print(
            f"round {r}: {len(expected)} inputs in {elapsed:.1f} s = {len(expected) / elapsed:.1f} inputs/s, "
            f"peak RSS {rss:.0f} MB, report {size_mb:.1f} MB, exit {code}, "
            f"ok {counts.get('ok', 0)} / no-code {counts.get('no-code', 0)} / "
            f"error {counts.get('error', 0)} / skipped {counts.get('skipped', 0)}"
        )
    if len(rounds) >= 2:
        # Round 1 to 2 changes the mix of inputs that run side by side (with two copies, two
        # bombs meet on the workers more often), so growth is measured from round 2 on when
        # there are three rounds or more: a leak grows with every round, a mix does not.
        first = rounds[1] if len(rounds) >= 3 else rounds[0]
        last = rounds[-1]
        # What the report itself may add: its JSON size, three times over (the in-memory
        # model, the serialised string, the shown copy), plus a fixed slack for allocator noise.
        allowance = 3 * (last[4] - first[4]) + 64
        growth = last[3] - first[3]
        print(f"memory: peak RSS grew {growth:.0f} MB from round {first[0]} to {last[0]} (allowance {allowance:.0f} MB)")
        if growth > allowance:
            problems.append(f"peak RSS grew {growth:.0f} MB across rounds, more than {allowance:.0f} MB")

    # Shards and merge against the single run of round 1.
    shard_reports = []
    for i in range(1, args.shards + 1):
        path = out / f"shard-{i}.json"
        code, elapsed, rss, stderr = run_measured(
            binary,
            ["scan", "--format", "json", "--quiet", "--no-policy", "--jobs", str(args.jobs), "--shard", f"{i}/{args.shards}", str(base)],
            path,
        )
        if code not in (0, 1, 2):
            problems.append(f"shard {i}: exit {code}")
        shard_reports.append(str(path))
        print(f"shard {i}/{args.shards}: {elapsed:.1f} s, peak RSS {rss:.0f} MB, exit {code}")
    merged_path = out / "merged.json"
    code, elapsed, rss, stderr = run_measured(binary, ["merge", "--format", "json", "--quiet", "--no-policy", *shard_reports], merged_path)
    merged = json.loads(merged_path.read_text())
    single = json.loads((out / "round-1.json").read_text())
    if merged != single:
        differing = [
            a["path"] for a, b in zip(merged["inputs"], single["inputs"]) if a != b
        ] or ["(inputs equal; summary or notes differ)"]
        problems.append(f"merged shards differ from the single run: {differing[:3]}")
        print(f"merge: DIFFERS from the single run ({len(differing)} inputs)")
    else:
        print(f"merge: {args.shards} shards merged equal the single run ({len(merged['inputs'])} inputs), exit {code}")

    if problems:
        print("\nFAILED:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("\nsoak: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
