// A scripted Kafka broker for client unit tests: real TCP on 127.0.0.1 port 0, requests decoded
// and responses encoded with src/protocol (frame.ts + the message specs), answers sent in request
// order. Each test installs handlers per API key; `log` records every request it received.
// `FakeCluster` adds a tiny in-memory partition log (Produce appends batches, Fetch serves them,
// ListOffsets answers earliest/latest, Metadata describes the layout) for producer/consumer tests.
import net from 'node:net';
import { decodeRequestBody, encodeResponse, readRequestHeader } from '../../src/protocol/frame.js';
import { apis } from '../../src/protocol/messages/index.js';
import { Reader } from '../../src/protocol/reader.js';
import type { ApiSpec } from '../../src/protocol/schema.js';
import type { ApiVersionsResponse } from '../../src/protocol/messages/18-api-versions.js';
import type { MetadataRequest, MetadataResponse } from '../../src/protocol/messages/03-metadata.js';
import type { ProduceRequest, ProduceResponse } from '../../src/protocol/messages/00-produce.js';
import type { FetchRequest, FetchResponse } from '../../src/protocol/messages/01-fetch.js';
import type { ListOffsetsRequest, ListOffsetsResponse } from '../../src/protocol/messages/02-list-offsets.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../../src/protocol/messages/08-offset-commit.js';
import type { OffsetFetchRequest, OffsetFetchResponse } from '../../src/protocol/messages/09-offset-fetch.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../../src/protocol/messages/11-join-group.js';
import type { SyncGroupRequest, SyncGroupResponse } from '../../src/protocol/messages/14-sync-group.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { decodeRecordBatches, LAST_OFFSET_DELTA_OFFSET, type DecodedRecord } from '../../src/protocol/records/record-batch.js';

export interface ReceivedRequest {
  apiKey: number;
  version: number;
  correlationId: number;
  clientId: string | null;
  body: any;
}

/** Returns the response body, or undefined to send nothing (acks=0, or a test that wants silence). */
export type Handler = (req: ReceivedRequest, broker: FakeBroker) => object | undefined | Promise<object | undefined>;

export interface Answer {
  /** Encode the response at this version instead of the request's (KIP-511 fallback tests). */
  version?: number;
  body: object;
}

export class FakeBroker {
  readonly log: ReceivedRequest[] = [];
  readonly handlers = new Map<number, Handler>();
  readonly sockets = new Set<net.Socket>();
  /** Advertised in ApiVersions: every spec's full range unless a test narrows it. */
  readonly versions = new Map<number, { min: number; max: number }>();
  /** Bytes to write instead of an encoded response, for framing tests. */
  writeFrames: ((frames: Buffer[], socket: net.Socket) => void) | null = null;
  port = 0;

  private constructor(private readonly server: net.Server) {
    for (const [key, api] of apis) {
      this.versions.set(key, { min: api.request.valid.min, max: api.request.valid.max });
    }
    this.handlers.set(18, (req) => this.apiVersions(req));
  }

  static async start(): Promise<FakeBroker> {
    const server = net.createServer();
    const broker = new FakeBroker(server);
    server.on('connection', (socket) => broker.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    broker.port = (server.address() as net.AddressInfo).port;
    return broker;
  }

  requests(apiKey: number): ReceivedRequest[] {
    return this.log.filter((r) => r.apiKey === apiKey);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private apiVersions(req: ReceivedRequest): object {
    const own = this.versions.get(18)!;
    const apiKeys = [...this.versions].map(([apiKey, v]) => ({ apiKey, minVersion: v.min, maxVersion: v.max }));
    if (req.version > own.max) {
      // KIP-511: unknown ApiVersions version → v0 body, UNSUPPORTED_VERSION, our own range.
      return { version: 0, body: { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: apiKeys.filter((k) => k.apiKey === 18), throttleTimeMs: 0 } } satisfies Answer;
    }
    return { errorCode: 0, apiKeys, throttleTimeMs: 0 } satisfies ApiVersionsResponse;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let pending = Buffer.alloc(0);
    let chain: Promise<void> = Promise.resolve();
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0);
        const frame = pending.subarray(4, 4 + size);
        pending = pending.subarray(4 + size);
        const r = new Reader(frame);
        const header = readRequestHeader(r);
        const api = apis.get(header.apiKey)!;
        // ApiVersions requests at versions this fake does not know are read as v0 (KIP-511).
        const version = header.apiKey === 18 && header.apiVersion > api.request.valid.max ? 0 : header.apiVersion;
        const body = header.apiKey === 18 && version !== header.apiVersion ? {} : decodeRequestBody(api, version, r);
        const req: ReceivedRequest = { apiKey: header.apiKey, version: header.apiVersion, correlationId: header.correlationId, clientId: header.clientId, body };
        this.log.push(req);
        const handler = this.handlers.get(header.apiKey);
        chain = chain.then(async () => {
          const out = handler ? await handler(req, this) : undefined;
          if (out === undefined || socket.destroyed) return;
          const answer = 'body' in out && 'version' in out ? (out as Answer) : { version: req.version, body: out };
          const frames = encodeResponse(api as ApiSpec, answer.version ?? req.version, req.correlationId, answer.body);
          if (this.writeFrames) this.writeFrames(frames, socket);
          else for (const f of frames) socket.write(f);
        });
      }
    });
  }
}

