#!/usr/bin/env bash
# run_fuzzer.sh FUZZER SECONDS MAX_LEN WORK_DIR SEED_DIR...: one bounded
# libFuzzer run from the seeds. New inputs go to WORK_DIR/corpus (never the
# source tree), findings to WORK_DIR/findings; exit 1 on a finding.
set -euo pipefail
fuzzer=$1 seconds=$2 max_len=$3 work=$4
shift 4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/findings"
seeds=()
for dir in "$@"; do [[ -d $dir ]] && seeds+=("$dir"); done
# -timeout: one input running 30 s is a hang (the differential sides stop
# at 0.25 s each per model); -rss_limit_mb: a runaway
# allocation is a finding, not the machine's memory.
exec "$fuzzer" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len="$max_len" \
  -print_final_stats=1 -artifact_prefix="$work/findings/" "$work/corpus" "${seeds[@]}"
