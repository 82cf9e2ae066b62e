#!/usr/bin/env bash
# Runs every test on a fresh Debian machine with Node 20 and npm: installs what the tests
# need (pnpm, and the Debian packages in scripts/debian-packages.txt: torch and Pillow for the
# training-pipeline smoke test, grpcio for the Python client, chromium for the browser
# tests), checks that those packages provide every Python module the repository imports,
# then lint and the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t apt_packages < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/[[:space:]]//g' scripts/debian-packages.txt)
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
/usr/bin/python3 scripts/check-python-imports.py

command -v pnpm >/dev/null 2>&1 || npm install -g pnpm@10
node scripts/check-workspace-bins.mjs  # a bin pointing into dist/ warns on every fresh install
pnpm install --frozen-lockfile
pnpm lint
pnpm test
pnpm check:packages && pnpm release:dry-run && pnpm docs:api  # tarballs: publint, attw, scratch npm install (~3 min); dry-run publish; TypeDoc, links checked
