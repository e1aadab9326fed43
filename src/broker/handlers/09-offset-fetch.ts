// OffsetFetch v0-9. A partition without a committed offset answers offset -1 with NONE.
//
// Version notes: v0 read ZooKeeper in Kafka; here every version reads __consumer_offsets. v0-1
// have no top-level error code, so a group-level error is copied into every requested partition
// (KAFKA-19246: without it kafka-python, which uses v1, reads "no offset" and resets). v2 adds
// the top-level error and a null topic list meaning every partition the group committed; v5
// the leader epoch; v7 RequireStable (KIP-447), which never finds anything pending here because
// commits are written synchronously and there are no transactional commits; v8 batches groups
// (KIP-709); v9's member id and epoch belong to KIP-848 groups and are not checked for classic ones.
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  OffsetFetch,
  type OffsetFetchRequest,
  type OffsetFetchRequestTopic,
  type OffsetFetchResponse,
  type OffsetFetchResponseTopic,
} from '../../protocol/messages/09-offset-fetch.js';
import type { FetchedOffsets } from '../../coordinator/group-coordinator.js';
import type { Broker } from '../broker.js';
import { register, type RequestContext } from '../router.js';

function fetchGroup(broker: Broker, groupId: string, topics: OffsetFetchRequestTopic[] | null): FetchedOffsets {
  return broker.coordinator.fetchOffsets(groupId, topics && topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes })));
}

function toTopics(fetched: FetchedOffsets): OffsetFetchResponseTopic[] {
  return fetched.topics.map((t) => ({
    name: t.topic,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partition,
      committedOffset: p.offset,
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode,
    })),
  }));
}

function handleOffsetFetch(broker: Broker, ctx: RequestContext, req: OffsetFetchRequest): OffsetFetchResponse {
  if (ctx.apiVersion >= 8) {
    return {
      throttleTimeMs: 0,
      topics: [],
      errorCode: ErrorCode.NONE,
      groups: req.groups.map((g) => {
        const fetched = fetchGroup(broker, g.groupId, g.topics);
        return { groupId: g.groupId, topics: toTopics(fetched), errorCode: fetched.errorCode };
      }),
    };
  }
  const fetched = fetchGroup(broker, req.groupId, req.topics);
  if (ctx.apiVersion < 2 && fetched.errorCode !== ErrorCode.NONE) {
    const errorCode = fetched.errorCode;
    return {
      throttleTimeMs: 0,
      topics: (req.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode })),
      })),
      errorCode,
      groups: [],
    };
  }
  return { throttleTimeMs: 0, topics: toTopics(fetched), errorCode: fetched.errorCode, groups: [] };
}

register(OffsetFetch, 0, 9, handleOffsetFetch);
