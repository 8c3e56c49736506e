#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite twice:
# a normal build and an ASan+UBSan build. Also proves the benchmarks run, and
# runs every fuzzer for a short while (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

echo "== normal build"
scripts/build.sh normal
ctest --test-dir build --output-on-failure
echo "== benchmark smoke run (no speed is asserted)"
build/bench/alc_vm_bench --quick
build/bench/alc_session_bench --quick --out build/session-bench-quick
build/bench/alc_soak --quick --out build/soak-quick
build/bench/alc_http_bench --quick

echo "== ASan+UBSan build"
scripts/build.sh asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure

echo "== fuzzers (clang, libFuzzer, ASan+UBSan): 45 s each"
scripts/build.sh fuzz
scripts/fuzz.sh 45
