// Producer state of one partition (AK ProducerStateManager, ProducerStateEntry,
// ProducerAppendInfo): for every producer id that wrote to the partition, its epoch and the
// metadata of its last NUM_BATCHES_TO_RETAIN batches (first/last sequence, first/last offset,
// max timestamp). Idempotent produce (KIP-98) rests on it. A client batch that carries a producer
// id is checked against it before anything is written, from the batch header alone, in Kafka's
// order:
//
//   1. Same epoch and the same sequence range as a retained batch: a DUPLICATE. Nothing is
//      appended and the producer is answered NONE with the original batch's offsets
//      (UnifiedLog.analyzeAndValidateProducerState returns the duplicate's metadata), which is
//      what makes a retry after a lost response safe. Up to five batches may be in flight per
//      partition (max.in.flight.requests.per.connection <= 5), hence five retained.
//   2. An epoch below the producer's: INVALID_PRODUCER_EPOCH (Kafka answers produce with it rather
//      than PRODUCER_FENCED since 2.7, KIP-588).
//   3. A higher epoch must start at sequence 0 (KIP-360 epoch bump), else
//      OUT_OF_ORDER_SEQUENCE_NUMBER.
//   4. The same epoch must continue the last sequence (Int32 max wraps to 0), else
//      OUT_OF_ORDER_SEQUENCE_NUMBER.
//
// An unknown producer id (never seen here, or expired) is accepted at any sequence, as Kafka has
// done since KIP-360 (2.5): this broker never answers UNKNOWN_PRODUCER_ID. Nor does it answer
// DUPLICATE_SEQUENCE_NUMBER: like Kafka since 1.0 it recognises duplicates only among the
// retained batches and calls anything older out of order.
//
// Snapshots: `<offset>.snapshot`, the offset 20-digit zero-padded like segment names, holds the
// state as of that log end offset (AK ProducerStateManager.writeSnapshot, format version 1). All
// numbers big-endian:
//
//   version      i16  1
//   crc          u32  CRC-32C of every byte after this field
//   count        i32  number of entries
//   entries      count × 46 bytes:
//     producer_id i64 | epoch i16 | last_sequence i32 | last_offset i64 | offset_delta i32 |
//     timestamp i64 | coordinator_epoch i32 (always -1) | current_txn_first_offset i64 (always -1)
//
// Kafka writes one entry per producer, for its last batch, so after a restart it can recognise
// only a retry of that one. mq writes one entry per retained batch, oldest first, so all five
// survive; the format is unchanged, and Kafka reading such a file keeps the last entry of each
// producer id, which is exactly the entry it would have written itself.
//
// A snapshot is taken when a segment rolls (named by the new segment's base offset) and at a clean
// shutdown (named by the log end offset); loading starts from the latest readable one and replays
// the batch headers after it (log-loader.ts), so after a crash only the active segment is read.
// Roll snapshots are not fsynced (a torn one fails its CRC and is deleted, and the next older one
// plus the log rebuild the same state); the clean-shutdown one is.
//
// Concurrency: owned by one PartitionLog; single writer on the event loop.

import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../protocol/records/crc32c.js';
import {
  ATTR_CONTROL,
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
} from '../protocol/records/record-batch.js';
import { StorageError } from './errors.js';
import { writeFully } from './file-io.js';
import { filenamePrefixFromOffset, offsetFromFileName, TMP_SUFFIX } from './log-files.js';

/** Batches remembered per producer (AK ProducerStateEntry.NUM_BATCHES_TO_RETAIN). */
export const NUM_BATCHES_TO_RETAIN = 5;
/** producer.id.expiration.ms default: one day without a write forgets a producer (KIP-854). */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000;
export const SNAPSHOT_SUFFIX = '.snapshot';

const SNAPSHOT_VERSION = 1;
const SNAPSHOT_HEADER_BYTES = 2 + 4 + 4;
const SNAPSHOT_ENTRY_BYTES = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;
const INT32_MAX = 0x7fffffff;
const NO_SEQUENCE = -1;

/** `seq + increment` in the sequence space, which wraps from Int32 max to 0 (AK DefaultRecordBatch.incrementSequence). */
export function incrementSequence(seq: number, increment: number): number {
  return seq > INT32_MAX - increment ? increment - (INT32_MAX - seq) - 1 : seq + increment;
}

/** `seq - decrement` in the wrapping sequence space (AK DefaultRecordBatch.decrementSequence). */
export function decrementSequence(seq: number, decrement: number): number {
  return seq < decrement ? INT32_MAX - (decrement - seq) + 1 : seq - decrement;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

export function snapshotFilePath(dir: string, offset: bigint): string {
  return join(dir, filenamePrefixFromOffset(offset) + SNAPSHOT_SUFFIX);
}

/** One appended batch of a producer, as Kafka's BatchMetadata keeps it. */
export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  /** Max timestamp of the batch as stored (the append time on LogAppendTime topics). */
  readonly timestamp: bigint;
}

