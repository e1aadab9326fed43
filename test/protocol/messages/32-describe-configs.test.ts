// DescribeConfigs v0-4 against independent oracles:
//   v0-2  kafka-python 2.0.2 captures (requests v0-2, responses v0 and v2; its v1 response schema
//         is wrong) and kafkajs 2.2.4 (requests v0-2 encoded by it, responses v0-2 decoded by it)
//   v3-4  hex written by hand from DescribeConfigsRequest.json / DescribeConfigsResponse.json
//         (v3 adds IncludeDocumentation, ConfigType and Documentation; v4 is flexible)
import { describe, expect, it } from 'vitest';
import {
  DescribeConfigs,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
} from '../../../src/protocol/messages/32-describe-configs.js';
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

/** One entry as every version carries it; fields a version lacks take their defaults on decode. */
function entry(v: number, name: string, value: string | null, opts: { readOnly?: boolean; source: number; sensitive?: boolean; synonyms?: Array<[string, string | null, number]> }) {
  return {
    name,
    value,
    readOnly: opts.readOnly ?? false,
    isDefault: v === 0 ? opts.source === 5 : false,
    configSource: v === 0 ? -1 : opts.source,
    isSensitive: opts.sensitive ?? false,
    synonyms: v === 0 ? [] : (opts.synonyms ?? []).map(([n, val, source]) => ({ name: n, value: val, source })),
    configType: 0,
    documentation: null,
  };
}

describe('DescribeConfigs v0-2: kafka-python 2.0.2 captures', () => {
  it.each([0, 1, 2])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`describe-configs-request-v${v}.kafka-python.hex`);
    const value: DescribeConfigsRequest = {
      resources: [
        { resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms', 'cleanup.policy'] },
        { resourceType: 4, resourceName: '', configurationKeys: null },
      ],
      includeSynonyms: v === 1,
      includeDocumentation: false,
    };
    const { header, body } = decodeRequestFrame(DescribeConfigs, cap.bytes);
    expect(header).toEqual({ apiKey: 32, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(value);
    expect(encodeRequestFrame(DescribeConfigs, v, KP_CORRELATION + v, KP_CLIENT, value)).toEqual(cap.bytes);
  });
  it.each([0, 2])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`describe-configs-response-v${v}.kafka-python.hex`);
    const value: DescribeConfigsResponse = {
      throttleTimeMs: v * 7,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'orders',
          configs: [
            entry(v, 'retention.ms', '86400000', { source: 1, synonyms: [['retention.ms', '86400000', 1], ['log.retention.ms', '604800000', 4]] }),
            entry(v, 'cleanup.policy', 'delete', { source: 5 }),
            entry(v, 'ssl.key.password', null, { readOnly: true, source: 4, sensitive: true, synonyms: [['ssl.key.password', null, 4]] }),
          ],
        },
        { errorCode: 3, errorMessage: "The topic 'gone' does not exist.", resourceType: 2, resourceName: 'gone', configs: [] },
      ],
    };
    const { correlationId, body } = decodeResponseFrame(DescribeConfigs, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(DescribeConfigs, v, KP_CORRELATION + v, value)).toEqual(cap.bytes);
  });
});

describe('DescribeConfigs v0-2: kafkajs 2.2.4', () => {
  it.each([0, 1, 2])('request v%i: decodes kafkajs’s frame and re-encodes it byte for byte', async (v) => {
    const args = { resources: [{ type: 2, name: 'a', configNames: ['retention.ms'] }, { type: 4, name: '1' }], includeSynonyms: true };
    const theirs = await kafkajsRequestFrame('describeConfigs', v, args, 9, 'kafkajs');
    const { body } = decodeRequestFrame<DescribeConfigsRequest>(DescribeConfigs, theirs);
    expect(body).toEqual({
      resources: [
        { resourceType: 2, resourceName: 'a', configurationKeys: ['retention.ms'] },
        // kafkajs writes an empty (default) configNames list as null: all configs.
        { resourceType: 4, resourceName: '1', configurationKeys: null },
      ],
      includeSynonyms: v > 0,
      includeDocumentation: false,
    });
    expect(encodeRequestFrame(DescribeConfigs, v, 9, 'kafkajs', body)).toEqual(theirs);
  });
  it.each([0, 1, 2])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value: DescribeConfigsResponse = {
      throttleTimeMs: 4,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 4,
          resourceName: '1',
          configs: [
            entry(v, 'log.retention.bytes', '9000', { source: 2, synonyms: [['log.retention.bytes', '9000', 2], ['log.retention.bytes', '-1', 5]] }),
            entry(v, 'log.dirs', '/data', { readOnly: true, source: 4 }),
          ],
        },
      ],
    };
    const decoded = await kafkajsDecodeResponse('describeConfigs', v, responseBody(encodeResponseFrame(DescribeConfigs, v, 1, value)));
    // From v2 the broker sends before throttling, so kafkajs moves the value to clientSideThrottleTime.
    expect(v < 2 ? decoded.throttleTime : decoded.clientSideThrottleTime).toBe(4);
    const [r] = decoded.resources as Array<{ resourceName: string; configEntries: Array<Record<string, unknown>> }>;
    expect(r!.resourceName).toBe('1');
    expect(r!.configEntries.map((e) => [e.configName, e.configValue, e.readOnly, e.configSource])).toEqual([
      ['log.retention.bytes', '9000', false, v === 0 ? 4 : 2], // v0 has no source: kafkajs infers STATIC_BROKER_CONFIG for brokers
      ['log.dirs', '/data', true, 4],
    ]);
    if (v > 0) {
      expect(r!.configEntries[0]!.configSynonyms).toEqual([
        { configName: 'log.retention.bytes', configValue: '9000', configSource: 2 },
        { configName: 'log.retention.bytes', configValue: '-1', configSource: 5 },
      ]);
    }
  });
});

