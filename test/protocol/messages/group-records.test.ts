// __consumer_offsets record formats against hex written by hand from Kafka's group-coordinator
// JSON (OffsetCommitKey v0-1, OffsetCommitValue v0-4, GroupMetadataKey v2, GroupMetadataValue
// v0-4), each `version i16` + struct; cross-checked with franz-go's independent definitions
// (generate/definitions/misc). No client we capture from reads these, so hand-written hex is the
// oracle. v4 values are flexible: compact strings/bytes and a tag section per struct.
import { describe, expect, it } from 'vitest';
import {
  decodeGroupMetadataValue,
  decodeGroupRecordKey,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  GroupMetadataValueSpec,
  OffsetCommitValueSpec,
  type GroupMetadataValue,
  type OffsetCommitValue,
} from '../../../src/protocol/messages/group-records.js';
import { encodeVersioned } from '../../../src/protocol/codec.js';
import { hex, utf8 } from '../oracles.js';

const TS = '0000018bcfe56800'; // 1700000000000
const T = 1700000000000n;

describe('keys', () => {
  it('OffsetCommitKey is written as v1: group, topic, partition', () => {
    const bytes = hex`0001 0001 ${utf8('g')} 0006 ${utf8('orders')} 00000003   # version 1, group, topic, partition`;
    expect(encodeOffsetCommitKey({ group: 'g', topic: 'orders', partition: 3 })).toEqual(bytes);
    expect(decodeGroupRecordKey(bytes)).toEqual({ kind: 'offset', key: { group: 'g', topic: 'orders', partition: 3 } });
  });
  it('OffsetCommitKey v0 (same layout) is also an offset key', () => {
    expect(decodeGroupRecordKey(hex`0000 0001 ${utf8('g')} 0001 ${utf8('t')} 00000000`)).toEqual({ kind: 'offset', key: { group: 'g', topic: 't', partition: 0 } });
  });
  it('GroupMetadataKey is v2: group', () => {
    const bytes = hex`0002 0007 ${utf8('grüppe')}   # version 2, group (UTF-8: ü is 2 bytes, 7 in all)`;
    expect(encodeGroupMetadataKey({ group: 'grüppe' })).toEqual(bytes);
    expect(decodeGroupRecordKey(bytes)).toEqual({ kind: 'group', key: { group: 'grüppe' } });
  });
  it('keys of newer coordinator records (version 3+, KIP-848) are not ours', () => {
    expect(decodeGroupRecordKey(hex`0003 0001 ${utf8('g')}`)).toBeNull();
  });
});

describe('OffsetCommitValue v0-4', () => {
  const value = (over: Partial<OffsetCommitValue>): OffsetCommitValue => ({ offset: 100n, leaderEpoch: -1, metadata: 'md', commitTimestamp: T, expireTimestamp: -1n, ...over });
  it('v3, what Kafka 3.x writes: offset, leaderEpoch, metadata, commitTimestamp', () => {
    const bytes = hex`
      0003                                          # version 3
      0000000000000064                              # offset 100
      00000007                                      # leaderEpoch 7
      0002 ${utf8('md')}                            # metadata
      ${TS}                                         # commitTimestamp
    `;
    expect(encodeOffsetCommitValue(value({ leaderEpoch: 7 }))).toEqual(bytes);
    expect(decodeOffsetCommitValue(bytes)).toEqual(value({ leaderEpoch: 7 }));
  });
  it('v1, written when the commit carries an expiry: no leaderEpoch, expireTimestamp last', () => {
    const bytes = hex`0001 0000000000000064 0002 ${utf8('md')} ${TS} 0000018bcfe56c00   # version 1, offset, metadata, commit, expire (+1024)`;
    expect(encodeOffsetCommitValue(value({ expireTimestamp: T + 1024n }))).toEqual(bytes);
    expect(decodeOffsetCommitValue(bytes)).toEqual(value({ expireTimestamp: T + 1024n }));
  });
  it.each([0, 2])('v%i: offset, metadata, commitTimestamp (defaults for the rest)', (v) => {
    const bytes = hex`000${v} 0000000000000064 0000 ${TS}   # version, offset, metadata "", commitTimestamp`;
    expect(decodeOffsetCommitValue(bytes)).toEqual(value({ metadata: '' }));
    expect(encodeVersioned(OffsetCommitValueSpec, v, value({ metadata: '' }))).toEqual(bytes);
  });
  it('v4 (flexible): compact metadata and a tag section', () => {
    const bytes = hex`
      0004                                          # version 4
      0000000000000064 00000007                     # offset 100, leaderEpoch 7
      03 ${utf8('md')}                              # metadata (compact)
      ${TS}                                         # commitTimestamp
      00                                            # tags
    `;
    expect(encodeVersioned(OffsetCommitValueSpec, 4, value({ leaderEpoch: 7 }))).toEqual(bytes);
    expect(decodeOffsetCommitValue(bytes)).toEqual(value({ leaderEpoch: 7 }));
  });
});

