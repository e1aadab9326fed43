import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecordBatches, encodeRecordBatch, stampLogAppendTime, verifyBatchCrc } from '../../src/protocol/records/record-batch.js';
import { crc32c } from '../../src/protocol/records/crc32c.js';
import { StorageError } from '../../src/storage/errors.js';
import type { PartitionLog } from '../../src/storage/log.js';
import { config, makeBatch, modelBatch, openLog, readAllBatches, splitBatches, useTmpDirs, type ModelBatch } from './helpers.js';

function kafkaError(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof StorageError) return e.kafkaError;
    throw e;
  }
  return undefined;
}

/** Appends `batch` and records what was stored in the model. */
function appendTo(log: PartitionLog, model: ModelBatch[], batch: Buffer): void {
  const before = log.logEndOffset;
  const result = log.append(batch);
  expect(result.baseOffset).toBe(before);
  model.push(modelBatch(batch));
  expect(result.lastOffset).toBe(model[model.length - 1]!.last);
  expect(log.logEndOffset).toBe(result.lastOffset + 1n);
  expect(log.highWatermark).toBe(log.logEndOffset);
}

/** The model's answer to offsetForTimestamp: the first record, in offset order, at or after `ts`. */
function firstAtOrAfter(model: ModelBatch[], ts: bigint): { offset: bigint; timestamp: bigint } | null {
  for (const b of model) {
    const i = b.timestamps.findIndex((t) => t >= ts);
    if (i >= 0) return { offset: b.base + BigInt(i), timestamp: b.timestamps[i]! };
  }
  return null;
}

const batchSpec = fc.record({
  count: fc.integer({ min: 1, max: 8 }),
  valueSize: fc.integer({ min: 0, max: 250 }),
  gzip: fc.boolean(),
  // Client timestamps: mostly rising, sometimes going back (CreateTime does not require order).
  timestamps: fc.array(fc.integer({ min: -50, max: 200 }), { minLength: 8, maxLength: 8 }),
});

