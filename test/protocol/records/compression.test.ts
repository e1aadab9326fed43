import { describe, expect, it } from 'vitest';
import { compress, compressionName, CompressionType, decompress, UnsupportedCompressionError } from '../../../src/protocol/records/compression.js';

describe('compression', () => {
  it('maps attribute ids to names and back', () => {
    for (const [name, id] of Object.entries(CompressionType)) expect(compressionName(id)).toBe(name);
    expect(() => compressionName(5)).toThrow(UnsupportedCompressionError);
  });

  it('round-trips gzip', () => {
    const data = Buffer.from('hello '.repeat(100));
    expect(decompress('gzip', compress('gzip', data))).toEqual(data);
  });

  it.each(['snappy', 'lz4', 'zstd'] as const)('refuses %s with MQ_ERR_UNSUPPORTED_COMPRESSION', (name) => {
    expect(() => compress(name, Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'MQ_ERR_UNSUPPORTED_COMPRESSION', codec: name }));
    expect(() => decompress(name, Buffer.alloc(1))).toThrow(UnsupportedCompressionError);
  });
});
