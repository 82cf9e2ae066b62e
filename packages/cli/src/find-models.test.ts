import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelLoadError } from '@sjd/backend-node';
import { fashionModelDir } from '@sjd/fashion';
import { shippedModelDir } from '@sjd/shapes';
import { afterAll, describe, expect, it } from 'vitest';
import { findModels, resolveModelDir } from './find-models.js';

const shippedName = (
  JSON.parse(readFileSync(join(shippedModelDir, 'manifest.json'), 'utf8')) as { name: string }
).name;
const root = mkdtempSync(join(tmpdir(), 'sjd-find-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'broken'));
writeFileSync(join(root, 'broken', 'manifest.json'), '[]');
mkdirSync(join(root, 'empty'));

describe('findModels', () => {
  it('lists the shipped models first (the default first) and a broken folder with its problem, not an empty one', async () => {
    const found = await findModels([root]);
    expect(found[0]).toMatchObject({ dir: shippedModelDir, shipped: true, isDefault: true });
    expect(found[1]).toMatchObject({ dir: fashionModelDir, shipped: true, isDefault: false });
    expect(found.slice(2)).toEqual([
      { dir: join(root, 'broken'), problem: expect.stringContaining('manifest') },
    ]);
  });
});

describe('resolveModelDir', () => {
  it('takes a folder as it is, a listed name as its folder, and nothing as the default', async () => {
    expect(await resolveModelDir(root, [])).toBe(root);
    expect(await resolveModelDir(shippedName, [])).toBe(shippedModelDir);
    expect(await resolveModelDir('fashion-v1', [])).toBe(fashionModelDir);
    expect(await resolveModelDir(undefined, [])).toBe(shippedModelDir);
  });

  it('names the models it knows when a name matches none', async () => {
    const error = await resolveModelDir('shapes-v9', [root]).catch((e: unknown) => e);
    expect(ModelLoadError.isInstance(error) && error.message).toContain(
      `no model of that name (sjd models lists: ${shippedName}, fashion-v1;`,
    );
  });
});
