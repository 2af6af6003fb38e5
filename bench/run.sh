#!/usr/bin/env bash
# bench/run.sh — measure qraudit against zxing-cpp and zbar on ../shared/corpus and testdata/.
#
# The one command behind the figures in bench/README.md (issue 4: detection rate first, speed
# second, competitors side by side in one run). It builds `cargo build --release` and the
# load-only floor (`cargo build --release --example load_floor`), installs the competitors when
# missing (pip: zxing-cpp pillow pyzbar; apt: zbar-tools libzbar0; a failed install skips that
# competitor), runs every decoder over every folder and prints Markdown tables, also written to
# bench/out/results.md (git-ignored). First comes the ratio table (issue 19): per folder and per
# set, mean and median decode ms/img of qraudit, zxing-cpp (with the ratio qraudit / zxing-cpp)
# and zbar, qraudit's end to end at the default jobs against the load-only floor
# (examples/load_floor: read + decode to grey, same files, same jobs, same run), and the peak RSS
# of the scan and floor commands ("n/a" where a decoder was not run); then the per-decoder tables.
#
# Usage: bench/run.sh [--quick] [--only qraudit|zxing-cpp|zbar]... [--corpus PATH]
#                     [--qraudit BINARY] [--no-build] [--no-install] [--out FILE] [--repeat N]
#                     [--selftest]
#   --quick      first 4 images of each folder (a smoke run of a minute or two)
#   --only       run only the named decoder(s); ratio columns of the others show n/a
#   --corpus     corpus folder (default ../shared/corpus next to the repository; skipped if absent)
#   --qraudit    qraudit binary (default target/release/qraudit); the floor is expected next to
#                it, at BINARY's directory/examples/load_floor
#   --no-build   use the binaries as they are (no cargo build)
#   --repeat N   run qraudit's commands and zxing-cpp's loop N times per folder (default 3); each
#                image keeps its fastest decode time, each command its fastest wall clock
#   --selftest   check the harness's parsing, scoring and ratio-table arithmetic on hand-made
#                inputs, run nothing else
# The full run takes several minutes (12-megapixel photos, zbar is slow on them).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/bench.py "$@"
