// The single-node cluster's metadata: which topics exist, their ids, partition counts and config
// overrides, the cluster id, and which producer ids have been handed out. It lives in the first
// log dir as three files:
//   meta.properties              Kafka's format (version, node.id, cluster.id), written once
//   mq-topics.json               {"version":1,"topics":[{"name","id","partitions","configs"}]}
//   mq-producer-id-block.json    the last reserved block of producer ids, in the form of ZooKeeper
//                                Kafka's /latest_producer_id_block znode:
//                                {"version":1,"broker":1,"block_start":"0","block_end":"999"}
// All are written temp-file-then-rename, so a crash leaves either the old or the new file.
// In a cluster this role moves to the coordination service; handlers only see this interface.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/checkpoint.js';
import { StorageError } from '../storage/errors.js';
import { parseProperties } from '../properties.js';

export interface TopicMetadata {
  readonly name: string;
  /** 16-byte topic UUID, assigned at creation (KIP-516). */
  readonly id: Buffer;
  partitions: number;
  /** Topic-level config overrides (only what was set explicitly). */
  configs: Record<string, string>;
}

const TOPICS_FILE = 'mq-topics.json';
const META_FILE = 'meta.properties';
const MAX_TOPIC_NAME_LENGTH = 249;

/** Kafka's Uuid.toString(): URL-safe base64 without padding. */
export function uuidToString(id: Buffer): string {
  return id.toString('base64url');
}

/**
 * A random topic id. Kafka never hands out the zero UUID or one whose text starts with '-'
 * (it would read as a command-line flag), so neither do we.
 */
export function randomTopicId(): Buffer {
  for (;;) {
    const id = randomBytes(16);
    if (!id.equals(Buffer.alloc(16)) && !uuidToString(id).startsWith('-')) return id;
  }
}

/** Kafka's topic-name rules (AK common/internals/Topic.java); returns the problem or null. */
export function invalidTopicName(name: string): string | null {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

export class TopicRegistry {
  private readonly topics = new Map<string, TopicMetadata>();
  private readonly byId = new Map<string, TopicMetadata>();
  readonly clusterId: string;

  constructor(
    private readonly dir: string,
    nodeId: number,
  ) {
    mkdirSync(dir, { recursive: true });
    this.clusterId = this.loadOrCreateClusterId(nodeId);
    const path = join(dir, TOPICS_FILE);
    if (existsSync(path)) {
      const doc = JSON.parse(readFileSync(path, 'utf8')) as {
        topics: Array<{ name: string; id: string; partitions: number; configs: Record<string, string> }>;
      };
      for (const t of doc.topics) this.index({ name: t.name, id: Buffer.from(t.id, 'base64url'), partitions: t.partitions, configs: t.configs });
    }
  }

  private loadOrCreateClusterId(nodeId: number): string {
    const path = join(this.dir, META_FILE);
    if (existsSync(path)) {
      const props = parseProperties(readFileSync(path, 'utf8'));
      if (props['cluster.id']) return props['cluster.id'];
    }
    const clusterId = uuidToString(randomTopicId());
    writeFileAtomic(path, `#\n#${new Date().toString()}\nnode.id=${nodeId}\nversion=1\ncluster.id=${clusterId}\n`);
    return clusterId;
  }

  private index(t: TopicMetadata): void {
    this.topics.set(t.name, t);
    this.byId.set(t.id.toString('hex'), t);
  }

  private persist(): void {
    const topics = [...this.topics.values()].map((t) => ({ name: t.name, id: uuidToString(t.id), partitions: t.partitions, configs: t.configs }));
    writeFileAtomic(join(this.dir, TOPICS_FILE), JSON.stringify({ version: 1, topics }, null, 2) + '\n');
  }

  get(name: string): TopicMetadata | undefined {
    return this.topics.get(name);
  }

  getById(id: Buffer): TopicMetadata | undefined {
    return this.byId.get(id.toString('hex'));
  }

  all(): IterableIterator<TopicMetadata> {
    return this.topics.values();
  }

  add(t: TopicMetadata): void {
    this.index(t);
    this.persist();
  }

  setPartitionCount(name: string, partitions: number): void {
    const t = this.topics.get(name);
    if (!t) throw new Error(`no topic ${name}`);
    t.partitions = partitions;
    this.persist();
  }

  /** Replaces a topic's config overrides (AlterConfigs); if the file cannot be written, nothing changes. */
  setConfigs(name: string, configs: Record<string, string>): void {
    const t = this.topics.get(name);
    if (!t) throw new Error(`no topic ${name}`);
    const before = t.configs;
    t.configs = { ...configs };
    try {
      this.persist();
    } catch (e) {
      t.configs = before;
      throw e;
    }
  }

  remove(name: string): void {
    const t = this.topics.get(name);
    if (!t) return;
    this.topics.delete(name);
    this.byId.delete(t.id.toString('hex'));
    this.persist();
  }
}

const PRODUCER_ID_BLOCK_FILE = 'mq-producer-id-block.json';
/** Ids reserved per write of the block file (AK ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE). */
export const PRODUCER_ID_BLOCK_SIZE = 1000n;

/**
 * Hands out producer ids for InitProducerId (AK ProducerIdManager). Ids are never reused, even
 * across restarts: before the first id of a block is handed out, the block's end is persisted, and
 * a restart continues after the last persisted block, skipping whatever of it was left unused, as
 * Kafka does. One write per PRODUCER_ID_BLOCK_SIZE ids keeps InitProducerId cheap.
 */
export class ProducerIdManager {
  private readonly path: string;
  /** The next id to hand out; every id below it may have been handed out. */
  private next: bigint;
  /** Last id of the persisted block; `next` may not pass it without persisting a new block. */
  private blockEnd: bigint;

  constructor(
    dir: string,
    private readonly nodeId: number,
  ) {
    this.path = join(dir, PRODUCER_ID_BLOCK_FILE);
    this.blockEnd = this.loadBlockEnd();
    this.next = this.blockEnd + 1n;
  }

  private loadBlockEnd(): bigint {
    if (!existsSync(this.path)) return -1n;
    const doc = JSON.parse(readFileSync(this.path, 'utf8')) as { version: number; block_end: string };
    if (doc.version !== 1 || !/^\d+$/.test(doc.block_end)) throw new StorageError('KAFKA_STORAGE_ERROR', `malformed ${this.path}: ${JSON.stringify(doc)}`);
    return BigInt(doc.block_end);
  }

  /** A producer id never handed out before. */
  generate(): bigint {
    if (this.next > this.blockEnd) {
      const start = this.next;
      const end = start + PRODUCER_ID_BLOCK_SIZE - 1n;
      writeFileAtomic(this.path, JSON.stringify({ version: 1, broker: this.nodeId, block_start: String(start), block_end: String(end) }) + '\n');
      this.blockEnd = end;
    }
    return this.next++;
  }

  /** Whether `producerId` may have come from generate(), in this run or an earlier one. */
  issued(producerId: bigint): boolean {
    return producerId >= 0n && producerId < this.next;
  }
}
