// DeleteRecords v0-2 against independent oracles:
//   v0-1  kafkajs 2.2.4 request encoders and response decoders (kafka-python 2.0.2 has no DeleteRecords)
//   v2    (flexible) hex written by hand from DeleteRecordsRequest.json / Response.json
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DeleteRecords, type DeleteRecordsRequest, type DeleteRecordsResponse } from '../../../src/protocol/messages/21-delete-records.js';
import { decodeRequestFrame, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame, hex, kafkajsRequestFrame, responseBody, sized, utf8 } from '../oracles.js';

describe('DeleteRecords v0-1: kafkajs 2.2.4', () => {
  it.each([0, 1])('request v%i: decodes kafkajs’s frame and re-encodes it byte for byte', async (v) => {
    const args = {
      topics: [
        { topic: 'orders', partitions: [{ partition: 0, offset: '42' }, { partition: 3, offset: '-1' }] },
        { topic: 'b', partitions: [{ partition: 1, offset: '9007199254740993' }] },
      ],
      timeout: 2500,
    };
    const theirs = await kafkajsRequestFrame('deleteRecords', v, args, 7, 'kafkajs');
    const { header, body } = decodeRequestFrame<DeleteRecordsRequest>(DeleteRecords, theirs);
    expect(header.apiVersion).toBe(v);
    expect(body).toEqual({
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0, offset: 42n }, { partitionIndex: 3, offset: -1n }] },
        { name: 'b', partitions: [{ partitionIndex: 1, offset: 9007199254740993n }] },
      ],
      timeoutMs: 2500,
    });
    expect(encodeRequestFrame(DeleteRecords, v, 7, 'kafkajs', body)).toEqual(theirs);
  });
  it.each([0, 1])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value: DeleteRecordsResponse = {
      throttleTimeMs: 0,
      topics: [{ name: 'a', partitions: [{ partitionIndex: 0, lowWatermark: 17n, errorCode: 0 }, { partitionIndex: 2, lowWatermark: -1n, errorCode: 1 }] }],
    };
    // kafkajs's DeleteRecords response module is a factory over the request's topics.
    const response = createRequire(import.meta.url)(`kafkajs/src/protocol/requests/deleteRecords/v${v}/response.js`) as (r: { topics: unknown[] }) => {
      decode(b: Buffer): Promise<Record<string, unknown>>;
    };
    const decoded = await response({ topics: [] }).decode(responseBody(encodeResponseFrame(DeleteRecords, v, 1, value)));
    expect(decoded.topics).toEqual([
      {
        topic: 'a',
        partitions: [
          { partition: 0, lowWatermark: 17n, errorCode: 0 },
          { partition: 2, lowWatermark: -1n, errorCode: 1 },
        ],
      },
    ]);
  });
});

describe('DeleteRecords v2 (flexible), hand-written from the JSON specs', () => {
  it('request v2', () => {
    const bytes = sized(hex`
      0015 0002 00000003 0002 ${utf8('mq')} 00    # DeleteRecords v2, correlation 3, client "mq", header tags
      02                                          # Topics: 1
        07 ${utf8('orders')}                      #   Name
        03                                        #   Partitions: 2
          00000000 000000000000002a 00            #     PartitionIndex 0, Offset 42, tags
          00000005 ffffffffffffffff 00            #     PartitionIndex 5, Offset -1, tags
        00                                        #   tags
      00007530                                    # TimeoutMs 30000
      00                                          # tags
    `);
    const value: DeleteRecordsRequest = {
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, offset: 42n }, { partitionIndex: 5, offset: -1n }] }],
      timeoutMs: 30000,
    };
    expect(encodeRequestFrame(DeleteRecords, 2, 3, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(DeleteRecords, bytes).body).toEqual(value);
  });
  it('response v2', () => {
    const bytes = sized(hex`
      00000003 00                                 # correlation 3, header tags
      00000000                                    # ThrottleTimeMs
      02                                          # Topics: 1
        07 ${utf8('orders')}                      #   Name
        03                                        #   Partitions: 2
          00000000 000000000000002a 0000 00       #     PartitionIndex 0, LowWatermark 42, ErrorCode 0, tags
          00000005 ffffffffffffffff 0001 00       #     PartitionIndex 5, LowWatermark -1, ErrorCode 1, tags
        00                                        #   tags
      00                                          # tags
    `);
    const value: DeleteRecordsResponse = {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, lowWatermark: 42n, errorCode: 0 },
            { partitionIndex: 5, lowWatermark: -1n, errorCode: 1 },
          ],
        },
      ],
    };
    expect(encodeResponseFrame(DeleteRecords, 2, 3, value)).toEqual(bytes);
    expect(decodeResponseFrame(DeleteRecords, 2, bytes).body).toEqual(value);
  });
});
