// Reader vs independent oracles: Kafka's own ByteUtilsTest vectors (apache/kafka
// clients/src/test/java/org/apache/kafka/common/utils/ByteUtilsTest.java) and reference
// encoders written here with plain BigInt arithmetic (no bit tricks shared with src/).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, Reader, readVarint, readVarlong, skipVarint, varintEnd } from '../../src/protocol/reader.js';
import { refBigEndian as be, refBytes, refCompactBytes, refCompactString as compactStr, refString as int16Str, refUvarint, refZigzag } from './reference.js';

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const uint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const text = fc.string({ unit: 'grapheme', maxLength: 40 });

// ------------------------------------------------------------------ Kafka's vectors

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);

// ByteUtilsTest.testUnsignedVarintSerde (Java int; negative values are their 32-bit patterns)
const UNSIGNED_VARINT: Array<[number, Buffer]> = [
  [0, b(0x00)],
  [-1, b(0xff, 0xff, 0xff, 0xff, 0x0f)],
  [1, b(0x01)],
  [63, b(0x3f)],
  [-64, b(0xc0, 0xff, 0xff, 0xff, 0x0f)],
  [64, b(0x40)],
  [8191, b(0xff, 0x3f)],
  [-8192, b(0x80, 0xc0, 0xff, 0xff, 0x0f)],
  [8192, b(0x80, 0x40)],
  [-8193, b(0xff, 0xbf, 0xff, 0xff, 0x0f)],
  [1048575, b(0xff, 0xff, 0x3f)],
  [1048576, b(0x80, 0x80, 0x40)],
  [2147483647, b(0xff, 0xff, 0xff, 0xff, 0x07)],
  [-2147483648, b(0x80, 0x80, 0x80, 0x80, 0x08)],
];

// ByteUtilsTest.testVarintSerde
const VARINT: Array<[number, Buffer]> = [
  [0, b(0x00)],
  [-1, b(0x01)],
  [1, b(0x02)],
  [63, b(0x7e)],
  [-64, b(0x7f)],
  [64, b(0x80, 0x01)],
  [-65, b(0x81, 0x01)],
  [8191, b(0xfe, 0x7f)],
  [-8192, b(0xff, 0x7f)],
  [8192, b(0x80, 0x80, 0x01)],
  [-8193, b(0x81, 0x80, 0x01)],
  [1048575, b(0xfe, 0xff, 0x7f)],
  [-1048576, b(0xff, 0xff, 0x7f)],
  [1048576, b(0x80, 0x80, 0x80, 0x01)],
  [-1048577, b(0x81, 0x80, 0x80, 0x01)],
  [134217727, b(0xfe, 0xff, 0xff, 0x7f)],
  [-134217728, b(0xff, 0xff, 0xff, 0x7f)],
  [134217728, b(0x80, 0x80, 0x80, 0x80, 0x01)],
  [-134217729, b(0x81, 0x80, 0x80, 0x80, 0x01)],
  [2147483647, b(0xfe, 0xff, 0xff, 0xff, 0x0f)],
  [-2147483648, b(0xff, 0xff, 0xff, 0xff, 0x0f)],
];

