// InitProducerId v0-5: producer ids for idempotent producers (KIP-98). Served from v0 because
// librdkafka enables its IDEMPOTENT_PRODUCER feature only when the broker's range includes v0.
//
// A producer without a transactional id gets an id never handed out before (metadata.ts
// ProducerIdManager persists them in blocks) and epoch 0. From v3 it may send its current id and
// epoch (KIP-360); an id this broker issued then keeps its id and gets the next epoch, unless
// that epoch would reach Short.MAX_VALUE, in which case it gets a fresh id at epoch 0 as Kafka
// does for an exhausted epoch. Kafka's coordinator ignores the pair when the transactional id is
// null and always hands out a new id; bumping instead keeps one id per producer for its lifetime,
// and either answer is one the clients accept (each resets its sequences for the new pair).
//
// There is no transaction coordinator: a transactional id gets COORDINATOR_NOT_AVAILABLE, as
// FindCoordinator answers for one (an empty one is INVALID_REQUEST first, as in Kafka). A pair
// with only one half set is INVALID_REQUEST (AK KafkaApis.handleInitProducerIdRequest).
//
// Version notes: v1 = v0 (KIP-219 throttling); v2 flexible; v3 ProducerId/ProducerEpoch
// (KIP-360); v4 and v5 only add error codes clients may see (KIP-588, KIP-890).
import { ErrorCode } from '../../protocol/error-codes.js';
import { InitProducerId, type InitProducerIdRequest, type InitProducerIdResponse } from '../../protocol/messages/22-init-producer-id.js';
import { StorageError } from '../../storage/errors.js';
import type { Broker } from '../broker.js';
import { register } from '../router.js';

/** An epoch at or past this cannot be bumped (AK ProducerIdAndEpoch / TransactionMetadata.isEpochExhausted). */
const EXHAUSTED_EPOCH = 0x7fff - 1;

function failure(errorCode: number): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 };
}

function handleInitProducerId(broker: Broker, _ctx: unknown, req: InitProducerIdRequest): InitProducerIdResponse {
  const { producerId, producerEpoch } = req;
  if ((producerId === -1n) !== (producerEpoch === -1)) return failure(ErrorCode.INVALID_REQUEST);
  if (req.transactionalId !== null) return failure(req.transactionalId === '' ? ErrorCode.INVALID_REQUEST : ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (broker.producerIds.issued(producerId) && producerEpoch >= 0 && producerEpoch < EXHAUSTED_EPOCH) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: producerEpoch + 1 };
  }
  try {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: broker.producerIds.generate(), producerEpoch: 0 };
  } catch (e) {
    if (e instanceof StorageError) return failure(ErrorCode[e.kafkaError]);
    throw e;
  }
}

register(InitProducerId, 0, 5, handleInitProducerId);
