// The interpreter's rules, each checked against bytes written by hand from KIP-482 and Kafka's
// generator (MessageDataGenerator): tagged fields, nullable structs/arrays, flexible vs classic
// encodings, version gating, defaults, records as Buffer lists, and DecodeError reporting.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, EncodeError, ZERO_UUID } from '../../src/protocol/codec.js';
import { Fetch } from '../../src/protocol/messages/01-fetch.js';
import { Metadata } from '../../src/protocol/messages/03-metadata.js';
import { DecodeError, Reader } from '../../src/protocol/reader.js';
import { array, field, message, struct, type MessageSpec } from '../../src/protocol/schema.js';
import { Writer } from '../../src/protocol/writer.js';
import { hex, utf8 } from './oracles.js';

function enc(spec: MessageSpec, version: number, value: object): Buffer {
  const w = new Writer(8);
  encode(spec, version, value, w);
  return w.toBuffer();
}
function dec(spec: MessageSpec, version: number, bytes: Buffer): Record<string, unknown> {
  const r = new Reader(bytes);
  const v = decode<Record<string, unknown>>(spec, version, r);
  expect(r.remaining).toBe(0);
  return v;
}
function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

// A test message exercising every codec feature: v0 classic, v1+ flexible.
const Test = message('request', 999, 'Test', '0-2', '1+', [
  field('id', 'int32', '0+'),
  field('name', 'string', '0+', { nullable: '1+' }),
  array('items', '0+', [field('k', 'string', '0+'), field('v', 'int64', '0+')], { nullable: '0+' }),
  struct('leader', '0+', [field('id', 'int32', '0+', { default: -1 }), field('epoch', 'int32', '0+', { default: -1 })], { nullable: '2+' }),
  field('onlyV2', 'int16', '2+', { default: 7 }),
  field('note', 'string', '1+', { tag: 0, nullable: '1+', default: null }),
  array('extra', '1+', 'int32', { tag: 3 }),
  struct('pos', '1+', [field('offset', 'int64', '1+', { default: -1n }), field('epoch', 'int32', '1+', { default: -1 })], { tag: 5 }),
  field('flag', 'bool', '1+', { tag: 6 }),
  field('uid', 'uuid', '1+', { tag: 9 }),
]);
const ID = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

describe('classic (non-flexible) encoding', () => {
  it('INT16 strings, INT32 arrays, no tag sections; fields absent from v0 are not written', () => {
    const value = { id: 1, name: 'ab', items: [{ k: 'x', v: 5n }], leader: { id: 2, epoch: 3 }, note: 'ignored in v0', extra: [9] };
    const bytes = hex`
      00000001                   # id
      0002 ${utf8('ab')}         # name: INT16 length
      00000001                   # items: INT32 count
        0001 ${utf8('x')} 0000000000000005
      00000002 00000003          # leader (not nullable in v0: no presence byte)
    `;
    expect(enc(Test, 0, value)).toEqual(bytes);
    expect(dec(Test, 0, bytes)).toEqual({
      id: 1,
      name: 'ab',
      items: [{ k: 'x', v: 5n }],
      leader: { id: 2, epoch: 3 },
      onlyV2: 7,
      note: null,
      extra: [],
      pos: { offset: -1n, epoch: -1 },
      flag: false,
      uid: ZERO_UUID,
    });
  });
  it('null arrays are INT32 -1; a null string where not nullable is refused both ways', () => {
    expect(enc(Test, 0, { id: 0, name: '', items: null, leader: {} })).toEqual(hex`00000000 0000 ffffffff ffffffff ffffffff`);
    expect(() => enc(Test, 0, { id: 0, name: null, items: [], leader: {} })).toThrow(EncodeError);
    const e = decodeError(() => dec(Test, 0, hex`00000000 ffff ffffffff 00000000 00000000`));
    expect(e.field).toBe('name');
  });
});

