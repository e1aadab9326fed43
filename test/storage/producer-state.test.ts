// Producer state (idempotent produce, KIP-98) through PartitionLog: a model of what the broker
// must answer for random appends, retries, gaps, epoch bumps and restarts; the snapshot file
// format, byte for byte as Kafka's ProducerStateManager defines it; and recovery after a crash.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/protocol/records/crc32c.js';
import { encodeRecordBatch } from '../../src/protocol/records/record-batch.js';
import { StorageError } from '../../src/storage/errors.js';
import type { AppendResult, PartitionLog } from '../../src/storage/log.js';
import { decrementSequence, incrementSequence, NUM_BATCHES_TO_RETAIN, ProducerStateManager, snapshotFilePath } from '../../src/storage/producer-state.js';
import { config, openLog, readAllBatches, useTmpDirs } from './helpers.js';

const INT32_MAX = 2 ** 31 - 1;
const CFG = config({ 'segment.bytes': 1500, 'index.interval.bytes': 200 });

function idempotentBatch(producerId: bigint, epoch: number, baseSequence: number, count: number, ts = BigInt(Date.now())): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`p${producerId}e${epoch}s${baseSequence}+${i}`), timestamp: ts }));
  return encodeRecordBatch(records, { producerId, producerEpoch: epoch, baseSequence });
}

type Outcome = { kind: 'appended'; base: bigint } | { kind: 'duplicate'; base: bigint; last: bigint } | { kind: 'error'; error: string };

function attempt(log: PartitionLog, batch: Buffer): Outcome {
  let r: AppendResult;
  try {
    r = log.append(Buffer.from(batch));
  } catch (e) {
    if (e instanceof StorageError) return { kind: 'error', error: e.kafkaError };
    throw e;
  }
  return r.duplicate ? { kind: 'duplicate', base: r.baseOffset, last: r.lastOffset } : { kind: 'appended', base: r.baseOffset };
}

describe('sequence arithmetic', () => {
  it('wraps from Int32 max to 0 both ways (AK DefaultRecordBatch)', () => {
    expect(incrementSequence(5, 3)).toBe(8);
    expect(incrementSequence(INT32_MAX, 1)).toBe(0);
    expect(incrementSequence(INT32_MAX - 1, 4)).toBe(2);
    expect(decrementSequence(2, 4)).toBe(INT32_MAX - 1);
    fc.assert(fc.property(fc.integer({ min: 0, max: INT32_MAX }), fc.integer({ min: 0, max: 1000 }), (s, n) => decrementSequence(incrementSequence(s, n), n) === s));
  });
});

// ------------------------------------------------------------------ the model

/** What the model keeps of a producer: its epoch and every batch appended in that epoch. */
interface ModelProducer {
  epoch: number;
  batches: Array<{ firstSeq: number; lastSeq: number; base: bigint; last: bigint; bytes: Buffer }>;
}

const mod = (n: number): number => ((n % 2 ** 31) + 2 ** 31) % 2 ** 31;

type Op =
  | { kind: 'next'; producer: number; count: number; start: number }
  | { kind: 'retry'; producer: number; back: number }
  | { kind: 'gap'; producer: number; skip: number; count: number }
  | { kind: 'bump'; producer: number; fromZero: boolean; count: number }
  | { kind: 'stale'; producer: number; count: number }
  | { kind: 'plain'; count: number }
  | { kind: 'reopen'; clean: boolean };

const producerArb = fc.integer({ min: 1, max: 3 });
const countArb = fc.integer({ min: 1, max: 4 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('next' as const), producer: producerArb, count: countArb, start: fc.constantFrom(0, 17, INT32_MAX - 3) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('retry' as const), producer: producerArb, back: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('gap' as const), producer: producerArb, skip: fc.integer({ min: 1, max: 5 }), count: countArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bump' as const), producer: producerArb, fromZero: fc.boolean(), count: countArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale' as const), producer: producerArb, count: countArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('plain' as const), count: countArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), clean: fc.boolean() }) },
);

