import { spawnSync } from 'node:child_process';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/protocol/reader.js';
import { CompressionType, UnsupportedCompressionError } from '../../../src/protocol/records/compression.js';
import { crc32c } from '../../../src/protocol/records/crc32c.js';
import {
  ATTR_CONTROL,
  ATTR_DELETE_HORIZON,
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  batchCount,
  compressionOf,
  CRC_OFFSET,
  DecodedRecord,
  decodeRecordBatches,
  encodeRecordBatch,
  nextOffsetAfter,
  readBatchHeader,
  RecordBatchBuilder,
  RECORDS_COUNT_OFFSET,
  stampLogAppendTime,
  verifyBatchCrc,
  type DecodedBatch,
  type ProducerRecordInput,
  type RecordHeader,
} from '../../../src/protocol/records/record-batch.js';
import { b64, loadCapture, type ExpectedBatch } from './load-capture.js';

const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

function expectMatches(actual: DecodedBatch[], expected: ExpectedBatch[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((batch, i) => {
    const e = expected[i]!;
    if (e.baseOffset !== null) expect(batch.header.baseOffset).toBe(BigInt(e.baseOffset));
    if (e.maxTimestamp !== null) expect(batch.header.maxTimestamp).toBe(BigInt(e.maxTimestamp));
    expect(batch.compression).toBe(COMPRESSION_NAMES[e.compression]);
    expect(batch.timestampType).toBe(e.timestampType === 1 ? 'LogAppendTime' : 'CreateTime');
    expect(batch.isTransactional).toBe(e.transactional);
    expect(batch.isControl).toBe(false);
    expect(batch.header.recordCount).toBe(e.records.length);
    expect(
      batch.records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers.map((h) => [h.key, h.value]) })),
    ).toEqual(
      e.records.map((r) => ({ offset: BigInt(r.offset), timestamp: BigInt(r.timestamp), key: b64(r.key), value: b64(r.value), headers: r.headers.map(([k, v]) => [k, b64(v)]) })),
    );
  });
}

/** A decoded record's fields as a plain object (they are accessors on its prototype). */
function fieldsOf(r: DecodedRecord): object {
  return { offset: r.offset, timestamp: r.timestamp, timestampType: r.timestampType, key: r.key, value: r.value, headers: r.headers };
}

/** The producer inputs kafka-python was given, recovered from its own decode of the capture. */
function inputsOf(batch: ExpectedBatch): ProducerRecordInput[] {
  return batch.records.map((r) => ({
    key: b64(r.key),
    value: b64(r.value),
    headers: r.headers.map(([key, value]) => ({ key, value: b64(value) })),
    timestamp: BigInt(r.timestamp),
  }));
}

