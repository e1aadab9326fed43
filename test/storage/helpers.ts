// Shared fixtures for storage tests: temp dirs removed after each test, batches built with the
// real encoder, and a reader that walks a log from start to end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { decodeRecordBatches, encodeRecordBatch } from '../../src/protocol/records/record-batch.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../src/storage/log-config.js';
import { loadPartitionLog } from '../../src/storage/log-loader.js';
import type { PartitionLog } from '../../src/storage/log.js';

/** Returns a factory of fresh temp dirs; every dir it made is removed after each test. */
export function useTmpDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), 'mq-storage-'));
    dirs.push(d);
    return d;
  };
}

export function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}

/** A batch of `count` records with timestamps `timestamps[i]` (or ts0 + i) and values of `valueSize` bytes. */
export function makeBatch(count: number, opts: { ts?: bigint; timestamps?: readonly bigint[]; valueSize?: number; compression?: 'none' | 'gzip'; tag?: number } = {}): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`k${i % 10}`),
    // Content differs per tag while every batch of the same shape has the same size.
    value: Buffer.alloc(opts.valueSize ?? 20, ((opts.tag ?? 0) * 7 + i) & 0xff),
    timestamp: opts.timestamps?.[i] ?? (opts.ts ?? 1_700_000_000_000n) + BigInt(i),
  }));
  return encodeRecordBatch(records, { compression: opts.compression ?? 'none' });
}

/** Splits whole batches (as returned by reads) into one buffer per batch. */
export function splitBatches(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const size = 12 + buf.readInt32BE(pos + 8);
    out.push(buf.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}

/** Every batch of the log in order, read the way a consumer does (next offset after each chunk). */
export function readAllBatches(log: PartitionLog, maxBytes = 1 << 20): Buffer[] {
  const batches: Buffer[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { chunks } = log.read(offset, maxBytes, { minOneMessage: true });
    if (chunks.length === 0) throw new Error(`no data at offset ${offset} below log end ${log.logEndOffset}`);
    for (const b of splitBatches(Buffer.concat(chunks))) {
      batches.push(b);
      offset = b.readBigInt64BE(0) + BigInt(b.readInt32BE(23)) + 1n;
    }
  }
  return batches;
}

/** What the model keeps of each appended batch: its bytes as stored and its records' timestamps. */
export interface ModelBatch {
  base: bigint;
  last: bigint;
  bytes: Buffer;
  timestamps: bigint[];
}

export function modelBatch(stored: Buffer): ModelBatch {
  const [b] = decodeRecordBatches(stored);
  return { base: b!.header.baseOffset, last: b!.header.baseOffset + BigInt(b!.header.lastOffsetDelta), bytes: Buffer.from(stored), timestamps: b!.records.map((r) => r.timestamp) };
}

/** Opens a partition directory the way LogManager does. */
export function openLog(dir: string, cfg: LogConfig, opts: { cleanShutdown?: boolean; recoveryPoint?: bigint; logStartOffset?: bigint; clock?: () => number } = {}): PartitionLog {
  return loadPartitionLog({
    dir,
    topic: 't',
    partition: 0,
    topicId: null,
    config: cfg,
    cleanShutdown: opts.cleanShutdown ?? false,
    recoveryPoint: opts.recoveryPoint ?? 0n,
    logStartOffset: opts.logStartOffset ?? 0n,
    clock: opts.clock ?? Date.now,
  });
}
