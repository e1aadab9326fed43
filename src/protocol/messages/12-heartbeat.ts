// Heartbeat (key 12), v0-4; v4 flexible. v3 adds GroupInstanceId (KIP-345).
import { api, field, message } from '../schema.js';

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const Heartbeat = api(
  message('request', 12, 'Heartbeat', '0-4', '4+', [
    field('groupId', 'string', '0+'),
    field('generationId', 'int32', '0+'),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
  ]),
  message('response', 12, 'Heartbeat', '0-4', '4+', [field('throttleTimeMs', 'int32', '1+'), field('errorCode', 'int16', '0+')]),
);
