/**
 * `@sjd/grpc-server`: serve Speculative Jacobi Decoding over gRPC (`sjd.v1.GenerationService`,
 * contract in the repository's `proto/` folder) with the standard health service, server
 * reflection, admission limits, cancellation, deadlines, graceful shutdown and one JSON log
 * line per request. Started by `sjd serve`.
 */

export type { ImageModel } from './image-model.js';
export { loadModelFolders } from './load-model-folders.js';
export { RpcError, type RpcStatusName } from './rpc-error.js';
export { type ServeOptions, serve } from './serve.js';
export {
  addServeOptions,
  parseDtypeFlag,
  type ServeFlags,
  serveOptionsFrom,
} from './serve-command.js';
export {
  jsonLineLogger,
  type LifecycleLogRecord,
  type RequestLogRecord,
  type ServerLogger,
  type ServerLogRecord,
} from './server-log.js';
export { SERVER_DEFAULTS, type ServerTlsOptions, type SjdServerOptions } from './server-options.js';
export { GENERATION_SERVICE_NAME, SjdGrpcServer } from './sjd-grpc-server.js';