describe('GroupMetadataValue v0-4', () => {
  const member = (v: number) => ({
    memberId: 'm',
    groupInstanceId: v >= 3 ? 'i' : null,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    rebalanceTimeout: v >= 1 ? 300000 : -1,
    sessionTimeout: 45000,
    subscription: Buffer.from([1, 2, 3]),
    assignment: Buffer.from([4, 5]),
  });
  const group = (v: number): GroupMetadataValue => ({
    protocolType: 'consumer',
    generation: 5,
    protocol: 'range',
    leader: 'm',
    currentStateTimestamp: v >= 2 ? T : -1n,
    members: [member(v)],
  });

  it.each([0, 1, 2, 3])('v%i', (v) => {
    const bytes = hex`
      000${v}                                       # version
      0008 ${utf8('consumer')}                      # protocolType
      00000005                                      # generation
      0005 ${utf8('range')}                         # protocol (nullable)
      0001 ${utf8('m')}                             # leader (nullable)
      ${v >= 2 ? TS : ''}                           # currentStateTimestamp (v2+)
      00000001                                      # members: 1
        0001 ${utf8('m')}                           #   memberId
        ${v >= 3 ? '0001' + utf8('i') : ''}         #   groupInstanceId (v3+)
        0001 ${utf8('c')}                           #   clientId
        000a ${utf8('/127.0.0.1')}                  #   clientHost
        ${v >= 1 ? '000493e0' : ''}                 #   rebalanceTimeout 300000 (v1+)
        0000afc8                                    #   sessionTimeout 45000
        00000003 010203                             #   subscription
        00000002 0405                               #   assignment
    `;
    expect(encodeVersioned(GroupMetadataValueSpec, v, group(v))).toEqual(bytes);
    expect(decodeGroupMetadataValue(bytes)).toEqual(group(v));
  });

  it('encodeGroupMetadataValue writes v3 (what Kafka 2.3+ writes)', () => {
    expect(encodeGroupMetadataValue(group(3)).readInt16BE(0)).toBe(3);
    expect(encodeGroupMetadataValue(group(3))).toEqual(encodeVersioned(GroupMetadataValueSpec, 3, group(3)));
  });

  it('an empty group: null protocol and leader, no members', () => {
    const bytes = hex`0003 0008 ${utf8('consumer')} 00000006 ffff ffff ${TS} 00000000`;
    const value: GroupMetadataValue = { protocolType: 'consumer', generation: 6, protocol: null, leader: null, currentStateTimestamp: T, members: [] };
    expect(encodeGroupMetadataValue(value)).toEqual(bytes);
    expect(decodeGroupMetadataValue(bytes)).toEqual(value);
  });

  it('v4 (flexible): compact strings and bytes, tags per member and at the end', () => {
    const bytes = hex`
      0004                                          # version 4
      09 ${utf8('consumer')} 00000005               # protocolType, generation
      06 ${utf8('range')} 02 ${utf8('m')}           # protocol, leader
      ${TS}                                         # currentStateTimestamp
      02                                            # members: 1
        02 ${utf8('m')} 02 ${utf8('i')}             #   memberId, groupInstanceId
        02 ${utf8('c')} 0b ${utf8('/127.0.0.1')}    #   clientId, clientHost
        000493e0 0000afc8                           #   rebalanceTimeout, sessionTimeout
        04 010203 03 0405                           #   subscription, assignment
        00                                          #   tags
      00                                            # tags
    `;
    expect(encodeVersioned(GroupMetadataValueSpec, 4, group(4))).toEqual(bytes);
    expect(decodeGroupMetadataValue(bytes)).toEqual(group(4));
  });
});