/** One partition's log: batches as received, with base offsets assigned. */
interface PartitionLog {
  batches: Buffer[];
  next: bigint;
}

/**
 * A single-node (or multi-node) cluster model served by FakeBrokers. Partition p of a topic is
 * led by `leaders[p % leaders.length]`.
 */
export class FakeCluster {
  readonly brokers: FakeBroker[] = [];
  readonly logs = new Map<string, PartitionLog>();
  readonly topics = new Map<string, number>();
  /** Per-partition error to answer Produce with, consumed one per request. */
  readonly produceErrors = new Map<string, number[]>();
  readonly topicIds = new Map<string, Buffer>();

  static async start(nodes = 1): Promise<FakeCluster> {
    const c = new FakeCluster();
    for (let i = 0; i < nodes; i++) c.brokers.push(await FakeBroker.start());
    for (const b of c.brokers) {
      b.handlers.set(3, (req) => c.metadata(req.body as MetadataRequest));
      b.handlers.set(0, (req, broker) => c.produce(req.body as ProduceRequest, broker));
      b.handlers.set(1, (req) => c.fetch(req.body as FetchRequest));
      b.handlers.set(2, (req) => c.listOffsets(req.body as ListOffsetsRequest));
    }
    return c;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.brokers[0]!.port}`;
  }

  addTopic(name: string, partitions: number): void {
    this.topics.set(name, partitions);
    const id = Buffer.alloc(16);
    id.writeUInt32BE(this.topics.size, 12);
    this.topicIds.set(name, id);
    for (let p = 0; p < partitions; p++) this.logs.set(`${name}-${p}`, { batches: [], next: 0n });
  }

  leaderOf(partition: number): number {
    return partition % this.brokers.length;
  }

  /** Appends a batch as if produced (base offset assigned); returns its base offset. */
  append(topic: string, partition: number, batch: Buffer): bigint {
    const log = this.logs.get(`${topic}-${partition}`)!;
    const copy = Buffer.from(batch);
    const base = log.next;
    copy.writeBigInt64BE(base, 0);
    const count = decodeRecordBatches(copy).reduce((n, b) => n + b.header.lastOffsetDelta + 1, 0);
    log.batches.push(copy);
    log.next += BigInt(count);
    return base;
  }

  records(topic: string, partition: number): DecodedRecord[] {
    const log = this.logs.get(`${topic}-${partition}`)!;
    return log.batches.flatMap((b) => decodeRecordBatches(b).flatMap((d) => d.records));
  }

  async close(): Promise<void> {
    await Promise.all(this.brokers.map((b) => b.close()));
  }

  private metadata(req: MetadataRequest): MetadataResponse {
    const names = req.topics === null ? [...this.topics.keys()] : req.topics.map((t) => t.name!);
    return {
      throttleTimeMs: 0,
      brokers: this.brokers.map((b, i) => ({ nodeId: i, host: '127.0.0.1', port: b.port, rack: null })),
      clusterId: 'fake-cluster',
      controllerId: 0,
      topics: names.map((name) => {
        const n = this.topics.get(name);
        if (n === undefined) {
          return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: Buffer.alloc(16), isInternal: false, partitions: [], topicAuthorizedOperations: 0 };
        }
        return {
          errorCode: 0,
          name,
          topicId: this.topicIds.get(name)!,
          isInternal: false,
          partitions: Array.from({ length: n }, (_, p) => ({
            errorCode: 0,
            partitionIndex: p,
            leaderId: this.leaderOf(p),
            leaderEpoch: 0,
            replicaNodes: [this.leaderOf(p)],
            isrNodes: [this.leaderOf(p)],
            offlineReplicas: [],
          })),
          topicAuthorizedOperations: 0,
        };
      }),
      clusterAuthorizedOperations: 0,
    };
  }

  private produce(req: ProduceRequest, broker: FakeBroker): ProduceResponse | undefined {
    const nodeId = this.brokers.indexOf(broker);
    const responses = req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => {
        const key = `${t.name}-${p.index}`;
        const base = { index: p.index, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null };
        const scripted = this.produceErrors.get(key)?.shift();
        if (scripted !== undefined) return { ...base, errorCode: scripted };
        if (!this.logs.has(key)) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        if (this.leaderOf(p.index) !== nodeId) return { ...base, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
        return { ...base, errorCode: 0, baseOffset: this.append(t.name, p.index, p.records as Buffer) };
      }),
    }));
    if (req.acks === 0) return undefined;
    return { responses, throttleTimeMs: 0 };
  }

  private fetch(req: FetchRequest): FetchResponse {
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const log = this.logs.get(`${t.topic}-${p.partition}`);
          const base = { partitionIndex: p.partition, highWatermark: log?.next ?? -1n, lastStableOffset: log?.next ?? -1n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1 };
          if (!log) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, records: Buffer.alloc(0) };
          if (p.fetchOffset > log.next) return { ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: Buffer.alloc(0) };
          // Whole batches from the one containing fetchOffset, up to partitionMaxBytes (at least one).
          const out: Buffer[] = [];
          let size = 0;
          for (const b of log.batches) {
            const last = b.readBigInt64BE(0) + BigInt(b.readInt32BE(LAST_OFFSET_DELTA_OFFSET));
            if (last < p.fetchOffset) continue;
            if (out.length > 0 && size + b.length > p.partitionMaxBytes) break;
            out.push(b);
            size += b.length;
          }
          return { ...base, errorCode: 0, records: Buffer.concat(out) };
        }),
      })),
    };
  }

  private listOffsets(req: ListOffsetsRequest): ListOffsetsResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const log = this.logs.get(`${t.name}-${p.partitionIndex}`);
          if (!log) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
          return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1n, offset: p.timestamp === -2n ? 0n : log.next, leaderEpoch: 0 };
        }),
      })),
    };
  }
}

export function joinResponse(r: Partial<JoinGroupResponse> & { memberId: string }): JoinGroupResponse {
  return { throttleTimeMs: 0, errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: '', skipAssignment: false, members: [], ...r };
}

/**
 * A scripted group coordinator on broker 0: by default a group of one member that leads, assigns
 * with its first protocol and heartbeats fine. Tests replace `join`, `sync` and `heartbeat` to
 * script other answers; other members exist only in scripted JoinGroup responses. Offsets
 * committed are kept in `committed` ("topic-partition" → offset) and served by OffsetFetch.
 */
export class FakeGroupCoordinator {
  generation = 0;
  readonly committed = new Map<string, bigint>();
  join: (req: ReceivedRequest) => JoinGroupResponse | Promise<JoinGroupResponse> = (req) => {
    const body = req.body as JoinGroupRequest;
    const memberId = body.memberId || 'member-1';
    const protocol = body.protocols[0]!;
    return joinResponse({
      memberId,
      generationId: ++this.generation,
      protocolName: protocol.name,
      leader: memberId,
      members: [{ memberId, groupInstanceId: body.groupInstanceId, metadata: protocol.metadata }],
    });
  };
  sync: (req: ReceivedRequest) => SyncGroupResponse | Promise<SyncGroupResponse> = (req) => {
    const body = req.body as SyncGroupRequest;
    const mine = body.assignments.find((a) => a.memberId === body.memberId);
    return { throttleTimeMs: 0, errorCode: 0, protocolType: 'consumer', protocolName: body.protocolName, assignment: mine?.assignment ?? Buffer.alloc(0) };
  };
  heartbeat: (req: ReceivedRequest) => number = () => 0;

  constructor(readonly broker: FakeBroker) {
    const coordinator = { key: '', nodeId: 0, host: '127.0.0.1', port: broker.port, errorCode: 0, errorMessage: null };
    broker.handlers.set(10, (req) => ({
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      nodeId: 0,
      host: '127.0.0.1',
      port: broker.port,
      coordinators: (req.body.coordinatorKeys as string[]).map((key) => ({ ...coordinator, key })),
    }));
    broker.handlers.set(11, (req) => this.join(req));
    broker.handlers.set(14, (req) => this.sync(req));
    broker.handlers.set(12, (req) => ({ throttleTimeMs: 0, errorCode: this.heartbeat(req) }));
    broker.handlers.set(13, () => ({ throttleTimeMs: 0, errorCode: 0, members: [] }));
    broker.handlers.set(8, (req) => this.offsetCommit(req.body as OffsetCommitRequest));
    broker.handlers.set(9, (req) => this.offsetFetch(req.body as OffsetFetchRequest));
  }

  requests<T>(apiKey: number): T[] {
    return this.broker.requests(apiKey).map((r) => r.body as T);
  }

  private offsetCommit(req: OffsetCommitRequest): OffsetCommitResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          this.committed.set(`${t.name}-${p.partitionIndex}`, p.committedOffset);
          return { partitionIndex: p.partitionIndex, errorCode: 0 };
        }),
      })),
    };
  }

  private offsetFetch(req: OffsetFetchRequest): OffsetFetchResponse {
    const topics = (req.groups[0]?.topics ?? req.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => ({
        partitionIndex: p,
        committedOffset: this.committed.get(`${t.name}-${p}`) ?? -1n,
        committedLeaderEpoch: -1,
        metadata: '',
        errorCode: 0,
      })),
    }));
    return { throttleTimeMs: 0, topics, errorCode: 0, groups: req.groups.map((g) => ({ groupId: g.groupId, topics, errorCode: 0 })) };
  }
}
