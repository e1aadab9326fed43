// Record compression codecs, by the ids of the batch attributes' low three bits (protocol.md §3).
// Ids 5-7 are recognised but refused with UnsupportedCompressionError, so callers can map that to
// UNSUPPORTED_COMPRESSION_TYPE. Compression runs synchronously: batches are bounded by batch.size /
// max.message.bytes, and a synchronous call keeps the produce and fetch paths free of extra
// scheduling. compressAsync gives the same bytes from libuv's thread pool, for a producer that
// has a full batch to compress and records to encode meanwhile.
//
// What is written, for the widest set of readers:
//   gzip    one gzip member (Java's GZIPOutputStream)
//   snappy  xerial framing, as the Java client writes it; raw snappy is read too (snappy-xerial.ts)
//   lz4     LZ4 frame, independent 64 KiB blocks (lz4-frame.ts); any frame flags are read
//   zstd    one standard frame at level 3 (Kafka's default), without content size as Java's
//           zstd-jni stream writes it; frames are decoded in streaming mode (zstd-sync.ts)
//
// snappy, lz4 and zstd are native (napi-rs) libraries with prebuilt binaries in npm packages. Each
// loads on first use, so a process that never meets a codec never loads its library, and a
// platform without a binary still has the other codecs; there the codec fails with
// UnsupportedCompressionError naming the library.

import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { gunzipSync, gzip, gzipSync } from 'node:zlib';
import { DecodeError } from '../reader.js';
import { lz4Chunks, lz4Frame, repairLz4HeaderChecksum } from './lz4-frame.js';
import { decodeSnappy, xerialChunks, xerialFrame } from './snappy-xerial.js';
import { ZstdWorkerError, zstdSync } from './zstd-sync.js';

export const CompressionType = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof CompressionType;
export type CompressionId = (typeof CompressionType)[CompressionName];
export type CodecName = Exclude<CompressionName, 'none'>;

const NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Kafka's default zstd level (ZSTD_CLEVEL_DEFAULT, compression.zstd.level's default). */
const ZSTD_LEVEL = 3;

interface Codec {
  compress(data: Buffer): Buffer;
  /** The same bytes as compress, computed on libuv's thread pool, so a producer can go on encoding records meanwhile. */
  compressAsync(data: Buffer): Promise<Buffer>;
  decompress(data: Buffer): Buffer;
}

export class UnsupportedCompressionError extends Error {
  readonly code = 'MQ_ERR_UNSUPPORTED_COMPRESSION';
  constructor(
    readonly codec: string,
    reason?: string,
    options?: { cause?: unknown },
  ) {
    super(`compression codec ${codec} is not supported${reason ? `: ${reason}` : ''}`, options);
    this.name = 'UnsupportedCompressionError';
  }
}

const require = createRequire(import.meta.url);

/** A loader that requires `pkg` on its first call and returns the same module afterwards. */
function nativeLibrary<T>(pkg: string, codec: CodecName): () => T {
  let lib: T | undefined;
  return () => {
    if (lib === undefined) {
      try {
        lib = require(pkg) as T;
      } catch (cause) {
        throw new UnsupportedCompressionError(codec, `cannot load ${pkg}: ${(cause as Error).message}`, { cause });
      }
    }
    return lib;
  };
}

const snappy = nativeLibrary<typeof import('snappy')>('snappy', 'snappy');
const lz4 = nativeLibrary<typeof import('lz4-napi')>('lz4-napi', 'lz4');
/** The library zstd-sync.ts runs on its worker thread, loaded here for its asynchronous form. */
const zstdLibrary = nativeLibrary<typeof import('@mongodb-js/zstd')>('@mongodb-js/zstd', 'zstd');

function zstd(op: 'compress' | 'decompress', data: Buffer): Buffer {
  const reply = zstdSync(op, data, ZSTD_LEVEL);
  if (reply.ok) return Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength);
  if (reply.loadError) throw new UnsupportedCompressionError('zstd', `cannot load @mongodb-js/zstd: ${reply.message}`);
  throw new Error(reply.message);
}

const gzipAsync = promisify(gzip);

const CODECS: Readonly<Record<CodecName, Codec>> = {
  // gunzip also accepts the concatenated members some writers produce.
  gzip: { compress: (data) => gzipSync(data), compressAsync: (data) => gzipAsync(data), decompress: (data) => gunzipSync(data) },
  snappy: {
    compress: (data) => xerialFrame(xerialChunks(data).map((chunk) => snappy().compressSync(chunk))),
    compressAsync: async (data) => xerialFrame(await Promise.all(xerialChunks(data).map((chunk) => snappy().compress(chunk)))),
    // asBuffer defaults to true: the result is always a Buffer.
    decompress: (data) => decodeSnappy(data, (block) => snappy().uncompressSync(block) as Buffer),
  },
  lz4: {
    compress: (data) => {
      const chunks = lz4Chunks(data);
      return lz4Frame(chunks, chunks.map((chunk) => lz4().compressSync(chunk)));
    },
    compressAsync: async (data) => {
      const chunks = lz4Chunks(data);
      return lz4Frame(chunks, await Promise.all(chunks.map((chunk) => lz4().compress(chunk))));
    },
    decompress: (data) => lz4().decompressFrameSync(repairLz4HeaderChecksum(data)),
  },
  zstd: {
    compress: (data) => zstd('compress', data),
    compressAsync: async (data) => zstdLibrary().compress(data, ZSTD_LEVEL),
    decompress: (data) => zstd('decompress', data),
  },
};

/** The codec name for an attributes id (0-7); ids 5-7 are not defined by Kafka. */
export function compressionName(id: number): CompressionName {
  const name = NAMES[id];
  if (name === undefined) throw new UnsupportedCompressionError(`id ${id}`);
  return name;
}

export function compress(name: CodecName, data: Buffer): Buffer {
  return CODECS[name].compress(data);
}

/** compress() off the main thread. */
export function compressAsync(name: CodecName, data: Buffer): Promise<Buffer> {
  return CODECS[name].compressAsync(data);
}

/**
 * Throws UnsupportedCompressionError when the codec's library is unavailable, DecodeError when
 * `data` is not valid for the codec (the libraries' own messages say why), ZstdWorkerError when
 * zstd's worker thread stops answering.
 */
export function decompress(name: CodecName, data: Buffer): Buffer {
  const codec = CODECS[name];
  try {
    return codec.decompress(data);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof UnsupportedCompressionError || e instanceof ZstdWorkerError) throw e;
    throw new DecodeError(`${name} data does not decompress: ${(e as Error).message}`, 0);
  }
}
