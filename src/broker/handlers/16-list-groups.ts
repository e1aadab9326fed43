// ListGroups v0-5: every group this node coordinates, which is every group.
//
// Version notes: v4 filters by state (KIP-518; an empty filter means all; matched without regard
// to case, as Kafka parses state names) and reports each group's state; v5 filters by type
// (KIP-848) and reports it: every group here is a 'classic' group.
import { ErrorCode } from '../../protocol/error-codes.js';
import { ListGroups, type ListGroupsRequest, type ListGroupsResponse } from '../../protocol/messages/16-list-groups.js';
import type { Broker } from '../broker.js';
import { register } from '../router.js';

const GROUP_TYPE = 'classic';

function handleListGroups(broker: Broker, _ctx: unknown, req: ListGroupsRequest): ListGroupsResponse {
  const states = new Set(req.statesFilter.map((s) => s.toLowerCase()));
  const types = new Set(req.typesFilter.map((t) => t.toLowerCase()));
  const groups = broker.coordinator
    .listGroups()
    .filter((g) => (states.size === 0 || states.has(g.state.toLowerCase())) && (types.size === 0 || types.has(GROUP_TYPE)))
    .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: GROUP_TYPE }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
}

register(ListGroups, 0, 5, handleListGroups);
