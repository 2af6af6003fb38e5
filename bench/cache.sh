#!/usr/bin/env bash
# bench/cache.sh — what `--cache DIR` saves on a rerun (issue 23, item 6): the corpus scanned
# without a cache, then with an empty cache (cold: decode and store), then again (warm: read
# and hash every file, decode nothing), with the same jobs; wall time and peak RSS of each, and
# whether the three reports are identical.
#
# Usage: bench/cache.sh [CORPUS] [--jobs N]     (default ../shared/corpus, jobs = cores)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}
shift || true
cargo build --release --quiet
bin=target/release/qraudit
[ -n "${CARGO_TARGET_DIR:-}" ] && bin="$CARGO_TARGET_DIR/release/qraudit"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
    local name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/$name.time" \
        "$bin" scan --no-policy --format json -q "$@" "$corpus" >"$work/$name.json" 2>/dev/null || true
    # GNU time writes "Command exited with non-zero status N" first when qraudit found something.
    read -r wall rss < <(tail -n 1 "$work/$name.time")
    printf '| %s | %s s | %s MB |\n' "$name" "$wall" "$((rss / 1024))"
}
echo "| run | wall | peak RSS |"
echo "|---|---|---|"
run "no cache" "$@"
run "cold cache" --cache "$work/cache" "$@"
run "warm cache" --cache "$work/cache" "$@"
entries=$(find "$work/cache" -name '*.entry' | wc -l)
size=$(du -sk "$work/cache" | cut -f1)
echo
echo "cache: $entries entries, $size KB"
if cmp -s "$work/no cache.json" "$work/cold cache.json" && cmp -s "$work/cold cache.json" "$work/warm cache.json"; then
    echo "reports: identical in all three runs"
else
    echo "reports: DIFFER"
    exit 1
fi
