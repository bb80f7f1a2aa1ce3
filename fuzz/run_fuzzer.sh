#!/usr/bin/env bash
# run_fuzzer.sh FUZZER SECONDS MAX_LEN WORK_DIR [-FLAG=VALUE...] SEED_DIR...:
# one bounded libFuzzer run from the seeds, with any further libFuzzer flags. New inputs go to WORK_DIR/corpus (never the
# source tree), findings to WORK_DIR/findings; exits non-zero on a finding
# (libFuzzer's own codes) and 2 on bad usage.
set -euo pipefail
usage() {
  echo "run_fuzzer.sh: $1 (usage: run_fuzzer.sh FUZZER SECONDS MAX_LEN WORK_DIR [-FLAG=VALUE...] SEED_DIR...)" >&2
  exit 2
}
[[ $# -ge 4 ]] || usage "too few arguments"
fuzzer=$1 seconds=$2 max_len=$3 work=$4
shift 4
[[ -x $fuzzer ]] || usage "$fuzzer is not an executable"
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage "SECONDS must be a positive whole number, not '$seconds'"
[[ $max_len =~ ^[1-9][0-9]*$ ]] || usage "MAX_LEN must be a positive whole number, not '$max_len'"
# WORK_DIR is emptied: only if it is new or one this script made (its
# marker), so swapped arguments cannot delete a source folder.
marker="$work/.memharness-fuzz-work"
if [[ -e $work && ! -e $marker ]]; then
  usage "$work exists and was not made by run_fuzzer.sh (no $marker): delete it or name a new folder"
fi
rm -rf "$work"
mkdir -p "$work/corpus" "$work/findings"
touch "$marker"
seeds=()
flags=()
for dir in "$@"; do
  if [[ $dir == -* ]]; then
    flags+=("$dir")
  elif [[ -d $dir ]]; then
    seeds+=("$dir")
  else
    echo "run_fuzzer.sh: warning: seed folder $dir does not exist; fuzzing without it" >&2
  fi
done
# -timeout: one input running 30 s is a hang (the differential sides stop
# at 0.25 s each per model); -rss_limit_mb: a runaway allocation is a
# finding, not the machine's memory.
exec "$fuzzer" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len="$max_len" \
  -print_final_stats=1 -artifact_prefix="$work/findings/" ${flags[@]+"${flags[@]}"} "$work/corpus" \
  ${seeds[@]+"${seeds[@]}"}
