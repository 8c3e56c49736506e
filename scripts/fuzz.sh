#!/usr/bin/env bash
# Runs the fuzzers of build-fuzz/ (scripts/build.sh fuzz) from their seed
# corpora, each for a while (docs/fuzzing.md). Any crash, sanitizer report,
# timeout or out-of-memory stops the run and fails; its input is kept.
#   scripts/fuzz.sh [seconds per target, default 45] [target ...]
# Targets: lua_json messages serve_request mcp_request lua_api patterns (all by default).
# Inputs found go to build-fuzz/fuzz-runs/<target>/ (ALC_FUZZ_OUT moves it).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-45}"
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(lua_json messages serve_request mcp_request lua_api patterns)
out="${ALC_FUZZ_OUT:-build-fuzz/fuzz-runs}"

for target in "${targets[@]}"; do
  dir="$out/$target"
  mkdir -p "$dir/corpus" "$dir/findings"
  echo "== fuzz_$target: ${seconds}s"
  # A finding prints its report and leaves the input in $dir/findings.
  if ! build-fuzz/tests/fuzz/"fuzz_$target" -max_total_time="$seconds" -timeout=20 \
      -malloc_limit_mb=512 -rss_limit_mb=2560 -print_final_stats=1 \
      -artifact_prefix="$dir/findings/" "$dir/corpus" "tests/fuzz/corpus/$target" \
      >"$dir/log" 2>&1; then
    tail -n 80 "$dir/log"
    echo "fuzz_$target: a finding, kept in $dir/findings/ (reproduce: build-fuzz/tests/fuzz/fuzz_$target <file>)" >&2
    exit 1
  fi
  grep -E "^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units|^stat::peak_rss_mb" "$dir/log" || true
done
