// A real __consumer_offsets on disk for coordinator tests: partition logs in a temp dir through
// the LogManager, reopened by restart() as a broker restart would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { OFFSETS_TOPIC, type OffsetsTopicAccess } from '../../src/coordinator/offset-store.js';
import { logConfigFrom, type LogConfig } from '../../src/storage/log-config.js';
import { LogManager } from '../../src/storage/log-manager.js';
import type { PartitionLog } from '../../src/storage/log.js';

const TOPIC_ID = Buffer.alloc(16, 7);

export class OffsetsTopicOnDisk implements OffsetsTopicAccess {
  readonly dir = mkdtempSync(join(tmpdir(), 'mq-coordinator-'));
  private logs: LogManager;
  private readonly config: LogConfig;

  constructor(
    readonly partitions = 5,
    overrides: Record<string, string> = {},
  ) {
    this.config = logConfigFrom({ 'cleanup.policy': 'compact', 'segment.bytes': '104857600', ...overrides });
    this.logs = this.open();
  }

  private open(): LogManager {
    return LogManager.open({ logDirs: [this.dir], defaults: this.config });
  }

  partitionCount(): number {
    return this.partitions;
  }

  log(partition: number): PartitionLog {
    return this.logs.getLog(OFFSETS_TOPIC, partition) ?? this.logs.createLog(OFFSETS_TOPIC, partition, TOPIC_ID, this.config);
  }

  existingLogs(): PartitionLog[] {
    return [...this.logs.logs()].sort((a, b) => a.partition - b.partition);
  }

  /** Closes the logs cleanly and opens them again. */
  restart(): void {
    this.logs.close();
    this.logs = this.open();
  }

  destroy(): void {
    this.logs.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Returns a factory of on-disk offsets topics; each one is closed and removed after its test. */
export function useOffsetsTopics(): (partitions?: number, overrides?: Record<string, string>) => OffsetsTopicOnDisk {
  const made: OffsetsTopicOnDisk[] = [];
  afterEach(() => {
    for (const t of made.splice(0)) t.destroy();
  });
  return (partitions, overrides) => {
    const t = new OffsetsTopicOnDisk(partitions, overrides);
    made.push(t);
    return t;
  };
}