describe('DescribeConfigs v3-4, hand-written from the JSON specs', () => {
  const request: DescribeConfigsRequest = {
    resources: [
      { resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms', 'cleanup.policy'] },
      { resourceType: 4, resourceName: '', configurationKeys: null },
    ],
    includeSynonyms: true,
    includeDocumentation: true,
  };
  const response: DescribeConfigsResponse = {
    throttleTimeMs: 0,
    results: [
      {
        errorCode: 0,
        errorMessage: null,
        resourceType: 2,
        resourceName: 'orders',
        configs: [
          {
            name: 'retention.ms',
            value: '86400000',
            readOnly: false,
            isDefault: false,
            configSource: 1,
            isSensitive: false,
            synonyms: [{ name: 'retention.ms', value: '86400000', source: 1 }],
            configType: 5,
            documentation: 'docs',
          },
          { name: 'ssl.key.password', value: null, readOnly: true, isDefault: false, configSource: 4, isSensitive: true, synonyms: [], configType: 9, documentation: null },
        ],
      },
    ],
  };

  it('request v3', () => {
    const bytes = sized(hex`
      0020 0003 00000001 0002 ${utf8('mq')}         # DescribeConfigs v3, correlation 1, client "mq"
      00000002                                      # Resources: 2
        02 0006 ${utf8('orders')}                   #   ResourceType TOPIC, ResourceName
        00000002 000c ${utf8('retention.ms')} 000e ${utf8('cleanup.policy')}   # ConfigurationKeys
        04 0000 ffffffff                            #   BROKER, "", ConfigurationKeys null
      01 01                                         # IncludeSynonyms, IncludeDocumentation
    `);
    expect(encodeRequestFrame(DescribeConfigs, 3, 1, 'mq', request)).toEqual(bytes);
    expect(decodeRequestFrame(DescribeConfigs, bytes).body).toEqual(request);
  });
  it('request v4 (flexible)', () => {
    const bytes = sized(hex`
      0020 0004 00000001 0002 ${utf8('mq')} 00      # DescribeConfigs v4, correlation 1, client, header tags
      03                                            # Resources: 2
        02 07 ${utf8('orders')}                     #   ResourceType TOPIC, ResourceName
        03 0d ${utf8('retention.ms')} 0f ${utf8('cleanup.policy')}   # ConfigurationKeys: 2
        00                                          #   tags
        04 01 00 00                                 #   BROKER, "", ConfigurationKeys null, tags
      01 01                                         # IncludeSynonyms, IncludeDocumentation
      00                                            # tags
    `);
    expect(encodeRequestFrame(DescribeConfigs, 4, 1, 'mq', request)).toEqual(bytes);
    expect(decodeRequestFrame(DescribeConfigs, bytes).body).toEqual(request);
  });
  it('response v3', () => {
    const bytes = sized(hex`
      00000002                                      # correlation 2
      00000000                                      # ThrottleTimeMs
      00000001                                      # Results: 1
        0000 ffff 02 0006 ${utf8('orders')}         #   ErrorCode, ErrorMessage null, TOPIC, ResourceName
        00000002                                    #   Configs: 2
          000c ${utf8('retention.ms')} 0008 ${utf8('86400000')} 00 01 00   # Name, Value, ReadOnly, ConfigSource 1, IsSensitive
          00000001 000c ${utf8('retention.ms')} 0008 ${utf8('86400000')} 01  # Synonyms: 1
          05 0004 ${utf8('docs')}                   #     ConfigType LONG, Documentation
          0010 ${utf8('ssl.key.password')} ffff 01 04 01   # Value null, ReadOnly, STATIC_BROKER_CONFIG, IsSensitive
          00000000 09 ffff                          #     Synonyms: 0, ConfigType PASSWORD, Documentation null
    `);
    expect(encodeResponseFrame(DescribeConfigs, 3, 2, response)).toEqual(bytes);
    expect(decodeResponseFrame(DescribeConfigs, 3, bytes).body).toEqual(response);
  });
  it('response v4 (flexible)', () => {
    const bytes = sized(hex`
      00000002 00                                   # correlation 2, header tags
      00000000                                      # ThrottleTimeMs
      02                                            # Results: 1
        0000 00 02 07 ${utf8('orders')}             #   ErrorCode, ErrorMessage null, TOPIC, ResourceName
        03                                          #   Configs: 2
          0d ${utf8('retention.ms')} 09 ${utf8('86400000')} 00 01 00   # Name, Value, ReadOnly, ConfigSource 1, IsSensitive
          02 0d ${utf8('retention.ms')} 09 ${utf8('86400000')} 01 00   # Synonyms: [{Name, Value, Source 1, tags}]
          05 05 ${utf8('docs')} 00                  #     ConfigType LONG, Documentation, tags
          11 ${utf8('ssl.key.password')} 00 01 04 01   # Value null, ReadOnly, STATIC_BROKER_CONFIG, IsSensitive
          01 09 00 00                               #     Synonyms: 0, ConfigType PASSWORD, Documentation null, tags
        00                                          #   tags
      00                                            # tags
    `);
    expect(encodeResponseFrame(DescribeConfigs, 4, 2, response)).toEqual(bytes);
    expect(decodeResponseFrame(DescribeConfigs, 4, bytes).body).toEqual(response);
  });
});
