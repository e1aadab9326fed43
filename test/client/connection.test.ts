import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from '../../src/client/connection.js';
import { ConnectionError, MqError, RequestTimeoutError } from '../../src/client/errors.js';
import { Metadata, type MetadataRequest, type MetadataResponse } from '../../src/protocol/messages/03-metadata.js';
import { ApiVersions } from '../../src/protocol/messages/18-api-versions.js';
import { Produce, type ProduceRequest } from '../../src/protocol/messages/00-produce.js';
import { FakeBroker } from './fake-broker.js';

const emptyMetadata = { brokers: [], clusterId: 'c', controllerId: 0, topics: [], throttleTimeMs: 0, clusterAuthorizedOperations: 0 };
const metadataRequest: MetadataRequest = { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };

let broker: FakeBroker;
let conn: Connection | undefined;

async function setup(): Promise<FakeBroker> {
  broker = await FakeBroker.start();
  return broker;
}

function connect(options: { requestTimeoutMs?: number } = {}): Connection {
  conn = new Connection({ host: '127.0.0.1', port: broker.port, clientId: 'test', ...options });
  return conn;
}

afterEach(async () => {
  await conn?.close();
  conn = undefined;
  await broker?.close();
});

describe('Connection: ApiVersions negotiation', () => {
  it('asks with ApiVersions v3 and picks the highest version both sides support', async () => {
    await setup();
    broker.versions.set(3, { min: 1, max: 7 });
    broker.handlers.set(3, () => emptyMetadata);
    const c = connect();
    await c.connect();
    const av = broker.requests(18);
    expect(av.map((r) => r.version)).toEqual([3]);
    expect(av[0]!.body).toMatchObject({ clientSoftwareName: 'mq' });
    expect(av[0]!.body.clientSoftwareVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(c.apiVersions.get(3)).toEqual({ min: 1, max: 7 });
    expect(c.versionFor(Metadata)).toBe(7);
    await c.send<MetadataRequest, MetadataResponse>(Metadata, metadataRequest);
    expect(broker.requests(3)[0]!.version).toBe(7);
    expect(broker.requests(3)[0]!.clientId).toBe('test');
  });

  it('falls back to the broker-advertised ApiVersions version on UNSUPPORTED_VERSION (KIP-511)', async () => {
    await setup();
    broker.versions.set(18, { min: 0, max: 2 });
    const c = connect();
    await c.connect();
    expect(broker.requests(18).map((r) => r.version)).toEqual([3, 2]);
    expect(c.apiVersions.get(18)).toEqual({ min: 0, max: 2 });
  });

  it('falls back to v0 when the UNSUPPORTED_VERSION answer carries no ApiVersions range', async () => {
    await setup();
    broker.handlers.set(18, (req) => {
      if (req.version > 0) return { version: 0, body: { errorCode: 35, apiKeys: [], throttleTimeMs: 0 } };
      return { errorCode: 0, apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 1 }], throttleTimeMs: 0 };
    });
    const c = connect();
    await c.connect();
    expect(broker.requests(18).map((r) => r.version)).toEqual([3, 0]);
    expect(c.versionFor(Metadata)).toBe(1);
  });

  it('refuses an API the broker does not advertise, or advertises outside our range', async () => {
    await setup();
    broker.versions.delete(0);
    broker.versions.set(3, { min: 13, max: 20 });
    const c = connect();
    await c.connect();
    await expect(c.send(Produce, {})).rejects.toMatchObject({ code: 'MQ_ERR_UNSUPPORTED_VERSION' });
    expect(() => c.versionFor(Metadata)).toThrow(/Metadata versions 13-20; this client speaks 0-12/);
  });
});

