import { describe, expect, it } from 'vitest';
import { KafkaError } from '../../src/client/errors.js';
import { kafkaToolMessage } from '../../src/cli/errors.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';

describe('kafkaToolMessage', () => {
  it("prints the broker's errorMessage alone, as Kafka's tools do", () => {
    expect(kafkaToolMessage(new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'orders' already exists."))).toBe("Topic 'orders' already exists.");
  });

  it("falls back to the whole message: Kafka's text for the code, plus the client's context if any", () => {
    expect(kafkaToolMessage(new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))).toBe('This server does not host this topic-partition.');
    expect(kafkaToolMessage(new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, { context: '(orders-0)' }))).toBe(
      'This server does not host this topic-partition. (orders-0)',
    );
    expect(kafkaToolMessage(new Error('connect ECONNREFUSED 127.0.0.1:9092'))).toBe('connect ECONNREFUSED 127.0.0.1:9092');
  });
});
