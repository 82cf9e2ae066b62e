#!/usr/bin/env node
/**
 * The container's HEALTHCHECK: one grpc.health.v1.Health/Check call (empty service name),
 * exit 0 when the server answers SERVING, 1 otherwise (loading, draining, unreachable).
 * Uses the server's own gRPC libraries, resolved from the working directory (/app in the
 * image): `node grpc-health-check.mjs [host:port]`, default 127.0.0.1:50051.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const serverPackage = join(process.cwd(), 'node_modules/@sjd/grpc-server/package.json');
const serverRequire = createRequire(realpathSync(serverPackage));
const grpc = serverRequire('@grpc/grpc-js');
const { service } = serverRequire('grpc-health-check');

const address = process.argv[2] ?? '127.0.0.1:50051';
const Health = grpc.makeGenericClientConstructor(service, 'Health');
const client = new Health(address, grpc.credentials.createInsecure());
client.check({ service: '' }, { deadline: Date.now() + 2000 }, (error, response) => {
  client.close();
  const status = error ? `${grpc.status[error.code]}: ${error.details}` : response.status;
  if (status !== 'SERVING') process.stderr.write(`not serving: ${status}\n`);
  process.exit(status === 'SERVING' ? 0 : 1);
});
