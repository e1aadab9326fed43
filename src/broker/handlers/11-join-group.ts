// JoinGroup v0-9. The request is parked until the rebalance completes (every known member
// rejoined, or the rebalance timeout ran out; the first rebalance of an Empty group waits
// group.initial.rebalance.delay.ms), so the handler answers with a Promise the coordinator's
// state machine resolves. Only the leader's answer lists the members with their metadata.
//
// Version notes: v0 has no rebalance timeout, the session timeout serves as both
// (JoinGroupRequest.maybeOverrideRebalanceTimeout). v4+ without a group instance id: a new member
// first gets MEMBER_ID_REQUIRED with its id and must rejoin with it (KIP-394). v5 group instance
// id (KIP-345, static membership). v7 protocol type in the answer and a nullable protocol name
// (older versions get '' for "none"). v8 a client-supplied reason (KIP-800), which only Kafka's logs use. v9 SkipAssignment
// for a returning static leader (KIP-814).
import { JoinGroup, type JoinGroupRequest, type JoinGroupResponse } from '../../protocol/messages/11-join-group.js';
import type { Broker } from '../broker.js';
import { register, type RequestContext } from '../router.js';

async function handleJoinGroup(broker: Broker, ctx: RequestContext, req: JoinGroupRequest): Promise<JoinGroupResponse> {
  const v = ctx.apiVersion;
  const result = await broker.coordinator.join({
    groupId: req.groupId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: ctx.clientId ?? '',
    clientHost: ctx.clientHost,
    rebalanceTimeoutMs: v === 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
    sessionTimeoutMs: req.sessionTimeoutMs,
    protocolType: req.protocolType,
    protocols: req.protocols,
    requireKnownMemberId: v >= 4 && req.groupInstanceId === null,
    supportSkippingAssignment: v >= 9,
  });
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    protocolName: v >= 7 ? result.protocolName : (result.protocolName ?? ''),
    leader: result.leaderId,
    skipAssignment: result.skipAssignment,
    memberId: result.memberId,
    members: result.members,
  };
}

register(JoinGroup, 0, 9, handleJoinGroup);
