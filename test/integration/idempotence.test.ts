// Idempotent produce end to end (KIP-98): InitProducerId and the producer-state answers at the
// wire level, producer state surviving a clean restart and a kill -9, and the acceptance
// test: a producer whose Produce responses are lost after the broker appended (a proxy drops the
// response and cuts the connection) retries, and every record is stored exactly once.
import net from 'node:net';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Producer } from '../../src/client/index.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { CreateTopics, Fetch, InitProducerId, Produce } from '../../src/protocol/messages/index.js';
import type { CreateTopicsResponse } from '../../src/protocol/messages/19-create-topics.js';
import type { FetchResponse } from '../../src/protocol/messages/01-fetch.js';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../src/protocol/messages/22-init-producer-id.js';
import type { ProducePartitionResponse, ProduceResponse } from '../../src/protocol/messages/00-produce.js';
import { decodeRecordBatches, encodeRecordBatch } from '../../src/protocol/records/record-batch.js';
import { spawnBroker, type BrokerProcess } from '../helpers/broker-process.js';
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js';
import { WireClient } from '../helpers/wire.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

async function broker(config: Record<string, string> = {}, dir?: string): Promise<TestBroker> {
  const b = await startTestBroker(config, dir);
  cleanups.push(() => b.stop());
  return b;
}

async function wire(port: number): Promise<WireClient> {
  const c = await WireClient.open(port);
  cleanups.push(() => c.close());
  return c;
}

function initRequest(fields: Partial<InitProducerIdRequest> = {}): InitProducerIdRequest {
  return { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1, ...fields };
}

async function createTopic(c: WireClient, name: string): Promise<void> {
  const res = await c.request<CreateTopicsResponse>(CreateTopics, 7, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  expect(res.topics[0]!.errorCode).toBe(ErrorCode.NONE);
}

function idempotentBatch(producerId: bigint, epoch: number, baseSequence: number, values: string[]): Buffer {
  return encodeRecordBatch(
    values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: BigInt(Date.now()) })),
    { producerId, producerEpoch: epoch, baseSequence },
  );
}

async function produce(c: WireClient, topic: string, records: Buffer, version = 9): Promise<ProducePartitionResponse> {
  const res = await c.request<ProduceResponse>(Produce, version, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: Buffer.from(records) }] }],
  });
  return res.responses[0]!.partitionResponses[0]!;
}

/** Every record value of partition 0, in offset order, with its offset. */
async function fetchAll(c: WireClient, topic: string): Promise<Array<[bigint, string]>> {
  const res = await c.request<FetchResponse>(Fetch, 4, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 24,
    isolationLevel: 0,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 24 }] }],
  });
  const records = res.responses[0]!.partitions[0]!.records as Buffer | Buffer[];
  return decodeRecordBatches(Array.isArray(records) ? Buffer.concat(records) : records).flatMap((b) => b.records.map((r) => [r.offset, r.value!.toString()] as [bigint, string]));
}

