// Checksums of the record formats, computed natively by @node-rs/crc32 (SSE4.2/ARMv8 CRC
// instructions): CRC-32C (Castagnoli) covers RecordBatch v2, CRC-32 (IEEE) the legacy v0/v1
// messages. Both return the checksum as an unsigned 32-bit number, as the header stores it.

import { crc32 as nativeCrc32, crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C of `data`; pass a previous result as `initial` to continue a running checksum. */
export function crc32c(data: Uint8Array, initial = 0): number {
  return nativeCrc32c(data, initial) >>> 0;
}

/** CRC-32 (IEEE 802.3, zlib's crc32) of `data`; only legacy magic 0/1 messages use it. */
export function crc32Ieee(data: Uint8Array, initial = 0): number {
  return nativeCrc32(data, initial) >>> 0;
}
