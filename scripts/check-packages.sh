#!/usr/bin/env bash
# Lints what npm would publish: packs every public package, then runs publint on each
# tarball's contents and @arethetypeswrong/cli on each tarball. Fails on any finding.
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
  pnpm exec attw "$tarball" --profile esm-only --format table-flipped || status=1
done
exit $status
