#!/usr/bin/env node
// Fails when a workspace package's `bin` points at a file git does not track (a build
// output in dist/, say). pnpm links the bins of workspace dependencies at install time,
// before anything is built, and prints a "Failed to create bin … ENOENT" warning for each
// missing target on a fresh clone's first screen. A committed shim that imports the built
// file keeps the install quiet (packages/shapes/bin, packages/cli/bin).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
const tracked = new Set(git('ls-files', '-z').split('\0'));
const manifests = [...tracked].filter((p) =>
  /^(packages|apps|examples)\/[^/]+(\/[^/]+)?\/package\.json$/.test(p),
);
const problems = [];
for (const manifest of manifests) {
  const pkg = JSON.parse(readFileSync(join(root, manifest), 'utf8'));
  const bins = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
  for (const [name, target] of Object.entries(bins)) {
    const path = normalize(join(dirname(manifest), target));
    if (!tracked.has(path))
      problems.push(`${manifest}: bin "${name}" → ${target} is not a committed file`);
  }
}
for (const p of problems) console.error(p);
if (problems.length > 0) process.exit(1);
console.log(`the bins of ${manifests.length} workspace packages point at committed files`);