describe('InitProducerId', () => {
  it('hands out fresh producer ids at epoch 0 in every version', async () => {
    const b = await broker();
    const c = await wire(b.port);
    const ids: bigint[] = [];
    for (let v = 0; v <= 5; v++) {
      const res = await c.request<InitProducerIdResponse>(InitProducerId, v, initRequest());
      expect(res).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 0 });
      ids.push(res.producerId);
    }
    expect(ids).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
  });

  it('bumps the epoch of an id it issued from v3 (KIP-360), and gives a new id for an unknown or exhausted one', async () => {
    const b = await broker();
    const c = await wire(b.port);
    const first = await c.request<InitProducerIdResponse>(InitProducerId, 4, initRequest());
    const bumped = await c.request<InitProducerIdResponse>(InitProducerId, 4, initRequest({ producerId: first.producerId, producerEpoch: first.producerEpoch }));
    expect(bumped).toMatchObject({ errorCode: ErrorCode.NONE, producerId: first.producerId, producerEpoch: 1 });
    const unknown = await c.request<InitProducerIdResponse>(InitProducerId, 3, initRequest({ producerId: 999_999n, producerEpoch: 3 }));
    expect(unknown).toMatchObject({ errorCode: ErrorCode.NONE, producerId: first.producerId + 1n, producerEpoch: 0 });
    const exhausted = await c.request<InitProducerIdResponse>(InitProducerId, 5, initRequest({ producerId: first.producerId, producerEpoch: 32766 }));
    expect(exhausted).toMatchObject({ errorCode: ErrorCode.NONE, producerId: first.producerId + 2n, producerEpoch: 0 });
  });

  it('refuses half a producer pair (INVALID_REQUEST) and transactional ids (COORDINATOR_NOT_AVAILABLE; empty: INVALID_REQUEST)', async () => {
    const b = await broker();
    const c = await wire(b.port);
    const none = { producerId: -1n, producerEpoch: -1 };
    expect(await c.request<InitProducerIdResponse>(InitProducerId, 3, initRequest({ producerId: 5n }))).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, ...none });
    expect(await c.request<InitProducerIdResponse>(InitProducerId, 3, initRequest({ producerEpoch: 2 }))).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
    expect(await c.request<InitProducerIdResponse>(InitProducerId, 1, initRequest({ transactionalId: 'txn' }))).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...none });
    expect(await c.request<InitProducerIdResponse>(InitProducerId, 4, initRequest({ transactionalId: '' }))).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
  });

  it('never hands out an id twice across restarts: a restart skips to the next block', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = await startTestBroker({}, dir);
    let c = await WireClient.open(first.port);
    const a = await c.request<InitProducerIdResponse>(InitProducerId, 0, initRequest());
    const bId = await c.request<InitProducerIdResponse>(InitProducerId, 0, initRequest());
    c.close();
    await first.stop();
    const second = await broker({}, dir);
    c = await wire(second.port);
    const after = await c.request<InitProducerIdResponse>(InitProducerId, 0, initRequest());
    expect([a.producerId, bId.producerId, after.producerId]).toEqual([0n, 1n, 1000n]);
    // An id from before the restart may still be bumped: it was issued.
    expect(await c.request<InitProducerIdResponse>(InitProducerId, 3, initRequest({ producerId: 1n, producerEpoch: 0 }))).toMatchObject({ producerId: 1n, producerEpoch: 1 });
  });
});