describe('decodeRecordBatches against kafka-python 2.0.2 and kcat 1.7.1 captures', () => {
  // kafka-python: xerial snappy, lz4 frames with content size, zstd frames with content size;
  // kcat (librdkafka 2.0.2): raw snappy, lz4 frames without it, zstd frames without it.
  const codecCaptures = ['snappy', 'lz4', 'zstd'].flatMap((codec) => [`v2-${codec}`, `v2-${codec}-kcat`]);
  for (const name of ['v2-plain', 'v2-headers-nulls', 'v2-gzip', 'v2-transactional', 'v2-multi', ...codecCaptures]) {
    it(`decodes ${name}`, () => {
      const { bytes, expected } = loadCapture(name);
      expectMatches(decodeRecordBatches(bytes), expected);
    });
  }

  it('reads the transactional batch header fields', () => {
    const { bytes } = loadCapture('v2-transactional');
    const h = readBatchHeader(bytes, 0);
    expect(h).toMatchObject({ magic: 2, producerId: 123456789012n, producerEpoch: 7, baseSequence: 42, recordCount: 3, lastOffsetDelta: 2, batchLength: bytes.length - 12 });
    expect(verifyBatchCrc(bytes, 0, h.batchLength)).toBe(true);
  });

  it('stops silently at a truncated trailing batch, wherever it is cut', () => {
    const { bytes, expected } = loadCapture('v2-multi');
    const sizes = [0];
    for (let pos = 0; pos < bytes.length; pos += 12 + bytes.readInt32BE(pos + 8)) sizes.push(pos + 12 + bytes.readInt32BE(pos + 8));
    const cuts = new Set(sizes.flatMap((s) => [s - 1, s, s + 1, s + 11, s + 12, s + 60, s + 61]).filter((c) => c >= 0 && c <= bytes.length));
    for (let c = 0; c <= bytes.length; c += 7) cuts.add(c);
    for (const cut of cuts) {
      const whole = sizes.filter((s) => s <= cut).length - 1;
      const decoded = decodeRecordBatches(bytes.subarray(0, cut));
      expect(decoded).toHaveLength(whole);
      expectMatches(decoded, expected.slice(0, whole));
    }
  });

  it('rejects a CRC mismatch unless asked not to verify', () => {
    const { bytes } = loadCapture('v2-plain');
    const bad = Buffer.from(bytes);
    bad[bad.length - 2]! ^= 0x01; // inside the last value
    expect(() => decodeRecordBatches(bad)).toThrow(DecodeError);
    expect(() => decodeRecordBatches(bad)).toThrow(/crc/);
    expect(decodeRecordBatches(bad, { verifyCrc: false })[0]!.records).toHaveLength(5);
  });

  it('rejects malformed records inside a valid-CRC batch', () => {
    const { bytes } = loadCapture('v2-plain');
    const bad = Buffer.from(bytes);
    bad.writeInt32BE(6, 57); // recordCount 6, but 5 records follow
    bad.writeUInt32BE(0, CRC_OFFSET);
    expect(() => decodeRecordBatches(bad, { verifyCrc: false })).toThrow(DecodeError);
    const short = Buffer.from(bytes);
    short.writeInt32BE(4, 57); // 4 records declared: bytes left over
    expect(() => decodeRecordBatches(short, { verifyCrc: false })).toThrow(/bytes left/);
  });

  it('rejects an unknown magic and a negative length', () => {
    const bad = Buffer.from(loadCapture('v2-plain').bytes);
    bad[16] = 3;
    expect(() => decodeRecordBatches(bad)).toThrow(/magic 3/);
    bad.writeInt32BE(-1, 8);
    expect(() => decodeRecordBatches(bad)).toThrow(/too small/);
  });

  it('refuses the codec ids Kafka does not define with a stable code', () => {
    const bytes = Buffer.from(loadCapture('v2-plain').bytes);
    bytes.writeInt16BE(5, ATTRIBUTES_OFFSET);
    const err = (() => {
      try {
        decodeRecordBatches(bytes, { verifyCrc: false });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnsupportedCompressionError);
    expect((err as UnsupportedCompressionError).code).toBe('MQ_ERR_UNSUPPORTED_COMPRESSION');
  });
});

describe('encodeRecordBatch against kafka-python 2.0.2 captures', () => {
  // kafka-python writes partitionLeaderEpoch 0 where the Java client writes -1; everything else
  // is the same format, so identical inputs give identical bytes.
  it.each([
    ['v2-plain', {}],
    ['v2-headers-nulls', {}],
    ['v2-transactional', { transactional: true, producerId: 123456789012n, producerEpoch: 7, baseSequence: 42 }],
  ] as const)('encodes %s byte for byte', (name, opts) => {
    const { bytes, expected } = loadCapture(name);
    expect(encodeRecordBatch(inputsOf(expected[0]!), { partitionLeaderEpoch: 0, ...opts }).toString('hex')).toBe(bytes.toString('hex'));
  });

  it('writes Java defaults for the producer fields', () => {
    const h = readBatchHeader(encodeRecordBatch([{ key: null, value: Buffer.from('v'), timestamp: 5n }]));
    expect(h).toMatchObject({ baseOffset: 0n, partitionLeaderEpoch: -1, magic: 2, attributes: 0, producerId: -1n, producerEpoch: -1, baseSequence: -1, recordCount: 1 });
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('compresses with %s and records the codec', (codec) => {
    const { expected } = loadCapture(`v2-${codec}`);
    const encoded = encodeRecordBatch(inputsOf(expected[0]!), { compression: codec, baseOffset: 0n });
    expect(compressionOf(encoded)).toBe(CompressionType[codec]);
    expect(encoded.length).toBeLessThan(encodeRecordBatch(inputsOf(expected[0]!)).length);
    expectMatches(decodeRecordBatches(encoded), expected);
  });

  it('refuses an empty batch', () => {
    expect(() => encodeRecordBatch([])).toThrow(RangeError);
  });
});

describe('header helpers', () => {
  it('stampLogAppendTime sets the type bit, the max timestamp and a valid CRC', () => {
    const batch = encodeRecordBatch([
      { key: null, value: Buffer.from('a'), timestamp: 10n },
      { key: null, value: Buffer.from('b'), timestamp: 30n },
    ]);
    stampLogAppendTime(batch, 0, 999n);
    const [decoded] = decodeRecordBatches(batch);
    expect(decoded!.timestampType).toBe('LogAppendTime');
    expect(decoded!.records.map((r) => r.timestamp)).toEqual([999n, 999n]);
  });

  it('batchCount counts whole batches and rejects trailing garbage', () => {
    const { bytes } = loadCapture('v2-multi');
    expect(batchCount(bytes)).toBe(3);
    expect(() => batchCount(bytes.subarray(0, bytes.length - 1))).toThrow(DecodeError);
    expect(() => batchCount(Buffer.concat([bytes, Buffer.alloc(5)]))).toThrow(/trailing/);
  });

  // The oracle: the full decoder's last record offset, over every prefix of kafka-python's and
  // kcat's batches (v2 and legacy, v1 compressed wrappers included; a v0 wrapper's own offset is
  // what Java's consumer goes by too, and kafka-python's producer-side capture leaves it 0).
  it('nextOffsetAfter gives the offset after the last complete batch, from the headers alone', () => {
    for (const name of ['v2-multi', 'v2-transactional', 'v2-lz4-kcat', 'legacy-v0-plain', 'legacy-v1-plain', 'legacy-v1-snappy', 'legacy-v1-gzip']) {
      const { bytes } = loadCapture(name);
      for (let cut = 0; cut <= bytes.length; cut += cut < bytes.length - 16 ? 7 : 1) {
        const prefix = bytes.subarray(0, cut);
        const offsets = decodeRecordBatches(prefix, { verifyCrc: false }).map((b) => b.header.baseOffset + BigInt(b.header.lastOffsetDelta));
        const expected = offsets.length === 0 ? null : offsets.reduce((a, b) => (b > a ? b : a)) + 1n;
        expect(nextOffsetAfter(prefix), `${name} cut at ${cut}`).toBe(expected);
      }
    }
  });

  it('readBatchHeader refuses a short buffer', () => {
    expect(() => readBatchHeader(Buffer.alloc(BATCH_HEADER_SIZE - 1))).toThrow(DecodeError);
  });
});

describe('round trip properties', () => {
  const bytes = fc.option(fc.uint8Array({ maxLength: 1500 }).map((a) => Buffer.from(a)), { nil: null });
  const record = fc.record({
    key: bytes,
    value: bytes,
    headers: fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 20 }), value: bytes }), { maxLength: 4 }),
    // Deltas around the 32-bit boundary exercise both varint paths.
    timestamp: fc.oneof(fc.bigInt({ min: 0n, max: 1n << 41n }), fc.bigInt({ min: -(1n << 62n), max: 1n << 62n })),
  });
  const options = fc.record({
    compression: fc.constantFrom('none' as const, 'gzip' as const),
    baseOffset: fc.bigInt({ min: 0n, max: (1n << 62n) }),
    producerId: fc.bigInt({ min: -1n, max: (1n << 62n) }),
    producerEpoch: fc.integer({ min: -1, max: 32767 }),
    baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
    transactional: fc.boolean(),
  });

  it('decode(encode(records)) gives the records back with consecutive offsets', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 30 }), options, (records, opts) => {
        const encoded = encodeRecordBatch(records, opts);
        const [batch, ...rest] = decodeRecordBatches(encoded);
        expect(rest).toHaveLength(0);
        expect(batch!.header).toMatchObject({ baseOffset: opts.baseOffset, producerId: opts.producerId, producerEpoch: opts.producerEpoch, baseSequence: opts.baseSequence, recordCount: records.length });
        expect(batch!.isTransactional).toBe(opts.transactional);
        const max = records.reduce((m, r) => (r.timestamp > m ? r.timestamp : m), records[0]!.timestamp);
        expect(batch!.header.maxTimestamp).toBe(max);
        expect(batch!.records.map(fieldsOf)).toEqual(
          records.map((r, i) => ({ offset: opts.baseOffset + BigInt(i), timestamp: r.timestamp, timestampType: 'CreateTime', key: r.key, value: r.value, headers: r.headers })),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('concatenated batches decode in order; any prefix decodes the whole batches in it', () => {
    fc.assert(
      fc.property(fc.array(fc.array(record, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }), fc.nat(), (groups, cutSeed) => {
        const batches = groups.map((g, i) => encodeRecordBatch(g, { baseOffset: BigInt(i * 100) }));
        const all = Buffer.concat(batches);
        const cut = cutSeed % (all.length + 1);
        let whole = 0;
        for (let end = 0, i = 0; i < batches.length && (end += batches[i]!.length) <= cut; i++) whole++;
        const decoded = decodeRecordBatches(all.subarray(0, cut));
        expect(decoded.map((b) => b.header.baseOffset)).toEqual(batches.slice(0, whole).map((_, i) => BigInt(i * 100)));
      }),
      { numRuns: 100 },
    );
  });
});

