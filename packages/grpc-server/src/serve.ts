import type { SjdServerOptions } from './server-options.js';
import { SjdGrpcServer } from './sjd-grpc-server.js';

/** {@link SjdServerOptions} plus where to listen. */
export interface ServeOptions extends SjdServerOptions {
  /** Address to bind. Default `127.0.0.1`; `0.0.0.0` or `::` for every interface. */
  readonly host?: string;
  /** TCP port; 0 picks a free one. Default 50051. */
  readonly port?: number;
  /** Called once bound, with the port (e.g. to print it). */
  readonly onListening?: (port: number) => void;
}

/**
 * Runs a server until SIGTERM or SIGINT (what `sjd serve` does): binds, loads the models,
 * and on the signal stops gracefully (see {@link SjdGrpcServer.shutdown}). Resolves once
 * stopped, so the process can exit 0; rejects, after closing, if binding or loading fails.
 */
export async function serve(options: ServeOptions = {}): Promise<void> {
  const server = new SjdGrpcServer(options);
  let requestStop: () => void = () => {};
  const stopRequested = new Promise<'stop'>((resolve) => (requestStop = () => resolve('stop')));
  const signals = ['SIGTERM', 'SIGINT'] as const;
  for (const signal of signals) process.once(signal, requestStop);
  try {
    const port = await server.listen({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 50051,
    });
    options.onListening?.(port);
    if (
      (await Promise.race([server.ready().then(() => 'ready' as const), stopRequested])) === 'ready'
    ) {
      await stopRequested;
    }
  } catch (error) {
    await server.shutdown(0);
    throw error;
  } finally {
    for (const signal of signals) process.off(signal, requestStop);
  }
  await server.shutdown();
}
