// LeaveGroup v0-5. A leaving member is removed at once and the group rebalances (or becomes
// Empty). A pending member id (handed out with MEMBER_ID_REQUIRED) may leave too; an empty
// member id with a group instance id removes that static member (admin removal, KIP-345).
//
// Version notes: v0-2 name a single member and carry its error as the top-level error (AK
// LeaveGroupResponse for version < 3); v3 batches members[] with per-member errors and instance
// ids; v5 adds a reason per member (KIP-800).
import { ErrorCode } from '../../protocol/error-codes.js';
import { LeaveGroup, type LeaveGroupRequest, type LeaveGroupResponse } from '../../protocol/messages/13-leave-group.js';
import type { Broker } from '../broker.js';
import { register, type RequestContext } from '../router.js';

function handleLeaveGroup(broker: Broker, ctx: RequestContext, req: LeaveGroupRequest): LeaveGroupResponse {
  const leaving = ctx.apiVersion >= 3 ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })) : [{ memberId: req.memberId, groupInstanceId: null }];
  const result = broker.coordinator.leave(req.groupId, leaving);
  const members = result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: m.errorCode }));
  if (ctx.apiVersion < 3) {
    const errorCode = result.errorCode !== ErrorCode.NONE ? result.errorCode : (members[0]?.errorCode ?? ErrorCode.NONE);
    return { throttleTimeMs: 0, errorCode, members: [] };
  }
  return { throttleTimeMs: 0, errorCode: result.errorCode, members };
}

register(LeaveGroup, 0, 5, handleLeaveGroup);