export interface ProducerStateEntry {
  epoch: number;
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN, all of the current epoch. */
  batches: BatchMetadata[];
  /** Timestamp of the producer's last batch; expiration counts from it, as in Kafka. */
  lastTimestamp: bigint;
}

/** Where an earlier batch of the same append leaves its producer (AK ProducerAppendInfo.updatedEntry). */
export interface PendingProducerBatch {
  readonly epoch: number;
  readonly lastSeq: number;
}

/** The producer fields of a v2 batch header at `pos`. */
export interface ProducerBatchHeader {
  producerId: bigint;
  epoch: number;
  firstSeq: number;
  lastSeq: number;
}

/**
 * True when the batch at `pos` carries a producer id. Only the sign byte is read: -1 (no producer)
 * has it set and every valid id has it clear, so batches of plain producers cost no BigInt.
 */
export function hasProducerId(buf: Buffer, pos: number): boolean {
  return buf[pos + PRODUCER_ID_OFFSET]! < 0x80;
}

export function readProducerBatchHeader(buf: Buffer, pos: number): ProducerBatchHeader {
  const firstSeq = buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET);
  return {
    producerId: buf.readBigInt64BE(pos + PRODUCER_ID_OFFSET),
    epoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    firstSeq,
    lastSeq: incrementSequence(firstSeq, buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET)),
  };
}

export class ProducerStateManager {
  private readonly producers = new Map<bigint, ProducerStateEntry>();
  /** The log end offset the state covers (AK mapEndOffset). */
  private mapEndOffset = 0n;
  /** Offset of the latest snapshot on disk; a snapshot is only worth writing past it. */
  private lastSnapOffset = 0n;

  constructor(
    readonly dir: string,
    /** `topic-partition`, for messages. */
    private readonly where: string,
    readonly expirationMs: number,
  ) {}

  /** Producer ids with state. */
  get size(): number {
    return this.producers.size;
  }

  get(producerId: bigint): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  /**
   * Last offset of every producer's latest batch. The log cleaner keeps those batches, if need
   * be without records, so a reload still finds each producer's last sequence (AK
   * LogCleaner's lastRecordsOfActiveProducers).
   */
  lastBatchOffsets(): Set<bigint> {
    const out = new Set<bigint>();
    for (const entry of this.producers.values()) {
      const last = entry.batches[entry.batches.length - 1];
      if (last) out.add(last.lastOffset);
    }
    return out;
  }

