// Committed offsets and group metadata on disk: the internal compacted topic __consumer_offsets
// (AK GroupMetadataManager.scala). A group lives in partition
// abs(groupId.hashCode) % partitions, Java's String.hashCode over UTF-16 code units, so a group
// lands where Kafka would put it. Records use Kafka's key/value formats
// (protocol/messages/group-records.ts), one uncompressed RecordBatch v2 per write:
//
//   key OffsetCommitKey v1 (group, topic, partition)  value OffsetCommitValue v3 (v1 with an expiry)
//   key GroupMetadataKey v2 (group)                   value GroupMetadataValue v3
//   a null value is a tombstone: the offset, or the whole group's metadata, is deleted
//
// Replaying a partition from its start, later records override earlier ones; this is how the
// coordinator rebuilds its state at startup. Appends are synchronous (PartitionLog.append), so a
// commit is in the log (and the page cache) before it is acknowledged.
//
// Concurrency: single owner (the coordinator) on the event loop.

import { ErrorCode } from '../protocol/error-codes.js';
import {
  decodeGroupMetadataValue,
  decodeGroupRecordKey,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type GroupMetadataValue,
} from '../protocol/messages/group-records.js';
import { decodeRecordBatches, encodeRecordBatch, type ProducerRecordInput } from '../protocol/records/record-batch.js';
import { StorageError } from '../storage/errors.js';
import type { PartitionLog } from '../storage/log.js';
import type { CommittedOffset } from './group.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in 32-bit arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The __consumer_offsets partition of a group (AK GroupMetadataManager.partitionFor; Utils.abs maps MIN_VALUE to 0). */
export function partitionFor(groupId: string, numPartitions: number): number {
  const h = javaStringHashCode(groupId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % numPartitions;
}

/** How the store reaches the topic's partitions without knowing who owns the logs. */
export interface OffsetsTopicAccess {
  /** Partition count of the existing topic, else the configured offsets.topic.num.partitions. */
  partitionCount(): number;
  /** The log of one partition, creating the topic first if it does not exist yet. */
  log(partition: number): PartitionLog;
  /** The logs of the existing topic; empty before it is created. */
  existingLogs(): PartitionLog[];
}

/** What one partition's records say about one group, after replay. */
export interface StoredGroup {
  /** The latest group metadata, null when there is none or it was deleted. */
  metadata: GroupMetadataValue | null;
  offsets: Map<string, Map<number, CommittedOffset>>;
}

export interface OffsetEntry {
  topic: string;
  partition: number;
  committed: CommittedOffset;
}

export class OffsetStore {
  constructor(
    private readonly topic: OffsetsTopicAccess,
    private readonly clock: () => number,
    /** offsets.load.buffer.size: bytes read per step when replaying. */
    private readonly loadBufferSize: number,
  ) {}

  partitionFor(groupId: string): number {
    return partitionFor(groupId, this.topic.partitionCount());
  }

  /** Appends the commits in one batch; returns the storage error's code, NONE when written. */
  storeOffsets(groupId: string, entries: readonly OffsetEntry[]): number {
    return this.append(
      groupId,
      entries.map((e) => ({
        key: encodeOffsetCommitKey({ group: groupId, topic: e.topic, partition: e.partition }),
        value: encodeOffsetCommitValue(e.committed),
      })),
    );
  }

  storeGroup(groupId: string, value: GroupMetadataValue): number {
    return this.append(groupId, [{ key: encodeGroupMetadataKey({ group: groupId }), value: encodeGroupMetadataValue(value) }]);
  }

  /** Tombstones for the listed offsets and, with `group`, for the group's metadata. */
  storeTombstones(groupId: string, offsets: ReadonlyArray<{ topic: string; partition: number }>, group: boolean): number {
    const records = offsets.map((o) => ({ key: encodeOffsetCommitKey({ group: groupId, topic: o.topic, partition: o.partition }), value: null }));
    if (group) records.push({ key: encodeGroupMetadataKey({ group: groupId }), value: null });
    return records.length === 0 ? ErrorCode.NONE : this.append(groupId, records);
  }

  private append(groupId: string, records: ReadonlyArray<{ key: Buffer; value: Buffer | null }>): number {
    const timestamp = BigInt(this.clock());
    const batch = encodeRecordBatch(records.map((r): ProducerRecordInput => ({ key: r.key, value: r.value, timestamp })));
    try {
      this.topic.log(this.partitionFor(groupId)).append(batch);
      return ErrorCode.NONE;
    } catch (e) {
      if (e instanceof StorageError) return ErrorCode[e.kafkaError];
      throw e;
    }
  }

  /**
   * Replays one partition from its log start. Throws (StorageError, DecodeError) when the log
   * cannot be read or holds a record that does not parse; the caller decides what that means.
   */
  loadPartition(log: PartitionLog): Map<string, StoredGroup> {
    const groups = new Map<string, StoredGroup>();
    const entry = (groupId: string): StoredGroup => {
      let g = groups.get(groupId);
      if (!g) groups.set(groupId, (g = { metadata: null, offsets: new Map() }));
      return g;
    };
    let next = log.logStartOffset;
    while (next < log.highWatermark) {
      const { chunks } = log.read(next, this.loadBufferSize, { minOneMessage: true });
      const batches = decodeRecordBatches(Buffer.concat(chunks));
      if (batches.length === 0) break;
      for (const batch of batches) {
        // Control batches are transaction markers; no transactional offset commits are written here.
        if (!batch.isControl) {
          for (const record of batch.records) {
            if (record.offset < next || record.key === null) continue;
            const key = decodeGroupRecordKey(record.key);
            if (key === null) continue;
            if (key.kind === 'offset') {
              const { group, topic, partition } = key.key;
              const g = entry(group);
              if (record.value === null) {
                g.offsets.get(topic)?.delete(partition);
                if (g.offsets.get(topic)?.size === 0) g.offsets.delete(topic);
              } else {
                const v = decodeOffsetCommitValue(record.value);
                let byPartition = g.offsets.get(topic);
                if (!byPartition) g.offsets.set(topic, (byPartition = new Map()));
                byPartition.set(partition, { offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: v.commitTimestamp, expireTimestamp: v.expireTimestamp });
              }
            } else {
              entry(key.key.group).metadata = record.value === null ? null : decodeGroupMetadataValue(record.value);
            }
          }
        }
        next = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
      }
    }
    for (const [id, g] of groups) if (g.metadata === null && g.offsets.size === 0) groups.delete(id);
    return groups;
  }
}