describe('flexible encoding (KIP-482)', () => {
  const base = { id: 1, name: null, items: [], leader: { id: 2, epoch: 3 } };
  it('compact strings/arrays, and an empty tag section when every tagged field is at its default', () => {
    const bytes = hex`
      00000001          # id
      00                # name: compact null
      01                # items: compact, 0 entries
      00000002 00000003 00   # leader + its own tag section
      00                # tagged fields: none
    `;
    expect(enc(Test, 1, base)).toEqual(bytes);
    // Explicit default values are still defaults: nothing is written for them (generateNonDefaultValueCheck).
    expect(enc(Test, 1, { ...base, note: null, extra: [], pos: { offset: -1n, epoch: -1 }, flag: false, uid: ZERO_UUID })).toEqual(bytes);
  });
  it('non-default tagged fields are written in ascending tag order, each as tag, size, value', () => {
    const value = { ...base, flag: true, uid: ID, pos: { offset: 10n, epoch: -1 }, extra: [7, 8], note: 'hi' };
    expect(enc(Test, 1, value)).toEqual(hex`
      00000001 00 01 00000002 00000003 00   # id, name null, items [], leader
      05                                    # 5 tagged fields, by tag:
        00 03 03 ${utf8('hi')}              #   tag 0 note: 3 bytes, compact "hi"
        03 09 03 00000007 00000008          #   tag 3 extra: 9 bytes, compact [7, 8]
        05 0d 000000000000000a ffffffff 00  #   tag 5 pos: 13 bytes (a non-default struct is written whole)
        06 01 01                            #   tag 6 flag: 1 byte, true
        09 10 ${ID.toString('hex')}         #   tag 9 uid: 16 bytes
    `);
    expect(dec(Test, 1, enc(Test, 1, value))).toEqual({ ...value, onlyV2: 7 });
  });
  it('an empty string or empty-but-non-null value is not the default of a null-default field', () => {
    expect(enc(Test, 1, { ...base, note: '' })).toEqual(hex`00000001 00 01 00000002 00000003 00  01 00 01 01`);
  });
  it('unknown tags are skipped, known ones decoded, in any order', () => {
    const bytes = hex`
      00000001 00 01 00000002 00000003 00
      04                          # 4 tagged fields:
        09 10 ${ID.toString('hex')}   # uid (known)
        02 03 aabbcc              # tag 2: unknown, skipped
        7f 00                     # tag 127: unknown, empty
        06 01 01                  # flag (known)
    `;
    expect(dec(Test, 1, bytes)).toMatchObject({ uid: ID, flag: true, note: null, extra: [] });
  });
  it('a known tag whose value is shorter than its size is skipped to the size; one longer is an error', () => {
    // tag 6 (bool) with size 3: the first byte is the value, the rest is ignored padding.
    expect(dec(Test, 1, hex`00000001 00 01 00000002 00000003 00  01 06 03 01 ffff`)).toMatchObject({ flag: true });
    const e = decodeError(() => dec(Test, 1, hex`00000001 00 01 00000002 00000003 00  01 05 04 0000000000000001 ffffffff 00`));
    expect(e.field).toBe('pos.offset');
  });
  it('a tagged field overrunning the message, or a truncated tag section, is a DecodeError', () => {
    expect(decodeError(() => dec(Test, 1, hex`00000001 00 01 00000002 00000003 00  01 06 09 00`)).message).toMatch(/tagged field 6 overruns/);
    expect(decodeError(() => dec(Test, 1, hex`00000001 00 01 00000002 00000003 00  01 02 09 00`)).message).toMatch(/need 9 bytes/); // unknown tag
    decodeError(() => dec(Test, 1, hex`00000001 00 01 00000002 00000003 00  02 06 01 01`));
    decodeError(() => dec(Test, 1, hex`00000001 00 01 00000002 00000003 00`));
  });
  it('round-trips arbitrary values (fast-check; complements the hand-written bytes above)', () => {
    const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    const value = fc.record({
      id: i32,
      name: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
      items: fc.option(fc.array(fc.record({ k: fc.string({ maxLength: 10 }), v: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) }), { maxLength: 4 }), { nil: null }),
      leader: fc.option(fc.record({ id: i32, epoch: i32 }), { nil: null }),
      onlyV2: fc.integer({ min: -32768, max: 32767 }),
      note: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
      extra: fc.array(i32, { maxLength: 4 }),
      pos: fc.record({ offset: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), epoch: i32 }),
      flag: fc.boolean(),
      uid: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u)),
    });
    fc.assert(
      fc.property(value, (v) => {
        expect(dec(Test, 2, enc(Test, 2, v))).toEqual(v);
      }),
    );
  });
});

describe('nullable structs', () => {
  it('carry a presence byte: -1 null, 1 present', () => {
    const v2 = { id: 0, name: null, items: null, onlyV2: 1 };
    expect(enc(Test, 2, { ...v2, leader: null })).toEqual(hex`00000000 00 00 ff 0001 00`);
    expect(enc(Test, 2, { ...v2, leader: { id: 4, epoch: 5 } })).toEqual(hex`00000000 00 00 01 00000004 00000005 00 0001 00`);
    expect(dec(Test, 2, hex`00000000 00 00 ff 0001 00`).leader).toBeNull();
    expect(dec(Test, 2, hex`00000000 00 00 01 00000004 00000005 00 0001 00`).leader).toEqual({ id: 4, epoch: 5 });
  });
  it('null is refused where the struct is not nullable', () => {
    expect(() => enc(Test, 1, { id: 0, name: null, items: null, leader: null })).toThrow(EncodeError);
  });
  it('an omitted nullable struct defaults to null; an omitted non-nullable one to its field defaults', () => {
    expect(enc(Test, 2, { id: 0, name: null, items: null })).toEqual(hex`00000000 00 00 ff 0007 00`);
    expect(enc(Test, 1, { id: 0, name: null, items: null })).toEqual(hex`00000000 00 00 ffffffff ffffffff 00 00`);
  });
});

