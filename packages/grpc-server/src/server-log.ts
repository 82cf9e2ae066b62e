/**
 * One structured log record. The server writes one `request` record per RPC (with its
 * outcome and timings) and `server` records for its lifecycle.
 */
export type ServerLogRecord = RequestLogRecord | LifecycleLogRecord;

/** How one RPC ended. */
export interface RequestLogRecord {
  readonly kind: 'request';
  readonly time: string;
  /** e.g. `/sjd.v1.GenerationService/Generate`. */
  readonly method: string;
  readonly peer: string;
  /** gRPC status name: `OK`, `INVALID_ARGUMENT`, `CANCELLED`, … */
  readonly outcome: string;
  readonly message?: string;
  readonly field?: string;
  readonly model?: string;
  readonly seed?: number;
  readonly images?: number;
  readonly decoding?: string;
  readonly steps?: number;
  readonly tokens?: number;
  readonly stepCompression?: number;
  /** Milliseconds waiting for a generation slot. */
  readonly queueMs?: number;
  /** Milliseconds from arrival to the first token block. */
  readonly firstBlockMs?: number;
  /** Milliseconds from arrival to the end. */
  readonly totalMs: number;
}

/** The server started, loaded its models, began to stop, or stopped. */
export interface LifecycleLogRecord {
  readonly kind: 'server';
  readonly time: string;
  readonly event:
    | 'listening'
    | 'metrics-listening'
    | 'models-loaded'
    | 'model-load-failed'
    | 'stopping'
    | 'grace-expired'
    | 'stopped';
  readonly [detail: string]: unknown;
}

/** Where log records go. */
export type ServerLogger = (record: ServerLogRecord) => void;

/** The default logger: one JSON line per record on stderr. */
export function jsonLineLogger(stream: NodeJS.WritableStream = process.stderr): ServerLogger {
  return (record) => {
    stream.write(`${JSON.stringify(record)}\n`);
  };
}
