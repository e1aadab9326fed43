// Snappy in Kafka (codec 2) comes in two shapes (protocol.md §3):
//
//   xerial framing, written by the Java client (xerial SnappyOutputStream) and kafka-python:
//     magic 82 53 4E 41 50 50 59 00 | version i32 | min compatible version i32 | [len i32 | raw block]*
//     (big-endian; both versions 1; blocks of 32 KiB of input)
//   raw, written by librdkafka and kafkajs: one snappy block of the whole input.
//
// Every client reads both, the Java client only the framed form, so mq writes the framed form and
// reads both, telling them apart by the 8-byte magic as librdkafka does. A valid raw block never
// starts with that magic: after the length varint (82 53) its first element would be a copy (tag
// byte 4E) with nothing before it to copy from.

import { DecodeError } from '../reader.js';

const MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** Magic, version 1, minimum compatible version 1 (SnappyCodec.java's defaults). */
const HEADER = Buffer.concat([MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
/** Input bytes per block: SnappyOutputStream's and kafka-python's default. */
const BLOCK = 32 * 1024;

/** `data` cut into xerial's 32 KiB input blocks, each compressed on its own. */
export function xerialChunks(data: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let pos = 0; pos < data.length; pos += BLOCK) chunks.push(data.subarray(pos, Math.min(pos + BLOCK, data.length)));
  return chunks;
}

/**
 * The xerial framing of raw snappy `blocks`, one per chunk of xerialChunks (the compression is
 * the caller's, synchronous or not).
 */
export function xerialFrame(blocks: readonly Buffer[]): Buffer {
  let size = HEADER.length;
  for (const block of blocks) size += 4 + block.length;
  const out = Buffer.allocUnsafe(size);
  HEADER.copy(out, 0);
  let at = HEADER.length;
  for (const block of blocks) {
    out.writeInt32BE(block.length, at);
    block.copy(out, at + 4);
    at += 4 + block.length;
  }
  return out;
}

/** Decodes xerial-framed or raw snappy; `uncompressBlock` decodes one raw snappy block. */
export function decodeSnappy(data: Buffer, uncompressBlock: (block: Buffer) => Buffer): Buffer {
  if (data.length < HEADER.length || !data.subarray(0, MAGIC.length).equals(MAGIC)) return uncompressBlock(data);
  const blocks: Buffer[] = [];
  for (let pos = HEADER.length; pos < data.length; ) {
    if (data.length - pos < 4) throw new DecodeError(`${data.length - pos} bytes after the last xerial snappy block`, pos);
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || length > data.length - pos) {
      throw new DecodeError(`xerial snappy block of ${length} bytes, ${data.length - pos} bytes follow`, pos - 4);
    }
    blocks.push(uncompressBlock(data.subarray(pos, pos + length)));
    pos += length;
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
}
