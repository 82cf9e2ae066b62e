#!/usr/bin/env bash
# Packs every public workspace package (`pnpm pack`, so workspace:* becomes the version) into
# the folder given as $1 and prints the tarballs' paths, one a line. Expects `pnpm build`.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$(realpath "${1:?usage: pack-packages.sh <destination folder>}")
mkdir -p "$dest"
for dir in packages/*/; do
  private=$(node -p "require('./${dir}package.json').private === true")
  [ "$private" = true ] && continue
  (cd "$dir" && pnpm pack --pack-destination "$dest" >/dev/null)
done
ls "$dest"/*.tgz
