import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/protocol/reader.js';
import { decodeRecordBatches } from '../../../src/protocol/records/record-batch.js';
import { b64, loadCapture } from './load-capture.js';

// Legacy message sets are decoded through decodeRecordBatches, which dispatches on the magic byte.
const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

describe('legacy v0/v1 message sets against kafka-python 2.0.2 captures', () => {
  // legacy-v0-lz4 carries the pre-KIP-57 lz4 header checksum that magic 0 writers used.
  const captures = ['legacy-v0-plain', 'legacy-v1-plain', 'legacy-v0-gzip', 'legacy-v1-gzip', 'legacy-v1-gzip-log-append-time', 'legacy-v0-lz4', 'legacy-v1-lz4', 'legacy-v1-snappy'];
  for (const name of captures) {
    it(`decodes ${name}`, () => {
      const { bytes, expected } = loadCapture(name);
      const batches = decodeRecordBatches(bytes);
      const records = batches.flatMap((b) => b.records);
      const want = expected.flatMap((b) => b.records);
      expect(records.map((r) => [r.offset, r.timestamp, r.key, r.value])).toEqual(want.map((r) => [BigInt(r.offset), BigInt(r.timestamp), b64(r.key), b64(r.value)]));
      expect(batches.map((b) => b.timestampType)).toEqual(expected.map((b) => (b.timestampType === 1 ? 'LogAppendTime' : 'CreateTime')));
      expect(batches.map((b) => b.compression)).toEqual(expected.map((b) => COMPRESSION_NAMES[b.compression]));
      for (const b of batches) {
        expect(b.header.producerId).toBe(-1n);
        expect(b.header.baseOffset).toBe(b.records[0]!.offset);
        expect(b.header.recordCount).toBe(b.records.length);
      }
    });
  }

  it('leaves out messages below fromOffset, inside a compressed wrapper too, keeping the header', () => {
    for (const name of ['legacy-v1-plain', 'legacy-v1-gzip']) {
      const { bytes } = loadCapture(name);
      const all = decodeRecordBatches(bytes).flatMap((b) => b.records.map((r) => [r.offset, r.key, r.value]));
      const from = all[2]![0] as bigint;
      const batches = decodeRecordBatches(bytes, { fromOffset: from });
      expect(batches.flatMap((b) => b.records.map((r) => [r.offset, r.key, r.value]))).toEqual(all.slice(2));
      expect(batches.map((b) => b.header)).toEqual(decodeRecordBatches(bytes).map((b) => b.header));
    }
  });

  it('verifies the CRC-32 of each message', () => {
    const bytes = Buffer.from(loadCapture('legacy-v1-plain').bytes);
    bytes[30]! ^= 0xff;
    expect(() => decodeRecordBatches(bytes)).toThrow(/crc/);
    expect(decodeRecordBatches(bytes, { verifyCrc: false })).toHaveLength(4);
  });

  it('stops at a truncated trailing message', () => {
    const { bytes } = loadCapture('legacy-v0-plain');
    expect(decodeRecordBatches(bytes.subarray(0, bytes.length - 3))).toHaveLength(3);
  });

  it('rejects a message whose fields do not fill its size', () => {
    const bytes = Buffer.from(loadCapture('legacy-v0-gzip').bytes);
    bytes.writeInt32BE(bytes.readInt32BE(8) - 1, 8);
    expect(() => decodeRecordBatches(bytes.subarray(0, bytes.length - 1), { verifyCrc: false })).toThrow(DecodeError);
  });
});
