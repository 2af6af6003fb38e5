#!/usr/bin/env bash
# bench/run.sh — measure qraudit against zxing-cpp and zbar on ../shared/corpus and testdata/.
#
# The one command behind the figures in bench/README.md (issue 4: detection rate first, speed
# second, competitors side by side in one run). It builds `cargo build --release`, installs the
# competitors when missing (pip: zxing-cpp pillow pyzbar; apt: zbar-tools libzbar0; a failed
# install skips that competitor), runs every decoder over every folder and prints Markdown
# tables, also written to bench/out/results.md (git-ignored).
#
# Usage: bench/run.sh [--quick] [--only qraudit|zxing-cpp|zbar]... [--corpus PATH]
#                     [--qraudit BINARY] [--no-build] [--no-install] [--out FILE] [--selftest]
#   --quick      first 4 images of each folder (a smoke run of a minute or two)
#   --only       run only the named decoder(s)
#   --corpus     corpus folder (default ../shared/corpus next to the repository; skipped if absent)
#   --selftest   check the harness's parsing and scoring on hand-made inputs, run nothing else
# The full run takes several minutes (12-megapixel photos, zbar is slow on them).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/bench.py "$@"