  /**
   * Checks a client batch about to be appended. Returns the retained batch it duplicates, or null
   * when it may be appended; throws StorageError (INVALID_PRODUCER_EPOCH,
   * OUT_OF_ORDER_SEQUENCE_NUMBER) when it may not. `pending` is the producer as an earlier batch
   * of the same append leaves it. Duplicates are looked for in the stored state only, as Kafka
   * does, since a batch cannot duplicate one that is not yet written.
   */
  check(batch: ProducerBatchHeader, pending?: PendingProducerBatch): BatchMetadata | null {
    const { producerId, epoch, firstSeq, lastSeq } = batch;
    const entry = this.producers.get(producerId);
    if (entry && epoch === entry.epoch) {
      for (const b of entry.batches) if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return b;
    }
    const currentEpoch = pending?.epoch ?? entry?.epoch;
    if (currentEpoch === undefined) return null;
    if (epoch < currentEpoch) {
      throw new StorageError(
        'INVALID_PRODUCER_EPOCH',
        `Epoch of producer ${producerId} in ${this.where} is ${epoch}, which is smaller than the last seen epoch ${currentEpoch}`,
      );
    }
    if (epoch !== currentEpoch) {
      if (firstSeq !== 0) {
        throw new StorageError(
          'OUT_OF_ORDER_SEQUENCE_NUMBER',
          `Invalid sequence number for new epoch of producer ${producerId} in ${this.where}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${currentEpoch} (current producer epoch)`,
        );
      }
      return null;
    }
    const last = entry?.batches[entry.batches.length - 1];
    const currentLastSeq = pending ? pending.lastSeq : (last?.lastSeq ?? NO_SEQUENCE);
    if (!inSequence(currentLastSeq, firstSeq)) {
      throw new StorageError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `Out of order sequence number for producer ${producerId} in ${this.where}: ${firstSeq} (incoming seq. number), ${currentLastSeq} (current end sequence number)`,
      );
    }
    return null;
  }

  /** Records an appended batch of a producer (AK ProducerStateEntry.addBatch); a new epoch forgets the old one's batches. */
  update(batch: ProducerBatchHeader, firstOffset: bigint, lastOffset: bigint, timestamp: bigint): void {
    const meta: BatchMetadata = { firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, firstOffset, lastOffset, timestamp };
    const entry = this.producers.get(batch.producerId);
    if (!entry) {
      this.producers.set(batch.producerId, { epoch: batch.epoch, batches: [meta], lastTimestamp: timestamp });
      return;
    }
    if (entry.epoch !== batch.epoch) {
      entry.epoch = batch.epoch;
      entry.batches = [];
    }
    if (entry.batches.length === NUM_BATCHES_TO_RETAIN) entry.batches.shift();
    entry.batches.push(meta);
    entry.lastTimestamp = timestamp;
  }

  /**
   * Applies a stored batch header while rebuilding from the log. No checks: the log holds only
   * batches that passed them (AK loads with AppendOrigin.REPLICATION). Control batches carry no
   * sequences and are skipped.
   */
  replay(header: Buffer): void {
    if (!hasProducerId(header, 0) || (header.readInt16BE(ATTRIBUTES_OFFSET) & ATTR_CONTROL) !== 0) return;
    const base = header.readBigInt64BE(BASE_OFFSET_OFFSET);
    const last = base + BigInt(header.readInt32BE(LAST_OFFSET_DELTA_OFFSET));
    this.update(readProducerBatchHeader(header, 0), base, last, header.readBigInt64BE(MAX_TIMESTAMP_OFFSET));
  }

  /** The log end offset after an append (AK updateMapEndOffset). */
  updateMapEndOffset(offset: bigint): void {
    this.mapEndOffset = offset;
  }

  /** Forgets producers idle for expirationMs (AK removeExpiredProducers). */
  removeExpired(now: number): void {
    const horizon = BigInt(now - this.expirationMs);
    for (const [id, entry] of this.producers) if (entry.lastTimestamp <= horizon) this.producers.delete(id);
  }

  /**
   * Writes `<mapEndOffset>.snapshot` unless the latest snapshot already covers that offset.
   * `sync` fsyncs it (clean shutdown); otherwise a torn file is caught by its CRC on load.
   */
  takeSnapshot(sync: boolean): void {
    if (this.mapEndOffset <= this.lastSnapOffset) return;
    const path = snapshotFilePath(this.dir, this.mapEndOffset);
    const tmp = path + TMP_SUFFIX;
    try {
      const fd = openSync(tmp, 'w');
      try {
        writeFully(fd, this.encodeSnapshot(), 0);
        if (sync) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (e) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `unable to write producer snapshot ${path}: ${(e as Error).message}`, { cause: e });
    }
    this.lastSnapOffset = this.mapEndOffset;
  }

  private encodeSnapshot(): Buffer {
    let count = 0;
    for (const entry of this.producers.values()) count += Math.max(1, entry.batches.length);
    const buf = Buffer.alloc(SNAPSHOT_HEADER_BYTES + count * SNAPSHOT_ENTRY_BYTES);
    buf.writeInt16BE(SNAPSHOT_VERSION, 0);
    buf.writeInt32BE(count, 6);
    let pos = SNAPSHOT_HEADER_BYTES;
    const put = (id: bigint, epoch: number, b: BatchMetadata | undefined, timestamp: bigint): void => {
      buf.writeBigInt64BE(id, pos);
      buf.writeInt16BE(epoch, pos + 8);
      buf.writeInt32BE(b?.lastSeq ?? NO_SEQUENCE, pos + 10);
      buf.writeBigInt64BE(b?.lastOffset ?? -1n, pos + 14);
      buf.writeInt32BE(b ? Number(b.lastOffset - b.firstOffset) : 0, pos + 22);
      buf.writeBigInt64BE(timestamp, pos + 26);
      buf.writeInt32BE(-1, pos + 34);
      buf.writeBigInt64BE(-1n, pos + 38);
      pos += SNAPSHOT_ENTRY_BYTES;
    };
    for (const [id, entry] of this.producers) {
      if (entry.batches.length === 0) put(id, entry.epoch, undefined, entry.lastTimestamp);
      for (const b of entry.batches) put(id, entry.epoch, b, b.timestamp);
    }
    buf.writeUInt32BE(crc32c(buf.subarray(6)), 2);
    return buf;
  }

  /** Null when the file is not a snapshot this code can trust (wrong version, size or CRC). */
  private static decodeSnapshot(buf: Buffer): Array<{ id: bigint; epoch: number; batch: BatchMetadata | null; timestamp: bigint }> | null {
    if (buf.length < SNAPSHOT_HEADER_BYTES || buf.readInt16BE(0) !== SNAPSHOT_VERSION) return null;
    const count = buf.readInt32BE(6);
    if (count < 0 || buf.length !== SNAPSHOT_HEADER_BYTES + count * SNAPSHOT_ENTRY_BYTES) return null;
    if (buf.readUInt32BE(2) !== crc32c(buf.subarray(6))) return null;
    const out = [];
    for (let pos = SNAPSHOT_HEADER_BYTES; pos < buf.length; pos += SNAPSHOT_ENTRY_BYTES) {
      const lastSeq = buf.readInt32BE(pos + 10);
      const lastOffset = buf.readBigInt64BE(pos + 14);
      const delta = buf.readInt32BE(pos + 22);
      const timestamp = buf.readBigInt64BE(pos + 26);
      const batch = lastOffset >= 0n ? { firstSeq: decrementSequence(lastSeq, delta), lastSeq, firstOffset: lastOffset - BigInt(delta), lastOffset, timestamp } : null;
      out.push({ id: buf.readBigInt64BE(pos), epoch: buf.readInt16BE(pos + 8), batch, timestamp });
    }
    return out;
  }

  /** Snapshot offsets in the directory, ascending. */
  private listSnapshots(): bigint[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith(SNAPSHOT_SUFFIX))
      .map((name) => offsetFromFileName(name))
      .filter((o): o is bigint => o !== null)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private deleteSnapshot(offset: bigint): void {
    rmSync(snapshotFilePath(this.dir, offset), { force: true });
  }

  /**
   * Startup, before the log's batches are replayed (AK LogLoader + ProducerStateManager
   * removeStraySnapshots, truncateAndReload, loadFromSnapshot):
   *   - a snapshot whose offset is no segment's base is stray and deleted, except the greatest
   *     one when it lies at or past the last segment's base (the clean-shutdown snapshot);
   *   - snapshots past the log end (the log was truncated) or at or below the log start are
   *     deleted;
   *   - the latest remaining one that reads back is loaded, producers already expired dropped;
   *     unreadable ones are deleted on the way.
   * Returns the offset from which the log must be replayed (then `finishLoad`). A log that was
   * shut down cleanly but has no snapshot file at all was written before producer state existed,
   * so it holds no producer batches: it starts empty at the log end with a snapshot there, without
   * reading the log (AK's same shortcut for logs from before 0.11).
   */
  load(segmentBases: readonly bigint[], logStartOffset: bigint, logEndOffset: bigint, cleanShutdown: boolean, now: number): bigint {
    const all = this.listSnapshots();
    if (all.length === 0 && cleanShutdown) {
      this.mapEndOffset = logEndOffset;
      this.lastSnapOffset = logStartOffset;
      if (logEndOffset > logStartOffset) this.takeSnapshot(false);
      return logEndOffset;
    }
    const bases = new Set(segmentBases);
    const strays = all.filter((o) => !bases.has(o));
    const lastBase = segmentBases[segmentBases.length - 1] ?? logStartOffset;
    const keep = strays.length > 0 && strays[strays.length - 1]! >= lastBase ? strays[strays.length - 1] : undefined;
    for (const o of strays) if (o !== keep) this.deleteSnapshot(o);
    const candidates = all.filter((o) => (bases.has(o) || o === keep) && o <= logEndOffset && o > logStartOffset);
    for (const o of all) if ((bases.has(o) || o === keep) && !candidates.includes(o)) this.deleteSnapshot(o);
    while (candidates.length > 0) {
      const offset = candidates.pop()!;
      const entries = ProducerStateManager.decodeSnapshot(readFileSync(snapshotFilePath(this.dir, offset)));
      if (!entries) {
        this.deleteSnapshot(offset);
        continue;
      }
      for (const e of entries) this.restore(e.id, e.epoch, e.batch, e.timestamp);
      this.removeExpired(now);
      this.mapEndOffset = offset;
      this.lastSnapOffset = offset;
      return offset;
    }
    this.mapEndOffset = logStartOffset;
    this.lastSnapOffset = logStartOffset;
    return logStartOffset;
  }

  private restore(id: bigint, epoch: number, batch: BatchMetadata | null, timestamp: bigint): void {
    let entry = this.producers.get(id);
    if (!entry || entry.epoch !== epoch) {
      entry = { epoch, batches: [], lastTimestamp: timestamp };
      this.producers.set(id, entry);
    }
    if (batch) {
      if (entry.batches.length === NUM_BATCHES_TO_RETAIN) entry.batches.shift();
      entry.batches.push(batch);
    }
    entry.lastTimestamp = timestamp;
  }

  /**
   * After the replay from `load`'s offset: the state now covers the log end. A snapshot is taken
   * there when anything was replayed, so a second crash does not read the same batches again.
   */
  finishLoad(logEndOffset: bigint, now: number): void {
    this.removeExpired(now);
    this.mapEndOffset = logEndOffset;
    this.takeSnapshot(false);
  }
}
