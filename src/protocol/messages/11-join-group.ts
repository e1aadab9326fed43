// JoinGroup (key 11), v0-9; v6+ flexible. v1 adds RebalanceTimeoutMs (v0: the session timeout
// doubles as the rebalance timeout), v4 requires a known member id (MEMBER_ID_REQUIRED, KIP-394),
// v5 static membership's GroupInstanceId (KIP-345), v7 ProtocolType in the response, v8 Reason
// (KIP-800), v9 SkipAssignment for a returning static leader (KIP-814).
import { api, array, field, message } from '../schema.js';

export interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupRequestProtocol[];
  reason: string | null;
}

export interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: JoinGroupResponseMember[];
}

export const JoinGroup = api(
  message('request', 11, 'JoinGroup', '0-9', '6+', [
    field('groupId', 'string', '0+'),
    field('sessionTimeoutMs', 'int32', '0+'),
    field('rebalanceTimeoutMs', 'int32', '1+', { default: -1 }),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
    field('protocolType', 'string', '0+'),
    array('protocols', '0+', [field('name', 'string', '0+'), field('metadata', 'bytes', '0+')]),
    field('reason', 'string', '8+', { nullable: '8+', default: null }),
  ]),
  message('response', 11, 'JoinGroup', '0-9', '6+', [
    field('throttleTimeMs', 'int32', '2+'),
    field('errorCode', 'int16', '0+'),
    field('generationId', 'int32', '0+', { default: -1 }),
    field('protocolType', 'string', '7+', { nullable: '7+', default: null }),
    field('protocolName', 'string', '0+', { nullable: '7+' }),
    field('leader', 'string', '0+'),
    field('skipAssignment', 'bool', '9+'),
    field('memberId', 'string', '0+'),
    array('members', '0+', [
      field('memberId', 'string', '0+'),
      field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
      field('metadata', 'bytes', '0+'),
    ]),
  ]),
);
