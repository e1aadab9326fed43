// Errors thrown by the client. Local failures are MqError subclasses with a stable `code`;
// failures the broker reports through a Kafka error code are KafkaError, which carries the
// code, Kafka's name for it and whether Java treats it as retriable (error-codes.ts is the only
// table of those numbers). Every wrapping error passes the underlying one as `cause`.

import { errorInfo } from '../protocol/error-codes.js';

export const MQ_ERROR_CODES = [
  /** TCP connect failed, or the socket closed or failed while requests were outstanding. */
  'MQ_ERR_CONNECTION',
  /** A request got no response within its timeout, or a record was not delivered in time. */
  'MQ_ERR_TIMEOUT',
  /** The broker answered with a Kafka error code. */
  'MQ_ERR_KAFKA',
  /** Invalid client configuration. */
  'MQ_ERR_CONFIG',
  /** The client, producer, consumer or connection has been closed. */
  'MQ_ERR_CLOSED',
  /** Client and broker share no version of an API. */
  'MQ_ERR_UNSUPPORTED_VERSION',
  /** The broker sent bytes the client cannot make sense of (bad frame, unexpected correlation id). */
  'MQ_ERR_PROTOCOL',
  /** A caller passed an argument that can never succeed (unknown partition, malformed topic id). */
  'MQ_ERR_INVALID_ARGUMENT',
] as const;

export type MqErrorCode = (typeof MQ_ERROR_CODES)[number];

export class MqError extends Error {
  readonly code: MqErrorCode;

  constructor(code: MqErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'MqError';
  }
}

export class KafkaError extends MqError {
  readonly errorCode: number;
  readonly errorName: string;
  readonly retriable: boolean;
  /** The errorMessage field of the response as the broker sent it; null when absent or the API has none. */
  readonly brokerMessage: string | null;

  /**
   * `brokerMessage` is the errorMessage field of the response, when the API has one; `context` is
   * the client's own note on where the error arose (`(topic-0)`), never a broker's text. `message`
   * is Kafka's text for the code followed by each of them that is non-empty.
   */
  constructor(errorCode: number, brokerMessage?: string | null, options?: { cause?: unknown; context?: string }) {
    const info = errorInfo(errorCode);
    let message = info.message;
    if (brokerMessage) message += ` ${brokerMessage}`;
    if (options?.context) message += ` ${options.context}`;
    super('MQ_ERR_KAFKA', message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KafkaError';
    this.errorCode = errorCode;
    this.errorName = info.name;
    this.retriable = info.retriable;
    this.brokerMessage = brokerMessage ?? null;
  }
}

export class ConnectionError extends MqError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MQ_ERR_CONNECTION', message, options);
    this.name = 'ConnectionError';
  }
}

export class RequestTimeoutError extends MqError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MQ_ERR_TIMEOUT', message, options);
    this.name = 'RequestTimeoutError';
  }
}

export class ConfigError extends MqError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MQ_ERR_CONFIG', message, options);
    this.name = 'ConfigError';
  }
}

export class ClosedError extends MqError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MQ_ERR_CLOSED', message, options);
    this.name = 'ClosedError';
  }
}

/** A KafkaError for a non-zero code, null for NONE: the shape of per-item results in Admin. */
export function kafkaErrorOrNull(errorCode: number, brokerMessage?: string | null): KafkaError | null {
  return errorCode === 0 ? null : new KafkaError(errorCode, brokerMessage);
}

/**
 * Whether a failed request may succeed when retried: retriable Kafka codes, and transport
 * failures (the request may simply not have reached a broker that is now reachable again).
 */
export function isRetriable(err: unknown): boolean {
  if (err instanceof KafkaError) return err.retriable;
  return err instanceof ConnectionError || err instanceof RequestTimeoutError;
}
