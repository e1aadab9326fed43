// The idempotent producer (KIP-98) against a scripted broker: InitProducerId, stamping, resends
// with the same stamp, partition order under retries, out-of-order answers, epoch bumps
// (KIP-360), DUPLICATE_SEQUENCE_NUMBER, and Java's configuration rules. The scripted Produce
// handler checks sequences as a broker does, so a mistake in ordering shows up as a refusal.
import { afterEach, describe, expect, it } from 'vitest';
import { incrementSequence, PartitionSequences, type ProducerIdAndEpoch, type SequencedBatch } from '../../src/client/idempotence.js';
import { Producer, type ProducerConfig } from '../../src/client/producer.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import type { ProduceRequest } from '../../src/protocol/messages/00-produce.js';
import type { InitProducerIdRequest } from '../../src/protocol/messages/22-init-producer-id.js';
import { BASE_SEQUENCE_OFFSET, LAST_OFFSET_DELTA_OFFSET, PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET } from '../../src/protocol/records/record-batch.js';
import { FakeCluster, type ReceivedRequest } from './fake-broker.js';

let cluster: FakeCluster;
let producer: Producer | undefined;

afterEach(async () => {
  await producer?.close();
  producer = undefined;
  await cluster?.close();
});

interface Stamp {
  producerId: bigint;
  epoch: number;
  seq: number;
  count: number;
}

function stampOf(records: Buffer): Stamp {
  return {
    producerId: records.readBigInt64BE(PRODUCER_ID_OFFSET),
    epoch: records.readInt16BE(PRODUCER_EPOCH_OFFSET),
    seq: records.readInt32BE(BASE_SEQUENCE_OFFSET),
    count: records.readInt32BE(LAST_OFFSET_DELTA_OFFSET) + 1,
  };
}

/**
 * A broker's sequence checks on one partition (t-0): scripted errors first, then a duplicate of
 * the last batch is answered with its offset, a new epoch must start at 0, and anything else must
 * continue the sequence.
 */
class SequenceChecker {
  /** Answers for the next requests, in order; null: check the batch as usual. */
  readonly scripted: Array<number | null> = [];
  /** Every stamp the broker received, in order. */
  readonly received: Stamp[] = [];
  private state: { epoch: number; last: Stamp; base: bigint } | null = null;

  constructor(private readonly c: FakeCluster) {
    const b = c.brokers[0]!;
    b.handlers.set(0, (req) => this.produce(req.body as ProduceRequest));
  }

  private produce(req: ProduceRequest): object {
    const p = req.topicData[0]!.partitionData[0]!;
    const records = p.records as Buffer;
    const s = stampOf(records);
    this.received.push(s);
    const answer = (errorCode: number, baseOffset = -1n) => ({
      responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode, baseOffset, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }] }],
      throttleTimeMs: 0,
    });
    const scripted = this.scripted.shift();
    if (scripted !== undefined && scripted !== null) return answer(scripted);
    const st = this.state;
    if (st && s.epoch === st.epoch && s.seq === st.last.seq && s.count === st.last.count) return answer(ErrorCode.NONE, st.base);
    if (st && s.epoch < st.epoch) return answer(ErrorCode.INVALID_PRODUCER_EPOCH);
    if (st && s.epoch > st.epoch && s.seq !== 0) return answer(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    if (st && s.epoch === st.epoch && s.seq !== incrementSequence(st.last.seq, st.last.count)) return answer(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const base = this.c.append('t', 0, records);
    this.state = { epoch: s.epoch, last: s, base };
    return answer(ErrorCode.NONE, base);
  }
}

/** InitProducerId as mq's broker answers it: a new id, or from v3 the next epoch of the given one. */
function serveProducerIds(c: FakeCluster): ReceivedRequest[] {
  const seen: ReceivedRequest[] = [];
  let next = 500n;
  c.brokers[0]!.handlers.set(22, (req) => {
    seen.push(req);
    const body = req.body as InitProducerIdRequest;
    if (body.producerId >= 0n) return { throttleTimeMs: 0, errorCode: 0, producerId: body.producerId, producerEpoch: body.producerEpoch + 1 };
    return { throttleTimeMs: 0, errorCode: 0, producerId: next++, producerEpoch: 0 };
  });
  return seen;
}

async function setup(config: Partial<ProducerConfig> = {}, partitions = 1): Promise<Producer> {
  cluster = await FakeCluster.start(1);
  cluster.addTopic('t', partitions);
  producer = new Producer({ bootstrapServers: [cluster.bootstrap], retryBackoffMs: 5, ...config });
  return producer;
}

function produceStamps(): Stamp[] {
  return cluster.brokers[0]!.requests(0).flatMap((r) => (r.body as ProduceRequest).topicData.flatMap((t) => t.partitionData.map((p) => stampOf(p.records as Buffer))));
}