describe('producer state against a model', () => {
  const tmp = useTmpDirs();

  it('answers appends, retries, gaps, bumps and stale epochs as the model says, across clean and crashed restarts', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80 }), (ops) => {
        const dir = tmp();
        let log = openLog(dir, CFG);
        const model = new Map<number, ModelProducer>();
        /** Every batch the log must hold, in order. */
        const stored: Array<{ base: bigint; bytes: Buffer }> = [];
        const apply = (batch: Buffer, expected: 'append' | 'error', error?: string): Outcome => {
          const out = attempt(log, batch);
          if (expected === 'append') {
            expect(out).toEqual({ kind: 'appended', base: stored.length === 0 ? 0n : stored[stored.length - 1]!.base + BigInt(stored[stored.length - 1]!.bytes.readInt32BE(23)) + 1n });
            stored.push({ base: (out as { base: bigint }).base, bytes: batch });
          } else {
            expect(out).toEqual({ kind: 'error', error });
          }
          return out;
        };
        const record = (p: number, epoch: number, firstSeq: number, count: number, batch: Buffer, base: bigint): void => {
          let m = model.get(p);
          if (!m || m.epoch !== epoch) model.set(p, (m = { epoch, batches: [] }));
          m.batches.push({ firstSeq, lastSeq: mod(firstSeq + count - 1), base, last: base + BigInt(count - 1), bytes: batch });
        };
        for (const op of ops) {
          if (op.kind === 'reopen') {
            log.close(op.clean ? {} : { flush: false });
            log = openLog(dir, CFG, { cleanShutdown: op.clean });
            continue;
          }
          if (op.kind === 'plain') {
            apply(encodeRecordBatch(Array.from({ length: op.count }, () => ({ key: null, value: Buffer.from('plain'), timestamp: BigInt(Date.now()) }))), 'append');
            continue;
          }
          const pid = BigInt(op.producer);
          const m = model.get(op.producer);
          const last = m?.batches[m.batches.length - 1];
          const next = last ? mod(last.lastSeq + 1) : 0;
          switch (op.kind) {
            case 'next': {
              const seq = m ? next : op.start;
              const batch = idempotentBatch(pid, m?.epoch ?? 0, seq, op.count);
              const out = apply(batch, 'append');
              record(op.producer, m?.epoch ?? 0, seq, op.count, batch, (out as { base: bigint }).base);
              break;
            }
            case 'retry': {
              if (!m || op.back > m.batches.length) break;
              const original = m.batches[m.batches.length - op.back]!;
              const out = attempt(log, Buffer.from(original.bytes));
              if (op.back <= NUM_BATCHES_TO_RETAIN) expect(out).toEqual({ kind: 'duplicate', base: original.base, last: original.last });
              else expect(out).toEqual({ kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
              break;
            }
            case 'gap': {
              const seq = mod(next + op.skip);
              const batch = idempotentBatch(pid, m?.epoch ?? 0, seq, op.count);
              // An unknown producer may start anywhere.
              if (!m) record(op.producer, 0, seq, op.count, batch, (apply(batch, 'append') as { base: bigint }).base);
              else apply(batch, 'error', 'OUT_OF_ORDER_SEQUENCE_NUMBER');
              break;
            }
            case 'bump': {
              const epoch = (m?.epoch ?? 0) + 1;
              const seq = op.fromZero ? 0 : 3;
              const batch = idempotentBatch(pid, epoch, seq, op.count);
              if (!m || op.fromZero) record(op.producer, epoch, seq, op.count, batch, (apply(batch, 'append') as { base: bigint }).base);
              else apply(batch, 'error', 'OUT_OF_ORDER_SEQUENCE_NUMBER');
              break;
            }
            case 'stale': {
              if (!m || m.epoch === 0) break;
              apply(idempotentBatch(pid, m.epoch - 1, next, op.count), 'error', 'INVALID_PRODUCER_EPOCH');
              break;
            }
          }
        }
        const onDisk = readAllBatches(log);
        expect(onDisk.map((b) => b.readBigInt64BE(0))).toEqual(stored.map((s) => s.base));
        // As sent from the magic byte on; before it, the leader's stamps: base offset and epoch 0.
        expect(onDisk.map((b) => b.subarray(16).toString('hex'))).toEqual(stored.map((s) => s.bytes.subarray(16).toString('hex')));
        expect(onDisk.every((b) => b.readInt32BE(12) === 0)).toBe(true);
        log.close();
      }),
      { numRuns: 60 },
    );
  });
});

// ------------------------------------------------------------------ snapshots and recovery

