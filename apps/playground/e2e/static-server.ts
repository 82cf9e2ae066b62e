import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { ISOLATION_HEADERS } from '../vite/isolation-headers.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
};

/** A static file server on 127.0.0.1 and a port the system picks. */
export interface StaticServer {
  readonly url: string;
  /** Every path requested, in order (to check the page asked nothing of other origins). */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/**
 * Serves a built app folder the way a static host would, with the cross-origin isolation
 * headers that multi-threaded wasm needs. Only files under `root`; anything else is a 404.
 */
export async function serveStatic(root: string): Promise<StaticServer> {
  const base = resolve(root);
  const requests: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push(path);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    const info = file.startsWith(base + sep) ? await stat(file).catch(() => null) : null;
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) response.setHeader(name, value);
    if (!info?.isFile()) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': 'no-store',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
