// Heartbeat v0-4. NONE while the group is Stable or waiting for the leader's assignment
// (CompletingRebalance), REBALANCE_IN_PROGRESS while it prepares a rebalance (the member must
// rejoin), UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION for members or generations the group no longer
// has. Each accepted heartbeat restarts the member's session timeout.
//
// Version notes: v3 adds the group instance id (KIP-345; a replaced static member gets
// FENCED_INSTANCE_ID).
import { Heartbeat, type HeartbeatRequest, type HeartbeatResponse } from '../../protocol/messages/12-heartbeat.js';
import type { Broker } from '../broker.js';
import { register } from '../router.js';

function handleHeartbeat(broker: Broker, _ctx: unknown, req: HeartbeatRequest): HeartbeatResponse {
  return {
    throttleTimeMs: 0,
    errorCode: broker.coordinator.heartbeat({ groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId }),
  };
}

register(Heartbeat, 0, 4, handleHeartbeat);
