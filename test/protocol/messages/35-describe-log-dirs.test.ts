// DescribeLogDirs v0-4 against hex written by hand from DescribeLogDirsRequest.json and
// DescribeLogDirsResponse.json: no client we capture from implements it (kafka-python 2.0.2 and
// kafkajs 2.2.4 have no DescribeLogDirs), so every version is derived from the specs.
//   v0-1 classic: int16-length strings, int32 array counts, request header v1 / response header v0
//   v2+  flexible: compact strings/arrays (length + 1), tag buffers, header v2 / v1
//   v3   adds the top-level ErrorCode; v4 TotalBytes and UsableBytes per log dir (after Topics)
import { describe, expect, it } from 'vitest';
import {
  DescribeLogDirs,
  type DescribeLogDirsRequest,
  type DescribeLogDirsResponse,
} from '../../../src/protocol/messages/35-describe-log-dirs.js';
import { decodeRequestFrame, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame, hex, sized, utf8 } from '../oracles.js';

const request: DescribeLogDirsRequest = { topics: [{ topic: 'orders', partitions: [0, 2] }] };

function response(v: number): DescribeLogDirsResponse {
  return {
    throttleTimeMs: 5,
    errorCode: 0,
    results: [
      {
        errorCode: 0,
        logDir: '/d',
        topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, partitionSize: 0x100000000n, offsetLag: 0n, isFutureKey: false }] }],
        totalBytes: v >= 4 ? 1000n : -1n,
        usableBytes: v >= 4 ? 600n : -1n,
      },
      { errorCode: 56, logDir: '/e', topics: [], totalBytes: -1n, usableBytes: -1n },
    ],
  };
}

describe('DescribeLogDirs v0-1 (classic), hand-written', () => {
  it.each([0, 1])('request v%i', (v) => {
    const bytes = sized(hex`
      0023 000${v} 00000001 0002 ${utf8('mq')}     # DescribeLogDirs, version, correlation 1, client id
      00000001                                    # Topics: 1
        0006 ${utf8('orders')}                    #   Topic
        00000002 00000000 00000002                #   Partitions [0, 2]
    `);
    expect(encodeRequestFrame(DescribeLogDirs, v, 1, 'mq', request)).toEqual(bytes);
    expect(decodeRequestFrame(DescribeLogDirs, bytes).body).toEqual(request);
  });
  it('request v1 with Topics null (every partition)', () => {
    const bytes = sized(hex`0023 0001 00000001 0002 ${utf8('mq')} ffffffff`);
    expect(encodeRequestFrame(DescribeLogDirs, 1, 1, 'mq', { topics: null })).toEqual(bytes);
    expect(decodeRequestFrame(DescribeLogDirs, bytes).body).toEqual({ topics: null });
  });
  it.each([0, 1])('response v%i', (v) => {
    const bytes = sized(hex`
      00000002                                    # correlation 2
      00000005                                    # ThrottleTimeMs 5
      00000002                                    # Results: 2
        0000 0002 ${utf8('/d')}                   #   ErrorCode 0, LogDir
        00000001                                  #   Topics: 1
          0006 ${utf8('orders')}                  #     Name
          00000001                                #     Partitions: 1
            00000002                              #       PartitionIndex 2
            0000000100000000                      #       PartitionSize 2^32
            0000000000000000 00                   #       OffsetLag 0, IsFutureKey false
        0038 0002 ${utf8('/e')} 00000000          #   ErrorCode 56 (KAFKA_STORAGE_ERROR), LogDir, Topics: 0
    `);
    expect(encodeResponseFrame(DescribeLogDirs, v, 2, response(v))).toEqual(bytes);
    expect(decodeResponseFrame(DescribeLogDirs, v, bytes).body).toEqual(response(v));
  });
});

describe('DescribeLogDirs v2-4 (flexible), hand-written', () => {
  it.each([2, 3, 4])('request v%i', (v) => {
    const bytes = sized(hex`
      0023 000${v} 00000001 0002 ${utf8('mq')} 00  # header v2: ..., client id, tags
      02                                          # Topics: 1
        07 ${utf8('orders')}                      #   Topic
        03 00000000 00000002 00                   #   Partitions [0, 2], tags
      00                                          # tags
    `);
    expect(encodeRequestFrame(DescribeLogDirs, v, 1, 'mq', request)).toEqual(bytes);
    expect(decodeRequestFrame(DescribeLogDirs, bytes).body).toEqual(request);
  });
  it.each([2, 3, 4])('request v%i with Topics null', (v) => {
    const bytes = sized(hex`0023 000${v} 00000001 0002 ${utf8('mq')} 00  00 00`);
    expect(encodeRequestFrame(DescribeLogDirs, v, 1, 'mq', { topics: null })).toEqual(bytes);
    expect(decodeRequestFrame(DescribeLogDirs, bytes).body).toEqual({ topics: null });
  });
  it('response v2', () => {
    const bytes = sized(hex`
      00000002 00                                 # correlation 2, header tags
      00000005                                    # ThrottleTimeMs 5
      03                                          # Results: 2
        0000 03 ${utf8('/d')}                     #   ErrorCode 0, LogDir
        02                                        #   Topics: 1
          07 ${utf8('orders')}                    #     Name
          02                                      #     Partitions: 1
            00000002 0000000100000000             #       PartitionIndex 2, PartitionSize 2^32
            0000000000000000 00 00                #       OffsetLag 0, IsFutureKey false, tags
          00                                      #     tags
        00                                        #   tags
        0038 03 ${utf8('/e')} 01 00               #   ErrorCode 56, LogDir, Topics: 0, tags
      00                                          # tags
    `);
    expect(encodeResponseFrame(DescribeLogDirs, 2, 2, response(2))).toEqual(bytes);
    expect(decodeResponseFrame(DescribeLogDirs, 2, bytes).body).toEqual(response(2));
  });
  it('response v3 (top-level ErrorCode)', () => {
    const value: DescribeLogDirsResponse = { throttleTimeMs: 0, errorCode: 31, results: [] };
    const bytes = sized(hex`00000002 00  00000000 001f 01 00  # ThrottleTimeMs, ErrorCode 31, Results: 0, tags`);
    expect(encodeResponseFrame(DescribeLogDirs, 3, 2, value)).toEqual(bytes);
    expect(decodeResponseFrame(DescribeLogDirs, 3, bytes).body).toEqual(value);
  });
  it('response v4 (TotalBytes, UsableBytes after Topics)', () => {
    const bytes = sized(hex`
      00000002 00                                 # correlation 2, header tags
      00000005 0000                               # ThrottleTimeMs 5, ErrorCode 0
      03                                          # Results: 2
        0000 03 ${utf8('/d')}                     #   ErrorCode 0, LogDir
        02 07 ${utf8('orders')}                   #   Topics: 1, Name
          02 00000002 0000000100000000            #     Partitions: 1, PartitionIndex 2, PartitionSize 2^32
            0000000000000000 00 00                #       OffsetLag 0, IsFutureKey false, tags
          00                                      #     tags
        00000000000003e8 0000000000000258         #   TotalBytes 1000, UsableBytes 600
        00                                        #   tags
        0038 03 ${utf8('/e')} 01                  #   ErrorCode 56, LogDir, Topics: 0
        ffffffffffffffff ffffffffffffffff 00      #   TotalBytes -1, UsableBytes -1, tags
      00                                          # tags
    `);
    expect(encodeResponseFrame(DescribeLogDirs, 4, 2, response(4))).toEqual(bytes);
    expect(decodeResponseFrame(DescribeLogDirs, 4, bytes).body).toEqual(response(4));
  });
});