describe('decoded records', () => {
  const at = (baseOffset: bigint, values: string[], timestamp = 1000n): Buffer =>
    encodeRecordBatch(
      values.map((v) => ({ key: null, value: Buffer.from(v), timestamp })),
      { baseOffset },
    );

  it('leaves out records of data batches below fromOffset, but keeps a control batch whole', () => {
    const marker = encodeRecordBatch([{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.alloc(6), timestamp: 5n }], { baseOffset: 3n, transactional: true, producerId: 7n });
    marker.writeInt16BE(marker.readInt16BE(ATTRIBUTES_OFFSET) | ATTR_CONTROL, ATTRIBUTES_OFFSET);
    marker.writeUInt32BE(crc32c(marker.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
    const bytes = Buffer.concat([at(0n, ['a', 'b', 'c']), marker, at(4n, ['e', 'f'])]);
    const batches = decodeRecordBatches(bytes, { fromOffset: 5n });
    expect(batches.map((b) => b.records.map((r) => r.offset))).toEqual([[], [3n], [5n]]);
    expect(batches.map((b) => b.header.recordCount)).toEqual([3, 1, 2]);
    expect(decodeRecordBatches(bytes, { fromOffset: 1n })[0]!.records.map((r) => r.value!.toString())).toEqual(['b', 'c']);
  });

  it('still checks the records it leaves out', () => {
    const bad = at(0n, ['a', 'b']);
    bad.writeInt32BE(3, RECORDS_COUNT_OFFSET); // three records declared, two follow
    expect(() => decodeRecordBatches(bad, { verifyCrc: false, fromOffset: 10n })).toThrow(DecodeError);
  });

  it('builds records as the class given, with the source reachable through their section', () => {
    class Tagged extends DecodedRecord<{ tag: string }> {
      get tag(): string {
        return this.source.tag;
      }
    }
    const [batch] = decodeRecordBatches(at(10n, ['x', 'y']), { record: Tagged, source: { tag: 't-0' } });
    expect(batch!.records.every((r) => r instanceof Tagged)).toBe(true);
    expect(batch!.records.map((r) => [r.tag, r.offset, r.value!.toString()])).toEqual([
      ['t-0', 10n, 'x'],
      ['t-0', 11n, 'y'],
    ]);
  });

  it('computes fields on each read: values are fresh views of the same bytes', () => {
    const [batch] = decodeRecordBatches(at(0n, ['abc']));
    const r = batch!.records[0]!;
    expect(r.value).not.toBe(r.value);
    r.value![0] = 0x7a;
    expect(r.value!.toString()).toBe('zbc');
  });

  it('lets fields be assigned, as on a plain object', () => {
    const [batch] = decodeRecordBatches(at(0n, ['a', 'b']));
    const [r, other] = batch!.records as [DecodedRecord, DecodedRecord];
    r.offset = 42n;
    r.timestamp = 7n;
    r.timestampType = 'LogAppendTime';
    r.key = Buffer.from('k');
    r.value = null;
    r.headers.push({ key: 'h', value: null });
    expect(fieldsOf(r)).toEqual({ offset: 42n, timestamp: 7n, timestampType: 'LogAppendTime', key: Buffer.from('k'), value: null, headers: [{ key: 'h', value: null }] });
    expect(fieldsOf(other)).toEqual({ offset: 1n, timestamp: 1000n, timestampType: 'CreateTime', key: null, value: Buffer.from('b'), headers: [] });
    const replaced: RecordHeader[] = [{ key: 'x', value: Buffer.from('y') }];
    other.headers = replaced;
    expect(other.headers).toBe(replaced);
  });

  it('shows its fields to console.log', () => {
    const [batch] = decodeRecordBatches(at(3n, ['v']));
    expect(inspect(batch!.records[0])).toBe(inspect({ offset: 3n, timestamp: 1000n, timestampType: 'CreateTime', key: null, value: Buffer.from('v'), headers: [] }));
  });

  it('reads offsets and timestamps beyond 2^53 and timestamp deltas beyond 2^48 exactly', () => {
    const base = (1n << 62n) + 5n;
    const ts = -(1n << 61n);
    const bytes = encodeRecordBatch(
      [
        { key: null, value: null, timestamp: ts },
        { key: null, value: null, timestamp: ts + (1n << 50n) },
        { key: null, value: null, timestamp: ts - (1n << 60n) },
      ],
      { baseOffset: base },
    );
    const [batch] = decodeRecordBatches(bytes);
    expect(batch!.records.map((r) => [r.offset, r.timestamp])).toEqual([
      [base, ts],
      [base + 1n, ts + (1n << 50n)],
      [base + 2n, ts - (1n << 60n)],
    ]);
  });
});

describe('RecordBatchBuilder for the log cleaner', () => {
  /** kafka-python 2.0.2 (an independent decoder) reads the batch: header fields and records. */
  function kafkaPythonReads(batch: Buffer): { lastOffsetDelta: number; baseTimestamp: number; attributes: number; records: Array<[number, number, string, string | null]> } {
    const script = [
      'import sys, json',
      'from kafka.record.default_records import DefaultRecordBatch',
      'b = DefaultRecordBatch(bytearray(bytes.fromhex(sys.stdin.read())))',
      'assert b.validate_crc()',
      'rs = [[r.offset, r.timestamp, r.key.decode(), None if r.value is None else r.value.decode()] for r in b]',
      'print(json.dumps({"lastOffsetDelta": b.last_offset_delta, "baseTimestamp": b.first_timestamp, "attributes": b.attributes, "records": rs}))',
    ].join('\n');
    const out = spawnSync('/usr/bin/python3', ['-c', script], { input: batch.toString('hex'), encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    return JSON.parse(out.stdout);
  }

  it('keeps given offset deltas and last offset delta, and writes a delete horizon as the base timestamp (KIP-534)', () => {
    for (const codec of ['none', 'gzip'] as const) {
      const builder = new RecordBatchBuilder(codec, 64, 1_700_000_500_000n);
      builder.append(1_700_000_000_000n, Buffer.from('a'), Buffer.from('1'), [], 0);
      builder.append(1_700_000_000_007n, Buffer.from('b'), null, [], 3);
      builder.append(1_700_000_000_002n, Buffer.from('c'), Buffer.from('3'), [], 7);
      const batch = builder.build({ baseOffset: 100n, lastOffsetDelta: 9, producerId: 5n, producerEpoch: 1, baseSequence: 40 });
      const read = kafkaPythonReads(batch);
      expect(read.lastOffsetDelta).toBe(9);
      expect(read.baseTimestamp).toBe(1_700_000_500_000);
      expect(read.attributes & ATTR_DELETE_HORIZON).toBe(ATTR_DELETE_HORIZON);
      expect(read.records).toEqual([
        [100, 1_700_000_000_000, 'a', '1'],
        [103, 1_700_000_000_007, 'b', null],
        [107, 1_700_000_000_002, 'c', '3'],
      ]);
      const header = readBatchHeader(batch);
      expect([header.maxTimestamp, header.recordCount, header.producerId, header.baseSequence]).toEqual([1_700_000_000_007n, 3, 5n, 40]);
    }
  });
});
