// OffsetFetch (key 9), v0-9; v6+ flexible. v1 reads Kafka-stored offsets (v0: ZooKeeper's) and
// has no top-level error: group-level errors must be copied into every partition (KAFKA-19246);
// v2 adds the top-level ErrorCode and lets Topics be null for "every committed partition"; v5 the
// committed leader epoch; v7 RequireStable (KIP-447); v8 batches groups (KIP-709), moving
// everything into Groups[]; v9 adds the KIP-848 member id and epoch.
import { api, array, field, message } from '../schema.js';

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequestGroup {
  groupId: string;
  memberId: string | null;
  memberEpoch: number;
  topics: OffsetFetchRequestTopic[] | null;
}

export interface OffsetFetchRequest {
  groupId: string;
  topics: OffsetFetchRequestTopic[] | null;
  groups: OffsetFetchRequestGroup[];
  requireStable: boolean;
}

export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponseGroup {
  groupId: string;
  topics: OffsetFetchResponseTopic[];
  errorCode: number;
}

export interface OffsetFetchResponse {
  throttleTimeMs: number;
  topics: OffsetFetchResponseTopic[];
  errorCode: number;
  groups: OffsetFetchResponseGroup[];
}

const partitionFields = (v: string) => [
  field('partitionIndex', 'int32', v),
  field('committedOffset', 'int64', v),
  field('committedLeaderEpoch', 'int32', v === '0-7' ? '5-7' : v, { default: -1 }),
  field('metadata', 'string', v, { nullable: v }),
  field('errorCode', 'int16', v),
];

export const OffsetFetch = api(
  message('request', 9, 'OffsetFetch', '0-9', '6+', [
    field('groupId', 'string', '0-7'),
    array('topics', '0-7', [field('name', 'string', '0-7'), array('partitionIndexes', '0-7', 'int32')], { nullable: '2-7' }),
    array('groups', '8+', [
      field('groupId', 'string', '8+'),
      field('memberId', 'string', '9+', { nullable: '9+', default: null }),
      field('memberEpoch', 'int32', '9+', { default: -1 }),
      array('topics', '8+', [field('name', 'string', '8+'), array('partitionIndexes', '8+', 'int32')], { nullable: '8+' }),
    ]),
    field('requireStable', 'bool', '7+'),
  ]),
  message('response', 9, 'OffsetFetch', '0-9', '6+', [
    field('throttleTimeMs', 'int32', '3+'),
    array('topics', '0-7', [field('name', 'string', '0-7'), array('partitions', '0-7', partitionFields('0-7'))]),
    field('errorCode', 'int16', '2-7'),
    array('groups', '8+', [
      field('groupId', 'string', '8+'),
      array('topics', '8+', [field('name', 'string', '8+'), array('partitions', '8+', partitionFields('8+'))]),
      field('errorCode', 'int16', '8+'),
    ]),
  ]),
);
