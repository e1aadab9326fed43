import { describe, expect, it } from 'vitest';
import { KafkaError, kafkaErrorOrNull } from '../../src/client/errors.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';

describe('KafkaError', () => {
  it("keeps the broker's errorMessage as sent and appends it to Kafka's text for the code", () => {
    const err = new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'orders' already exists.");
    expect(err).toMatchObject({
      code: 'MQ_ERR_KAFKA',
      errorCode: 36,
      errorName: 'TOPIC_ALREADY_EXISTS',
      retriable: false,
      brokerMessage: "Topic 'orders' already exists.",
      message: "Topic with this name already exists. Topic 'orders' already exists.",
    });
  });

  it("puts the client's context in the message only, never in brokerMessage", () => {
    const cause = new Error('socket closed');
    const err = new KafkaError(ErrorCode.NETWORK_EXCEPTION, null, { cause, context: '(orders-0)' });
    expect(err.brokerMessage).toBeNull();
    expect(err.message).toBe('The server disconnected before a response was received. (orders-0)');
    expect(err.cause).toBe(cause);
    expect(err.retriable).toBe(true);
  });

  it("is Kafka's text alone without either, and an empty errorMessage adds nothing", () => {
    const bare = new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(bare).toMatchObject({ brokerMessage: null, message: 'This server does not host this topic-partition.' });
    expect('cause' in bare).toBe(false);
    expect(new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, '')).toMatchObject({ brokerMessage: '', message: 'This server does not host this topic-partition.' });
    expect(kafkaErrorOrNull(0, 'ignored')).toBeNull();
    expect(kafkaErrorOrNull(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'gone')?.brokerMessage).toBe('gone');
  });
});
