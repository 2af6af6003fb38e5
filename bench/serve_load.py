#!/usr/bin/env python3
"""Load benchmark of `qraudit serve` (issue 18): concurrent uploads of real photographs on
127.0.0.1 only, with a bounded number of requests.

Phase 1 (load): REQUESTS uploads of photos from the corpus by CONCURRENCY clients, the server
with --jobs JOBS and a queue deep enough that nothing is turned away. Every answer must be 200
and decode the same texts as `qraudit scan` of the same file (no request lost, none wrong).
Reports requests per second, p50/p99 latency and the server's peak RSS (VmHWM).

Phase 2 (burst): the server with --jobs 1 --queue 0, BURST simultaneous uploads: the ones that
find no place get 503 with Retry-After at once, the others are correct, and the server answers
/healthz afterwards (no crash).

Usage: bench/serve_load.py [--binary PATH] [--corpus DIR] [--requests N] [--concurrency N]
                           [--jobs N] [--burst N]
"""

import argparse
import concurrent.futures
import json
import os
import pathlib
import re
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent


def start(binary, *args):
    proc = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--no-policy", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stderr.readline()
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", line)
    if not match:
        proc.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    # Keep draining the access log so that the pipe never fills.
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    return proc, match.group(1)


def peak_rss_mb(pid):
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


BOUNDARY = "qraudit-load-7b1e"


def upload(base, name, data, timeout=120):
    body = (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()
    request = urllib.request.Request(
        base + "/api/scan",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        method="POST",
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, payload, headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, payload, headers = error.code, error.read(), error.headers
    return status, payload, headers, time.monotonic() - started


def texts(report):
    return sorted(c["text"] or "" for i in report["inputs"] for c in i["codes"])


def expected_texts(binary, files):
    """What `qraudit scan` decodes from each file (the reference every response must match)."""
    out = subprocess.run(
        [binary, "scan", "--no-policy", "--format", "json", "-q", "--fail-on", "never", *map(str, files)],
        capture_output=True,
        check=False,
    )
    report = json.loads(out.stdout)
    return {i["path"]: sorted(c["text"] or "" for c in i["codes"]) for i in report["inputs"]}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.environ.get("QRAUDIT", str(ROOT / "target/release/qraudit")))
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared/corpus"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--burst", type=int, default=12)
    args = parser.parse_args()

    photos = sorted(pathlib.Path(args.corpus).glob("boofcv/*/*.jpg"))[:60]
    if not photos:
        raise SystemExit(f"no photographs under {args.corpus}/boofcv")
    reference = expected_texts(args.binary, photos)
    data = {p: p.read_bytes() for p in photos}

    # Phase 1: load.
    proc, base = start(args.binary, "--jobs", str(args.jobs), "--queue", str(args.requests))
    plan = [photos[i % len(photos)] for i in range(args.requests)]
    latencies, wrong, lost = [], [], 0
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
        futures = {pool.submit(upload, base, p.name, data[p]): p for p in plan}
        for future in concurrent.futures.as_completed(futures):
            photo = futures[future]
            try:
                status, payload, _, seconds = future.result()
            except Exception as error:  # a lost request: connection reset, timeout
                lost += 1
                print(f"lost: {photo.name}: {error}")
                continue
            latencies.append(seconds)
            if status != 200 or texts(json.loads(payload)) != reference[str(photo)]:
                wrong.append((photo.name, status))
    wall = time.monotonic() - started
    rss = peak_rss_mb(proc.pid)
    proc.terminate()
    proc.wait(timeout=30)
    print(f"## qraudit serve under load ({len(photos)} BoofCV photos, {args.requests} uploads, "
          f"{args.concurrency} clients, --jobs {args.jobs})\n")
    print("| requests | correct | wrong | lost | req/s | p50 | p99 | peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {args.requests} | {len(latencies) - len(wrong)} | {len(wrong)} | {lost} | "
          f"{args.requests / wall:.1f} | {statistics.median(latencies) * 1000:.0f} ms | "
          f"{percentile(latencies, 0.99) * 1000:.0f} ms | {rss:.0f} MB |")
    for name, status in wrong[:10]:
        print(f"wrong: {name}: HTTP {status}")

    # Phase 2: a burst over a one-worker server with no queue.
    proc, base = start(args.binary, "--jobs", "1", "--queue", "0")
    burst = [photos[i % len(photos)] for i in range(args.burst)]
    barrier = threading.Barrier(len(burst))

    def at_once(photo):
        barrier.wait()
        return photo, upload(base, photo.name, data[photo])

    counts = {"ok": 0, "busy": 0, "other": 0}
    with concurrent.futures.ThreadPoolExecutor(len(burst)) as pool:
        for photo, (status, payload, headers, _) in pool.map(at_once, burst):
            if status == 200 and texts(json.loads(payload)) == reference[str(photo)]:
                counts["ok"] += 1
            elif status == 503 and headers.get("Retry-After"):
                counts["busy"] += 1
            else:
                counts["other"] += 1
    alive = upload_ok = False
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            alive = response.status == 200
        upload_ok = upload(base, burst[0].name, data[burst[0]])[0] == 200
    except OSError:
        pass
    proc.terminate()
    proc.wait(timeout=30)
    print(f"\n## A burst of {args.burst} simultaneous uploads on --jobs 1 --queue 0\n")
    print("| correct (200) | turned away (503 + Retry-After) | anything else | serving after |")
    print("|---|---|---|---|")
    print(f"| {counts['ok']} | {counts['busy']} | {counts['other']} | {'yes' if alive and upload_ok else 'NO'} |")
    failed = wrong or lost or counts["other"] or not counts["busy"] or not (alive and upload_ok)
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