// ByteUtilsTest.testVarlongSerde (the entries beyond the int range)
const VARLONG: Array<[bigint, Buffer]> = [
  ...VARINT.map(([v, bytes]): [bigint, Buffer] => [BigInt(v), bytes]),
  [17179869183n, b(0xfe, 0xff, 0xff, 0xff, 0x7f)],
  [-17179869184n, b(0xff, 0xff, 0xff, 0xff, 0x7f)],
  [17179869184n, b(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
  [-17179869185n, b(0x81, 0x80, 0x80, 0x80, 0x80, 0x01)],
  [2199023255551n, b(0xfe, 0xff, 0xff, 0xff, 0xff, 0x7f)],
  [-2199023255552n, b(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)],
  [2199023255552n, b(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
  [-2199023255553n, b(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
  [281474976710655n, b(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)],
  [-281474976710656n, b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)],
  [281474976710656n, b(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
  [-281474976710657n, b(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
  [36028797018963967n, b(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)],
  [-36028797018963968n, b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)],
  [36028797018963968n, b(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
  [-36028797018963969n, b(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
  [4611686018427387903n, b(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)],
  [-4611686018427387904n, b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)],
  [4611686018427387904n, b(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
  [-4611686018427387905n, b(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
  [9223372036854775807n, b(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)],
  [-9223372036854775808n, b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)],
];

function readAll<T>(bytes: Buffer, read: (r: Reader) => T): T {
  const r = new Reader(bytes);
  const v = read(r);
  expect(r.remaining).toBe(0);
  return v;
}

function decodeErrorAt(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('varints against Kafka ByteUtilsTest vectors', () => {
  it.each(UNSIGNED_VARINT)('uvarint %d', (value, bytes) => {
    expect(readAll(bytes, (r) => r.uvarint())).toBe(value >>> 0);
  });
  it.each(VARINT)('varint %d', (value, bytes) => {
    expect(readAll(bytes, (r) => r.varint())).toBe(value);
  });
  it.each(VARLONG)('varlong %s', (value, bytes) => {
    expect(readAll(bytes, (r) => r.varlong())).toBe(value);
  });

  it('rejects a varint with one overflow byte (testInvalidVarint)', () => {
    decodeErrorAt(() => new Reader(b(0xff, 0xff, 0xff, 0xff, 0xff, 0x01)).varint());
    decodeErrorAt(() => new Reader(b(0xff, 0xff, 0xff, 0xff, 0xff, 0x01)).uvarint());
  });
  it('rejects a varlong with one overflow byte (testInvalidVarlong)', () => {
    decodeErrorAt(() => new Reader(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)).varlong());
  });
  it('rejects a 10th varlong byte carrying bits above bit 63 (would not fit an int64)', () => {
    // 9 continuation bytes then 0x02: bit 64 set. Before the fix this decoded to -(2^63 + 2^62), outside int64.
    const e = decodeErrorAt(() => new Reader(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02)).varlong());
    expect(e.offset).toBe(0);
    expect(readAll(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), (r) => r.varlong())).toBe(-(2n ** 63n));
  });
  it('rejects a uvarint whose 5th byte holds more than 4 bits', () => {
    decodeErrorAt(() => new Reader(b(0xff, 0xff, 0xff, 0xff, 0x1f)).uvarint());
  });
  it('reports truncated varints at their start offset', () => {
    const r = new Reader(b(0x05, 0x80, 0x80));
    r.uint8();
    expect(decodeErrorAt(() => r.uvarint()).offset).toBe(1);
    expect(decodeErrorAt(() => new Reader(b(0x80)).varlong()).offset).toBe(0);
    expect(decodeErrorAt(() => new Reader(Buffer.alloc(0)).varint()).offset).toBe(0);
  });
});

describe('varints against a reference implementation (fast-check)', () => {
  it('uvarint decodes the reference encoding of any uint32', () => {
    fc.assert(
      fc.property(uint32, (u) => {
        expect(readAll(refUvarint(BigInt(u)), (r) => r.uvarint())).toBe(u);
      }),
    );
  });
  it('varint decodes the reference zigzag encoding of any int32', () => {
    fc.assert(
      fc.property(int32, (v) => {
        expect(readAll(refUvarint(refZigzag(BigInt(v))), (r) => r.varint())).toBe(v);
      }),
    );
  });
  it('varlong decodes the reference zigzag encoding of any int64', () => {
    fc.assert(
      fc.property(int64, (v) => {
        expect(readAll(refUvarint(refZigzag(v)), (r) => r.varlong())).toBe(v);
      }),
    );
  });
  it('a varint followed by other bytes leaves the reader just past it', () => {
    fc.assert(
      fc.property(int32, fc.uint8Array({ maxLength: 8 }), (v, tail) => {
        const enc = refUvarint(refZigzag(BigInt(v)));
        const r = new Reader(Buffer.concat([enc, tail]));
        expect(r.varint()).toBe(v);
        expect(r.offset).toBe(enc.length);
      }),
    );
  });
});

describe('readVarint / readVarlong: the record decoder\'s cursor functions', () => {
  /** Reads at offset 1 of `bytes` padded on both sides, checking varintEnd lands just past it. */
  function atOffset<T>(bytes: Buffer, read: (buf: Buffer, pos: number, end: number) => T): T {
    const buf = Buffer.concat([b(0xaa), bytes, b(0x80)]);
    const v = read(buf, 1, 1 + bytes.length);
    expect(varintEnd).toBe(1 + bytes.length);
    return v;
  }

  it.each(VARINT)('readVarint %d', (value, bytes) => {
    expect(atOffset(bytes, readVarint)).toBe(value);
  });
  it.each(VARLONG)('readVarlong %s', (value, bytes) => {
    const v = atOffset(bytes, readVarlong);
    // A number whenever exact, a bigint only beyond the safe integers.
    expect(typeof v).toBe(value >= -(2n ** 53n) + 1n && value <= 2n ** 53n - 1n ? 'number' : 'bigint');
    expect(BigInt(v)).toBe(value);
  });
  it('agrees with Reader on any int32 and int64 (fast-check)', () => {
    fc.assert(
      fc.property(int32, int64, (i, l) => {
        expect(atOffset(refUvarint(refZigzag(BigInt(i))), readVarint)).toBe(i);
        expect(BigInt(atOffset(refUvarint(refZigzag(l)), readVarlong))).toBe(l);
      }),
    );
  });
  it('throws at the end bound, not the buffer end, and reports the varint start', () => {
    const buf = b(0x00, 0x80, 0x80, 0x01);
    expect(decodeErrorAt(() => readVarint(buf, 1, 3)).offset).toBe(1);
    expect(decodeErrorAt(() => readVarlong(buf, 1, 3)).offset).toBe(1);
    expect(decodeErrorAt(() => readVarint(buf, 4, 4)).offset).toBe(4);
    decodeErrorAt(() => readVarint(b(0xff, 0xff, 0xff, 0xff, 0xff, 0x01), 0, 6));
    decodeErrorAt(() => readVarlong(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), 0, 10));
  });
  it('skipVarint steps over one varint', () => {
    expect(skipVarint(b(0x05, 0x81, 0x80, 0x01, 0x07), 1)).toBe(4);
    expect(skipVarint(b(0x05, 0x81, 0x80, 0x01, 0x07), 0)).toBe(1);
  });
});

describe('fixed-width integers', () => {
  it('int8/16/32/64 and uint16/32 read big-endian two’s complement', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -128, max: 127 }),
        fc.integer({ min: -32768, max: 32767 }),
        int32,
        int64,
        fc.integer({ min: 0, max: 65535 }),
        uint32,
        (i8, i16, i32, i64, u16, u32) => {
          const bytes = Buffer.concat([be(BigInt(i8), 1), be(BigInt(i16), 2), be(BigInt(i32), 4), be(i64, 8), be(BigInt(u16), 2), be(BigInt(u32), 4)]);
          const r = new Reader(bytes);
          expect([r.int8(), r.int16(), r.int32(), r.int64(), r.uint16(), r.uint32()]).toEqual([i8, i16, i32, i64, u16, u32]);
          expect(r.remaining).toBe(0);
        },
      ),
    );
  });
  it('bool is any non-zero byte', () => {
    const r = new Reader(b(0, 1, 0x80, 0xff));
    expect([r.bool(), r.bool(), r.bool(), r.bool()]).toEqual([false, true, true, true]);
  });
  it('float64 reads IEEE 754 big-endian (ByteUtilsTest.testDouble)', () => {
    const cases: Array<[number, string]> = [
      [0, '0000000000000000'],
      [1, '3ff0000000000000'],
      [-1, 'bff0000000000000'],
      [123e45, '49b58b82c0e0bb00'],
      [Number.MIN_VALUE, '0000000000000001'],
      [Number.MAX_VALUE, '7fefffffffffffff'],
      [Number.POSITIVE_INFINITY, '7ff0000000000000'],
    ];
    for (const [v, h] of cases) expect(readAll(Buffer.from(h, 'hex'), (r) => r.float64())).toBe(v);
    expect(readAll(Buffer.from('7ff8000000000000', 'hex'), (r) => r.float64())).toBeNaN();
  });
  it('every fixed-width read past the end throws a DecodeError at the read position', () => {
    const reads: Array<[string, (r: Reader) => unknown, number]> = [
      ['int8', (r) => r.int8(), 1],
      ['int16', (r) => r.int16(), 2],
      ['int32', (r) => r.int32(), 4],
      ['int64', (r) => r.int64(), 8],
      ['float64', (r) => r.float64(), 8],
      ['uuid', (r) => r.uuid(), 16],
    ];
    for (const [, read, width] of reads) {
      for (let have = 0; have < width; have++) {
        const r = new Reader(Buffer.alloc(have + 3), 3);
        expect(decodeErrorAt(() => read(r)).offset).toBe(3);
        expect(r.offset).toBe(3); // nothing consumed by the failed read
      }
    }
  });
  it('honours an end bound inside the buffer', () => {
    const r = new Reader(b(1, 2, 3, 4, 5, 6), 1, 3);
    expect(r.remaining).toBe(2);
    expect(r.int16()).toBe(0x0203);
    decodeErrorAt(() => r.int8());
  });
});

describe('strings and bytes', () => {
  it('nullableString / string: INT16 byte length, -1 = null, UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.option(text, { nil: null }), (s) => {
        expect(readAll(int16Str(s), (r) => r.nullableString())).toBe(s);
        if (s !== null) expect(readAll(int16Str(s), (r) => r.string())).toBe(s);
      }),
    );
    // Multi-byte characters: the length counts bytes, not UTF-16 units.
    expect(readAll(hexBuf('0005 c3bc e282ac'), (r) => r.string())).toBe('ü€');
    decodeErrorAt(() => new Reader(hexBuf('ffff')).string());
  });
  it('compactNullableString / compactString: UVARINT length+1, 0 = null', () => {
    fc.assert(
      fc.property(fc.option(text, { nil: null }), (s) => {
        expect(readAll(compactStr(s), (r) => r.compactNullableString())).toBe(s);
        if (s !== null) expect(readAll(compactStr(s), (r) => r.compactString())).toBe(s);
      }),
    );
    expect(readAll(b(0x01), (r) => r.compactString())).toBe('');
    decodeErrorAt(() => new Reader(b(0x00)).compactString());
    // A 200-byte string needs a two-byte length: 201 = 0xc9 0x01.
    const long = 'x'.repeat(200);
    expect(readAll(Buffer.concat([b(0xc9, 0x01), Buffer.from(long)]), (r) => r.compactString())).toBe(long);
  });
  it('nullableBytes: INT32 length, -1 = null; compactNullableBytes: UVARINT length+1', () => {
    fc.assert(
      fc.property(fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null }), (u8) => {
        const v = u8 === null ? null : Buffer.from(u8);
        expect(readAll(refBytes(v), (r) => r.nullableBytes())).toEqual(v);
        expect(readAll(refCompactBytes(v), (r) => r.compactNullableBytes())).toEqual(v);
      }),
    );
  });
  it('byte fields are views of the input, not copies', () => {
    const buf = hexBuf('00000003 616263');
    const got = new Reader(buf).nullableBytes()!;
    buf[4] = 0x7a;
    expect(got.toString()).toBe('zbc');
  });
  it('any truncation of a string or bytes field throws a DecodeError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.nat(), (s, cutSeed) => {
        for (const [enc, read] of [
          [int16Str(s), (r: Reader) => r.string()],
          [compactStr(s), (r: Reader) => r.compactString()],
          [Buffer.concat([be(BigInt(Buffer.byteLength(s)), 4), Buffer.from(s)]), (r: Reader) => r.nullableBytes()],
        ] as const) {
          const cut = cutSeed % enc.length; // 0 … length-1 bytes present
          expect(() => read(new Reader(enc.subarray(0, cut)))).toThrow(DecodeError);
        }
      }),
    );
  });
  it('a length pointing past the end is reported at the length, not silently shortened', () => {
    const e = decodeErrorAt(() => new Reader(hexBuf('7fff 6162')).string());
    expect(e.offset).toBe(2);
    expect(e.message).toMatch(/need 32767 bytes, 2 left/);
    decodeErrorAt(() => new Reader(hexBuf('7fffffff 00')).nullableBytes());
    decodeErrorAt(() => new Reader(hexBuf('ffffffff0f')).compactNullableBytes()); // 2^32-1 → 4 GiB - 2
  });
});