describe('nullable arrays', () => {
  it('compact: 0 = null, 1 = empty', () => {
    expect(dec(Test, 1, hex`00000000 00 00 00000000 00000000 00 00`).items).toBeNull();
    expect(dec(Test, 1, hex`00000000 00 01 00000000 00000000 00 00`).items).toEqual([]);
  });
  it('a null non-nullable array is a DecodeError naming the field path', () => {
    // Metadata v1 response, topic "t" with partitions = null (INT32 -1).
    const bytes = hex`
      00000000                 # brokers: []
      ffffffff                 # controllerId -1
      00000001 0000 0001 ${utf8('t')} 00   # topics: 1, errorCode, name, isInternal
      ffffffff                 # partitions: null
    `;
    const e = decodeError(() => decode(Metadata.response, 1, new Reader(bytes)));
    expect(e.field).toBe('topics.partitions');
    expect(e.apiKey).toBe(3);
    expect(e.version).toBe(1);
    expect(e.message).toMatch(/^MetadataResponse v1: null in non-nullable array \(field topics\.partitions at byte \d+\)$/);
  });
  it('a hostile element count is rejected before allocating, with its offset', () => {
    const bytes = hex`00000000 ffffffff 7ffffff0 0000`; // brokers [], controller, topics: 2147483632 entries, 2 bytes left
    const e = decodeError(() => decode(Metadata.response, 1, new Reader(bytes)));
    expect(e.field).toBe('topics');
    expect(e.offset).toBe(8);
  });
});

describe('versions and defaults', () => {
  it('refuses versions outside the spec’s valid range, in both directions', () => {
    expect(() => enc(Test, 3, {})).toThrow(EncodeError);
    const e = decodeError(() => decode(Test, 3, new Reader(Buffer.alloc(4))));
    expect(e.apiKey).toBe(999);
    expect(e.version).toBe(3);
  });
  it('undefined fields are encoded as their defaults', () => {
    expect(enc(Test, 2, { name: 'n', items: [] })).toEqual(hex`00000000 02 ${utf8('n')} 01 ff 0007 00`);
  });
  it('absent-version array defaults are fresh arrays: mutating one decode does not leak into the next', () => {
    const bytes = hex`00000000 0000 00000000 00000000 00000000`;
    const first = dec(Test, 0, bytes);
    (first.extra as number[]).push(1);
    expect(dec(Test, 0, bytes).extra).toEqual([]);
  });
  it('a truncated message names the innermost field being read and its byte offset', () => {
    // Fetch v4 response cut inside the first partition's highWatermark.
    const bytes = hex`00000000 00000001 0001 ${utf8('t')} 00000001 00000000 0000 00000000`;
    const e = decodeError(() => decode(Fetch.response, 4, new Reader(bytes)));
    expect(e.field).toBe('responses.partitions.highWatermark');
    expect(e.offset).toBe(21);
    expect(e.apiKey).toBe(1);
    expect(e.code).toBe('MQ_ERR_DECODE');
  });
});

describe('records fields', () => {
  const Records = message('response', 998, 'Records', '0-1', '1+', [field('records', 'records', '0+', { nullable: '0+' })]);
  it('accept a Buffer list: one length prefix (INT32 classic, compact uvarint+1 flexible), parts in order', () => {
    const parts = [Buffer.from('aa', 'hex'), Buffer.from('bbcc', 'hex')];
    expect(enc(Records, 0, { records: parts })).toEqual(hex`00000003 aabbcc`);
    expect(enc(Records, 1, { records: parts })).toEqual(hex`04 aabbcc 00`);
    expect(enc(Records, 0, { records: null })).toEqual(hex`ffffffff`);
    expect(enc(Records, 1, { records: null })).toEqual(hex`00 00`);
  });
  it('large parts are referenced in the output chunks, not copied', () => {
    const big = [Buffer.alloc(64 * 1024, 1), Buffer.alloc(200 * 1024, 2)];
    const w = new Writer();
    encode(Records, 1, { records: big }, w);
    const chunks = w.toChunks();
    expect(chunks).toContain(big[0]);
    expect(chunks).toContain(big[1]);
    const copied = chunks.filter((c) => c !== big[0] && c !== big[1]).reduce((n, c) => n + c.length, 0);
    expect(copied).toBeLessThan(16); // just the length prefix and the tag byte
  });
  it('decode to a view of the frame', () => {
    const frame = hex`00000002 0102`;
    const got = dec(Records, 0, frame).records as Buffer;
    expect(got.buffer).toBe(frame.buffer);
  });
});
