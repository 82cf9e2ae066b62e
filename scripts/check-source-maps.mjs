// Checks that every source map in an unpacked package names sources the package ships.
// Usage: node scripts/check-source-maps.mjs <unpacked package folder>
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
let maps = 0;
const missing = [];
for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.map')) continue;
  const path = join(entry.parentPath, entry.name);
  maps++;
  const { sources = [] } = JSON.parse(readFileSync(path, 'utf8'));
  for (const source of sources) {
    const target = resolve(dirname(path), source);
    if (!target.startsWith(root) || !existsSync(target)) missing.push(`${path} → ${source}`);
  }
}
if (missing.length > 0) {
  console.error(`source maps pointing at files the package does not ship:\n${missing.join('\n')}`);
  process.exit(1);
}
console.log(`${maps} source maps, every source shipped`);