describe('Produce with producer ids', () => {
  it('answers a retried batch with the original offsets and NONE, without writing it again', async () => {
    const b = await broker();
    const c = await wire(b.port);
    await createTopic(c, 'dup');
    const { producerId } = await c.request<InitProducerIdResponse>(InitProducerId, 0, initRequest());
    const first = idempotentBatch(producerId, 0, 0, ['a', 'b']);
    expect(await produce(c, 'dup', first)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n });
    expect(await produce(c, 'dup', idempotentBatch(producerId, 0, 2, ['c']))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 2n });
    for (const version of [3, 7, 9]) {
      expect(await produce(c, 'dup', first, version)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n, logAppendTimeMs: -1n });
    }
    expect(await fetchAll(c, 'dup')).toEqual([
      [0n, 'a'],
      [1n, 'b'],
      [2n, 'c'],
    ]);
  });

  it('answers a gap and a new epoch not starting at 0 with OUT_OF_ORDER_SEQUENCE_NUMBER (45)', async () => {
    const b = await broker();
    const c = await wire(b.port);
    await createTopic(c, 'gap');
    expect(await produce(c, 'gap', idempotentBatch(7n, 0, 0, ['a']))).toMatchObject({ errorCode: ErrorCode.NONE });
    expect(await produce(c, 'gap', idempotentBatch(7n, 0, 2, ['c']))).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n });
    expect(await produce(c, 'gap', idempotentBatch(7n, 1, 5, ['x']))).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(await produce(c, 'gap', idempotentBatch(7n, 1, 0, ['y']))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 1n });
  });

  it('answers an older epoch with INVALID_PRODUCER_EPOCH (47)', async () => {
    const b = await broker();
    const c = await wire(b.port);
    await createTopic(c, 'fenced');
    expect(await produce(c, 'fenced', idempotentBatch(3n, 2, 0, ['a']))).toMatchObject({ errorCode: ErrorCode.NONE });
    expect(await produce(c, 'fenced', idempotentBatch(3n, 1, 1, ['b']))).toMatchObject({ errorCode: ErrorCode.INVALID_PRODUCER_EPOCH });
  });

  it('takes any sequence from an unknown producer (never UNKNOWN_PRODUCER_ID, 59) and calls a retry older than five batches out of order (never DUPLICATE_SEQUENCE_NUMBER, 46)', async () => {
    const b = await broker();
    const c = await wire(b.port);
    await createTopic(c, 'old');
    const batches = Array.from({ length: 7 }, (_, i) => idempotentBatch(11n, 0, 42 + i, [`v${i}`]));
    for (const [i, batch] of batches.entries()) expect(await produce(c, 'old', batch)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: BigInt(i) });
    expect(await produce(c, 'old', batches[2]!)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 2n });
    expect(await produce(c, 'old', batches[1]!)).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
  });

  it('forgets producers idle for producer.id.expiration.ms, checked every producer.id.expiration.check.interval.ms', async () => {
    const b = await broker({ 'producer.id.expiration.ms': '100', 'producer.id.expiration.check.interval.ms': '20' });
    const c = await wire(b.port);
    await createTopic(c, 'expiring');
    expect(await produce(c, 'expiring', idempotentBatch(12n, 0, 0, ['a']))).toMatchObject({ errorCode: ErrorCode.NONE });
    expect(await produce(c, 'expiring', idempotentBatch(12n, 0, 5, ['b']))).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Unknown again, so any sequence is taken.
    expect(await produce(c, 'expiring', idempotentBatch(12n, 0, 5, ['b']))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 1n });
  });

  it('refuses a producer id without a sequence as INVALID_RECORD', async () => {
    const b = await broker();
    const c = await wire(b.port);
    await createTopic(c, 'noseq');
    expect(await produce(c, 'noseq', idempotentBatch(1n, 0, -1, ['a']))).toMatchObject({ errorCode: ErrorCode.INVALID_RECORD });
  });

  it('still recognises a retry after a clean restart', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = await startTestBroker({}, dir);
    let c = await WireClient.open(first.port);
    await createTopic(c, 'restart');
    const batches = Array.from({ length: 5 }, (_, i) => idempotentBatch(20n, 0, i, [`r${i}`]));
    for (const batch of batches) await produce(c, 'restart', batch);
    c.close();
    await first.stop();
    const second = await broker({}, dir);
    c = await wire(second.port);
    for (const [i, batch] of batches.entries()) expect(await produce(c, 'restart', batch)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: BigInt(i) });
    expect((await fetchAll(c, 'restart')).map(([, v]) => v)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  it('still recognises a retry after kill -9 and restart', async () => {
    const dir = tempDir('mq-idem-crash-');
    let proc: BrokerProcess | undefined;
    cleanups.push(async () => {
      proc?.child.kill('SIGKILL');
      await proc?.exited;
      rmSync(dir, { recursive: true, force: true });
    });
    // Small segments: the producer state is rebuilt from a roll snapshot plus the active segment.
    proc = await spawnBroker(dir, { 'log.segment.bytes': '2000' });
    let c = await WireClient.open(proc.port);
    await createTopic(c, 'killed');
    const batches = Array.from({ length: 60 }, (_, i) => idempotentBatch(30n, 0, i * 3, [`k${i}a`, `k${i}b`, `k${i}c`]));
    for (const batch of batches) expect(await produce(c, 'killed', batch)).toMatchObject({ errorCode: ErrorCode.NONE });
    c.close();
    proc.child.kill('SIGKILL');
    await proc.exited;
    proc = await spawnBroker(dir, { 'log.segment.bytes': '2000' });
    c = await wire(proc.port);
    for (const [i, batch] of batches.slice(-5).entries()) {
      expect(await produce(c, 'killed', batch)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: BigInt((55 + i) * 3) });
    }
    expect(await produce(c, 'killed', idempotentBatch(30n, 0, 180, ['next']))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 180n });
  });
});

