// The embedded consumer protocol (ConsumerProtocolSubscription / ConsumerProtocolAssignment
// v0-3, version-prefixed) against independent oracles:
//   v0    kafka-python 2.0.2 ConsumerProtocolMemberMetadata / ConsumerProtocolMemberAssignment bytes
//   v1/v0 librdkafka 2.0.2's subscription and assignment as kcat -G put them in JoinGroup v5 and
//         SyncGroup v3 (see 11-join-group.test.ts and 14-sync-group.test.ts; decoded again here)
//   v0    kafkajs 2.2.4 AssignerProtocol (MemberMetadata / MemberAssignment) both ways
//   v1-3  hex written by hand from ConsumerProtocolSubscription.json / ConsumerProtocolAssignment.json
//         (v1 OwnedPartitions, v2 GenerationId, v3 RackId)
import { describe, expect, it } from 'vitest';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  type ConsumerProtocolSubscription,
} from '../../../src/protocol/messages/consumer-protocol.js';
import { JoinGroup, type JoinGroupRequest } from '../../../src/protocol/messages/11-join-group.js';
import { SyncGroup, type SyncGroupRequest } from '../../../src/protocol/messages/14-sync-group.js';
import { ASSIGNMENT, ASSIGNMENT2, SUBSCRIPTION, SUBSCRIPTION2 } from '../group-captures.js';
import { decodeRequestFrame, hex, kafkajsAssignerProtocol, loadCapture, utf8 } from '../oracles.js';

const subscription = (over: Partial<ConsumerProtocolSubscription>): ConsumerProtocolSubscription => ({
  topics: [],
  userData: null,
  ownedPartitions: [],
  generationId: -1,
  rackId: null,
  ...over,
});

describe('consumer protocol v0: kafka-python 2.0.2', () => {
  it.each([
    [SUBSCRIPTION, subscription({ topics: ['orders', 'payments.eu-west'], userData: Buffer.alloc(0) })],
    [SUBSCRIPTION2, subscription({ topics: ['orders'], userData: Buffer.from('00ff7564', 'hex') })],
  ])('subscription %#: decodes and re-encodes byte for byte', (bytes, value) => {
    expect(decodeSubscription(bytes)).toEqual({ ...value, version: 0 });
    expect(encodeSubscription(value, 0)).toEqual(bytes);
  });
  it.each([
    [ASSIGNMENT, { assignedPartitions: [{ topic: 'orders', partitions: [0, 2] }, { topic: 'payments.eu-west', partitions: [1] }], userData: Buffer.alloc(0) }],
    [ASSIGNMENT2, { assignedPartitions: [{ topic: 'orders', partitions: [1] }], userData: null }], // user_data None → bytes length -1
  ])('assignment %#: decodes and re-encodes byte for byte', (bytes, value) => {
    expect(decodeAssignment(bytes)).toEqual({ ...value, version: 0 });
    expect(encodeAssignment(value, 0)).toEqual(bytes);
  });
});

describe('consumer protocol: librdkafka 2.0.2 (kcat -G)', () => {
  it('JoinGroup v5 metadata is a v1 subscription; SyncGroup v3 assignment is v0', () => {
    const join = decodeRequestFrame<JoinGroupRequest>(JoinGroup, loadCapture('join-group-request-v5.kcat-group.hex').bytes).body;
    const sync = decodeRequestFrame<SyncGroupRequest>(SyncGroup, loadCapture('sync-group-request-v3.kcat-group.hex').bytes).body;
    const sub = join.protocols[0]!.metadata;
    expect(sub).toEqual(hex`
      0001                                          # Version 1
      00000001 0006 ${utf8('orders')}               # Topics ["orders"]
      00000000                                      # UserData: empty (not null)
      00000000                                      # OwnedPartitions: none (v1+)
    `);
    expect(decodeSubscription(sub)).toEqual({ ...subscription({ topics: ['orders'], userData: Buffer.alloc(0) }), version: 1 });
    const asg = sync.assignments[0]!.assignment;
    expect(decodeAssignment(asg)).toEqual({ assignedPartitions: [{ topic: 'orders', partitions: [0] }], userData: Buffer.alloc(0), version: 0 });
    expect(encodeAssignment(decodeAssignment(asg), 0)).toEqual(asg);
  });
});

