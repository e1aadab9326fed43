// OffsetDelete v0 (KIP-496) against hex written by hand from OffsetDeleteRequest.json /
// OffsetDeleteResponse.json: no client we capture from implements it. Never flexible, so request
// header v1 and response header v0; note the response puts ErrorCode BEFORE ThrottleTimeMs.
import { describe, expect, it } from 'vitest';
import { OffsetDelete, type OffsetDeleteRequest, type OffsetDeleteResponse } from '../../../src/protocol/messages/47-offset-delete.js';
import { decodeRequestFrame, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame, hex, sized, utf8 } from '../oracles.js';

describe('OffsetDelete v0, hand-written from the JSON specs', () => {
  it('request v0', () => {
    const bytes = sized(hex`
      002f 0000 00000001 0002 ${utf8('mq')}         # OffsetDelete v0, correlation 1, client "mq" (no header tags)
      0001 ${utf8('g')}                             # GroupId
      00000001                                      # Topics: 1
        0006 ${utf8('orders')}                      #   Name
        00000002                                    #   Partitions: 2
          00000000                                  #     PartitionIndex 0
          00000003                                  #     PartitionIndex 3
    `);
    const value: OffsetDeleteRequest = { groupId: 'g', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }, { partitionIndex: 3 }] }] };
    expect(encodeRequestFrame(OffsetDelete, 0, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(OffsetDelete, bytes).body).toEqual(value);
  });
  it('response v0: ErrorCode, then ThrottleTimeMs, then per-partition errors', () => {
    const bytes = sized(hex`
      00000002                                      # correlation 2 (header v0)
      0000                                          # ErrorCode
      00000064                                      # ThrottleTimeMs 100
      00000001                                      # Topics: 1
        0006 ${utf8('orders')}                      #   Name
        00000002                                    #   Partitions: 2
          00000000 0000                             #     PartitionIndex 0, no error
          00000003 0056                             #     PartitionIndex 3, GROUP_SUBSCRIBED_TO_TOPIC (86)
    `);
    const value: OffsetDeleteResponse = {
      errorCode: 0,
      throttleTimeMs: 100,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0 },
            { partitionIndex: 3, errorCode: 86 },
          ],
        },
      ],
    };
    expect(encodeResponseFrame(OffsetDelete, 0, 2, value)).toEqual(bytes);
    expect(decodeResponseFrame(OffsetDelete, 0, bytes).body).toEqual(value);
  });
  it('a group-level error with no topics', () => {
    const bytes = sized(hex`00000003 0045 00000000 00000000   # correlation, GROUP_ID_NOT_FOUND (69), throttle 0, no topics`);
    const value: OffsetDeleteResponse = { errorCode: 69, throttleTimeMs: 0, topics: [] };
    expect(encodeResponseFrame(OffsetDelete, 0, 3, value)).toEqual(bytes);
    expect(decodeResponseFrame(OffsetDelete, 0, bytes).body).toEqual(value);
  });
});
