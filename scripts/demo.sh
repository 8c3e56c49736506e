#!/usr/bin/env bash
# Installs what is missing, builds alc, and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh normal
exec build/examples/vm_demo/alc_vm_demo "$@"
