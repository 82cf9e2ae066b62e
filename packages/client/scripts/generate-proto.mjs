// Regenerates src/generated from the repository's proto folder with ts-proto (run by
// `build` before tsc). The grpc-server build lints the same folder with buf.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const protoDir = fileURLToPath(new URL('../../../proto', import.meta.url));
const outDir = fileURLToPath(new URL('../src/generated', import.meta.url));

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
execFileSync('buf', ['generate', protoDir, '--template', `${protoDir}/buf.gen.yaml`], {
  stdio: 'inherit',
});