describe('array lengths', () => {
  it('INT32 lengths: -1 = null, n ≤ remaining bytes', () => {
    expect(new Reader(hexBuf('ffffffff')).arrayLength(false)).toBe(-1);
    expect(new Reader(hexBuf('00000002 0000')).arrayLength(false)).toBe(2);
  });
  it('compact lengths: 0 = null, else n+1', () => {
    expect(new Reader(b(0)).arrayLength(true)).toBe(-1);
    expect(new Reader(b(1)).arrayLength(true)).toBe(0);
    expect(new Reader(b(3, 0, 0)).arrayLength(true)).toBe(2);
  });
  it('rejects hostile counts before anything is allocated', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.nat({ max: 64 }), (n, have) => {
        fc.pre(n > have);
        const classic = Buffer.concat([be(BigInt(n), 4), Buffer.alloc(have)]);
        const compact = Buffer.concat([refUvarint(BigInt(n) + 1n), Buffer.alloc(have)]);
        expect(decodeErrorAt(() => new Reader(classic).arrayLength(false)).offset).toBe(0);
        expect(decodeErrorAt(() => new Reader(compact).arrayLength(true)).offset).toBe(0);
      }),
    );
  });
});

describe('DecodeError', () => {
  it('carries a stable code, the offset and a readable message', () => {
    const e = decodeErrorAt(() => new Reader(b(1, 2), 1).int32());
    expect(e.code).toBe('MQ_ERR_DECODE');
    expect(e.offset).toBe(1);
    expect(e.name).toBe('DecodeError');
    expect(e.message).toBe('need 4 bytes, 1 left (at byte 1)');
  });
});

function hexBuf(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}
