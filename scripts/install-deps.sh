#!/usr/bin/env bash
# Installs the Debian 12 packages alc needs to build, test and benchmark,
# skipping what is already there. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libcaf-dev liblua5.4-dev nlohmann-json3-dev catch2 libedit-dev libcli11-dev
  libmimalloc-dev libboost-math-dev libtomlplusplus-dev
  libcpp-httplib-dev  # alc mcp's Streamable HTTP transport
  gnuplot-nox
  clang libclang-rt-14-dev  # the fuzzers: clang 14 and its libFuzzer/sanitizer runtimes
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
