// Broker-side recompression for topics whose compression.type names a codec (AK LogValidator:
// when the target codec differs from the batch's, Kafka rebuilds the batch). Everything but the
// codec is kept: base offset, partition leader epoch, attribute bits other than the codec,
// timestamps, producer id/epoch/sequence, the record count and every record byte. That holds
// because a v2 batch's record section has the same layout compressed or not: the section is
// decompressed and compressed again as a whole, and only batchLength, the codec bits and the CRC
// change.
//
// Before a section is stored under a fresh CRC its records are walked by their length prefixes,
// so a section that does not hold exactly recordCount records is refused rather than blessed.

import { DecodeError, Reader } from '../reader.js';
import { compress, compressionName, CompressionType, decompress, type CompressionName } from './compression.js';
import { crc32c } from './crc32c.js';
import {
  ATTR_COMPRESSION_MASK,
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  LOG_OVERHEAD,
  RECORDS_COUNT_OFFSET,
} from './record-batch.js';

/**
 * `records` (whole v2 batches, already validated by header and CRC) with every batch not in
 * `codec` recompressed into it; the same buffer when every batch already is. Throws DecodeError
 * for a section that does not decompress or does not hold its records, and
 * UnsupportedCompressionError for an unknown codec id.
 */
export function recompressBatches(records: Buffer, codec: CompressionName): Buffer {
  const target = CompressionType[codec];
  let parts: Buffer[] | null = null;
  for (let pos = 0; pos < records.length; ) {
    const end = pos + LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    const batch = records.subarray(pos, end);
    if ((batch.readInt16BE(ATTRIBUTES_OFFSET) & ATTR_COMPRESSION_MASK) !== target) {
      // The batches before the first one that changes go in as they are.
      parts ??= pos > 0 ? [records.subarray(0, pos)] : [];
      parts.push(recompressBatch(batch, codec));
    } else if (parts) {
      parts.push(batch);
    }
    pos = end;
  }
  return parts ? Buffer.concat(parts) : records;
}

function recompressBatch(batch: Buffer, codec: CompressionName): Buffer {
  const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
  const source = compressionName(attributes & ATTR_COMPRESSION_MASK);
  const stored = batch.subarray(BATCH_HEADER_SIZE);
  const section = source === 'none' ? stored : decompress(source, stored);
  checkRecordSection(section, batch.readInt32BE(RECORDS_COUNT_OFFSET));
  const body = codec === 'none' ? section : compress(codec, section);
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + body.length);
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
  body.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt16BE((attributes & ~ATTR_COMPRESSION_MASK) | CompressionType[codec], ATTRIBUTES_OFFSET);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return out;
}

/** The section holds exactly `count` records, judged by their length varints. */
function checkRecordSection(section: Buffer, count: number): void {
  const r = new Reader(section);
  for (let i = 0; i < count; i++) {
    const length = r.varint();
    if (length < 0) throw new DecodeError(`record ${i} has length ${length}`, r.offset, 'length');
    r.raw(length);
  }
  if (r.remaining !== 0) throw new DecodeError(`${r.remaining} bytes after the batch's ${count} records`, r.offset, 'records');
}
