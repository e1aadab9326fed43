// __consumer_offsets on disk: which partition a group lives in (Java's String.hashCode, computed
// independently with Python for the expected values), the record bytes Kafka writes, and replay
// of real partition logs after a restart.
import { describe, expect, it } from 'vitest';
import type { CommittedOffset } from '../../src/coordinator/group.js';
import { javaStringHashCode, OffsetStore, partitionFor } from '../../src/coordinator/offset-store.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { decodeRecordBatches } from '../../src/protocol/records/record-batch.js';
import { useOffsetsTopics, type OffsetsTopicOnDisk } from './offsets-topic.js';

const offsetsTopic = useOffsetsTopics();

const committed = (offset: bigint, over: Partial<CommittedOffset> = {}): CommittedOffset => ({
  offset,
  leaderEpoch: -1,
  metadata: '',
  commitTimestamp: 1000n,
  expireTimestamp: -1n,
  ...over,
});

function records(t: OffsetsTopicOnDisk, partition: number) {
  const log = t.log(partition);
  return decodeRecordBatches(Buffer.concat(log.read(0n, 1 << 20).chunks)).flatMap((b) => b.records);
}

describe('partitionFor', () => {
  it("matches Java's String.hashCode, including negative hashes, MIN_VALUE and surrogate pairs", () => {
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('my-group')).toBe(-1906497762);
    expect(javaStringHashCode('grüppe')).toBe(-1233264812);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(javaStringHashCode('\u{1F600}')).toBe(1772899);
  });

  it('is abs(hash) % partitions with abs(MIN_VALUE) = 0, as in Kafka', () => {
    expect(partitionFor('hello', 50)).toBe(22);
    expect(partitionFor('my-group', 50)).toBe(12);
    expect(partitionFor('console-consumer-91235', 50)).toBe(41);
    expect(partitionFor('polygenelubricants', 50)).toBe(0);
    expect(partitionFor('\u{1F600}', 50)).toBe(49);
  });
});

describe('OffsetStore', () => {
  it("writes Kafka's key and value bytes to the group's partition", () => {
    const topic = offsetsTopic(5);
    const store = new OffsetStore(topic, () => 1_700_000_000_000, 1 << 20);
    const p = store.partitionFor('g');
    expect(p).toBe(partitionFor('g', 5));
    expect(store.storeOffsets('g', [{ topic: 't', partition: 2, committed: committed(42n, { leaderEpoch: 5, metadata: 'm', commitTimestamp: 1000n }) }])).toBe(ErrorCode.NONE);
    const [r] = records(topic, p);
    // OffsetCommitKey v1: version, group, topic, partition.
    expect(r!.key!.toString('hex')).toBe('0001' + '0001' + '67' + '0001' + '74' + '00000002');
    // OffsetCommitValue v3: version, offset, leader epoch, metadata, commit timestamp.
    expect(r!.value!.toString('hex')).toBe('0003' + '000000000000002a' + '00000005' + '0001' + '6d' + '00000000000003e8');
    expect(r!.timestamp).toBe(1_700_000_000_000n);
  });

  it('writes a commit with its own expiry as OffsetCommitValue v1', () => {
    const topic = offsetsTopic(1);
    const store = new OffsetStore(topic, () => 0, 1 << 20);
    store.storeOffsets('g', [{ topic: 't', partition: 0, committed: committed(1n, { expireTimestamp: 5000n }) }]);
    const [r] = records(topic, 0);
    expect(r!.value!.toString('hex')).toBe('0001' + '0000000000000001' + '0000' + '00000000000003e8' + '0000000000001388');
  });

  it('replays commits, group metadata and tombstones after a restart; later records win', () => {
    const topic = offsetsTopic(1);
    const store = new OffsetStore(topic, () => 0, 64);
    store.storeOffsets('a', [
      { topic: 't', partition: 0, committed: committed(1n) },
      { topic: 't', partition: 1, committed: committed(2n) },
    ]);
    store.storeOffsets('a', [{ topic: 't', partition: 0, committed: committed(10n, { metadata: 'later' }) }]);
    store.storeGroup('a', { protocolType: 'consumer', generation: 3, protocol: 'range', leader: 'm1', currentStateTimestamp: 77n, members: [] });
    store.storeOffsets('b', [{ topic: 'u', partition: 0, committed: committed(5n) }]);
    store.storeGroup('b', { protocolType: 'consumer', generation: 1, protocol: null, leader: null, currentStateTimestamp: -1n, members: [] });
    store.storeTombstones('a', [{ topic: 't', partition: 1 }], false);
    store.storeTombstones('b', [{ topic: 'u', partition: 0 }], true);
    store.storeOffsets('c', [{ topic: 'v', partition: 3, committed: committed(9n) }]);
    topic.restart();

    const loaded = new OffsetStore(topic, () => 0, 64).loadPartition(topic.log(0));
    expect([...loaded.keys()].sort()).toEqual(['a', 'c']);
    const a = loaded.get('a')!;
    expect(a.metadata).toMatchObject({ protocolType: 'consumer', generation: 3, protocol: 'range', leader: 'm1', currentStateTimestamp: 77n });
    expect([...a.offsets.get('t')!]).toEqual([[0, committed(10n, { metadata: 'later' })]]);
    expect(loaded.get('c')).toEqual({ metadata: null, offsets: new Map([['v', new Map([[3, committed(9n)]])]]) });
  });

  it('reports a storage failure as its Kafka error code', () => {
    const topic = offsetsTopic(1, { 'max.message.bytes': '200' });
    const store = new OffsetStore(topic, () => 0, 1 << 20);
    const many = Array.from({ length: 20 }, (_, i) => ({ topic: 'a-long-topic-name', partition: i, committed: committed(BigInt(i)) }));
    expect(store.storeOffsets('g', many)).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(store.storeTombstones('g', [], false)).toBe(ErrorCode.NONE);
    expect(topic.log(0).logEndOffset).toBe(0n);
  });
});
