// Reference encodings for the primitive tests, written the plain way (BigInt division, no bit
// tricks) so they share no code or technique with src/protocol/{reader,writer}.ts.

/** Base-128 little-endian groups, high bit = "more follows" (KIP-482 unsigned varint). */
export function refUvarint(value: bigint): Buffer {
  if (value < 0n) throw new Error('negative');
  const out: number[] = [];
  let v = value;
  do {
    const group = Number(v % 128n);
    v = v / 128n;
    out.push(v > 0n ? group + 128 : group);
  } while (v > 0n);
  return Buffer.from(out);
}

/** Zigzag: 0, -1, 1, -2, 2 … → 0, 1, 2, 3, 4 … (Kafka ByteUtils.writeVarint/writeVarlong). */
export function refZigzag(value: bigint): bigint {
  return value >= 0n ? 2n * value : -2n * value - 1n;
}

/** Big-endian two's complement in `bytes` bytes. */
export function refBigEndian(value: bigint, bytes: number): Buffer {
  let v = value < 0n ? value + 2n ** BigInt(8 * bytes) : value;
  const out = Buffer.alloc(bytes);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v % 256n);
    v = v / 256n;
  }
  return out;
}

/** INT16-length string (-1 = null), UTF-8. */
export function refString(s: string | null): Buffer {
  return s === null ? refBigEndian(-1n, 2) : Buffer.concat([refBigEndian(BigInt(Buffer.byteLength(s)), 2), Buffer.from(s, 'utf8')]);
}

/** UVARINT length+1 string (0 = null), UTF-8. */
export function refCompactString(s: string | null): Buffer {
  return s === null ? Buffer.from([0]) : Buffer.concat([refUvarint(BigInt(Buffer.byteLength(s) + 1)), Buffer.from(s, 'utf8')]);
}

/** INT32-length bytes (-1 = null). */
export function refBytes(v: Buffer | null): Buffer {
  return v === null ? refBigEndian(-1n, 4) : Buffer.concat([refBigEndian(BigInt(v.length), 4), v]);
}

/** UVARINT length+1 bytes (0 = null). */
export function refCompactBytes(v: Buffer | null): Buffer {
  return v === null ? Buffer.from([0]) : Buffer.concat([refUvarint(BigInt(v.length + 1)), v]);
}