/**
 * A TCP proxy between a client and the broker that, for chosen Produce responses, drops the
 * response and cuts both sockets: the broker has appended, the client never hears of it.
 */
class DroppingProxy {
  target = 0;
  produceResponses = 0;
  dropped = 0;
  private readonly server = net.createServer((client) => this.accept(client));

  constructor(private readonly shouldDrop: (nth: number) => boolean) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect({ host: '127.0.0.1', port: this.target });
    const apiKeys = new Map<number, number>();
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', cut);
    upstream.on('close', cut);
    frames(client, (frame) => {
      apiKeys.set(frame.readInt32BE(8), frame.readInt16BE(4));
      upstream.write(frame);
    });
    frames(upstream, (frame) => {
      if (client.destroyed) return;
      if (apiKeys.get(frame.readInt32BE(4)) === 0 && this.shouldDrop(++this.produceResponses)) {
        this.dropped++;
        cut();
        return;
      }
      client.write(frame);
    });
  }
}

/** Calls `onFrame` with each whole size-prefixed frame read from `socket`. */
function frames(socket: net.Socket, onFrame: (frame: Buffer) => void): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (data: Buffer) => {
    pending = Buffer.concat([pending, data]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = 4 + pending.readInt32BE(0);
      onFrame(pending.subarray(0, size));
      pending = pending.subarray(size);
    }
  });
}

/** A port free right now (the broker's own listener; its RunningBroker.port is the advertised proxy port). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A broker reached only through `proxy`: it advertises the proxy's address in Metadata. */
async function behind(proxy: DroppingProxy): Promise<{ b: TestBroker; proxyPort: number }> {
  const proxyPort = await proxy.listen();
  cleanups.push(() => proxy.close());
  proxy.target = await freePort();
  const b = await broker({ listeners: `PLAINTEXT://127.0.0.1:${proxy.target}`, 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxyPort}` });
  return { b, proxyPort };
}

describe('a producer whose responses are lost after the broker appended', () => {
  it('retries and writes every record exactly once, at consecutive offsets', async () => {
    // Every third Produce response is dropped, with its connection, up to 15 times: each time
    // the broker has appended that batch and possibly later ones in flight behind it.
    const proxy = new DroppingProxy((nth) => nth % 3 === 1 && nth <= 45);
    const { proxyPort } = await behind(proxy);
    const c = await wire(proxy.target);
    await createTopic(c, 'exactly-once');

    const producer = new Producer({ bootstrapServers: [`127.0.0.1:${proxyPort}`], lingerMs: 0, batchSize: 300, retries: 20, retryBackoffMs: 5 });
    cleanups.push(() => producer.close());
    const n = 3000;
    const metas = await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ topic: 'exactly-once', partition: 0, value: `m${i}` })));
    expect(proxy.dropped).toBe(15);

    const stored = await fetchAll(c, 'exactly-once');
    expect(stored.map(([, v]) => v)).toEqual(Array.from({ length: n }, (_, i) => `m${i}`));
    expect(stored.map(([o]) => o)).toEqual(Array.from({ length: n }, (_, i) => BigInt(i)));
    // Each send was told the offset its record really has, retried or not.
    expect(metas.map((m) => m.offset)).toEqual(Array.from({ length: n }, (_, i) => BigInt(i)));
  });

  it('writes duplicates without idempotence, which is what the test above guards against', async () => {
    const proxy = new DroppingProxy((nth) => nth === 2);
    const { proxyPort } = await behind(proxy);
    const producer = new Producer({ bootstrapServers: [`127.0.0.1:${proxyPort}`], lingerMs: 0, retryBackoffMs: 5, idempotence: false });
    cleanups.push(() => producer.close());
    for (let i = 0; i < 3; i++) await producer.send({ topic: 'twice', partition: 0, value: `t${i}` });
    const c = await wire(proxy.target);
    expect((await fetchAll(c, 'twice')).map(([, v]) => v)).toEqual(['t0', 't1', 't1', 't2']);
  });
});
