// Writer vs independent oracles: Kafka's ByteUtilsTest vectors and the plain reference encoders
// in reference.ts; a model-based property for growth and chunking (any sequence of writes must
// equal the concatenation of the reference encodings of each write).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Writer } from '../../src/protocol/writer.js';
import { refBigEndian as be, refBytes, refCompactBytes, refCompactString, refString, refUvarint, refZigzag } from './reference.js';

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

function written(fn: (w: Writer) => void, initial?: number): Buffer {
  const w = new Writer(initial);
  fn(w);
  return w.toBuffer();
}

describe('varints', () => {
  // ByteUtilsTest.testUnsignedVarintSerde / testVarintSerde / testVarlongSerde (a representative subset;
  // reader.test.ts checks every vector on the read side).
  it('matches Kafka’s vectors', () => {
    expect(written((w) => w.uvarint(-1))).toEqual(b(0xff, 0xff, 0xff, 0xff, 0x0f));
    expect(written((w) => w.uvarint(8192))).toEqual(b(0x80, 0x40));
    expect(written((w) => w.uvarint(-2147483648))).toEqual(b(0x80, 0x80, 0x80, 0x80, 0x08));
    expect(written((w) => w.varint(-65))).toEqual(b(0x81, 0x01));
    expect(written((w) => w.varint(2147483647))).toEqual(b(0xfe, 0xff, 0xff, 0xff, 0x0f));
    expect(written((w) => w.varint(-2147483648))).toEqual(b(0xff, 0xff, 0xff, 0xff, 0x0f));
    expect(written((w) => w.varlong(-281474976710657n))).toEqual(b(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01));
    expect(written((w) => w.varlong(9223372036854775807n))).toEqual(b(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
    expect(written((w) => w.varlong(-9223372036854775808n))).toEqual(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
  });
  it('uvarint equals the reference encoding for any uint32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (u) => {
        expect(written((w) => w.uvarint(u))).toEqual(refUvarint(BigInt(u)));
      }),
    );
  });
  it('varint equals the reference zigzag encoding for any int32', () => {
    fc.assert(
      fc.property(int32, (v) => {
        expect(written((w) => w.varint(v))).toEqual(refUvarint(refZigzag(BigInt(v))));
      }),
    );
  });
  it('varlong equals the reference zigzag encoding for any int64', () => {
    fc.assert(
      fc.property(int64, (v) => {
        expect(written((w) => w.varlong(v))).toEqual(refUvarint(refZigzag(v)));
      }),
    );
  });
});

describe('fixed width', () => {
  it('int8/16/32/64, uint16/32 are big-endian two’s complement', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -128, max: 127 }),
        fc.integer({ min: -32768, max: 32767 }),
        int32,
        int64,
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (i8, i16, i32, i64, u16, u32) => {
          const got = written((w) => w.int8(i8).int16(i16).int32(i32).int64(i64).uint16(u16).uint32(u32), 1);
          expect(got).toEqual(Buffer.concat([be(BigInt(i8), 1), be(BigInt(i16), 2), be(BigInt(i32), 4), be(i64, 8), be(BigInt(u16), 2), be(BigInt(u32), 4)]));
        },
      ),
    );
  });
  it('bool is 0 or 1; float64 is IEEE 754 big-endian', () => {
    expect(written((w) => w.bool(true).bool(false))).toEqual(b(1, 0));
    expect(written((w) => w.float64(-123e45)).toString('hex')).toBe('c9b58b82c0e0bb00'); // ByteUtilsTest.testDouble
  });
  it('uuid must be exactly 16 bytes', () => {
    expect(() => new Writer().uuid(Buffer.alloc(15))).toThrow(RangeError);
    const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    expect(written((w) => w.uuid(id))).toEqual(id);
  });
});

describe('strings and bytes', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 60 });
  it('nullableString and compactNullableString equal the reference encodings (UTF-8 byte lengths)', () => {
    fc.assert(
      fc.property(fc.option(text, { nil: null }), (s) => {
        expect(written((w) => w.nullableString(s), 1)).toEqual(refString(s));
        expect(written((w) => w.compactNullableString(s), 1)).toEqual(refCompactString(s));
      }),
    );
    expect(written((w) => w.nullableString('ü€')).toString('hex')).toBe('0005c3bce282ac');
    expect(written((w) => w.compactNullableString('')).toString('hex')).toBe('01');
  });
  it('refuses a string longer than an INT16 length can say', () => {
    expect(() => new Writer().nullableString('x'.repeat(32768))).toThrow(RangeError);
  });
  it('nullableBytes and compactNullableBytes equal the reference encodings', () => {
    fc.assert(
      fc.property(fc.option(fc.uint8Array({ maxLength: 2000 }), { nil: null }), (u8) => {
        const v = u8 === null ? null : Buffer.from(u8);
        expect(written((w) => w.nullableBytes(v), 1)).toEqual(refBytes(v));
        expect(written((w) => w.compactNullableBytes(v), 1)).toEqual(refCompactBytes(v));
      }),
    );
  });
  it('bytesList writes one length for the sum of the parts, then the parts', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 5 }), fc.boolean(), (parts, compact) => {
        const bufs = parts.map((p) => Buffer.from(p));
        const whole = Buffer.concat(bufs);
        const expected = compact ? refCompactBytes(whole) : refBytes(whole);
        expect(written((w) => w.bytesList(bufs, compact))).toEqual(expected);
      }),
    );
  });
});

