// FindCoordinator (key 10), v0-5; v3+ flexible. KeyType (v1+) 0 = group, 1 = transaction.
// v4 batches keys (KIP-699): CoordinatorKeys in the request, Coordinators[] in the response,
// replacing the single Key and top-level NodeId/Host/Port. v5 only adds an error code.
import { api, array, field, message } from '../schema.js';

export const COORDINATOR_KEY_GROUP = 0;
export const COORDINATOR_KEY_TRANSACTION = 1;

export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
  coordinatorKeys: string[];
}

export interface Coordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface FindCoordinatorResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
  coordinators: Coordinator[];
}

export const FindCoordinator = api(
  message('request', 10, 'FindCoordinator', '0-5', '3+', [
    field('key', 'string', '0-3'),
    field('keyType', 'int8', '1+'),
    array('coordinatorKeys', '4+', 'string'),
  ]),
  message('response', 10, 'FindCoordinator', '0-5', '3+', [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0-3'),
    field('errorMessage', 'string', '1-3', { nullable: '1-3', default: null }),
    field('nodeId', 'int32', '0-3'),
    field('host', 'string', '0-3'),
    field('port', 'int32', '0-3'),
    array('coordinators', '4+', [
      field('key', 'string', '4+'),
      field('nodeId', 'int32', '4+'),
      field('host', 'string', '4+'),
      field('port', 'int32', '4+'),
      field('errorCode', 'int16', '4+'),
      field('errorMessage', 'string', '4+', { nullable: '4+', default: null }),
    ]),
  ]),
);
