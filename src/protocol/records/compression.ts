// Record compression codecs, by the ids of the batch attributes' low three bits (protocol.md §3).
// A codec is one entry in CODECS; ids without an entry are recognised but refused with
// UnsupportedCompressionError, so callers can map that to UNSUPPORTED_COMPRESSION_TYPE.
// Compression runs synchronously: batches are bounded by batch.size / max.message.bytes, and a
// synchronous call keeps the produce and fetch paths free of extra scheduling.

import { gunzipSync, gzipSync } from 'node:zlib';

export const CompressionType = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof CompressionType;
export type CompressionId = (typeof CompressionType)[CompressionName];

const NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

interface Codec {
  compress(data: Buffer): Buffer;
  decompress(data: Buffer): Buffer;
}

const CODECS: Partial<Record<CompressionName, Codec>> = {
  // Kafka's Java client writes GZIPOutputStream framing; gunzip also accepts the concatenated
  // members some writers produce.
  gzip: { compress: (data) => gzipSync(data), decompress: (data) => gunzipSync(data) },
};

export class UnsupportedCompressionError extends Error {
  readonly code = 'MQ_ERR_UNSUPPORTED_COMPRESSION';
  constructor(readonly codec: string) {
    super(`compression codec ${codec} is not supported`);
    this.name = 'UnsupportedCompressionError';
  }
}

/** The codec name for an attributes id (0-7); ids 5-7 are not defined by Kafka. */
export function compressionName(id: number): CompressionName {
  const name = NAMES[id];
  if (name === undefined) throw new UnsupportedCompressionError(`id ${id}`);
  return name;
}

function codec(name: CompressionName): Codec {
  const c = CODECS[name];
  if (!c) throw new UnsupportedCompressionError(name);
  return c;
}

export function compress(name: Exclude<CompressionName, 'none'>, data: Buffer): Buffer {
  return codec(name).compress(data);
}

export function decompress(name: Exclude<CompressionName, 'none'>, data: Buffer): Buffer {
  return codec(name).decompress(data);
}
