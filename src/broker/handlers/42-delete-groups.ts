// DeleteGroups v0-2: deletes groups that have no members, writing tombstones for their
// committed offsets and metadata. NON_EMPTY_GROUP for a group with members, GROUP_ID_NOT_FOUND
// for one that does not exist. Version notes: v1 only changes throttling, v2 is flexible.
import { DeleteGroups, type DeleteGroupsRequest, type DeleteGroupsResponse } from '../../protocol/messages/42-delete-groups.js';
import type { Broker } from '../broker.js';
import { register } from '../router.js';

function handleDeleteGroups(broker: Broker, _ctx: unknown, req: DeleteGroupsRequest): DeleteGroupsResponse {
  return { throttleTimeMs: 0, results: broker.coordinator.deleteGroups(req.groupsNames) };
}

register(DeleteGroups, 0, 2, handleDeleteGroups);
