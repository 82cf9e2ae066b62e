import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_MANIFEST_SCHEMA, parseModelManifest } from '@sjd/core';
import { afterAll, describe, expect, it } from 'vitest';
import { shippedModelDir } from './model-dir.js';

// One schema, two readers: the runtime (@sjd/core, ajv) and the exporter that writes the
// manifest (train/manifest.py, Python's jsonschema) read the same file and agree.
const writer = fileURLToPath(new URL('../train/manifest.py', import.meta.url));
const shipped = join(shippedModelDir, 'manifest.json');
const scratch = mkdtempSync(join(tmpdir(), 'sjd-manifest-schema-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function pythonCheck(file: string) {
  const res = spawnSync('/usr/bin/python3', [writer, '--check', file], { encoding: 'utf8' });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

describe('the manifest schema, shared by the runtime and the Python exporter', () => {
  it('the shipped manifest passes both', () => {
    const json = JSON.parse(readFileSync(shipped, 'utf8'));
    expect(parseModelManifest(json, shipped).name).toBe(json.name);
    expect(json.$schema).toBe(MODEL_MANIFEST_SCHEMA['$id']);
    const { status, output } = pythonCheck(shipped);
    expect(output).toMatch(/valid against .*packages\/core\/src\/manifest\/manifest\.schema\.json/);
    expect(status).toBe(0);
  });

  it('a manifest the runtime rejects, the exporter rejects too, naming the same field', () => {
    const json = JSON.parse(readFileSync(shipped, 'utf8'));
    json.image.imageDecoder.layout = 'NCHW';
    const file = join(scratch, 'manifest.json');
    writeFileSync(file, JSON.stringify(json));
    expect(() => parseModelManifest(json, file)).toThrow(
      /image\.imageDecoder\.layout: expected "NHWC"/,
    );
    const { status, output } = pythonCheck(file);
    expect(status).not.toBe(0);
    expect(output).toMatch(/'NCHW' is not one of \['NHWC'\]/);
    expect(output).toMatch(/imageDecoder.*layout|\['image'\]\['imageDecoder'\]\['layout'\]/s);
  });
});
