// ListGroups (key 16), v0-5; v3+ flexible. v4 filters by state and reports it (KIP-518); v5
// filters by group type and reports it (KIP-848: 'classic' or 'consumer').
import { api, array, field, message } from '../schema.js';

export interface ListGroupsRequest {
  statesFilter: string[];
  typesFilter: string[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

export interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}

export const ListGroups = api(
  message('request', 16, 'ListGroups', '0-5', '3+', [array('statesFilter', '4+', 'string'), array('typesFilter', '5+', 'string')]),
  message('response', 16, 'ListGroups', '0-5', '3+', [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0+'),
    array('groups', '0+', [
      field('groupId', 'string', '0+'),
      field('protocolType', 'string', '0+'),
      field('groupState', 'string', '4+'),
      field('groupType', 'string', '5+'),
    ]),
  ]),
);
