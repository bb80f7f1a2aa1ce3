#!/usr/bin/env bash
# The main job of the README: installs what is missing, builds memharness
# (default preset) and runs `memharness all`, writing results under
# ./results (or the directory given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
out=${1:-results}
shift || true
cmake --preset default > /dev/null
cmake --build --preset default -j "$(nproc)" --target memharness
exec build/default/memharness all -o "$out" "$@"
