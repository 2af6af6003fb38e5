#!/usr/bin/env bash
# CI smoke of the fuzz targets: each target runs every committed seed once, then mutates them
# for a few seconds. Needs the nightly toolchain and cargo-fuzz; without them it says so and
# exits 0 (the seeds and every reproducer still run on stable in tests/fuzz_regressions.rs).
#
# Usage: fuzz/smoke.sh [SECONDS_PER_TARGET]   (default 5; QRAUDIT_FUZZ_SMOKE=0 skips it;
#        FUZZ_TARGET_DIR=DIR reuses a dev fuzz build kept elsewhere)
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-5}
# The fuzz build of every dependency is long on a cold machine (docs/reliability.md): a CI
# without a cached fuzz/target can opt out, visibly.
if [ "${QRAUDIT_FUZZ_SMOKE:-1}" = 0 ]; then
    echo "fuzz smoke: SKIPPED (QRAUDIT_FUZZ_SMOKE=0)"
    exit 0
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz smoke: SKIPPED (no nightly toolchain; install it with 'rustup toolchain install nightly')"
    exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz smoke: SKIPPED (no cargo-fuzz; install it with 'cargo install cargo-fuzz')"
    exit 0
fi
# shellcheck source=targets.sh
source targets.sh
started=$(date +%s)
# One build of every target; without a sanitizer (the code is Rust; see docs/reliability.md),
# in the dev profile: it compiles in about a third of the release build's time, and a smoke
# of a few seconds per target needs coverage, not speed. FUZZ_TARGET_DIR reuses a build.
dir_args=()
[ -n "${FUZZ_TARGET_DIR:-}" ] && dir_args=(--target-dir "$FUZZ_TARGET_DIR")
# The dev fuzz build takes about 2.6 GB (fuzz/Cargo.toml's dev profile): on a disk without
# room for it the linker dies with a bus error halfway, which says nothing about the code. So
# the smoke says SKIPPED with the figures instead. What a build already there holds counts as
# room (a rebuild overwrites it).
build_dir=${FUZZ_TARGET_DIR:-target}
built_kb=$(du -sk "$build_dir" 2>/dev/null | cut -f1 || true)
# The nearest folder that exists (FUZZ_TARGET_DIR may not exist yet) tells the disk.
disk_dir=$(realpath -m "$build_dir")
while [ ! -d "$disk_dir" ]; do disk_dir=$(dirname "$disk_dir"); done
free_kb=$(df -Pk "$disk_dir" 2>/dev/null | awk 'NR == 2 { print $4 }' || true)
needed_kb=$((3500 * 1024))
# Where df cannot tell, the build is tried.
if [ -n "$free_kb" ] && [ $((free_kb + ${built_kb:-0})) -lt "$needed_kb" ]; then
    echo "fuzz smoke: SKIPPED ($((free_kb / 1024)) MB free beside $((${built_kb:-0} / 1024)) MB built; the fuzz build needs about 3500 MB)"
    exit 0
fi
cargo +nightly fuzz build --dev -s none "${dir_args[@]}"
built=$(date +%s)
echo "fuzz smoke: targets built in $((built - started)) s"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in "${TARGETS[@]}"; do
    # A scratch corpus (libFuzzer writes new inputs into the first folder; the committed seeds
    # stay as they are) and a scratch artifact folder.
    mkdir -p "$work/$target" "$work/artifacts"
    seeds=()
    [ -d "seeds/$target" ] && seeds=("seeds/$target")
    # shellcheck disable=SC2046
    if ! cargo +nightly fuzz run --dev -s none "${dir_args[@]}" "$target" "$work/$target" "${seeds[@]}" -- \
        -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
        -artifact_prefix="$work/artifacts/" $(dict_arg "$target") \
        > "$work/$target.log" 2>&1; then
        echo "fuzz smoke: $target FAILED"
        tail -40 "$work/$target.log"
        exit 1
    fi
    echo "fuzz smoke: $target ok ($(grep -Eo 'Done [0-9]+ runs' "$work/$target.log" | tr -dc '0-9' || echo '?') runs)"
done
echo "fuzz smoke: all ${#TARGETS[@]} targets passed in $(($(date +%s) - started)) s"
