#!/usr/bin/env bash
# Long fuzzing sessions: each target in turn for SECONDS, niced to use only idle CPU, one
# libFuzzer process at a time (fork mode with one worker, so that a crash is recorded under
# fuzz/artifacts/TARGET/ and fuzzing goes on), memory and per-input time bounded. The corpus
# grows in fuzz/corpus/TARGET/ (git-ignored); the committed seeds are read, never written.
# Wall-clock and CPU seconds of each run are appended to LOGDIR/times.tsv: docs/reliability.md
# reports CPU time, which is what a starved process actually fuzzed.
#
# Usage: fuzz/run.sh SECONDS [TARGET...]          (default: every target)
#        LOGDIR=... EXTRA_IMAGE_SEEDS=../../shared/corpus fuzz/run.sh 1800 image
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
# shellcheck source=targets.sh
source targets.sh
[ $# -gt 0 ] && TARGETS=("$@")
logs=${LOGDIR:-target/fuzz-logs}
mkdir -p "$logs"
nice -n 19 cargo +nightly fuzz build -s none || exit 1
for target in "${TARGETS[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    # Small photographs as extra image seeds, copied into the git-ignored corpus only.
    if [ "$target" = image ] && [ -n "${EXTRA_IMAGE_SEEDS:-}" ]; then
        find "$EXTRA_IMAGE_SEEDS" -type f -size -40k \( -name '*.png' -o -name '*.jpg' -o -name '*.gif' \) \
            -exec cp -n {} "corpus/$target/" \;
    fi
    seeds=()
    [ -d "seeds/$target" ] && seeds=("seeds/$target")
    log="$logs/$target-$(date +%Y%m%d-%H%M%S).log"
    echo "fuzz: $target for $seconds s, log $log"
    # shellcheck disable=SC2046
    /usr/bin/time -f "%e %U %S" -o "$log.time" \
        nice -n 19 cargo +nightly fuzz run -s none "$target" "corpus/$target" "${seeds[@]}" -- \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="artifacts/$target/" $(dict_arg "$target") > "$log" 2>&1
    # time writes "Command exited with non-zero status N" first when libFuzzer stops on a
    # finding: the figures are on the last line.
    read -r wall user sys < <(tail -n 1 "$log.time")
    execs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    crashes=$(find "artifacts/$target" -type f | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -Is)" "$target" "$wall" "$user" "$sys" "${execs:-?}" "$crashes" \
        | tee -a "$logs/times.tsv"
done
