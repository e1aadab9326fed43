// OffsetDelete v0 (KIP-496): deletes a group's committed offsets. An Empty group loses any of
// them; a consumer group with members only those of topics no member subscribes to (decoded
// from the members' consumer-protocol subscriptions; GROUP_SUBSCRIBED_TO_TOPIC otherwise); any
// other group with members answers NON_EMPTY_GROUP. A group-level error (GROUP_ID_NOT_FOUND,
// INVALID_GROUP_ID, NON_EMPTY_GROUP) comes with no partition results.
import { OffsetDelete, type OffsetDeleteRequest, type OffsetDeleteResponse } from '../../protocol/messages/47-offset-delete.js';
import type { Broker } from '../broker.js';
import { register } from '../router.js';

function handleOffsetDelete(broker: Broker, _ctx: unknown, req: OffsetDeleteRequest): OffsetDeleteResponse {
  const partitions = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })));
  const result = broker.coordinator.deleteOffsets(req.groupId, partitions);
  const byTopic = new Map<string, Array<{ partitionIndex: number; errorCode: number }>>();
  for (const p of result.partitions) {
    let list = byTopic.get(p.topic);
    if (!list) byTopic.set(p.topic, (list = []));
    list.push({ partitionIndex: p.partition, errorCode: p.errorCode });
  }
  return { errorCode: result.errorCode, throttleTimeMs: 0, topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps })) };
}

register(OffsetDelete, 0, 0, handleOffsetDelete);