const values = () => cluster.records('t', 0).map((r) => r.value!.toString());

describe('idempotent producer: stamping', () => {
  it('gets a producer id once, with InitProducerId at the highest common version, and numbers each partition from 0', async () => {
    const p = await setup({ lingerMs: 0 }, 2);
    const inits = serveProducerIds(cluster);
    await p.send({ topic: 't', partition: 0, value: 'a' });
    await Promise.all([p.send({ topic: 't', partition: 0, value: 'b' }), p.send({ topic: 't', partition: 0, value: 'c' }), p.send({ topic: 't', partition: 1, value: 'x' })]);
    await p.send({ topic: 't', partition: 1, value: 'y' });
    expect(inits.map((r) => [r.version, r.body])).toEqual([[5, { transactionalId: null, transactionTimeoutMs: 0x7fffffff, producerId: -1n, producerEpoch: -1 }]]);
    const byPartition = (n: number) =>
      cluster.brokers[0]!.requests(0).flatMap((r) => (r.body as ProduceRequest).topicData[0]!.partitionData.filter((d) => d.index === n).map((d) => stampOf(d.records as Buffer)));
    const p0 = byPartition(0);
    expect(p0[0]).toEqual({ producerId: 500n, epoch: 0, seq: 0, count: 1 });
    expect(p0.reduce((seq, s) => (expect(s.seq).toBe(seq), seq + s.count), 0)).toBe(3);
    expect(byPartition(1).map((s) => [s.seq, s.count])).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it('resends a batch whose request timed out with the very same bytes', async () => {
    const p = await setup({ lingerMs: 0, requestTimeoutMs: 100 });
    serveProducerIds(cluster);
    const b = cluster.brokers[0]!;
    const produce = b.handlers.get(0)!;
    let silent = true;
    b.handlers.set(0, (req, broker) => {
      if (silent) {
        silent = false;
        return new Promise(() => {});
      }
      return produce(req, broker);
    });
    expect((await p.send({ topic: 't', value: 'once' })).offset).toBe(0n);
    const sent = b.requests(0).map((r) => (r.body as ProduceRequest).topicData[0]!.partitionData[0]!.records as Buffer);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.subarray(12)).toEqual(sent[0]!.subarray(12));
  });

  it('sends plain batches when the broker has no InitProducerId, without an error', async () => {
    const p = await setup({ lingerMs: 0 });
    cluster.brokers[0]!.versions.delete(22);
    await p.send({ topic: 't', value: 'a' });
    await p.send({ topic: 't', value: 'b' });
    expect(cluster.brokers[0]!.requests(22)).toHaveLength(0);
    expect(produceStamps().map((s) => [s.producerId, s.epoch, s.seq])).toEqual([
      [-1n, -1, -1],
      [-1n, -1, -1],
    ]);
  });
});

describe('idempotent producer: ordering and retries', () => {
  it('keeps a partition in order when the first of several in-flight batches must be retried', async () => {
    const p = await setup({ lingerMs: 0, batchSize: 60, maxInFlightRequests: 5 });
    serveProducerIds(cluster);
    const checker = new SequenceChecker(cluster);
    // The second batch is refused retriably; the broker then refuses the ones behind it as out of order.
    checker.scripted.push(null, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const sends = Array.from({ length: 40 }, (_, i) => p.send({ topic: 't', partition: 0, value: `v${String(i).padStart(2, '0')}` }));
    const metas = await Promise.all(sends);
    expect(values()).toEqual(Array.from({ length: 40 }, (_, i) => `v${String(i).padStart(2, '0')}`));
    expect(metas.map((m) => m.offset)).toEqual(Array.from({ length: 40 }, (_, i) => BigInt(i)));
    expect(checker.received.some((s, i) => i > 0 && s.seq < checker.received[i - 1]!.seq)).toBe(true);
  });

  it('fails the batch the broker reports a real gap for, bumps the epoch through InitProducerId v3+, and restarts at sequence 0', async () => {
    const p = await setup({ lingerMs: 0 });
    const inits = serveProducerIds(cluster);
    const checker = new SequenceChecker(cluster);
    await p.send({ topic: 't', value: 'a' });
    checker.scripted.push(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    await expect(p.send({ topic: 't', value: 'lost' })).rejects.toMatchObject({ errorName: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    await p.send({ topic: 't', value: 'b' });
    expect(inits.map((r) => r.body)).toEqual([
      { transactionalId: null, transactionTimeoutMs: 0x7fffffff, producerId: -1n, producerEpoch: -1 },
      { transactionalId: null, transactionTimeoutMs: 0x7fffffff, producerId: 500n, producerEpoch: 0 },
    ]);
    expect(checker.received.map((s) => [s.epoch, s.seq])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
    ]);
    expect(values()).toEqual(['a', 'b']);
  });

  it('after a refused batch, fails the batches behind it under the old epoch and carries on under a new one', async () => {
    const p = await setup({ lingerMs: 0, batchSize: 60 });
    serveProducerIds(cluster);
    const checker = new SequenceChecker(cluster);
    await p.send({ topic: 't', value: 'first' });
    checker.scripted.push(ErrorCode.INVALID_RECORD);
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => p.send({ topic: 't', partition: 0, value: `w${String(i).padStart(2, '0')}` })));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { errorName: string }).errorName] : []));
    expect(failed[0]).toBe('INVALID_RECORD');
    expect(new Set(failed.slice(1))).toEqual(new Set(failed.length > 1 ? ['OUT_OF_ORDER_SEQUENCE_NUMBER'] : []));
    await p.send({ topic: 't', value: 'after' });
    // The new epoch starts at 0 and runs on without a gap.
    const bumped = checker.received.filter((s) => s.epoch === 1);
    expect(bumped[0]!.seq).toBe(0);
    bumped.reduce((seq, s) => (expect(s.seq).toBe(seq), seq + s.count), 0);
    expect(values()[values().length - 1]).toBe('after');
    // Whatever was written is in send order.
    const written = values().slice(1, -1);
    expect(written).toEqual([...written].sort());
  });

  it('treats DUPLICATE_SEQUENCE_NUMBER as written, offsets unknown (Java’s Sender)', async () => {
    const p = await setup({ lingerMs: 0 });
    serveProducerIds(cluster);
    cluster.produceErrors.set('t-0', [ErrorCode.DUPLICATE_SEQUENCE_NUMBER]);
    expect((await p.send({ topic: 't', value: 'seen' })).offset).toBe(-1n);
    expect((await p.send({ topic: 't', value: 'next' })).offset).toBe(0n);
    expect(produceStamps().map((s) => s.seq)).toEqual([0, 1]);
  });

  it('bumps the epoch after a batch whose fate stayed unknown, when no later acknowledgement proves it written', async () => {
    const p = await setup({ lingerMs: 0, requestTimeoutMs: 100, retries: 1 });
    const inits = serveProducerIds(cluster);
    const checker = new SequenceChecker(cluster);
    await p.send({ topic: 't', value: 'a' });
    const b = cluster.brokers[0]!;
    const produce = b.handlers.get(0)!;
    let silent = 2;
    b.handlers.set(0, (req, broker) => (silent-- > 0 ? new Promise(() => {}) : produce(req, broker)));
    await expect(p.send({ topic: 't', value: 'unknown' })).rejects.toMatchObject({ code: 'MQ_ERR_TIMEOUT' });
    await p.send({ topic: 't', value: 'c' });
    expect(inits).toHaveLength(2);
    // Both sends of the lost batch went unanswered; the next batch came only after the bump.
    expect(produceStamps().map((s) => [s.epoch, s.seq])).toEqual([
      [0, 0],
      [0, 1],
      [0, 1],
      [1, 0],
    ]);
    expect(checker.received).toHaveLength(2);
  });
});

