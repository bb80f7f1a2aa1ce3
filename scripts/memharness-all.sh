#!/usr/bin/env bash
# The main job of the README: installs what is missing, builds memharness
# (default preset, and the tsan preset for the TSan suite) and runs
# `memharness all`, writing the results and the report under ./results (or
# the directory given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
out=${1:-results}
shift || true
cmake --preset default > /dev/null
cmake --build --preset default -j "$(nproc)" --target memharness
# The TSan build beside it (clang -fsanitize=thread, with its probes) gives
# the report its ThreadSanitizer section: `all` runs it when it is there.
cmake --preset tsan > /dev/null
cmake --build --preset tsan -j "$(nproc)"
exec build/default/memharness all -o "$out" "$@"
