// IncrementalAlterConfigs v0-1, hex written by hand from IncrementalAlterConfigsRequest.json /
// IncrementalAlterConfigsResponse.json (v1 flexible). Neither kafka-python 2.0.2 nor kafkajs
// 2.2.4 implements this API.
import { describe, expect, it } from 'vitest';
import {
  IncrementalAlterConfigs,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse,
} from '../../../src/protocol/messages/44-incremental-alter-configs.js';
import { decodeRequestFrame, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame, hex, sized, utf8 } from '../oracles.js';

const request: IncrementalAlterConfigsRequest = {
  resources: [
    {
      resourceType: 2,
      resourceName: 'orders',
      configs: [
        { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
        { name: 'retention.ms', configOperation: 1, value: null },
      ],
    },
    { resourceType: 4, resourceName: '', configs: [{ name: 'log.retention.bytes', configOperation: 0, value: '1000' }] },
  ],
  validateOnly: true,
};
const response: IncrementalAlterConfigsResponse = {
  throttleTimeMs: 0,
  responses: [
    { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
    { errorCode: 42, errorMessage: 'bad thing', resourceType: 4, resourceName: '1' },
  ],
};

describe('IncrementalAlterConfigs v0-1, hand-written from the JSON specs', () => {
  it('request v0', () => {
    const bytes = sized(hex`
      002c 0000 00000001 0002 ${utf8('mq')}         # IncrementalAlterConfigs v0, correlation 1, client
      00000002                                      # Resources: 2
        02 0006 ${utf8('orders')} 00000002          #   TOPIC, name, Configs: 2
          000e ${utf8('cleanup.policy')} 02 0007 ${utf8('compact')}   # APPEND
          000c ${utf8('retention.ms')} 01 ffff      #     DELETE, Value null
        04 0000 00000001                            #   BROKER, "" (cluster default), Configs: 1
          0013 ${utf8('log.retention.bytes')} 00 0004 ${utf8('1000')}   # SET
      01                                            # ValidateOnly
    `);
    expect(encodeRequestFrame(IncrementalAlterConfigs, 0, 1, 'mq', request)).toEqual(bytes);
    expect(decodeRequestFrame(IncrementalAlterConfigs, bytes).body).toEqual(request);
  });
  it('request v1 (flexible)', () => {
    const bytes = sized(hex`
      002c 0001 00000001 0002 ${utf8('mq')} 00      # IncrementalAlterConfigs v1, correlation 1, client, header tags
      03                                            # Resources: 2
        02 07 ${utf8('orders')} 03                  #   TOPIC, name, Configs: 2
          0f ${utf8('cleanup.policy')} 02 08 ${utf8('compact')} 00   # APPEND, tags
          0d ${utf8('retention.ms')} 01 00 00       #     DELETE, Value null, tags
        00                                          #   tags
        04 01 02                                    #   BROKER, "", Configs: 1
          14 ${utf8('log.retention.bytes')} 00 05 ${utf8('1000')} 00   # SET, tags
        00                                          #   tags
      01                                            # ValidateOnly
      00                                            # tags
    `);
    expect(encodeRequestFrame(IncrementalAlterConfigs, 1, 1, 'mq', request)).toEqual(bytes);
    expect(decodeRequestFrame(IncrementalAlterConfigs, bytes).body).toEqual(request);
  });
  it('response v0', () => {
    const bytes = sized(hex`
      00000002                                      # correlation 2
      00000000                                      # ThrottleTimeMs
      00000002                                      # Responses: 2
        0000 ffff 02 0006 ${utf8('orders')}         #   ErrorCode 0, ErrorMessage null, TOPIC, name
        002a 0009 ${utf8('bad thing')} 04 0001 ${utf8('1')}   # ErrorCode 42, ErrorMessage, BROKER, "1"
    `);
    expect(encodeResponseFrame(IncrementalAlterConfigs, 0, 2, response)).toEqual(bytes);
    expect(decodeResponseFrame(IncrementalAlterConfigs, 0, bytes).body).toEqual(response);
  });
  it('response v1 (flexible)', () => {
    const bytes = sized(hex`
      00000002 00                                   # correlation 2, header tags
      00000000                                      # ThrottleTimeMs
      03                                            # Responses: 2
        0000 00 02 07 ${utf8('orders')} 00          #   ErrorCode 0, ErrorMessage null, TOPIC, name, tags
        002a 0a ${utf8('bad thing')} 04 02 ${utf8('1')} 00   # ErrorCode 42, ErrorMessage, BROKER, "1", tags
      00                                            # tags
    `);
    expect(encodeResponseFrame(IncrementalAlterConfigs, 1, 2, response)).toEqual(bytes);
    expect(decodeResponseFrame(IncrementalAlterConfigs, 1, bytes).body).toEqual(response);
  });
});
