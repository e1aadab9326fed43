// DescribeLogDirs (35) and DescribeCluster (60) at the wire level against a real broker: every
// served version answers, v4's disk totals come from the file system, a topic filter keeps only
// the partitions asked for, and DescribeCluster v1 refuses the controller endpoint type as Kafka's
// brokers do.

import { readdirSync, statfsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, Producer } from '../../src/client/index.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { DescribeCluster, type DescribeClusterResponse } from '../../src/protocol/messages/60-describe-cluster.js';
import { DescribeLogDirs, type DescribeLogDirsResponse } from '../../src/protocol/messages/35-describe-log-dirs.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from '../helpers/wire.js';

let b: TestBroker;
let c: WireClient;
beforeAll(async () => {
  b = await startTestBroker();
  const admin = new Admin({ bootstrapServers: [b.bootstrap] });
  await admin.createTopics([{ name: 'dirs', numPartitions: 3 }, { name: 'other', numPartitions: 1 }]);
  await admin.close();
  const producer = new Producer({ bootstrapServers: [b.bootstrap] });
  await producer.send({ topic: 'dirs', partition: 1, value: 'x'.repeat(100) });
  await producer.close();
  c = await WireClient.open(b.port);
});
afterAll(async () => {
  c?.socket.destroy();
  await b?.close();
});

describe('DescribeLogDirs', () => {
  it.each([0, 1, 2, 3, 4])('v%i: the log dir with the partitions asked for; sizes are .log bytes', async (v) => {
    const res = await c.request<DescribeLogDirsResponse>(DescribeLogDirs, v, { topics: [{ topic: 'dirs', partitions: [1, 2, 7] }] });
    expect(res.errorCode).toBe(0);
    expect(res.results).toHaveLength(1);
    const [dir] = res.results;
    expect(dir!.logDir).toBe(resolve(b.dir));
    expect(dir!.errorCode).toBe(0);
    expect(dir!.topics).toHaveLength(1);
    const parts = [...dir!.topics[0]!.partitions].sort((x, y) => x.partitionIndex - y.partitionIndex);
    expect(parts.map((p) => [p.partitionIndex, p.offsetLag, p.isFutureKey])).toEqual([
      [1, 0n, false],
      [2, 0n, false],
    ]);
    expect(parts[0]!.partitionSize).toBe(BigInt(sizeOf('dirs-1')));
    expect(parts[0]!.partitionSize > 100n).toBe(true);
    expect(parts[1]!.partitionSize).toBe(0n);
    if (v >= 4) {
      const s = statfsSync(b.dir, { bigint: true });
      expect(dir!.totalBytes).toBe(s.blocks * s.bsize);
      expect(dir!.usableBytes > 0n && dir!.usableBytes <= dir!.totalBytes).toBe(true);
    } else {
      expect([dir!.totalBytes, dir!.usableBytes]).toEqual([-1n, -1n]);
    }
  });
  it('Topics null: every partition of every topic', async () => {
    const res = await c.request<DescribeLogDirsResponse>(DescribeLogDirs, 4, { topics: null });
    const names = res.results[0]!.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}`)).sort();
    expect(names).toEqual(['dirs-0', 'dirs-1', 'dirs-2', 'other-0']);
  });
});

function sizeOf(partitionDir: string): number {
  const d = resolve(b.dir, partitionDir);
  return readdirSync(d)
    .filter((f) => f.endsWith('.log'))
    .reduce((sum, f) => sum + statSync(resolve(d, f)).size, 0);
}

describe('DescribeCluster', () => {
  it.each([0, 1])('v%i: cluster id, controller and this broker', async (v) => {
    const res = await c.request<DescribeClusterResponse>(DescribeCluster, v, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    expect(res).toMatchObject({
      errorCode: 0,
      errorMessage: null,
      clusterId: b.broker.clusterId,
      controllerId: b.broker.nodeId,
      brokers: [{ brokerId: b.broker.nodeId, host: '127.0.0.1', port: b.port, rack: null }],
    });
  });
  it('v1 with endpoint type 2 (controllers): MISMATCHED_ENDPOINT_TYPE; another type: UNSUPPORTED_ENDPOINT_TYPE', async () => {
    const controllers = await c.request<DescribeClusterResponse>(DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
    expect(controllers.errorCode).toBe(ErrorCode.MISMATCHED_ENDPOINT_TYPE);
    expect(controllers.brokers).toEqual([]);
    const odd = await c.request<DescribeClusterResponse>(DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 7 });
    expect(odd.errorCode).toBe(ErrorCode.UNSUPPORTED_ENDPOINT_TYPE);
  });
});
