// Produce (key 0), v0-9; v9 is flexible. v0-2 carry legacy message sets (magic 0/1), v3 adds
// TransactionalId and requires RecordBatch v2; v1 adds ThrottleTimeMs to the response, v2
// LogAppendTimeMs, v5 LogStartOffset, v7 allows zstd, v8 RecordErrors/ErrorMessage.
// The `records` field is opaque bytes here: the broker appends it without decoding records.
import { api, array, field, message } from '../schema.js';

export interface ProducePartitionData {
  index: number;
  /** One or more record batches; a Buffer list on encode lets a client send without concatenating. */
  records: Buffer | Buffer[] | null;
}

export interface ProduceTopicData {
  name: string;
  partitionData: ProducePartitionData[];
}

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: ProduceTopicData[];
}

export interface ProduceRecordError {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  recordErrors: ProduceRecordError[];
  errorMessage: string | null;
}

export interface ProduceTopicResponse {
  name: string;
  partitionResponses: ProducePartitionResponse[];
}

export interface ProduceResponse {
  responses: ProduceTopicResponse[];
  throttleTimeMs: number;
}

export const Produce = api(
  message('request', 0, 'Produce', '0-9', '9+', [
    // Kafka's JSON declares "default": "null" for these strings; without it a version that lacks
    // the field would decode it as '' instead of null.
    field('transactionalId', 'string', '3+', { nullable: '3+', default: null }),
    field('acks', 'int16', '0+'),
    field('timeoutMs', 'int32', '0+'),
    array('topicData', '0+', [
      field('name', 'string', '0+'),
      array('partitionData', '0+', [field('index', 'int32', '0+'), field('records', 'records', '0+', { nullable: '0+' })]),
    ]),
  ]),
  message('response', 0, 'Produce', '0-9', '9+', [
    array('responses', '0+', [
      field('name', 'string', '0+'),
      array('partitionResponses', '0+', [
        field('index', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        field('baseOffset', 'int64', '0+'),
        field('logAppendTimeMs', 'int64', '2+', { default: -1n }),
        field('logStartOffset', 'int64', '5+', { default: -1n }),
        array('recordErrors', '8+', [
          field('batchIndex', 'int32', '8+'),
          field('batchIndexErrorMessage', 'string', '8+', { nullable: '8+', default: null }),
        ]),
        field('errorMessage', 'string', '8+', { nullable: '8+', default: null }), // "default": "null": v3-7 decode null, not ''
      ]),
    ]),
    field('throttleTimeMs', 'int32', '1+'),
  ]),
);
