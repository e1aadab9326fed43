// AlterConfigs v0-2 against independent oracles:
//   v0-1  kafka-python 2.0.2 captures (requests v0-1, response v0; its AlterConfigsResponse[1] is
//         the request class) and kafkajs 2.2.4 (requests encoded by it, responses decoded by it)
//   v2    (flexible) hex written by hand from AlterConfigsRequest.json / AlterConfigsResponse.json
import { describe, expect, it } from 'vitest';
import { AlterConfigs, type AlterConfigsRequest, type AlterConfigsResponse } from '../../../src/protocol/messages/33-alter-configs.js';
import {
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  hex,
  kafkajsDecodeResponse,
  kafkajsRequestFrame,
  loadCapture,
  responseBody,
  sized,
  utf8,
} from '../oracles.js';

const KP_CLIENT = 'kafka-python-2.0.2';
const KP_CORRELATION = 0x01020304;

describe('AlterConfigs v0-1: kafka-python 2.0.2 captures', () => {
  it.each([0, 1])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`alter-configs-request-v${v}.kafka-python.hex`);
    const value: AlterConfigsRequest = {
      resources: [
        { resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '3600000' }, { name: 'cleanup.policy', value: 'compact,delete' }] },
        { resourceType: 4, resourceName: '1', configs: [{ name: 'log.retention.bytes', value: '-1' }] },
      ],
      validateOnly: v === 1,
    };
    const { header, body } = decodeRequestFrame(AlterConfigs, cap.bytes);
    expect(header).toEqual({ apiKey: 33, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(value);
    expect(encodeRequestFrame(AlterConfigs, v, KP_CORRELATION + v, KP_CLIENT, value)).toEqual(cap.bytes);
  });
  it('response v0 decodes and re-encodes byte for byte', () => {
    const cap = loadCapture('alter-configs-response-v0.kafka-python.hex');
    const value: AlterConfigsResponse = {
      throttleTimeMs: 0,
      responses: [
        { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
        { errorCode: 40, errorMessage: 'Unknown topic config name: ünknown', resourceType: 2, resourceName: 'other' },
      ],
    };
    const { correlationId, body } = decodeResponseFrame(AlterConfigs, 0, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(AlterConfigs, 0, KP_CORRELATION, value)).toEqual(cap.bytes);
  });
});

describe('AlterConfigs v0-1: kafkajs 2.2.4', () => {
  it.each([0, 1])('request v%i: decodes kafkajs’s frame and re-encodes it byte for byte', async (v) => {
    const args = { resources: [{ type: 2, name: 'a', configEntries: [{ name: 'retention.ms', value: '1' }, { name: 'segment.ms', value: null }] }], validateOnly: true };
    const theirs = await kafkajsRequestFrame('alterConfigs', v, args, 5, 'kafkajs');
    const { body } = decodeRequestFrame<AlterConfigsRequest>(AlterConfigs, theirs);
    expect(body).toEqual({
      resources: [{ resourceType: 2, resourceName: 'a', configs: [{ name: 'retention.ms', value: '1' }, { name: 'segment.ms', value: null }] }],
      validateOnly: true,
    });
    expect(encodeRequestFrame(AlterConfigs, v, 5, 'kafkajs', body)).toEqual(theirs);
  });
  it.each([0, 1])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value: AlterConfigsResponse = {
      throttleTimeMs: 3,
      responses: [
        { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'a' },
        { errorCode: 42, errorMessage: 'no', resourceType: 4, resourceName: '7' },
      ],
    };
    const decoded = await kafkajsDecodeResponse('alterConfigs', v, responseBody(encodeResponseFrame(AlterConfigs, v, 1, value)));
    expect(decoded.resources).toEqual([
      { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'a' },
      { errorCode: 42, errorMessage: 'no', resourceType: 4, resourceName: '7' },
    ]);
  });
});

describe('AlterConfigs v2 (flexible), hand-written from the JSON specs', () => {
  it('request v2', () => {
    const bytes = sized(hex`
      0021 0002 00000001 0002 ${utf8('mq')} 00      # AlterConfigs v2, correlation 1, client, header tags
      02                                            # Resources: 1
        02 07 ${utf8('orders')}                     #   ResourceType TOPIC, ResourceName
        03                                          #   Configs: 2
          0d ${utf8('retention.ms')} 08 ${utf8('3600000')} 00   # Name, Value, tags
          0b ${utf8('segment.ms')} 00 00            #     Name, Value null, tags
        00                                          #   tags
      01                                            # ValidateOnly
      00                                            # tags
    `);
    const value: AlterConfigsRequest = {
      resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '3600000' }, { name: 'segment.ms', value: null }] }],
      validateOnly: true,
    };
    expect(encodeRequestFrame(AlterConfigs, 2, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(AlterConfigs, bytes).body).toEqual(value);
  });
  it('response v2', () => {
    const bytes = sized(hex`
      00000002 00                                   # correlation 2, header tags
      00000000                                      # ThrottleTimeMs
      03                                            # Responses: 2
        0000 00 02 07 ${utf8('orders')} 00          #   ErrorCode 0, ErrorMessage null, TOPIC, name, tags
        0028 0a ${utf8('bad value')} 04 02 ${utf8('1')} 00   # ErrorCode 40, ErrorMessage, BROKER, "1", tags
      00                                            # tags
    `);
    const value: AlterConfigsResponse = {
      throttleTimeMs: 0,
      responses: [
        { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
        { errorCode: 40, errorMessage: 'bad value', resourceType: 4, resourceName: '1' },
      ],
    };
    expect(encodeResponseFrame(AlterConfigs, 2, 2, value)).toEqual(bytes);
    expect(decodeResponseFrame(AlterConfigs, 2, bytes).body).toEqual(value);
  });
});
