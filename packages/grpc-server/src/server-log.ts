import { type DestinationStream, pino } from 'pino';

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

/**
 * The default logger: one JSON line per record, through pino, on stderr (written
 * synchronously, so nothing is lost when the process exits). Each line is the record plus
 * `level`: `error` for INTERNAL/UNKNOWN/DATA_LOSS outcomes and a failed model load, `warn`
 * for load shedding, deadlines, refusals and an expired grace period, `info` otherwise.
 */
export function jsonLineLogger(
  stream: DestinationStream | NodeJS.WritableStream = pino.destination({ dest: 2, sync: true }),
): ServerLogger {
  const logger = pino(
    {
      base: null,
      timestamp: false,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream as DestinationStream,
  );
  return (record) => logger[levelOf(record)](record);
}

const ERROR_OUTCOMES = new Set(['INTERNAL', 'UNKNOWN', 'DATA_LOSS']);
const WARN_OUTCOMES = new Set([
  'RESOURCE_EXHAUSTED',
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
]);

function levelOf(record: ServerLogRecord): 'info' | 'warn' | 'error' {
  if (record.kind === 'server') {
    return record.event === 'model-load-failed'
      ? 'error'
      : record.event === 'grace-expired'
        ? 'warn'
        : 'info';
  }
  return ERROR_OUTCOMES.has(record.outcome)
    ? 'error'
    : WARN_OUTCOMES.has(record.outcome)
      ? 'warn'
      : 'info';
}
