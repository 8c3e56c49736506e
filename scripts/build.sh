#!/usr/bin/env bash
# Configures and builds one variant of alc.
#   scripts/build.sh [normal|asan]   (build dirs: build/, build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."

variant="${1:-normal}"
case "$variant" in
  normal) dir=build; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan) dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=Debug -DALC_SANITIZE=ON -DALC_BUILD_BENCH=OFF) ;;
  *) echo "build.sh: unknown variant '$variant' (normal or asan)" >&2; exit 2 ;;
esac
jobs="${ALC_JOBS:-$(nproc)}"
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
# Progress goes to stderr: stdout is for what the programs print.
cmake --build "$dir" -j "$jobs" >&2
