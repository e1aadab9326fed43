// Fetch (key 1). mq serves v4-12: v4 is the first version with RecordBatch v2 and isolation
// levels (librdkafka's MSGVER2 check needs v4); v12 is flexible. v13+ identify topics by id only,
// which mq does not advertise yet. v5 adds log start offsets, v7 fetch sessions (KIP-227: mq
// always answers session id 0, which every client accepts as "no session"), v9 leader epochs,
// v11 rack id and preferred read replica, v12 tagged diverging-epoch/current-leader fields.
// The `records` field must be empty bytes, never null, when there is no data: librdkafka
// rejects a MessageSetSize of -1.
import { api, array, field, message, struct } from '../schema.js';

export interface FetchPartition {
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: bigint;
  lastFetchedEpoch: number;
  logStartOffset: bigint;
  partitionMaxBytes: number;
}

export interface FetchTopic {
  topic: string;
  partitions: FetchPartition[];
}

export interface FetchRequest {
  clusterId: string | null;
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: FetchTopic[];
  forgottenTopicsData: Array<{ topic: string; partitions: number[] }>;
  rackId: string;
}

export interface FetchAbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

export interface FetchPartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  abortedTransactions: FetchAbortedTransaction[] | null;
  preferredReadReplica: number;
  /** v12+ tagged fields (the spec below declares them): optional here, since a broker leaves them
   * at their defaults ({-1, -1}), which the codec then does not put on the wire. */
  divergingEpoch?: { epoch: number; endOffset: bigint };
  currentLeader?: { leaderId: number; leaderEpoch: number };
  snapshotId?: { endOffset: bigint; epoch: number };
  /** Whole record batches; a list of chunks (as read from segment files) is written without copying. */
  records: Buffer | Buffer[] | null;
}

export interface FetchTopicResponse {
  topic: string;
  partitions: FetchPartitionData[];
}

export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  responses: FetchTopicResponse[];
}

export const Fetch = api(
  message('request', 1, 'Fetch', '4-12', '12+', [
    field('clusterId', 'string', '12+', { nullable: '12+', tag: 0, default: null }), // JSON "default": "null"
    // Default -1 (a consumer), as in Kafka's current FetchRequest.json ("default": "-1"); 0 would
    // make a request that omits it claim to come from follower broker 0.
    field('replicaId', 'int32', '0+', { default: -1 }),
    field('maxWaitMs', 'int32', '0+'),
    field('minBytes', 'int32', '0+'),
    field('maxBytes', 'int32', '3+', { default: 0x7fffffff }),
    field('isolationLevel', 'int8', '4+'),
    field('sessionId', 'int32', '7+'),
    field('sessionEpoch', 'int32', '7+', { default: -1 }),
    array('topics', '0+', [
      field('topic', 'string', '0+'),
      array('partitions', '0+', [
        field('partition', 'int32', '0+'),
        field('currentLeaderEpoch', 'int32', '9+', { default: -1 }),
        field('fetchOffset', 'int64', '0+'),
        field('lastFetchedEpoch', 'int32', '12+', { default: -1 }),
        field('logStartOffset', 'int64', '5+', { default: -1n }),
        field('partitionMaxBytes', 'int32', '0+'),
      ]),
    ]),
    array('forgottenTopicsData', '7+', [field('topic', 'string', '7+'), array('partitions', '7+', 'int32')]),
    field('rackId', 'string', '11+'),
  ]),
  message('response', 1, 'Fetch', '4-12', '12+', [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '7+'),
    field('sessionId', 'int32', '7+'),
    array('responses', '0+', [
      field('topic', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        field('highWatermark', 'int64', '0+'),
        field('lastStableOffset', 'int64', '4+', { default: -1n }),
        field('logStartOffset', 'int64', '5+', { default: -1n }),
        struct('divergingEpoch', '12+', [field('epoch', 'int32', '12+', { default: -1 }), field('endOffset', 'int64', '12+', { default: -1n })], { tag: 0 }),
        struct('currentLeader', '12+', [field('leaderId', 'int32', '12+', { default: -1 }), field('leaderEpoch', 'int32', '12+', { default: -1 })], { tag: 1 }),
        struct('snapshotId', '12+', [field('endOffset', 'int64', '12+', { default: -1n }), field('epoch', 'int32', '12+', { default: -1 })], { tag: 2 }),
        array('abortedTransactions', '4+', [field('producerId', 'int64', '4+'), field('firstOffset', 'int64', '4+')], { nullable: '4+' }),
        field('preferredReadReplica', 'int32', '11+', { default: -1 }),
        field('records', 'records', '0+', { nullable: '0+' }),
      ]),
    ]),
  ]),
);
