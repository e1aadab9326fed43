// The embedded "consumer" protocol (AK ConsumerProtocolSubscription.json and
// ConsumerProtocolAssignment.json): opaque bytes to the broker, carried in JoinGroup protocol
// metadata and SyncGroup assignments, read by consumer-group leaders and by tools that describe
// groups. Versions 0-3, never flexible: v1 adds owned partitions (KIP-429, cooperative
// rebalancing), v2 the generation, v3 the rack (KIP-881).
import { decodeVersioned, encodeVersioned } from '../codec.js';
import { array, data, field } from '../schema.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface ConsumerProtocolSubscription {
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: TopicPartitions[];
  generationId: number;
  rackId: string | null;
}

export interface ConsumerProtocolAssignment {
  assignedPartitions: TopicPartitions[];
  userData: Buffer | null;
}

const topicPartitions = (name: string, v: string) => array(name, v, [field('topic', 'string', v), array('partitions', v, 'int32')]);

export const ConsumerProtocolSubscriptionSpec = data('ConsumerProtocolSubscription', '0-3', 'none', [
  array('topics', '0+', 'string'),
  field('userData', 'bytes', '0+', { nullable: '0+', default: null }),
  topicPartitions('ownedPartitions', '1+'),
  field('generationId', 'int32', '2+', { default: -1 }),
  field('rackId', 'string', '3+', { nullable: '3+', default: null }),
]);

export const ConsumerProtocolAssignmentSpec = data('ConsumerProtocolAssignment', '0-3', 'none', [
  topicPartitions('assignedPartitions', '0+'),
  field('userData', 'bytes', '0+', { nullable: '0+', default: null }),
]);

export function encodeSubscription(s: Partial<ConsumerProtocolSubscription> & { topics: string[] }, version = 3): Buffer {
  return encodeVersioned(ConsumerProtocolSubscriptionSpec, version, s);
}

export function decodeSubscription(buf: Buffer): ConsumerProtocolSubscription & { version: number } {
  const { version, value } = decodeVersioned<ConsumerProtocolSubscription>(ConsumerProtocolSubscriptionSpec, buf);
  return { ...value, version };
}

export function encodeAssignment(a: Partial<ConsumerProtocolAssignment> & { assignedPartitions: TopicPartitions[] }, version = 3): Buffer {
  return encodeVersioned(ConsumerProtocolAssignmentSpec, version, a);
}

/** An empty buffer is "no assignment", which brokers hand to members the leader left out. */
export function decodeAssignment(buf: Buffer): ConsumerProtocolAssignment & { version: number } {
  if (buf.length === 0) return { assignedPartitions: [], userData: null, version: 0 };
  const { version, value } = decodeVersioned<ConsumerProtocolAssignment>(ConsumerProtocolAssignmentSpec, buf);
  return { ...value, version };
}
