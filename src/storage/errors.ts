// Errors raised by storage. Every one carries a stable `code` and the name of the Kafka error
// the broker should answer with (`kafkaError`), so handlers map failures without parsing
// messages: produce validation (INVALID_RECORD, CORRUPT_MESSAGE, MESSAGE_TOO_LARGE ...),
// reads out of range (OFFSET_OUT_OF_RANGE) and disk failures (KAFKA_STORAGE_ERROR).

import type { ErrorName } from '../protocol/error-codes.js';

export type StorageErrorCode = 'MQ_ERR_STORAGE' | 'MQ_ERR_CORRUPT_INDEX' | 'MQ_ERR_CONFIG';

export class StorageError extends Error {
  readonly code: StorageErrorCode = 'MQ_ERR_STORAGE';
  constructor(
    readonly kafkaError: ErrorName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** An index file that contradicts its log segment; loading rebuilds the index from the log. */
export class CorruptIndexError extends StorageError {
  override readonly code = 'MQ_ERR_CORRUPT_INDEX';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super('KAFKA_STORAGE_ERROR', `corrupt index ${file}: ${message}`);
    this.name = 'CorruptIndexError';
  }
}

/** A topic config value out of range or of the wrong type (CreateTopics/AlterConfigs answer INVALID_CONFIG). */
export class LogConfigError extends StorageError {
  override readonly code = 'MQ_ERR_CONFIG';
  constructor(message: string) {
    super('INVALID_CONFIG', message);
    this.name = 'LogConfigError';
  }
}

/** One refused record of a batch, as Produce v8+ reports it (RecordErrors: batchIndex is the record's index in its batch). */
export interface RecordError {
  readonly batchIndex: number;
  readonly message: string;
}

/**
 * Records refused one by one (AK RecordValidationException): INVALID_RECORD with every record
 * error, and Kafka's summary of the first three as the message.
 */
export class RecordValidationError extends StorageError {
  constructor(readonly recordErrors: readonly RecordError[]) {
    const shown = recordErrors.slice(0, 3).map((r) => `RecordError(batchIndex=${r.batchIndex}, message='${r.message}')`);
    super('INVALID_RECORD', `One or more records have been rejected due to ${recordErrors.length} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`);
    this.name = 'RecordValidationError';
  }
}
