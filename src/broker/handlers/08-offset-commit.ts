// OffsetCommit v0-9. Generation -1 with an empty member id is a simple commit (admin tools,
// consumers that assign partitions themselves), accepted only while the group has no members
// and creating a group that does not exist; otherwise the member and generation must be current
// (group-state.ts checkCommit). Partitions of topics that do not exist get
// UNKNOWN_TOPIC_OR_PARTITION; metadata longer than offset.metadata.max.bytes gets
// OFFSET_METADATA_TOO_LARGE.
//
// Version notes: v0 was ZooKeeper-backed in Kafka; here it commits to __consumer_offsets like
// v1+ (librdkafka 2.0.2 needs the range to reach down to v1-2 to enable its group consumer).
// v1 carries a per-partition commit timestamp; v2-4 a retention time that gives the commit its
// own expiry; v6 the committed leader epoch (KIP-320); v7 the group instance id (KIP-345, a
// fenced static member gets FENCED_INSTANCE_ID); v9's member epoch is the classic generation here.
import { OffsetCommit, type OffsetCommitRequest, type OffsetCommitResponse } from '../../protocol/messages/08-offset-commit.js';
import type { Broker } from '../broker.js';
import { register } from '../router.js';

function handleOffsetCommit(broker: Broker, _ctx: unknown, req: OffsetCommitRequest): OffsetCommitResponse {
  const topics = broker.coordinator.commitOffsets({
    groupId: req.groupId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    generationId: req.generationIdOrMemberEpoch,
    retentionTimeMs: req.retentionTimeMs,
    topics: req.topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch,
        metadata: p.committedMetadata,
        commitTimestamp: p.commitTimestamp,
      })),
    })),
  });
  return {
    throttleTimeMs: 0,
    topics: topics.map((t) => ({ name: t.topic, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })) })),
  };
}

register(OffsetCommit, 0, 9, handleOffsetCommit);
