// OffsetCommit (key 8), v0-9; v8+ flexible. v1 adds generation and member id (and a per-partition
// commit timestamp, v1 only); v2-4 carry a retention time; v5 drops it; v6 adds the committed
// leader epoch (KIP-320); v7 GroupInstanceId (KIP-345). In v9 the generation field doubles as the
// KIP-848 member epoch, hence Kafka's name GenerationIdOrMemberEpoch. Generation -1 with an empty
// member id is a "simple" commit, allowed only for groups without members (admin tools).
import { api, array, field, message } from '../schema.js';

export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  commitTimestamp: bigint;
  committedMetadata: string | null;
}

export interface OffsetCommitRequestTopic {
  name: string;
  partitions: OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequest {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
  retentionTimeMs: bigint;
  topics: OffsetCommitRequestTopic[];
}

export interface OffsetCommitResponseTopic {
  name: string;
  partitions: Array<{ partitionIndex: number; errorCode: number }>;
}

export interface OffsetCommitResponse {
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}

export const OffsetCommit = api(
  message('request', 8, 'OffsetCommit', '0-9', '8+', [
    field('groupId', 'string', '0+'),
    field('generationIdOrMemberEpoch', 'int32', '1+', { default: -1 }),
    field('memberId', 'string', '1+'),
    field('groupInstanceId', 'string', '7+', { nullable: '7+', default: null }),
    field('retentionTimeMs', 'int64', '2-4', { default: -1n }),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('committedOffset', 'int64', '0+'),
        field('committedLeaderEpoch', 'int32', '6+', { default: -1 }),
        field('commitTimestamp', 'int64', '1', { default: -1n }),
        field('committedMetadata', 'string', '0+', { nullable: '0+' }),
      ]),
    ]),
  ]),
  message('response', 8, 'OffsetCommit', '0-9', '8+', [
    field('throttleTimeMs', 'int32', '3+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [field('partitionIndex', 'int32', '0+'), field('errorCode', 'int16', '0+')]),
    ]),
  ]),
);
