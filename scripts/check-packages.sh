#!/usr/bin/env bash
# Checks what npm would publish: packs every public package once, then on each tarball
# runs publint (on its contents), @arethetypeswrong/cli, and a check that LICENSE, README.md
# and every source map's sources are inside; then installs the tarballs into a scratch
# project outside the repository (scripts/pack-smoke.sh). Fails on any finding.
#
# are-the-types-wrong runs with --profile esm-only: the packages are ES modules, which
# `require()` loads on Node >= 20.19 (require(esm), the `default` export condition makes
# it resolve), and attw does not model require(esm): under its node16 CommonJS check it
# would report "ESM (dynamic import only)" for every entry point.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm build >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for tarball in $(bash scripts/pack-packages.sh "$work/packs"); do
  name=$(basename "$tarball" .tgz)
  echo "== $name"
  mkdir -p "$work/unpacked/$name"
  tar -xzf "$tarball" -C "$work/unpacked/$name"
  for required in LICENSE README.md package.json; do
    [ -f "$work/unpacked/$name/package/$required" ] || { echo "missing $required"; status=1; }
  done
  # Every source map must point at a file the tarball holds.
  node scripts/check-source-maps.mjs "$work/unpacked/$name/package" || status=1
  pnpm exec publint run "$work/unpacked/$name/package" --pack false --strict || status=1
  # A package without `exports` (the CLI: a bin only) has no types for attw to check.
  if node -e "process.exit(require('$work/unpacked/$name/package/package.json').exports ? 0 : 1)"; then
    pnpm exec attw "$tarball" --profile esm-only --format ascii || status=1
  fi
done
[ $status -eq 0 ] || exit $status
SJD_PACKS="$work/packs" bash scripts/pack-smoke.sh
