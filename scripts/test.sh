#!/usr/bin/env bash
# Runs every test on a fresh Debian machine with Node 20 and npm: installs what the tests
# need (pnpm, Debian's torch for the training-pipeline smoke test, grpcio for the Python
# client, chromium for the browser tests, HAProxy and iproute2 for the cluster test), then
# lint and the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(python3-torch python3-onnx libopenblas0-pthread python3-grpcio python3-protobuf protobuf-compiler chromium haproxy iproute2)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v pnpm >/dev/null 2>&1 || npm install -g pnpm@10
pnpm install --frozen-lockfile
pnpm lint
pnpm test
