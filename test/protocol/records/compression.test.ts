// The codecs' framing, checked against the formats' own definitions and against bytes written by
// other implementations (kafka-python 2.0.2 and kcat 1.7.1 captures, decoded as whole batches in
// record-batch.test.ts and legacy-records.test.ts). kafka-python reading what mq writes is
// checked by test/interop/codecs.test.ts.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { compressFrameSync } from 'lz4-napi';
import { compressSync as snappyRawCompress, uncompressSync as snappyRawUncompress } from 'snappy';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/protocol/reader.js';
import { compress, compressAsync, compressionName, CompressionType, decompress, UnsupportedCompressionError, type CodecName } from '../../../src/protocol/records/compression.js';
import { xxh32 } from '../../../src/protocol/records/lz4-frame.js';

const CODECS: readonly CodecName[] = ['gzip', 'snappy', 'lz4', 'zstd'];

/** Half repetitive text, half random bytes: some blocks compress, some do not. */
function sample(n: number): Buffer {
  const text = Buffer.from('the quick brown fox jumps over the lazy dog '.repeat(Math.ceil(n / 88) + 1)).subarray(0, n >> 1);
  return Buffer.concat([text, randomBytes(n - text.length)]);
}

/** The lz4 frame's blocks: [size field, data] pairs, up to the end mark. */
function lz4Blocks(frame: Buffer, headerSize = 7): Array<{ stored: boolean; data: Buffer }> {
  const blocks = [];
  let pos = headerSize;
  for (;;) {
    const field = frame.readUInt32LE(pos);
    pos += 4;
    if (field === 0) break;
    const size = field & 0x7fffffff;
    blocks.push({ stored: field >>> 31 === 1, data: frame.subarray(pos, pos + size) });
    pos += size;
  }
  expect(pos).toBe(frame.length);
  return blocks;
}

describe('compression', () => {
  it('maps attribute ids to names and refuses the ids Kafka leaves undefined', () => {
    for (const [name, id] of Object.entries(CompressionType)) expect(compressionName(id)).toBe(name);
    for (const id of [5, 6, 7]) expect(() => compressionName(id)).toThrow(expect.objectContaining({ code: 'MQ_ERR_UNSUPPORTED_COMPRESSION' }));
  });

  it.each(CODECS)('round-trips %s across block boundaries', (codec) => {
    for (const n of [1, 100, 32767, 32768, 32769, 65535, 65536, 65537, 200_000]) {
      const data = sample(n);
      expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true);
    }
  });

  it('round-trips any bytes with every codec', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 70_000 }), fc.constantFrom(...CODECS), (bytes, codec) => {
        const data = Buffer.from(bytes);
        expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  // The thread-pool form must write what the synchronous one writes: the oracle is compress().
  it('compresses off the main thread to the same bytes as compress()', async () => {
    for (const size of [1, 5000, 64 * 1024, 200_000]) {
      const data = sample(size);
      for (const codec of CODECS) expect((await compressAsync(codec, data)).equals(compress(codec, data)), `${codec} ${size}`).toBe(true);
    }
  });

  it.each(CODECS)('reports %s data that does not decompress as a DecodeError', (codec) => {
    const valid = compress(codec, sample(5000));
    const broken = Buffer.from(valid);
    broken.fill(0xa5, Math.min(20, broken.length - 8), broken.length - 4);
    expect(() => decompress(codec, broken)).toThrow(DecodeError);
    expect(() => decompress(codec, Buffer.from('not compressed at all'))).toThrow(DecodeError);
  });
});

