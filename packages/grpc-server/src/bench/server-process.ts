/**
 * The benchmarks' server: `node dist/main.js` in a child process on a free loopback port,
 * resolved once its models are loaded, with its log lines drained unread from then on
 * (parsing them would cost the client CPU that the benchmarks measure).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
}

/**
 * Starts the server with `nodeFlags` for node itself and `serverFlags` after the entry point
 * (`--host` and `--port` are set here); rejects if it exits or reports a model it cannot load.
 */
export async function startServerProcess(
  nodeFlags: readonly string[],
  serverFlags: readonly string[],
): Promise<ServerProcess> {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [...nodeFlags, main, '--host', '127.0.0.1', '--port', '0', ...serverFlags],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let port = 0;
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) =>
      reject(new Error(`the server exited (${code}) before loading its model`)),
    );
    child.stderr!.on('data', (chunk) => {
      buffered += String(chunk);
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const record = line.startsWith('{') ? JSON.parse(line) : {};
        if (record.event === 'listening') port = record.port;
        if (record.event === 'models-loaded') resolve();
        if (record.event === 'model-load-failed') reject(new Error(record.message));
      }
    });
  });
  child.removeAllListeners('exit');
  child.stderr!.removeAllListeners('data');
  child.stderr!.resume();
  return { child, port };
}
