// FindCoordinator v0-5. This node coordinates every group: the answer is always itself, once
// __consumer_offsets exists (created here on first use; Kafka answers COORDINATOR_NOT_AVAILABLE
// while its controller creates the topic, mq creates it synchronously and answers at once).
// There is no transaction coordinator: transactional ids get COORDINATOR_NOT_AVAILABLE.
//
// Version notes: v1 adds KeyType (0 group, 1 transaction) and an error message; v4 batches keys
// (KIP-699: CoordinatorKeys in, Coordinators[] out, each with its own error); v5 changes only
// which errors a client may see.
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  COORDINATOR_KEY_GROUP,
  COORDINATOR_KEY_TRANSACTION,
  FindCoordinator,
  type Coordinator,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from '../../protocol/messages/10-find-coordinator.js';
import type { Broker } from '../broker.js';
import { register, type RequestContext } from '../router.js';

function findOne(broker: Broker, key: string, keyType: number): Coordinator {
  const none = { key, nodeId: -1, host: '', port: -1 };
  if (keyType === COORDINATOR_KEY_TRANSACTION) {
    return { ...none, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'This broker has no transaction coordinator.' };
  }
  if (keyType !== COORDINATOR_KEY_GROUP) {
    return { ...none, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unknown coordinator type: ${keyType}` };
  }
  broker.ensureOffsetsTopic();
  return { key, nodeId: broker.nodeId, host: broker.advertised.host, port: broker.advertised.port, errorCode: ErrorCode.NONE, errorMessage: null };
}

function handleFindCoordinator(broker: Broker, ctx: RequestContext, req: FindCoordinatorRequest): FindCoordinatorResponse {
  if (ctx.apiVersion >= 4) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      nodeId: -1,
      host: '',
      port: -1,
      coordinators: req.coordinatorKeys.map((key) => findOne(broker, key, req.keyType)),
    };
  }
  const c = findOne(broker, req.key, req.keyType);
  return { throttleTimeMs: 0, errorCode: c.errorCode, errorMessage: c.errorMessage, nodeId: c.nodeId, host: c.host, port: c.port, coordinators: [] };
}

register(FindCoordinator, 0, 5, handleFindCoordinator);
