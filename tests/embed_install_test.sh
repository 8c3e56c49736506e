#!/usr/bin/env bash
# Installs alc into a temporary prefix, builds examples/embed out of tree
# against it (find_package(alc)), runs it, and checks what it printed.
#   embed_install_test.sh <build dir> <source dir>
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$source_dir/examples/embed" -B "$work/build" "${generator[@]}" \
      -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" >/dev/null

output=$("$work/build/embed_example")
echo "$output"
check() {
  grep -qF -- "$1" <<<"$output" || { echo "embed_install_test: missing in the output: $1" >&2; exit 1; }
}
check '"kind":"snapshot"'
check '"kind":"pause_requested"'
check '"kind":"closed"'
check 'outcome {"finished_at":'
check '"state":"done"'
check 'Blue light is scattered most by the air (Rayleigh scattering).'
check '"usage":{"completion_tokens":24,"prompt_tokens":36}'
# The installed headers stand alone: nothing of Lua or the runtime's internals.
if grep -rlE 'lua\.h|lua_bridge/' "$work/prefix/include"; then
  echo "embed_install_test: public headers include Lua or lua_bridge" >&2
  exit 1
fi
echo "embed_install_test: ok"