describe('consumer protocol v0: kafkajs 2.2.4 AssignerProtocol', () => {
  const { MemberMetadata, MemberAssignment } = kafkajsAssignerProtocol();
  it('kafkajs’s MemberMetadata decodes in mq and re-encodes byte for byte', () => {
    const theirs = MemberMetadata.encode({ version: 0, topics: ['orders', 'logs'], userData: Buffer.from('ud') });
    const ours = decodeSubscription(theirs);
    expect(ours).toEqual({ ...subscription({ topics: ['orders', 'logs'], userData: Buffer.from('ud') }), version: 0 });
    expect(encodeSubscription(ours, 0)).toEqual(theirs);
  });
  it('mq’s subscription decodes in kafkajs; a v3 subscription’s v0 prefix too', () => {
    const value = subscription({ topics: ['a'], userData: Buffer.from([9]), ownedPartitions: [{ topic: 'a', partitions: [1] }], generationId: 3, rackId: 'r' });
    expect(MemberMetadata.decode(encodeSubscription(value, 0))).toEqual({ version: 0, topics: ['a'], userData: Buffer.from([9]) });
    // kafkajs reads only version, topics and user data; later versions only append fields
    expect(MemberMetadata.decode(encodeSubscription(value, 3))).toEqual({ version: 3, topics: ['a'], userData: Buffer.from([9]) });
  });
  it('kafkajs’s MemberAssignment decodes in mq and re-encodes byte for byte', () => {
    const theirs = MemberAssignment.encode({ version: 0, assignment: { orders: [0, 1], logs: [2] }, userData: Buffer.alloc(0) });
    const ours = decodeAssignment(theirs);
    expect(ours).toEqual({
      version: 0,
      assignedPartitions: [
        { topic: 'orders', partitions: [0, 1] },
        { topic: 'logs', partitions: [2] },
      ],
      userData: Buffer.alloc(0),
    });
    expect(encodeAssignment(ours, 0)).toEqual(theirs);
  });
  it('mq’s assignment decodes in kafkajs', () => {
    const bytes = encodeAssignment({ assignedPartitions: [{ topic: 'orders', partitions: [3, 1] }], userData: Buffer.from('x') }, 3);
    expect(MemberAssignment.decode(bytes)).toEqual({ version: 3, assignment: { orders: [3, 1] }, userData: Buffer.from('x') });
  });
});

describe('consumer protocol v1-3, hand-written from the JSON specs', () => {
  const owned = hex`00000001 0006 ${utf8('orders')} 00000002 00000000 00000001`; // [orders [0, 1]]
  it.each([1, 2, 3])('subscription v%i', (v) => {
    const bytes = hex`
      000${v}                                       # Version
      00000002 0006 ${utf8('orders')} 0004 ${utf8('logs')}   # Topics
      ffffffff                                      # UserData null
      ${owned.toString('hex')}                      # OwnedPartitions (v1+)
      ${v >= 2 ? '00000004' : ''}                   # GenerationId 4 (v2+)
      ${v >= 3 ? '0002' + utf8('r1') : ''}          # RackId "r1" (v3+)
    `;
    const value = subscription({
      topics: ['orders', 'logs'],
      ownedPartitions: [{ topic: 'orders', partitions: [0, 1] }],
      generationId: v >= 2 ? 4 : -1,
      rackId: v >= 3 ? 'r1' : null,
    });
    expect(encodeSubscription(value, v)).toEqual(bytes);
    expect(decodeSubscription(bytes)).toEqual({ ...value, version: v });
  });
  it('subscription v3 with a null RackId', () => {
    const bytes = hex`0003 00000000 ffffffff 00000000 ffffffff ffff   # no topics, null user data, none owned, generation -1, rack null`;
    expect(encodeSubscription(subscription({}), 3)).toEqual(bytes);
    expect(decodeSubscription(bytes)).toEqual({ ...subscription({}), version: 3 });
  });
  it('a newer subscription version reads as v3, ignoring appended fields (ConsumerProtocol.deserializeSubscription)', () => {
    const bytes = hex`0009 00000001 0001 ${utf8('t')} ffffffff 00000000 00000002 0001 ${utf8('r')} cafebabe`;
    expect(decodeSubscription(bytes)).toEqual({ ...subscription({ topics: ['t'], generationId: 2, rackId: 'r' }), version: 9 });
  });
  it('a negative version is rejected', () => {
    expect(() => decodeSubscription(hex`ffff 00000000 ffffffff`)).toThrow();
  });
  it.each([1, 2, 3])('assignment v%i: same layout as v0', (v) => {
    const bytes = hex`000${v} ${owned.toString('hex')} 00000002 abcd   # Version, AssignedPartitions, UserData`;
    const value = { assignedPartitions: [{ topic: 'orders', partitions: [0, 1] }], userData: Buffer.from('abcd', 'hex') };
    expect(encodeAssignment(value, v)).toEqual(bytes);
    expect(decodeAssignment(bytes)).toEqual({ ...value, version: v });
  });
  it('an empty buffer is "no assignment"', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({ assignedPartitions: [], userData: null, version: 0 });
  });
});