describe('PartitionLog against an in-memory model', () => {
  const tmp = useTmpDirs();

  it('stores, rolls and reads back exactly what was appended', () => {
    fc.assert(
      fc.property(fc.array(batchSpec, { minLength: 1, maxLength: 60 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3000 }), fc.boolean()), { maxLength: 40 }), (specs, reads) => {
        const dir = tmp();
        const log = openLog(dir, config({ 'segment.bytes': 3000, 'index.interval.bytes': 300 }));
        const model: ModelBatch[] = [];
        let ts = 1_000_000n;
        for (const [n, s] of specs.entries()) {
          const timestamps = s.timestamps.slice(0, s.count).map((d) => (ts += BigInt(d)));
          appendTo(log, model, makeBatch(s.count, { timestamps, valueSize: s.valueSize, compression: s.gzip ? 'gzip' : 'none', tag: n }));
        }
        // Sequential consumption returns every batch, byte for byte.
        expect(readAllBatches(log)).toEqual(model.map((b) => b.bytes));
        expect(log.segmentBaseOffsets().length).toBe(readdirSync(dir).filter((f) => f.endsWith('.log')).length);
        if (model.reduce((n, b) => n + b.bytes.length, 0) > 6000) expect(log.segmentBaseOffsets().length).toBeGreaterThan(1);

        // Random reads: a run of whole batches starting with the one holding the offset.
        const end = log.logEndOffset;
        for (const [seed, maxBytes, minOne] of reads) {
          const offset = BigInt(seed) % (end + 1n);
          const { chunks, size, highWatermark } = log.read(offset, maxBytes, { minOneMessage: minOne });
          expect(highWatermark).toBe(end);
          const got = chunks.flatMap(splitBatches);
          expect(size).toBe(got.reduce((n, b) => n + b.length, 0));
          const first = model.findIndex((b) => b.last >= offset);
          if (first < 0) {
            expect(got).toEqual([]);
            continue;
          }
          expect(got).toEqual(model.slice(first, first + got.length).map((b) => b.bytes));
          if (got.length > 1 || !minOne) expect(size).toBeLessThanOrEqual(maxBytes);
          if (minOne || model[first]!.bytes.length <= maxBytes) expect(got.length).toBeGreaterThan(0);
        }

        // Timestamp search agrees with a scan of the model.
        for (let t = 999_900n; t <= ts + 10n; t += 37n) expect(log.offsetForTimestamp(t)).toEqual(firstAtOrAfter(model, t));
        const maxTs = model.flatMap((b) => b.timestamps).reduce((a, b) => (b > a ? b : a), -1n);
        expect(log.offsetForTimestamp(-3n)).toEqual(firstAtOrAfter(model, maxTs));
        expect(log.offsetForTimestamp(-1n)).toEqual({ offset: end, timestamp: -1n });
        expect(log.offsetForTimestamp(-2n)).toEqual({ offset: 0n, timestamp: -1n });
        log.close();
      }),
      { numRuns: 25 },
    );
  });

  it('returns a whole batch for an offset inside it', () => {
    const log = openLog(tmp(), config());
    const model: ModelBatch[] = [];
    for (let i = 0; i < 3; i++) appendTo(log, model, makeBatch(10, { tag: i }));
    for (const offset of [10n, 15n, 19n]) expect(log.read(offset, 1 << 20).chunks.flatMap(splitBatches)).toEqual(model.slice(1).map((b) => b.bytes));
    expect(log.read(30n, 1 << 20)).toMatchObject({ chunks: [], size: 0 });
    log.close();
  });

  it('answers OFFSET_OUT_OF_RANGE below the log start and beyond the log end', () => {
    const log = openLog(tmp(), config());
    log.append(makeBatch(3));
    expect(kafkaError(() => log.read(4n, 100))).toBe('OFFSET_OUT_OF_RANGE');
    expect(kafkaError(() => log.read(-1n, 100))).toBe('OFFSET_OUT_OF_RANGE');
    expect(() => log.read(4n, 100)).toThrow(/offset 4 is out of range for t-0: log start offset 0, log end offset 3/);
    expect(log.read(3n, 100).chunks).toEqual([]);
    log.close();
  });

  it('validates batch headers and CRC before writing anything', () => {
    const log = openLog(tmp(), config({ 'max.message.bytes': 500 }));
    const good = makeBatch(2);
    const crc = Buffer.from(good);
    crc[crc.length - 1]! ^= 1;
    const magic = Buffer.from(good);
    magic[16] = 1;
    const countMismatch = Buffer.from(good);
    countMismatch.writeInt32BE(3, 57);
    const control = Buffer.from(good);
    control.writeInt16BE(0x20, 21);
    expect(kafkaError(() => log.append(Buffer.concat([good, crc])))).toBe('CORRUPT_MESSAGE');
    expect(kafkaError(() => log.append(magic))).toBe('INVALID_RECORD');
    expect(kafkaError(() => log.append(makeBatch(1, { valueSize: 600 })))).toBe('MESSAGE_TOO_LARGE');
    expect(kafkaError(() => log.append(good.subarray(0, good.length - 1)))).toBe('CORRUPT_MESSAGE');
    expect(kafkaError(() => log.append(Buffer.concat([good, Buffer.alloc(7)])))).toBe('CORRUPT_MESSAGE');
    expect(kafkaError(() => log.append(Buffer.alloc(0)))).toBe('INVALID_RECORD');
    // Header fields changed without a new CRC fail the CRC first; with a fixed CRC they are invalid.
    for (const b of [countMismatch, control]) {
      expect(kafkaError(() => log.append(b))).toBe('CORRUPT_MESSAGE');
      stampLogAppendTime(b, 0, b.readBigInt64BE(35)); // recomputes the CRC
      expect(kafkaError(() => log.append(b))).toBe('INVALID_RECORD');
    }
    expect(log.logEndOffset).toBe(0n);
    expect(kafkaError(() => openLog(tmp(), config({ 'segment.bytes': 100 })).append(makeBatch(2)))).toBe('RECORD_LIST_TOO_LARGE');
    expect(log.append(good).baseOffset).toBe(0n);
    log.close();
  });

  it('appends several batches in one call with consecutive offsets', () => {
    const log = openLog(tmp(), config());
    const result = log.append(Buffer.concat([makeBatch(2), makeBatch(3), makeBatch(1)]));
    expect(result).toEqual({ baseOffset: 0n, lastOffset: 5n, logAppendTime: -1n, logStartOffset: 0n, duplicate: false });
    expect(readAllBatches(log).map((b) => b.readBigInt64BE(0))).toEqual([0n, 2n, 5n]);
    // The leader's epoch (0 on a single node) replaces the producer's -1, outside the CRC.
    expect(readAllBatches(log).map((b) => [b.readInt32BE(12), verifyBatchCrc(b, 0, b.readInt32BE(8))])).toEqual([[0, true], [0, true], [0, true]]);
    log.close();
  });

  it('stamps LogAppendTime batches with the broker clock and keeps their CRC valid', () => {
    const log = openLog(tmp(), config({ 'message.timestamp.type': 'LogAppendTime' }), { clock: () => 1_234_567 });
    const result = log.append(makeBatch(3, { ts: 5n }));
    expect(result.logAppendTime).toBe(1_234_567n);
    const [batch] = decodeRecordBatches(Buffer.concat(log.read(0n, 1 << 20).chunks));
    expect(batch!.timestampType).toBe('LogAppendTime');
    expect(batch!.records.map((r) => r.timestamp)).toEqual([1_234_567n, 1_234_567n, 1_234_567n]);
    expect(log.offsetForTimestamp(1_000_000n)).toEqual({ offset: 0n, timestamp: 1_234_567n });
    log.close();
  });

  it('rolls on segment.ms using the injected clock when records carry no timestamps', () => {
    let now = 0;
    const log = openLog(tmp(), config({ 'segment.ms': 100 }), { clock: () => now });
    log.append(makeBatch(1, { ts: -1n }));
    now = 100;
    log.append(makeBatch(1, { ts: -1n }));
    expect(log.segmentBaseOffsets()).toEqual([0n]);
    now = 101;
    log.append(makeBatch(1, { ts: -1n }));
    expect(log.segmentBaseOffsets()).toEqual([0n, 2n]);
    log.close();
  });

  it('notifies append listeners until they unsubscribe', () => {
    const log = openLog(tmp(), config());
    const seen: bigint[] = [];
    const off = log.onAppend((l) => seen.push(l.logEndOffset));
    log.append(makeBatch(2));
    log.append(makeBatch(1));
    off();
    log.append(makeBatch(1));
    expect(seen).toEqual([2n, 3n]);
    log.close();
  });

  it('fsyncs after flush.messages messages and advances the recovery point', () => {
    const log = openLog(tmp(), config({ 'flush.messages': 5 }));
    log.append(makeBatch(3));
    expect(log.recoveryPoint).toBe(0n);
    log.append(makeBatch(3));
    expect(log.recoveryPoint).toBe(6n);
    log.close();
  });

  it('applies a config swapped in by updateConfig to the next append: flush.messages, segment.bytes, max.message.bytes', () => {
    const log = openLog(tmp(), config());
    log.append(makeBatch(3));
    expect(log.recoveryPoint).toBe(0n);
    const batch = makeBatch(1);
    log.updateConfig(config({ 'flush.messages': 1, 'segment.bytes': batch.length + 1, 'max.message.bytes': batch.length }));
    expect(log.config['flush.messages']).toBe(1);
    // The active segment already holds more than the new segment.bytes: the append rolls first.
    log.append(batch);
    expect(log.recoveryPoint).toBe(4n);
    expect(log.segmentBaseOffsets()).toEqual([0n, 3n]);
    expect(kafkaError(() => log.append(makeBatch(2)))).toBe('MESSAGE_TOO_LARGE');
    log.close();
  });

  it('stops a read_committed read at the last stable offset and a read at the high watermark', () => {
    const log = openLog(tmp(), config());
    log.append(makeBatch(2));
    expect(log.read(0n, 1 << 20, { isolation: 'read_committed' }).size).toBe(log.read(0n, 1 << 20).size);
    expect(log.lastStableOffset).toBe(2n);
    log.close();
  });

  it('finds nothing for timestamps beyond every record, and for an empty log', () => {
    const log = openLog(tmp(), config());
    expect(log.offsetForTimestamp(-3n)).toBeNull();
    expect(log.offsetForTimestamp(5n)).toBeNull();
    expect(log.offsetForTimestamp(-1n)).toEqual({ offset: 0n, timestamp: -1n });
    log.append(encodeRecordBatch([{ key: null, value: null, timestamp: 100n }]));
    expect(log.offsetForTimestamp(101n)).toBeNull();
    expect(log.offsetForTimestamp(-7n)).toBeNull();
    log.close();
  });
});

