// InitProducerId (key 22), v0-5; v2+ flexible. Gives an idempotent or transactional producer its
// producer id and epoch (KIP-98). v1 is v0 (KIP-219 throttling); v3 adds ProducerId/ProducerEpoch
// so a producer can ask for its epoch to be bumped instead of getting a new id (KIP-360); v4
// allows PRODUCER_FENCED (KIP-588) and v5 TRANSACTION_ABORTABLE (KIP-890) in the response, which
// is otherwise the same in every version.
import { api, field, message } from '../schema.js';

export interface InitProducerIdRequest {
  /** Null for an idempotent producer that is not transactional. */
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** v3+: the producer's current id, -1 when it has none. */
  producerId: bigint;
  /** v3+: the producer's current epoch, -1 when it has none. */
  producerEpoch: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

export const InitProducerId = api(
  message('request', 22, 'InitProducerId', '0-5', '2+', [
    field('transactionalId', 'string', '0+', { nullable: '0+' }),
    field('transactionTimeoutMs', 'int32', '0+'),
    field('producerId', 'int64', '3+', { default: -1n }),
    field('producerEpoch', 'int16', '3+', { default: -1 }),
  ]),
  message('response', 22, 'InitProducerId', '0-5', '2+', [
    field('throttleTimeMs', 'int32', '0+'),
    field('errorCode', 'int16', '0+'),
    field('producerId', 'int64', '0+', { default: -1n }),
    field('producerEpoch', 'int16', '0+'),
  ]),
);
