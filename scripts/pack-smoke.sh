#!/usr/bin/env bash
# The five-minute check of a new user's path, outside the repository: packs the public
# packages, installs the tarballs into a scratch project with plain `npm install` (the
# @sjd packages from the tarballs, everything else from the registry or npm's cache), then
#   - generateImage() from `import` and from `require` (Node >= 20.19's require(esm)),
#   - the root README's one-call snippet, as written,
#   - the published types type-check a user's file and reject a wrong option,
#   - `npx sjd --version` and `npx sjd generate`,
#   - no test-only dependency (@stdlib) lands in the install.
# Usage: bash scripts/pack-smoke.sh [scratch folder]  (default: a fresh temporary folder,
# removed afterwards); SJD_PACKS=<folder> reuses tarballs packed by scripts/pack-packages.sh.
# Measured on the 2-core dev machine: packing ~40 s, npm install 16-31 s (onnxruntime-node
# is ~290 MB unpacked; faster on a warm npm cache), the checks ~15 s.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ -n "${SJD_PACKS:-}" ] || pnpm build >/dev/null
if [ $# -gt 0 ]; then
  scratch=$(realpath -m "$1"); rm -rf "$scratch"; mkdir -p "$scratch"
else
  scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
fi
packs="${SJD_PACKS:-$scratch/.packs}"
[ -n "${SJD_PACKS:-}" ] || bash scripts/pack-packages.sh "$packs" >/dev/null
tarball() { ls "$packs"/sjd-"$1"-[0-9]*.tgz; }

cd "$scratch"
echo '{ "name": "sjd-scratch", "private": true, "version": "0.0.0" }' >package.json
started=$(date +%s)
# onnxruntime-node's postinstall would download CUDA libraries (and fail offline): skip it,
# the CPU provider ships in the package.
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --prefer-offline \
  "$(tarball core)" "$(tarball onnx-common)" "$(tarball shapes)" "$(tarball fashion)" "$(tarball backend-node)" \
  "$(tarball grpc-server)" "$(tarball client)" "$(tarball cli)"
echo "pack-smoke: npm install took $(($(date +%s) - started)) s"

cat >import.mjs <<'JS'
import { writeFileSync } from 'node:fs';
import { generateImage } from '@sjd/backend-node';
import { shippedModelDir } from '@sjd/shapes';

const image = await generateImage({ prompt: 'a small blue square at the top left.', model: { modelDir: shippedModelDir }, seed: 7, scale: 4 });
writeFileSync('import.png', image.png);
console.log(`import: ${image.width}×${image.height} PNG, ${image.png.length} bytes, ${image.statistics.tokens} tokens in ${image.statistics.steps} steps`);
JS
cat >require.cjs <<'JS'
const { writeFileSync } = require('node:fs');
const { generateImage } = require('@sjd/backend-node');
const { shippedModelDir } = require('@sjd/shapes');

generateImage({ prompt: 'a small blue square at the top left.', model: { modelDir: shippedModelDir }, seed: 7, scale: 4 }).then((image) => {
  writeFileSync('require.png', image.png);
  console.log(`require: ${image.width}×${image.height} PNG, ${image.png.length} bytes, step compression ${image.statistics.stepCompression.toFixed(2)}×`);
});
JS
cat >use.mts <<'TS'
import { type GeneratedImage, generateImage } from '@sjd/backend-node';
import { shippedModelDir } from '@sjd/shapes';

const model = { modelDir: shippedModelDir };
const image: GeneratedImage = await generateImage({ prompt: 'a large red circle', model, seed: 1 });
const bytes: Uint8Array = image.png;
console.log(bytes.length, image.statistics.stepCompression);
// @ts-expect-error: 'beam' is not a decoding method
await generateImage({ prompt: 'a large red circle', model, decoding: { method: 'beam' } });
// @ts-expect-error: the prompt is required
await generateImage({ model, seed: 1 });
// @ts-expect-error: the model is required (the runtime package ships none)
await generateImage({ prompt: 'a large red circle' });
TS
cat >tsconfig.json <<JSON
{ "compilerOptions": { "module": "nodenext", "target": "es2022", "strict": true, "noEmit": true,
  "typeRoots": ["$repo/node_modules/@types"], "types": ["node"] }, "files": ["use.mts"] }
JSON

node import.mjs
node require.cjs
# The README's one-call snippet, as a user would paste it.
cat >extract-readme.cjs <<'JS'
const { readFileSync, writeFileSync } = require('node:fs');
const readme = readFileSync(process.argv[2], 'utf8');
const after = readme.slice(readme.indexOf('One call, caption in, PNG out:'));
writeFileSync('readme.mjs', after.match(/```ts\n([\s\S]*?)```/)[1]);
JS
node extract-readme.cjs "$repo/README.md"
node readme.mjs
[ -s out.png ]
cmp import.png require.png
node -e "const b=require('fs').readFileSync('import.png'); if (b.readUInt32BE(16)!==256||b.readUInt32BE(20)!==256) throw new Error('not a 256×256 PNG')"
node "$repo/node_modules/typescript/bin/tsc" -p tsconfig.json
echo "types: use.mts type-checks, every deliberate mistake rejected"
version=$(npx --no-install sjd --version)
[ "$version" = "$(node -p "require('@sjd/cli/package.json').version")" ]
echo "npx sjd --version: $version"
npx --no-install sjd generate "a large red circle in the centre." --seed 3 --out cli.png --no-progress
[ -s cli.png ]
if [ -e node_modules/@stdlib ]; then echo "test-only @stdlib packages were installed"; exit 1; fi
echo "pack-smoke: ok ($(du -sh node_modules | cut -f1) node_modules, $(ls node_modules | wc -l) top-level entries)"
