#!/usr/bin/env bash
# Installs the Debian 12 packages alc needs to build, test and benchmark,
# skipping what is already there, and the pinned npm packages of the MCP
# tests (tests/mcp, from its package-lock.json). Needs root (or sudo). The
# only step that downloads: builds and tests never do.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libcaf-dev liblua5.4-dev nlohmann-json3-dev catch2 libedit-dev libcli11-dev
  libmimalloc-dev libboost-math-dev libtomlplusplus-dev
  libcurl4-openssl-dev  # the HTTP responders (libcurl's multi interface)
  libcpp-httplib-dev  # alc mcp's Streamable HTTP transport
  gnuplot-nox
  clang libclang-rt-14-dev  # the fuzzers: clang 14 and its libFuzzer/sanitizer runtimes
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# The MCP tests run the official TypeScript SDK on Node.js: Debian's nodejs
# and npm, unless a node with npm is there already (it may come from elsewhere).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# tests/mcp's node_modules, exactly as locked; again only when the lock changed.
mcp_tests="$(dirname "$0")/../tests/mcp"
stamp="$mcp_tests/node_modules/.alc-installed-lock"
if ! cmp -s "$mcp_tests/package-lock.json" "$stamp" 2>/dev/null; then
  echo "install-deps: npm ci in tests/mcp"
  (cd "$mcp_tests" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$mcp_tests/package-lock.json" "$stamp"
fi
