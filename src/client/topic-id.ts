// Topic ids as text. Kafka's Uuid.toString() is the 16 bytes in URL-safe base64 without padding
// (22 characters), and Uuid.fromString() accepts exactly that form; kafka-topics.sh prints it.

import { MqError } from './errors.js';

export function topicIdToString(id: Buffer): string {
  if (id.length !== 16) throw new MqError('MQ_ERR_INVALID_ARGUMENT', `topic id must be 16 bytes, got ${id.length}`);
  return id.toString('base64url');
}

export function topicIdFromString(s: string): Buffer {
  // Node's base64url decoder skips characters outside the alphabet, so check the text first.
  if (!/^[A-Za-z0-9_-]{22}$/.test(s)) {
    throw new MqError('MQ_ERR_INVALID_ARGUMENT', `"${s}" is not a topic id: expected 22 base64url characters`);
  }
  const id = Buffer.from(s, 'base64url');
  // 22 characters carry 132 bits; the last 4 must be zero for the text to be canonical.
  if (id.toString('base64url') !== s) throw new MqError('MQ_ERR_INVALID_ARGUMENT', `"${s}" is not a canonical topic id`);
  return id;
}