describe('compression codec ids', () => {
  const tmp = useTmpDirs();

  /** `batch` re-marked with compression id `id` (attributes bits 0-2), its CRC-32C recomputed. */
  function withCodecId(batch: Buffer, id: number): Buffer {
    const out = Buffer.from(batch);
    out.writeInt16BE((out.readInt16BE(21) & ~0x07) | id, 21);
    out.writeUInt32BE(crc32c(out.subarray(21)), 17);
    return out;
  }

  it('refuses a batch with an undefined codec id (5-7) with UNSUPPORTED_COMPRESSION_TYPE, on compacted and other topics alike', () => {
    for (const policy of [['compact'], ['delete']] as const) {
      const log = openLog(tmp(), config({ 'cleanup.policy': [...policy] }));
      for (const id of [5, 6, 7]) {
        const batch = withCodecId(makeBatch(2), id);
        expect(verifyBatchCrc(batch, 0, batch.length - 12)).toBe(true);
        let error: unknown;
        try {
          log.append(batch);
        } catch (e) {
          error = e;
        }
        expect(error, `${policy} id ${id}`).toBeInstanceOf(StorageError);
        expect((error as StorageError).kafkaError).toBe('UNSUPPORTED_COMPRESSION_TYPE');
      }
      expect(log.logEndOffset).toBe(0n);
      log.close();
    }
  });
});
