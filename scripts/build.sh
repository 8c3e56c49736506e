#!/usr/bin/env bash
# Configures and builds one variant of alc.
#   scripts/build.sh [normal|asan|fuzz]   (build dirs: build/, build-asan/, build-fuzz/)
# fuzz: clang, ASan+UBSan and libFuzzer; builds only the fuzzers (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."

variant="${1:-normal}"
case "$variant" in
  normal) dir=build; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan) dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=Debug -DALC_SANITIZE=ON -DALC_BUILD_BENCH=OFF) ;;
  fuzz) dir=build-fuzz; target=fuzzers
        flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
               -DALC_FUZZ=ON -DALC_BUILD_TESTS=OFF -DALC_BUILD_BENCH=OFF) ;;
  *) echo "build.sh: unknown variant '$variant' (normal, asan or fuzz)" >&2; exit 2 ;;
esac
jobs="${ALC_JOBS:-$(nproc)}"
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
# Progress goes to stderr: stdout is for what the programs print.
cmake --build "$dir" -j "$jobs" ${target:+--target "$target"} >&2