describe('Connection: framing and correlation', () => {
  it('reassembles responses delivered one byte at a time', async () => {
    await setup();
    broker.handlers.set(3, () => emptyMetadata);
    const c = connect();
    await c.connect();
    broker.writeFrames = (frames, socket) => {
      const bytes = Buffer.concat(frames);
      let i = 0;
      const step = (): void => {
        if (i < bytes.length) socket.write(bytes.subarray(i, ++i), step);
      };
      step();
    };
    const res = await c.send<MetadataRequest, MetadataResponse>(Metadata, metadataRequest);
    expect(res.clusterId).toBe('c');
  });

  it('splits several responses arriving in one chunk and matches them in order', async () => {
    await setup();
    let held: Buffer[] = [];
    let n = 0;
    broker.handlers.set(3, () => ({ ...emptyMetadata, clusterId: `c${n++}` }));
    const c = connect();
    await c.connect();
    broker.writeFrames = (frames, socket) => {
      held.push(...frames);
      if (n === 3) {
        // The three frames, with the boundaries moved: one write, then split mid-size-prefix.
        const all = Buffer.concat(held);
        held = [];
        socket.write(all.subarray(0, all.length - 2));
        setTimeout(() => socket.write(all.subarray(all.length - 2)), 5);
      }
    };
    const results = await Promise.all([0, 1, 2].map(() => c.send<MetadataRequest, MetadataResponse>(Metadata, metadataRequest)));
    expect(results.map((r) => r.clusterId)).toEqual(['c0', 'c1', 'c2']);
    expect(c.inflightCount).toBe(0);
  });

  it('reads a frame larger than its read buffer in place, between small frames sharing its chunks', async () => {
    await setup();
    let held: Buffer[] = [];
    let n = 0;
    // The middle response names enough topics to be several read buffers long.
    const big = Array.from({ length: 4000 }, (_, i) => ({ errorCode: 0, name: `topic-${i}`, topicId: Buffer.alloc(16), isInternal: false, partitions: [], topicAuthorizedOperations: 0 }));
    broker.handlers.set(3, () => ({ ...emptyMetadata, clusterId: `c${n}`, topics: n++ === 1 ? big : [] }));
    const c = connect();
    await c.connect();
    broker.writeFrames = (frames, socket) => {
      held.push(...frames);
      if (n < 3) return;
      const all = Buffer.concat(held);
      held = [];
      expect(all.length).toBeGreaterThan(2 * 65536);
      // Cuts: inside the first size prefix, inside the big frame, and one piece holding the big
      // frame's end with all of the last frame.
      const cuts = [2, 1000, 70_000, all.length - 300, all.length];
      let from = 0;
      const next = (): void => {
        const to = cuts.shift();
        if (to === undefined) return;
        socket.write(all.subarray(from, to), () => setTimeout(next, 2));
        from = to;
      };
      next();
    };
    const results = await Promise.all([0, 1, 2].map(() => c.send<MetadataRequest, MetadataResponse>(Metadata, metadataRequest)));
    expect(results.map((r) => [r.clusterId, r.topics.length])).toEqual([
      ['c0', 0],
      ['c1', 4000],
      ['c2', 0],
    ]);
    expect(results[1]!.topics[3999]!.name).toBe('topic-3999');
    expect(c.inflightCount).toBe(0);
  });

  it('closes the connection on a response with an unexpected correlation id', async () => {
    await setup();
    broker.handlers.set(3, () => emptyMetadata);
    const c = connect();
    await c.connect();
    broker.writeFrames = (frames, socket) => {
      const bytes = Buffer.concat(frames);
      bytes.writeInt32BE(bytes.readInt32BE(4) + 100, 4);
      socket.write(bytes);
    };
    await expect(c.send(Metadata, metadataRequest)).rejects.toMatchObject({ code: 'MQ_ERR_PROTOCOL' });
    expect(c.closed).toBe(true);
  });

  it('batches requests written in one tick into one socket write', async () => {
    await setup();
    const seen: number[] = [];
    broker.handlers.set(3, () => emptyMetadata);
    const c = connect();
    await c.connect();
    // Count TCP reads on the server: corked writes arrive together.
    const socket = [...broker.sockets][0]!;
    socket.on('data', (d: Buffer) => seen.push(d.length));
    await Promise.all(Array.from({ length: 20 }, () => c.send(Metadata, metadataRequest)));
    expect(seen.length).toBeLessThan(5);
  });
});

describe('Connection: timeouts, failures and acks=0', () => {
  it('times a request out, closes the connection and fails the others with the timeout as cause', async () => {
    await setup();
    broker.handlers.set(3, () => new Promise(() => {}));
    const c = connect({ requestTimeoutMs: 50 });
    await c.connect();
    const first = c.send(Metadata, metadataRequest);
    const second = c.send(Metadata, metadataRequest, { timeoutMs: 10000 });
    await expect(first).rejects.toBeInstanceOf(RequestTimeoutError);
    const err = await second.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).cause).toBeInstanceOf(RequestTimeoutError);
    expect(c.closed).toBe(true);
  });

  it('fails outstanding requests when the broker drops the connection', async () => {
    await setup();
    broker.handlers.set(3, (_req, b) => {
      for (const s of b.sockets) s.destroy();
      return undefined;
    });
    const c = connect();
    await c.connect();
    await expect(c.send(Metadata, metadataRequest)).rejects.toMatchObject({ code: 'MQ_ERR_CONNECTION' });
    await expect(c.send(Metadata, metadataRequest)).rejects.toBeInstanceOf(MqError);
  });

  it('settles requests that expect no response once written (Produce acks=0)', async () => {
    await setup();
    const c = connect();
    await c.connect();
    const body: ProduceRequest = { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [] };
    await expect(c.send(Produce, body, { expectResponse: false })).resolves.toBeUndefined();
    expect(c.inflightCount).toBe(0);
    // The stream stays in step: a later request is answered normally.
    broker.handlers.set(3, () => emptyMetadata);
    await expect(c.send<MetadataRequest, MetadataResponse>(Metadata, metadataRequest)).resolves.toMatchObject({ clusterId: 'c' });
  });

  it('reports a refused connection as MQ_ERR_CONNECTION', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const c = new Connection({ host: '127.0.0.1', port });
    await expect(c.connect()).rejects.toMatchObject({ code: 'MQ_ERR_CONNECTION' });
    expect(c.closed).toBe(true);
  });

  it('rejects sends after close() with MQ_ERR_CLOSED', async () => {
    await setup();
    const c = connect();
    await c.connect();
    await c.close();
    await expect(c.send(ApiVersions, {})).rejects.toMatchObject({ code: 'MQ_ERR_CLOSED' });
  });
});
