// SyncGroup v0-5. The leader sends every member's assignment; it is persisted with the group's
// metadata in __consumer_offsets and the group becomes Stable. Followers are parked until then,
// so the handler answers with a Promise the coordinator resolves. A member syncing in a Stable
// group gets its current assignment. Errors: UNKNOWN_MEMBER_ID (Empty group or unknown member),
// REBALANCE_IN_PROGRESS (rejoin first), ILLEGAL_GENERATION.
//
// Version notes: v3 adds the group instance id (KIP-345). v5 carries the protocol type and name
// both ways (KIP-559): both are mandatory in a v5 request, and a mismatch with the group's gives
// INCONSISTENT_GROUP_PROTOCOL.
import { ErrorCode } from '../../protocol/error-codes.js';
import { SyncGroup, type SyncGroupRequest, type SyncGroupResponse } from '../../protocol/messages/14-sync-group.js';
import type { Broker } from '../broker.js';
import { register, type RequestContext } from '../router.js';

async function handleSyncGroup(broker: Broker, ctx: RequestContext, req: SyncGroupRequest): Promise<SyncGroupResponse> {
  if (ctx.apiVersion >= 5 && (req.protocolType === null || req.protocolName === null)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
  }
  const result = await broker.coordinator.sync({
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    protocolType: req.protocolType,
    protocolName: req.protocolName,
    assignments: new Map(req.assignments.map((a) => [a.memberId, a.assignment])),
  });
  return { throttleTimeMs: 0, ...result };
}

register(SyncGroup, 0, 5, handleSyncGroup);