describe('producer state snapshots', () => {
  const tmp = useTmpDirs();

  /** Appends `n` batches of 2 records for producer 7, epoch 0, from sequence 0; returns them. */
  function produce(log: PartitionLog, n: number, from = 0): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const b = idempotentBatch(7n, 0, (from + i) * 2, 2);
      expect(attempt(log, b).kind).toBe('appended');
      out.push(b);
    }
    return out;
  }

  function snapshots(dir: string): string[] {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.snapshot'))
      .sort();
  }

  it('writes Kafka’s version-1 snapshot at the log end on close, one entry per retained batch, and reads it back', () => {
    const dir = tmp();
    const log = openLog(dir, config());
    const batches = produce(log, 7);
    expect(attempt(log, idempotentBatch(9n, 3, 100, 1, 1_000n)).kind).toBe('appended');
    log.close();
    expect(snapshots(dir)).toEqual(['00000000000000000015.snapshot']);
    const bytes = readFileSync(join(dir, '00000000000000000015.snapshot'));
    expect(bytes.readInt16BE(0)).toBe(1);
    expect(bytes.readUInt32BE(2)).toBe(crc32c(bytes.subarray(6)));
    expect(bytes.readInt32BE(6)).toBe(NUM_BATCHES_TO_RETAIN + 1);
    expect(bytes.length).toBe(10 + 6 * 46);
    // The last entry of producer 7 is its newest batch: sequences 12-13 at offsets 12-13.
    const entry = (i: number) => bytes.subarray(10 + i * 46, 10 + (i + 1) * 46);
    const last7 = entry(NUM_BATCHES_TO_RETAIN - 1);
    expect(last7.readBigInt64BE(0)).toBe(7n);
    expect(last7.readInt16BE(8)).toBe(0);
    expect(last7.readInt32BE(10)).toBe(13);
    expect(last7.readBigInt64BE(14)).toBe(13n);
    expect(last7.readInt32BE(22)).toBe(1);
    expect(last7.readInt32BE(34)).toBe(-1);
    expect(last7.readBigInt64BE(38)).toBe(-1n);
    expect(entry(5).readBigInt64BE(0)).toBe(9n);
    expect(entry(5).readBigInt64BE(26)).toBe(1_000n);

    const reopened = openLog(dir, config(), { cleanShutdown: true });
    for (const [i, b] of batches.entries()) {
      const expected = i >= batches.length - NUM_BATCHES_TO_RETAIN ? { kind: 'duplicate', base: BigInt(i * 2), last: BigInt(i * 2 + 1) } : { kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' };
      expect(attempt(reopened, b)).toEqual(expected);
    }
    expect(reopened.logEndOffset).toBe(15n);
    reopened.close();
  });

  it('loads a snapshot as Kafka writes it: one entry per producer, and entries without a batch', () => {
    const dir = tmp();
    openLog(dir, config()).close();
    // Hand-written from ProducerStateManager's PID_SNAPSHOT_MAP_SCHEMA: producer 5 epoch 2 whose
    // last batch had sequences 8-10 at offsets 20-22; producer 6 epoch 4 with no batch (-1 offset).
    const body = Buffer.from(
      [
        '00000002',
        '0000000000000005 0002 0000000a 0000000000000016 00000002 7fffffffffffffff ffffffff ffffffffffffffff',
        '0000000000000006 0004 ffffffff ffffffffffffffff 00000000 7fffffffffffffff ffffffff ffffffffffffffff',
      ]
        .join('')
        .replace(/\s+/g, ''),
      'hex',
    );
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32c(body));
    const state = new ProducerStateManager(dir, 't-0', 1000);
    writeFileSync(snapshotFilePath(dir, 23n), Buffer.concat([Buffer.from('0001', 'hex'), crc, body]));
    expect(state.load([0n], 0n, 23n, false, Date.now())).toBe(23n);
    expect(state.get(5n)).toEqual({ epoch: 2, lastTimestamp: 0x7fffffffffffffffn, batches: [{ firstSeq: 8, lastSeq: 10, firstOffset: 20n, lastOffset: 22n, timestamp: 0x7fffffffffffffffn }] });
    expect(state.get(6n)).toEqual({ epoch: 4, batches: [], lastTimestamp: 0x7fffffffffffffffn });
    // Producer 6 is known at epoch 4 with no sequence yet: only sequence 0 continues it.
    expect(() => state.check({ producerId: 6n, epoch: 4, firstSeq: 1, lastSeq: 1 })).toThrow(StorageError);
    expect(state.check({ producerId: 6n, epoch: 4, firstSeq: 0, lastSeq: 0 })).toBeNull();
    expect(state.check({ producerId: 5n, epoch: 2, firstSeq: 8, lastSeq: 10 })).toEqual({ firstSeq: 8, lastSeq: 10, firstOffset: 20n, lastOffset: 22n, timestamp: 0x7fffffffffffffffn });
  });

  it('after a crash, rebuilds from the last roll snapshot plus the batch headers after it, and still finds duplicates', () => {
    const dir = tmp();
    const log = openLog(dir, CFG);
    const batches = produce(log, 40);
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(2);
    // Every roll left a snapshot at the new segment's base, none at the log end (no close).
    expect(snapshots(dir).map((f) => BigInt(f.slice(0, 20)))).toEqual(log.segmentBaseOffsets().slice(1));
    // Crash: the log is abandoned without close, so there is no clean-shutdown snapshot.
    const reopened = openLog(dir, CFG, { cleanShutdown: false });
    expect(reopened.logEndOffset).toBe(80n);
    for (const [i, b] of batches.slice(-NUM_BATCHES_TO_RETAIN).entries()) {
      const n = batches.length - NUM_BATCHES_TO_RETAIN + i;
      expect(attempt(reopened, b)).toEqual({ kind: 'duplicate', base: BigInt(n * 2), last: BigInt(n * 2 + 1) });
    }
    expect(attempt(reopened, idempotentBatch(7n, 0, 82, 1)).kind).toBe('error');
    expect(attempt(reopened, idempotentBatch(7n, 0, 80, 1))).toEqual({ kind: 'appended', base: 80n });
    // The rebuild left a snapshot at the log end it reached, so a second crash reads nothing again.
    expect(existsSync(snapshotFilePath(dir, 80n))).toBe(true);
    reopened.close();
  });

  it('falls back to an older snapshot when the latest is corrupt', () => {
    const dir = tmp();
    const log = openLog(dir, CFG);
    const batches = produce(log, 40);
    log.close();
    const files = snapshots(dir);
    expect(files[files.length - 1]).toBe('00000000000000000080.snapshot');
    const latest = join(dir, files[files.length - 1]!);
    const bytes = readFileSync(latest);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(latest, bytes);
    const reopened = openLog(dir, CFG, { cleanShutdown: true });
    expect(attempt(reopened, batches[39]!)).toEqual({ kind: 'duplicate', base: 78n, last: 79n });
    expect(attempt(reopened, batches[35]!)).toEqual({ kind: 'duplicate', base: 70n, last: 71n });
    // The corrupt file was replaced by the state rebuilt up to the log end.
    const rewritten = readFileSync(latest);
    expect(rewritten.readUInt32BE(2)).toBe(crc32c(rewritten.subarray(6)));
    reopened.close();
  });

  it('drops a snapshot past the end of a log that recovery truncated, and forgets the lost batch', () => {
    const dir = tmp();
    const log = openLog(dir, config());
    const batches = produce(log, 6);
    log.close();
    expect(snapshots(dir)).toEqual(['00000000000000000012.snapshot']);
    // Tear the last batch: recovery truncates it, the log now ends at offset 10.
    const segment = join(dir, '00000000000000000000.log');
    writeFileSync(segment, readFileSync(segment).subarray(0, -5));
    const reopened = openLog(dir, config(), { cleanShutdown: false });
    expect(reopened.logEndOffset).toBe(10n);
    expect(snapshots(dir)).toEqual(['00000000000000000010.snapshot']);
    expect(attempt(reopened, batches[4]!)).toEqual({ kind: 'duplicate', base: 8n, last: 9n });
    expect(attempt(reopened, batches[5]!)).toEqual({ kind: 'appended', base: 10n });
    reopened.close();
  });

  it('rebuilds from the log alone when there is no snapshot after a crash', () => {
    const dir = tmp();
    const log = openLog(dir, config());
    const batches = produce(log, 6);
    log.close({ flush: false });
    expect(snapshots(dir)).toEqual([]);
    const reopened = openLog(dir, config(), { cleanShutdown: false });
    expect(attempt(reopened, batches[5]!)).toEqual({ kind: 'duplicate', base: 10n, last: 11n });
    expect(attempt(reopened, batches[0]!)).toEqual({ kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    reopened.close();
  });

  it('does not read the log after a clean shutdown that left no snapshot (data from before producer state)', () => {
    const dir = tmp();
    const log = openLog(dir, config());
    produce(log, 3);
    log.close({ flush: false });
    const reopened = openLog(dir, config(), { cleanShutdown: true });
    // Producer 7 is unknown now, so any sequence is taken; the log end got a snapshot.
    expect(attempt(reopened, idempotentBatch(7n, 0, 1000, 1))).toEqual({ kind: 'appended', base: 6n });
    expect(existsSync(snapshotFilePath(dir, 6n))).toBe(true);
    reopened.close();
  });

  it('writes no snapshot for a log that never held anything', () => {
    const dir = tmp();
    openLog(dir, config()).close();
    openLog(dir, config(), { cleanShutdown: true }).close();
    expect(snapshots(dir)).toEqual([]);
  });
});