describe('idempotent producer: InitProducerId', () => {
  it('uses the broker’s highest version; below v3 an epoch bump asks for a new id', async () => {
    const p = await setup({ lingerMs: 0 });
    cluster.brokers[0]!.versions.set(22, { min: 0, max: 1 });
    const inits = serveProducerIds(cluster);
    const checker = new SequenceChecker(cluster);
    await p.send({ topic: 't', value: 'a' });
    checker.scripted.push(ErrorCode.INVALID_RECORD);
    await expect(p.send({ topic: 't', value: 'bad' })).rejects.toMatchObject({ errorName: 'INVALID_RECORD' });
    await p.send({ topic: 't', value: 'b' });
    expect(inits.map((r) => r.version)).toEqual([1, 1]);
    expect(checker.received.map((s) => [s.producerId, s.epoch, s.seq])).toEqual([
      [500n, 0, 0],
      [500n, 0, 1],
      [501n, 0, 0],
    ]);
  });

  it('retries a retriable InitProducerId error and fails the waiting records with a fatal one', async () => {
    const p = await setup({ lingerMs: 0 });
    const answers = [ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NONE];
    cluster.brokers[0]!.handlers.set(22, () => ({ throttleTimeMs: 0, errorCode: answers.shift() ?? ErrorCode.CLUSTER_AUTHORIZATION_FAILED, producerId: 7n, producerEpoch: 0 }));
    expect((await p.send({ topic: 't', value: 'a' })).offset).toBe(0n);
    expect(cluster.brokers[0]!.requests(22)).toHaveLength(2);

    const q = new Producer({ bootstrapServers: [cluster.bootstrap], lingerMs: 0, retryBackoffMs: 5 });
    try {
      await expect(q.send({ topic: 't', value: 'b' })).rejects.toMatchObject({ errorName: 'CLUSTER_AUTHORIZATION_FAILED' });
    } finally {
      await q.close();
    }
  });
});

