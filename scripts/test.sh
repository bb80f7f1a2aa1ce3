#!/usr/bin/env bash
# The test command of the README (and of CI): installs what is missing,
# checks that every preset configures, builds the AArch64 cross preset and
# runs its emulated smoke test, builds the tsan preset (clang
# ThreadSanitizer) and runs the TSan suite (docs/tsan.md), builds the fuzz
# preset and replays its regression corpus and fuzzes each target briefly
# (docs/fuzzing.md), then builds and runs the whole ctest suite twice: the default preset (-Werror)
# and the asan preset (AddressSanitizer + UndefinedBehaviorSanitizer, so the
# parser's robustness tests also prove the absence of memory errors). Each
# preset is built once; ccache keeps rebuilds cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

jobs=$(nproc)
# The report's browser test (headless Chromium) must run here, not skip:
# install-deps.sh has installed chromium.
export MEMHARNESS_REQUIRE_BROWSER=1
mkdir -p build
# Presets that later capabilities fill must keep configuring.
for preset in debug fuzz aarch64; do
  if ! cmake --preset "$preset" > "build/configure-$preset.log" 2>&1; then
    cat "build/configure-$preset.log"
    echo "test.sh: preset $preset failed to configure" >&2
    exit 1
  fi
done
cmake --build --preset aarch64 -j "$jobs"
# The AArch64 binaries run a short smoke test under qemu-aarch64 (labelled
# emulated: it shows x86's orderings, not ARM's).
ctest --test-dir build/aarch64 --output-on-failure

# The TSan suite: every C litmus test, stress variant and probe under TSan,
# each verdict against tsan/expected.tsv.
cmake --preset tsan
cmake --build --preset tsan -j "$jobs"
ctest --preset tsan -j "$jobs"

# The fuzz targets (clang, ASan + UBSan, libFuzzer): the regression corpus,
# the suite's C tests through both the axiomatic models and the model
# checker, then each target fuzzed for 20 s (docs/fuzzing.md).
cmake --build --preset fuzz -j "$jobs"
ctest --preset fuzz

cmake --preset asan
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs"

cmake --preset default
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs"
