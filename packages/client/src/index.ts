/**
 * `@sjd/client`: a thin typed client for the SJD gRPC server (`sjd serve`). Events arrive
 * as an async iterator; calls take an AbortSignal and a timeout; errors are typed; several
 * server addresses are balanced round-robin by gRPC. No model runtime inside.
 */

export { channelTarget } from './channel-target.js';
export type {
  RemoteDecodingStatistics,
  RemoteGenerationDoneEvent,
  RemoteGenerationEvent,
  RemoteGenerationStartEvent,
  RemoteImageDoneEvent,
  RemoteImagePreviewEvent,
  RemoteTokenBlockEvent,
} from './client-events.js';
export type {
  DecodingMethod,
  DraftInit,
  GenerateParams,
  SamplingSettings,
} from './generate-params.js';
export type { ModelInfo, ModelList } from './model-info.js';
export {
  type RetryPolicy,
  SJD_CHANNEL_OPTIONS,
  SJD_RETRY_POLICY,
  sjdServiceConfig,
} from './service-config.js';
export { type CallSettings, SjdClient, type SjdClientOptions } from './sjd-client.js';
export { SjdClientError } from './sjd-client-error.js';
export { type RpcStatusName, SjdRpcError } from './sjd-rpc-error.js';
