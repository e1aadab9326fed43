// DeleteRecords (key 21), v0-2; v2+ flexible (v1 only changed throttling, KIP-219). Each
// partition's Offset becomes its new log start offset (-1: the high watermark); the response
// gives the resulting LowWatermark, -1 with an error.
import { api, array, field, message } from '../schema.js';

export interface DeleteRecordsTopic {
  name: string;
  partitions: Array<{ partitionIndex: number; offset: bigint }>;
}

export interface DeleteRecordsRequest {
  topics: DeleteRecordsTopic[];
  timeoutMs: number;
}

export interface DeleteRecordsPartitionResult {
  partitionIndex: number;
  lowWatermark: bigint;
  errorCode: number;
}

export interface DeleteRecordsTopicResult {
  name: string;
  partitions: DeleteRecordsPartitionResult[];
}

export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  topics: DeleteRecordsTopicResult[];
}

export const DeleteRecords = api(
  message('request', 21, 'DeleteRecords', '0-2', '2+', [
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [field('partitionIndex', 'int32', '0+'), field('offset', 'int64', '0+')]),
    ]),
    field('timeoutMs', 'int32', '0+'),
  ]),
  message('response', 21, 'DeleteRecords', '0-2', '2+', [
    field('throttleTimeMs', 'int32', '0+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [field('partitionIndex', 'int32', '0+'), field('lowWatermark', 'int64', '0+'), field('errorCode', 'int16', '0+')]),
    ]),
  ]),
);