describe('producer state rules', () => {
  const tmp = useTmpDirs();

  it('refuses a batch with a producer id but no sequence (AK LogValidator)', () => {
    const log = openLog(tmp(), config());
    expect(attempt(log, idempotentBatch(1n, 0, -1, 1))).toEqual({ kind: 'error', error: 'INVALID_RECORD' });
    log.close();
  });

  it('checks several batches of one producer in one append in order, and answers a duplicate among them', () => {
    const log = openLog(tmp(), config());
    const a = idempotentBatch(1n, 0, 0, 2);
    const b = idempotentBatch(1n, 0, 2, 3);
    expect(attempt(log, Buffer.concat([a, b]))).toEqual({ kind: 'appended', base: 0n });
    expect(attempt(log, Buffer.concat([idempotentBatch(1n, 0, 5, 1), idempotentBatch(1n, 0, 7, 1)]))).toEqual({ kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(attempt(log, Buffer.concat([Buffer.from(b), idempotentBatch(1n, 0, 5, 1)]))).toEqual({ kind: 'duplicate', base: 2n, last: 4n });
    expect(log.logEndOffset).toBe(5n);
    log.close();
  });

  it('continues a sequence across the Int32 wrap, within a batch and between batches', () => {
    const log = openLog(tmp(), config());
    expect(attempt(log, idempotentBatch(1n, 0, INT32_MAX - 1, 4)).kind).toBe('appended');
    // Sequences MAX-1, MAX, 0, 1.
    expect(log.producerState.get(1n)!.batches[0]).toMatchObject({ firstSeq: INT32_MAX - 1, lastSeq: 1 });
    expect(attempt(log, idempotentBatch(1n, 0, 3, 1))).toEqual({ kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(attempt(log, idempotentBatch(1n, 0, 2, 1)).kind).toBe('appended');
    expect(attempt(log, idempotentBatch(2n, 0, INT32_MAX, 1)).kind).toBe('appended');
    expect(attempt(log, idempotentBatch(2n, 0, 0, 1)).kind).toBe('appended');
    log.close();
  });

  it('forgets producers idle for producer.id.expiration.ms, and skips expired ones when loading', () => {
    const dir = tmp();
    let now = 1_000_000;
    const log = openLog(dir, config(), { clock: () => now });
    const state = log.producerState;
    expect(state.expirationMs).toBe(86_400_000);
    expect(attempt(log, idempotentBatch(1n, 0, 0, 1, 1_000_000n)).kind).toBe('appended');
    expect(attempt(log, idempotentBatch(2n, 0, 0, 1, 1_000_000n + 50_000_000n)).kind).toBe('appended');
    now += 86_400_000;
    state.removeExpired(now);
    expect([state.get(1n) !== undefined, state.get(2n) !== undefined]).toEqual([false, true]);
    // Producer 1 is unknown again: any sequence goes.
    expect(attempt(log, idempotentBatch(1n, 0, 50, 1, BigInt(now))).kind).toBe('appended');
    log.close();
    now += 60_000_000;
    const reopened = openLog(dir, config(), { cleanShutdown: true, clock: () => now });
    expect([reopened.producerState.get(1n) !== undefined, reopened.producerState.get(2n) !== undefined]).toEqual([true, false]);
    reopened.close();
  });
});
