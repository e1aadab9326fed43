// DescribeGroups v0-5. An unknown group is described as Dead with no members and no error (as
// Kafka 3.x does). Member metadata and assignments are filled in only for a Stable group; the
// protocol (ProtocolData) likewise.
//
// Version notes: v1 adds throttle time; v3 authorized operations (KIP-430): without an
// authorizer every operation a group supports is allowed (READ, DELETE, DESCRIBE), reported
// only when asked for, else Int.MIN_VALUE; v4 the members' group instance ids (KIP-345).
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../protocol/messages/03-metadata.js';
import { DescribeGroups, type DescribedGroup, type DescribeGroupsRequest, type DescribeGroupsResponse } from '../../protocol/messages/15-describe-groups.js';
import type { Broker } from '../broker.js';
import { register } from '../router.js';

/** Bits of AclOperation codes READ (3), DELETE (6) and DESCRIBE (8): a group's supported operations (AK AclEntry.supportedOperations). */
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

function describeOne(broker: Broker, groupId: string, includeAuthorizedOperations: boolean): DescribedGroup {
  const { errorCode, summary } = broker.coordinator.describeGroup(groupId);
  const authorizedOperations = includeAuthorizedOperations ? GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
  if (!summary) return { errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations };
  return {
    errorCode,
    groupId,
    groupState: summary.state,
    protocolType: summary.protocolType,
    protocolData: summary.protocol,
    members: summary.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: m.metadata,
      memberAssignment: m.assignment,
    })),
    authorizedOperations,
  };
}

function handleDescribeGroups(broker: Broker, _ctx: unknown, req: DescribeGroupsRequest): DescribeGroupsResponse {
  return { throttleTimeMs: 0, groups: req.groups.map((g) => describeOne(broker, g, req.includeAuthorizedOperations)) };
}

register(DescribeGroups, 0, 5, handleDescribeGroups);
