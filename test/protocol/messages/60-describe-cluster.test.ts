// DescribeCluster v0-1 against hex written by hand from DescribeClusterRequest.json and
// DescribeClusterResponse.json (flexible from v0; v1 adds EndpointType to both). No client we
// capture from implements it (kafka-python 2.0.2 and kafkajs 2.2.4 have no DescribeCluster).
import { describe, expect, it } from 'vitest';
import {
  DescribeCluster,
  type DescribeClusterRequest,
  type DescribeClusterResponse,
} from '../../../src/protocol/messages/60-describe-cluster.js';
import { decodeRequestFrame, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame, hex, sized, utf8 } from '../oracles.js';

describe('DescribeCluster v0-1, hand-written', () => {
  it('request v0', () => {
    const bytes = sized(hex`003c 0000 00000001 0002 ${utf8('mq')} 00  01 00  # header v2; IncludeClusterAuthorizedOperations true, tags`);
    const value: DescribeClusterRequest = { includeClusterAuthorizedOperations: true, endpointType: 1 };
    expect(encodeRequestFrame(DescribeCluster, 0, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(DescribeCluster, bytes).body).toEqual(value);
  });
  it('request v1', () => {
    const bytes = sized(hex`003c 0001 00000001 0002 ${utf8('mq')} 00  00 02 00  # IncludeClusterAuthorizedOperations false, EndpointType 2, tags`);
    const value: DescribeClusterRequest = { includeClusterAuthorizedOperations: false, endpointType: 2 };
    expect(encodeRequestFrame(DescribeCluster, 1, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(DescribeCluster, bytes).body).toEqual(value);
  });

  const brokers = hex`
    03                                            # Brokers: 2
      00000000 0a ${utf8('localhost')} 00002384 00 00   #   BrokerId 0, Host, Port 9092, Rack null, tags
      00000001 02 ${utf8('h')} 00002385 03 ${utf8('r1')} 00   #   BrokerId 1, Host "h", Port 9093, Rack "r1", tags
  `.toString('hex');
  const value = (endpointType: number): DescribeClusterResponse => ({
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    endpointType,
    clusterId: 'abc',
    controllerId: 1,
    brokers: [
      { brokerId: 0, host: 'localhost', port: 9092, rack: null },
      { brokerId: 1, host: 'h', port: 9093, rack: 'r1' },
    ],
    clusterAuthorizedOperations: -2147483648,
  });
  it('response v0', () => {
    const bytes = sized(hex`
      00000002 00                                 # correlation 2, header tags
      00000000 0000 00                            # ThrottleTimeMs, ErrorCode, ErrorMessage null
      04 ${utf8('abc')} 00000001                  # ClusterId, ControllerId 1
      ${brokers}
      80000000 00                                 # ClusterAuthorizedOperations omitted, tags
    `);
    expect(encodeResponseFrame(DescribeCluster, 0, 2, value(1))).toEqual(bytes);
    expect(decodeResponseFrame(DescribeCluster, 0, bytes).body).toEqual(value(1));
  });
  it('response v1', () => {
    const bytes = sized(hex`
      00000002 00                                 # correlation 2, header tags
      00000000 0000 00 01                         # ThrottleTimeMs, ErrorCode, ErrorMessage null, EndpointType 1
      04 ${utf8('abc')} 00000001                  # ClusterId, ControllerId 1
      ${brokers}
      80000000 00                                 # ClusterAuthorizedOperations omitted, tags
    `);
    expect(encodeResponseFrame(DescribeCluster, 1, 2, value(1))).toEqual(bytes);
    expect(decodeResponseFrame(DescribeCluster, 1, bytes).body).toEqual(value(1));
  });
});
