// OffsetDelete (key 47), v0 only, never flexible (KIP-496): deletes a group's committed offsets
// for partitions its members no longer subscribe to.
import { api, array, field, message } from '../schema.js';

export interface OffsetDeleteRequest {
  groupId: string;
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number }> }>;
}

export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>;
}

export const OffsetDelete = api(
  message('request', 47, 'OffsetDelete', '0', 'none', [
    field('groupId', 'string', '0+'),
    array('topics', '0+', [field('name', 'string', '0+'), array('partitions', '0+', [field('partitionIndex', 'int32', '0+')])]),
  ]),
  message('response', 47, 'OffsetDelete', '0', 'none', [
    field('errorCode', 'int16', '0+'),
    field('throttleTimeMs', 'int32', '0+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [field('partitionIndex', 'int32', '0+'), field('errorCode', 'int16', '0+')]),
    ]),
  ]),
);
