import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/protocol/reader.js';
import { CompressionType, type CompressionName } from '../../../src/protocol/records/compression.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  compressionOf,
  CRC_OFFSET,
  decodeRecordBatches,
  encodeRecordBatch,
  LOG_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  verifyBatchCrc,
  type DecodedBatch,
} from '../../../src/protocol/records/record-batch.js';
import { recompressBatches } from '../../../src/protocol/records/recompress.js';
import { loadCapture } from './load-capture.js';

const NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Everything a consumer sees of a batch except its codec. */
function content(batch: DecodedBatch): unknown {
  const { crc: _crc, batchLength: _length, attributes, ...header } = batch.header;
  return { header, attributes: attributes & ~7, timestampType: batch.timestampType, isTransactional: batch.isTransactional, records: batch.records };
}

describe('recompressBatches', () => {
  // Batches written by other producers (kafka-python, kcat) in every codec, transactional and
  // producer-id fields included, recompressed into every codec.
  const sources = ['v2-plain', 'v2-gzip', 'v2-transactional', 'v2-snappy', 'v2-lz4-kcat', 'v2-zstd-kcat', 'v2-snappy-kcat'];
  for (const name of sources) {
    it.each(NAMES)(`re-encodes ${name} as %s keeping every header field and record`, (codec) => {
      const { bytes } = loadCapture(name);
      const [before] = decodeRecordBatches(bytes);
      const out = recompressBatches(bytes, codec);
      expect(compressionOf(out)).toBe(CompressionType[codec]);
      expect(verifyBatchCrc(out, 0, out.readInt32BE(BATCH_LENGTH_OFFSET))).toBe(true);
      expect(out.length).toBe(LOG_OVERHEAD + out.readInt32BE(BATCH_LENGTH_OFFSET));
      const [after] = decodeRecordBatches(out);
      expect(content(after!)).toEqual(content(before!));
      if (before!.compression === codec) expect(out).toBe(bytes);
    });
  }

  it('returns the input itself when every batch is already in the codec', () => {
    const { bytes } = loadCapture('v2-multi');
    expect(recompressBatches(bytes, 'none')).not.toBe(bytes);
    const gzip = recompressBatches(bytes, 'gzip');
    expect(recompressBatches(gzip, 'gzip')).toBe(gzip);
  });

  it('recompresses only the batches in another codec and keeps their order', () => {
    const { bytes } = loadCapture('v2-multi'); // plain, gzip, plain (transactional)
    const out = recompressBatches(bytes, 'gzip');
    const batches = decodeRecordBatches(out);
    expect(batches.map((b) => b.compression)).toEqual(['gzip', 'gzip', 'gzip']);
    expect(batches.map(content)).toEqual(decodeRecordBatches(bytes).map(content));
    // The gzip batch in the middle is copied, not recompressed.
    const second = bytes.subarray(LOG_OVERHEAD + bytes.readInt32BE(BATCH_LENGTH_OFFSET));
    const secondSize = LOG_OVERHEAD + second.readInt32BE(BATCH_LENGTH_OFFSET);
    expect(out.includes(second.subarray(0, secondSize))).toBe(true);
  });

  it('refuses a section that does not hold the declared number of records', () => {
    const batch = encodeRecordBatch([{ key: null, value: Buffer.from('one'), timestamp: 1n }, { key: null, value: Buffer.from('two'), timestamp: 2n }]);
    const short = Buffer.from(batch);
    short.writeInt32BE(3, RECORDS_COUNT_OFFSET);
    expect(() => recompressBatches(short, 'lz4')).toThrow(DecodeError);
    const long = Buffer.from(batch);
    long.writeInt32BE(1, RECORDS_COUNT_OFFSET);
    expect(() => recompressBatches(long, 'lz4')).toThrow(/bytes after the batch's 1 records/);
  });

  it('refuses a compressed section that does not decompress', () => {
    const batch = Buffer.from(encodeRecordBatch([{ key: null, value: Buffer.from('x'.repeat(500)), timestamp: 1n }], { compression: 'zstd' }));
    batch.fill(0x11, BATCH_HEADER_SIZE + 4);
    expect(() => recompressBatches(batch, 'gzip')).toThrow(DecodeError);
  });

  it('keeps the attribute bits besides the codec', () => {
    const { bytes } = loadCapture('v2-transactional');
    const out = recompressBatches(bytes, 'snappy');
    expect(out.readInt16BE(ATTRIBUTES_OFFSET)).toBe(bytes.readInt16BE(ATTRIBUTES_OFFSET) | CompressionType.snappy);
    expect(out.readUInt32BE(CRC_OFFSET)).not.toBe(bytes.readUInt32BE(CRC_OFFSET));
  });
});