describe('idempotent producer: configuration (Java’s ProducerConfig rules)', () => {
  it('is on by default with acks -1, and off by default with acks 0 or 1, retries 0 or more than 5 requests in flight', async () => {
    for (const config of [{ acks: 1 as const }, { retries: 0 }, { maxInFlightRequests: 6 }]) {
      const p = await setup({ lingerMs: 0, ...config });
      await p.send({ topic: 't', value: 'v' });
      expect(cluster.brokers[0]!.requests(22)).toHaveLength(0);
      expect(produceStamps()[0]!.producerId).toBe(-1n);
      await p.close();
      await cluster.close();
    }
  });

  it('refuses idempotence asked for with settings it cannot work with', () => {
    const base = { bootstrapServers: ['localhost:9092'], idempotence: true };
    expect(() => new Producer({ ...base, acks: 1 })).toThrow(/Must set acks to all \(-1\)/);
    expect(() => new Producer({ ...base, retries: 0 })).toThrow(/Must set retries to non-zero/);
    expect(() => new Producer({ ...base, maxInFlightRequests: 6 })).toThrow(/at most 5/);
    expect(() => new Producer({ ...base, acks: 0 })).toThrow(expect.objectContaining({ code: 'MQ_ERR_CONFIG' }));
  });
});

describe('PartitionSequences', () => {
  class Batch implements SequencedBatch {
    producerId = -1n;
    producerEpoch = -1;
    baseSequence = -1;
    constructor(readonly recordCount: number) {}
  }
  const pair: ProducerIdAndEpoch = { producerId: 1n, epoch: 0 };

  it('numbers batches consecutively, wrapping after Int32 max', () => {
    const s = new PartitionSequences<Batch>();
    expect(s.freshBatch(pair)).toBe('stamp');
    const a = new Batch(3);
    s.stamp(a);
    const b = new Batch(2);
    s.stamp(b);
    expect([a.baseSequence, b.baseSequence, b.producerId, b.producerEpoch]).toEqual([0, 3, 1n, 0]);
    expect(incrementSequence(0x7fffffff - 1, 3)).toBe(1);
  });

  it('lets only the oldest unsettled batch be resent, and restarts at 0 for a new pair once nothing is in flight', () => {
    const s = new PartitionSequences<Batch>();
    s.freshBatch(pair);
    const [a, b] = [new Batch(1), new Batch(1)];
    s.stamp(a);
    s.stamp(b);
    expect([s.isNext(a), s.isNext(b)]).toEqual([true, false]);
    const next: ProducerIdAndEpoch = { producerId: 1n, epoch: 1 };
    expect(s.freshBatch(next)).toBe('wait');
    s.acknowledged(a);
    expect(s.isNext(b)).toBe(true);
    s.acknowledged(b);
    expect(s.freshBatch(next)).toBe('stamp');
    const c = new Batch(1);
    s.stamp(c);
    expect([c.baseSequence, c.producerEpoch]).toEqual([0, 1]);
  });

  it('retries an out-of-order answer only while an earlier batch may fill the gap', () => {
    const s = new PartitionSequences<Batch>();
    s.freshBatch(pair);
    const [a, b] = [new Batch(2), new Batch(2)];
    s.stamp(a);
    s.stamp(b);
    expect(s.outOfOrderIsRetriable(b)).toBe(true);
    expect(s.outOfOrderIsRetriable(a)).toBe(false);
    expect(s.failed(a, true)).toBe(true);
    expect(s.failed(b, true)).toBe(false);
  });

  it('resolves a lost batch when a later one was acknowledged, and asks for a bump when none was', () => {
    const s = new PartitionSequences<Batch>();
    s.freshBatch(pair);
    const [a, b] = [new Batch(1), new Batch(1)];
    s.stamp(a);
    s.stamp(b);
    expect(s.failed(a, false)).toBe(false);
    expect(s.freshBatch(pair)).toBe('wait');
    s.acknowledged(b);
    expect(s.freshBatch(pair)).toBe('stamp');
    const c = new Batch(1);
    s.stamp(c);
    s.failed(c, false);
    expect(s.freshBatch(pair)).toBe('bump');
  });

  it('gives the halves of a split batch its sequences', () => {
    const s = new PartitionSequences<Batch>();
    s.freshBatch(pair);
    const whole = new Batch(5);
    s.stamp(whole);
    const halves = [new Batch(3), new Batch(2)];
    s.split(whole, halves);
    expect(halves.map((h) => h.baseSequence)).toEqual([0, 3]);
    expect(s.isNext(halves[0]!)).toBe(true);
  });
});
