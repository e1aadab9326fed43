// LeaveGroup (key 13), v0-5; v4+ flexible. v0-2 name one MemberId; v3 replaces it with a batch
// Members[] carrying GroupInstanceId (KIP-345) and answers per member; v5 adds Reason (KIP-800).
import { api, array, field, message } from '../schema.js';

export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
  reason: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  memberId: string;
  members: MemberIdentity[];
}

export interface LeaveGroupMemberResponse {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}

export interface LeaveGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  members: LeaveGroupMemberResponse[];
}

export const LeaveGroup = api(
  message('request', 13, 'LeaveGroup', '0-5', '4+', [
    field('groupId', 'string', '0+'),
    field('memberId', 'string', '0-2'),
    array('members', '3+', [
      field('memberId', 'string', '3+'),
      field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
      field('reason', 'string', '5+', { nullable: '5+', default: null }),
    ]),
  ]),
  message('response', 13, 'LeaveGroup', '0-5', '4+', [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0+'),
    array('members', '3+', [
      field('memberId', 'string', '3+'),
      field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
      field('errorCode', 'int16', '3+'),
    ]),
  ]),
);
