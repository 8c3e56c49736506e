#!/usr/bin/env bash
# Installs what is missing, builds alc, and runs the main job: the REPL on a
# terminal (with a short guided example), else a demo strategy answered by
# the echo responder.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh normal

alc=build/cli/alc
packages=(--package-path examples/packages --state-dir build/demo-state)
if [ -t 0 ] && [ -t 1 ]; then
  exec "$alc" repl "${packages[@]}" "$@"
fi
echo "stdin is not a terminal: running the cot strategy with the echo responder" >&2
echo "(events on stderr, the result on stdout; on a terminal this starts the REPL)" >&2
exec "$alc" advice cot --task "Why is the sky blue?" --responder echo --events "${packages[@]}" "$@"
