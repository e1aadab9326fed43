import { describe, expect, it } from 'vitest';
import { crc32c, crc32Ieee } from '../../../src/protocol/records/crc32c.js';

describe('checksums', () => {
  // The standard check values of both polynomials over "123456789".
  it('computes CRC-32C and CRC-32 check values, unsigned', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32Ieee(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('continues a running checksum', () => {
    expect(crc32c(Buffer.from('6789'), crc32c(Buffer.from('12345')))).toBe(0xe3069283);
  });
});