describe('snappy', () => {
  it('writes xerial framing: magic, version 1, compatible version 1, then 32 KiB blocks', () => {
    const data = sample(100_000);
    const out = compress('snappy', data);
    expect(out.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    const pieces: Buffer[] = [];
    for (let pos = 16; pos < out.length; ) {
      const length = out.readInt32BE(pos);
      pieces.push(snappyRawUncompress(out.subarray(pos + 4, pos + 4 + length)) as Buffer);
      pos += 4 + length;
    }
    expect(pieces.map((p) => p.length)).toEqual([32768, 32768, 32768, 1696]);
    expect(Buffer.concat(pieces).equals(data)).toBe(true);
  });

  it('reads raw snappy, as librdkafka and kafkajs write it', () => {
    const data = sample(50_000);
    expect(decompress('snappy', snappyRawCompress(data)).equals(data)).toBe(true);
  });

  it('refuses xerial framing whose block length runs past the end', () => {
    const out = compress('snappy', sample(1000));
    expect(() => decompress('snappy', out.subarray(0, out.length - 1))).toThrow(/xerial snappy block of \d+ bytes/);
    expect(() => decompress('snappy', Buffer.concat([out, Buffer.from([0, 0])]))).toThrow(/2 bytes after the last xerial snappy block/);
  });
});

describe('lz4', () => {
  it('writes one frame of independent 64 KiB blocks without checksums or content size', () => {
    const data = sample(200_000);
    const out = compress('lz4', data);
    // magic, FLG 0x60 (version 01, block independence), BD 0x40 (64 KiB), HC
    expect(out.subarray(0, 7).toString('hex')).toBe('04224d18604082');
    expect(out[6]).toBe((xxh32(Buffer.from([0x60, 0x40])) >>> 8) & 0xff);
    const blocks = lz4Blocks(out);
    expect(blocks).toHaveLength(Math.ceil(200_000 / 65536));
    // Bytes 100,000 on are random: the blocks wholly inside them are stored as they are.
    expect(blocks.map((b) => b.stored)).toEqual([false, false, true, true]);
    expect(blocks[3]!.data.equals(data.subarray(3 * 65536))).toBe(true);
  });

  it('reads frames with block checksums, a content checksum and a content size', () => {
    const data = sample(150_000);
    const checked = compressFrameSync(data, { blockChecksums: true, contentChecksum: true });
    expect(checked[4]! & 0x14).toBe(0x14);
    expect(decompress('lz4', checked).equals(data)).toBe(true);
    // Content size (FLG bit 3) comes from kafka-python's frames: see the v2-lz4 capture.
  });

  it('repairs the pre-KIP-57 header checksum, which also covered the magic number', () => {
    const data = sample(3000);
    const frame = Buffer.from(compress('lz4', data));
    frame[6] = (xxh32(frame.subarray(0, 6)) >>> 8) & 0xff;
    expect(frame[6]).not.toBe(0x82);
    expect(decompress('lz4', frame).equals(data)).toBe(true);
    // A checksum that is neither the right nor the old one is still an error.
    frame[6] = 0x00;
    expect(() => decompress('lz4', frame)).toThrow(DecodeError);
  });

  it('computes xxh32 as the reference implementation does', () => {
    // Test vectors of xxHash's XXH32, seed 0 unless given.
    expect(xxh32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxh32(Buffer.from('a'))).toBe(0x550d7456);
    expect(xxh32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxh32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
    expect(xxh32(Buffer.from('abc'), 1)).toBe(0xaa3da8ff);
    // python3-xxhash 3.2: xxhash.xxh32(bytes(range(40)), seed=7)
    expect(xxh32(Buffer.from(Array.from({ length: 40 }, (_, i) => i)), 7)).toBe(0x443e264c);
  });
});

describe('zstd', () => {
  it('writes a standard frame', () => {
    expect(compress('zstd', sample(1000)).readUInt32LE(0)).toBe(0xfd2fb528);
  });

  it('reads frames without a content size, and concatenated frames', () => {
    // The streaming encoder leaves Frame_Content_Size out (frame header descriptor bits 7-6
    // and 5 clear), as zstd-jni's stream and librdkafka do: decoding cannot rely on it.
    const a = sample(70_000);
    const b = sample(10);
    const frameA = compress('zstd', a);
    expect(frameA[4]! & 0xe0).toBe(0);
    expect(decompress('zstd', Buffer.concat([frameA, compress('zstd', b)])).equals(Buffer.concat([a, b]))).toBe(true);
  });
});

describe('UnsupportedCompressionError', () => {
  it('carries the codec, a stable code and the reason', () => {
    const err = new UnsupportedCompressionError('lz4', 'cannot load lz4-napi', { cause: new Error('missing binary') });
    expect(err).toMatchObject({ code: 'MQ_ERR_UNSUPPORTED_COMPRESSION', codec: 'lz4', message: 'compression codec lz4 is not supported: cannot load lz4-napi' });
    expect((err.cause as Error).message).toBe('missing binary');
  });
});