describe('chunking', () => {
  it('large blobs become their own chunk, referenced without copying', () => {
    const big = Buffer.alloc(4096, 7);
    const w = new Writer(16);
    w.int32(1).raw(big).int16(2);
    const chunks = w.toChunks();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big); // the very same Buffer object, not a copy
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat([be(1n, 4), big, be(2n, 2)]));
  });
  it('small blobs are copied into the running buffer', () => {
    const small = Buffer.alloc(1023, 9);
    const w = new Writer(16);
    w.raw(small);
    const chunks = w.toChunks();
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.buffer).not.toBe(small.buffer);
    small.fill(0); // the writer's copy is unaffected
    expect(chunks[0]).toEqual(Buffer.alloc(1023, 9));
  });
  it('record batches given as a Buffer list are referenced chunk by chunk, behind one length', () => {
    const batches = [Buffer.alloc(2048, 1), Buffer.alloc(100, 2), Buffer.alloc(5000, 3)];
    const w = new Writer();
    w.int16(0x0102).bytesList(batches, false).int8(-1);
    const chunks = w.toChunks();
    expect(chunks).toContain(batches[0]);
    expect(chunks).toContain(batches[2]);
    expect(chunks).not.toContain(batches[1]);
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat([b(1, 2), be(7148n, 4), ...batches, b(0xff)]));
  });
  it('length counts every byte written, including referenced chunks', () => {
    const w = new Writer(8);
    w.int64(1n);
    expect(w.length).toBe(8);
    w.raw(Buffer.alloc(2000));
    expect(w.length).toBe(2008);
    w.compactNullableString('abc');
    expect(w.length).toBe(2012);
    expect(Buffer.concat(w.toChunks())).toHaveLength(2012);
  });
  it('toBuffer returns the only chunk without copying', () => {
    const w = new Writer();
    w.int32(5);
    const chunks = w.toChunks();
    const w2 = new Writer();
    w2.int32(5);
    expect(w2.toBuffer()).toEqual(chunks[0]);
    expect(new Writer().toBuffer()).toHaveLength(0);
  });

  // Model-based: any sequence of writes, from any initial capacity, yields the concatenation of
  // each write's reference encoding, both as toBuffer() and as the concatenated chunks.
  type Op =
    | { k: 'int8'; v: number }
    | { k: 'int32'; v: number }
    | { k: 'int64'; v: bigint }
    | { k: 'varint'; v: number }
    | { k: 'uvarint'; v: number }
    | { k: 'str'; v: string | null }
    | { k: 'cstr'; v: string | null }
    | { k: 'raw'; v: Uint8Array }
    | { k: 'bytes'; v: Uint8Array | null };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ k: fc.constant('int8' as const), v: fc.integer({ min: -128, max: 127 }) }),
    fc.record({ k: fc.constant('int32' as const), v: int32 }),
    fc.record({ k: fc.constant('int64' as const), v: int64 }),
    fc.record({ k: fc.constant('varint' as const), v: int32 }),
    fc.record({ k: fc.constant('uvarint' as const), v: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }),
    fc.record({ k: fc.constant('str' as const), v: fc.option(fc.string({ maxLength: 300 }), { nil: null }) }),
    fc.record({ k: fc.constant('cstr' as const), v: fc.option(fc.string({ maxLength: 300 }), { nil: null }) }),
    fc.record({ k: fc.constant('raw' as const), v: fc.uint8Array({ maxLength: 2500 }) }),
    fc.record({ k: fc.constant('bytes' as const), v: fc.option(fc.uint8Array({ maxLength: 2500 }), { nil: null }) }),
  );
  function reference(o: Op): Buffer {
    switch (o.k) {
      case 'int8':
        return be(BigInt(o.v), 1);
      case 'int32':
        return be(BigInt(o.v), 4);
      case 'int64':
        return be(o.v, 8);
      case 'varint':
        return refUvarint(refZigzag(BigInt(o.v)));
      case 'uvarint':
        return refUvarint(BigInt(o.v));
      case 'str':
        return refString(o.v);
      case 'cstr':
        return refCompactString(o.v);
      case 'raw':
        return Buffer.from(o.v);
      case 'bytes':
        return refBytes(o.v === null ? null : Buffer.from(o.v));
    }
  }
  function apply(w: Writer, o: Op): void {
    switch (o.k) {
      case 'int8':
        w.int8(o.v);
        return;
      case 'int32':
        w.int32(o.v);
        return;
      case 'int64':
        w.int64(o.v);
        return;
      case 'varint':
        w.varint(o.v);
        return;
      case 'uvarint':
        w.uvarint(o.v);
        return;
      case 'str':
        w.nullableString(o.v);
        return;
      case 'cstr':
        w.compactNullableString(o.v);
        return;
      case 'raw':
        w.raw(Buffer.from(o.v));
        return;
      case 'bytes':
        w.nullableBytes(o.v === null ? null : Buffer.from(o.v));
        return;
    }
  }
  it('any sequence of writes equals the concatenated reference encodings', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 600 }), (ops, initial) => {
        const expected = Buffer.concat(ops.map(reference));
        const w1 = new Writer(initial);
        const w2 = new Writer(initial);
        for (const o of ops) {
          apply(w1, o);
          apply(w2, o);
        }
        expect(w1.length).toBe(expected.length);
        expect(w1.toBuffer()).toEqual(expected);
        expect(Buffer.concat(w2.toChunks())).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
