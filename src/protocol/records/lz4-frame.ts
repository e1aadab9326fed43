// The LZ4 frame format (lz4's doc/lz4_Frame_format.md) as Kafka uses it for codec 3 (KIP-57). All
// frame fields are little-endian:
//
//   magic 04 22 4D 18 | FLG | BD | [content size u64] [dict id u32] | HC | blocks | end mark 0 u32
//   FLG: bits 7-6 version (01), 5 block independence, 4 block checksum, 3 content size,
//        2 content checksum, 0 dict id.   BD: bits 6-4 block max size (4 = 64 KiB ... 7 = 4 MiB).
//   HC: second byte of xxh32(FLG..last descriptor field, seed 0).
//   block: u32 size (high bit set: stored uncompressed) | data | [xxh32 of data, if FLG bit 4].
//
// Writing: what Kafka's Java client writes (KafkaLZ4BlockOutputStream): independent 64 KiB
// blocks, no checksums, no content size. Kafka's reader refuses dependent blocks, and librdkafka
// and kafka-python write independent ones too. The library's frame writer picks the block size
// from the input length (up to 4 MiB blocks), so the frame is assembled here around its raw
// block compressor.
//
// Reading: the library's frame reader handles every flag combination. The one thing it rejects
// that Kafka clients must read is the header checksum of pre-KIP-57 writers (Kafka < 0.10 and
// clients writing magic 0), which hashed the magic number too; repairLz4HeaderChecksum() fixes
// such a header before the frame is decoded, as librdkafka's rd_kafka_lz4_decompress_fixup_bad_framing
// and Kafka's own reader (ignoreFlagDescriptorChecksum) accept it.

const MAGIC = 0x184d2204;
const FLG_VERSION_01 = 0x40;
const FLG_BLOCK_INDEPENDENT = 0x20;
const FLG_CONTENT_SIZE = 0x08;
const FLG_DICT_ID = 0x01;
const BD_64KB = 0x40;
const BLOCK_MAX = 64 * 1024;
const UNCOMPRESSED_BLOCK = 0x80000000;
/** Magic, FLG, BD, HC: the header of a frame without content size or dict id. */
const MIN_HEADER = 7;

/** xxh32's primes; declared before HEADER, whose checksum is computed at load. */
const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

const FLG = FLG_VERSION_01 | FLG_BLOCK_INDEPENDENT;
const HEADER = Buffer.from([0x04, 0x22, 0x4d, 0x18, FLG, BD_64KB, headerChecksum(Buffer.from([FLG, BD_64KB]))]);
const END_MARK = Buffer.alloc(4);

/** `data` cut into the frame's 64 KiB blocks, each compressed on its own (independent blocks). */
export function lz4Chunks(data: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let pos = 0; pos < data.length; pos += BLOCK_MAX) chunks.push(data.subarray(pos, Math.min(pos + BLOCK_MAX, data.length)));
  return chunks;
}

/**
 * One LZ4 frame of `chunks` (from lz4Chunks), given each chunk's block as lz4-napi's compress
 * and compressSync lay it out: the uncompressed length (u32 LE) followed by the raw LZ4 block.
 * Those four bytes are overwritten with the frame's block size field, so each block costs no
 * extra buffer. The compression is the caller's, synchronous or not.
 */
export function lz4Frame(chunks: readonly Buffer[], blocks: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [HEADER];
  chunks.forEach((chunk, i) => {
    const block = blocks[i]!;
    const compressedSize = block.length - 4;
    if (compressedSize < chunk.length) {
      block.writeUInt32LE(compressedSize, 0);
      parts.push(block);
    } else {
      // Incompressible input would grow: the format stores it as is.
      const size = Buffer.allocUnsafe(4);
      size.writeUInt32LE((UNCOMPRESSED_BLOCK | chunk.length) >>> 0, 0);
      parts.push(size, chunk);
    }
  });
  parts.push(END_MARK);
  return Buffer.concat(parts);
}

/**
 * `frame` itself when its header checksum is right (or it is no LZ4 frame: the decoder reports
 * that); a copy with the checksum corrected when it carries the pre-KIP-57 checksum, which
 * covers the magic number as well as the descriptor.
 */
export function repairLz4HeaderChecksum(frame: Buffer): Buffer {
  if (frame.length < MIN_HEADER || frame.readUInt32LE(0) !== MAGIC) return frame;
  const flg = frame[4]!;
  const end = 6 + (flg & FLG_CONTENT_SIZE ? 8 : 0) + (flg & FLG_DICT_ID ? 4 : 0);
  if (frame.length <= end) return frame;
  const proper = headerChecksum(frame.subarray(4, end));
  const stored = frame[end]!;
  if (stored === proper || stored !== headerChecksum(frame.subarray(0, end))) return frame;
  const fixed = Buffer.from(frame);
  fixed[end] = proper;
  return fixed;
}

function headerChecksum(descriptor: Buffer): number {
  return (xxh32(descriptor) >>> 8) & 0xff;
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, PRIME2)) | 0, 13), PRIME1);
}

/** XXH32 (xxHash's 32-bit variant, the checksum of the LZ4 frame format), unsigned. */
export function xxh32(data: Uint8Array, seed = 0): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const len = data.length;
  let pos = 0;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0;
    let v2 = (seed + PRIME2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME1) | 0;
    for (; pos + 16 <= len; pos += 16) {
      v1 = round(v1, view.getUint32(pos, true));
      v2 = round(v2, view.getUint32(pos + 4, true));
      v3 = round(v3, view.getUint32(pos + 8, true));
      v4 = round(v4, view.getUint32(pos + 12, true));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + PRIME5) | 0;
  }
  h = (h + len) | 0;
  for (; pos + 4 <= len; pos += 4) {
    h = Math.imul(rotl((h + Math.imul(view.getUint32(pos, true), PRIME3)) | 0, 17), PRIME4);
  }
  for (; pos < len; pos++) {
    h = Math.imul(rotl((h + Math.imul(data[pos]!, PRIME5)) | 0, 11), PRIME1);
  }
  h = Math.imul(h ^ (h >>> 15), PRIME2);
  h = Math.imul(h ^ (h >>> 13), PRIME3);
  return (h ^ (h >>> 16)) >>> 0;
}
