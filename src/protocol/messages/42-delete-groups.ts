// DeleteGroups (key 42), v0-2; v2 flexible. Only groups without members can be deleted.
import { api, array, field, message } from '../schema.js';

export interface DeleteGroupsRequest {
  groupsNames: string[];
}

export interface DeletableGroupResult {
  groupId: string;
  errorCode: number;
}

export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: DeletableGroupResult[];
}

export const DeleteGroups = api(
  message('request', 42, 'DeleteGroups', '0-2', '2+', [array('groupsNames', '0+', 'string')]),
  message('response', 42, 'DeleteGroups', '0-2', '2+', [
    field('throttleTimeMs', 'int32', '0+'),
    array('results', '0+', [field('groupId', 'string', '0+'), field('errorCode', 'int16', '0+')]),
  ]),
);
