// Admin calls about the brokers themselves: describeCluster (DescribeCluster, or Metadata for a
// broker without it, as Java's KafkaAdminClient falls back), describeLogDirs (one DescribeLogDirs
// per broker, every partition) and the ApiVersions each broker advertised.

import { ApiKey } from '../protocol/api-keys.js';
import { DescribeCluster, type DescribeClusterRequest, type DescribeClusterResponse } from '../protocol/messages/60-describe-cluster.js';
import { DescribeLogDirs, type DescribeLogDirsRequest, type DescribeLogDirsResponse } from '../protocol/messages/35-describe-log-dirs.js';
import type { Cluster, ClusterDescription } from './cluster.js';
import { KafkaError, kafkaErrorOrNull } from './errors.js';

export interface ReplicaInfo {
  topic: string;
  partition: number;
  size: bigint;
  offsetLag: bigint;
  isFuture: boolean;
}

export interface LogDirDescription {
  path: string;
  error: KafkaError | null;
  replicas: ReplicaInfo[];
  /** -1n when the broker does not report it (DescribeLogDirs before v4). */
  totalBytes: bigint;
  usableBytes: bigint;
}

export interface BrokerApiVersions {
  broker: ClusterDescription['brokers'][number];
  /** The broker's advertised ranges by API key, or why it could not be asked. */
  versions: ReadonlyMap<number, { min: number; max: number }> | Error;
}

export async function describeCluster(cluster: Cluster): Promise<ClusterDescription> {
  const conn = await cluster.anyConnection();
  if (!conn.apiVersions.has(ApiKey.DescribeCluster)) {
    await cluster.fetchMetadata([]);
    return cluster.describe();
  }
  const request: DescribeClusterRequest = { includeClusterAuthorizedOperations: false, endpointType: 1 };
  const res = await conn.send<DescribeClusterRequest, DescribeClusterResponse>(DescribeCluster, request);
  const error = kafkaErrorOrNull(res.errorCode, res.errorMessage);
  if (error) throw error;
  return {
    clusterId: res.clusterId,
    controllerId: res.controllerId,
    brokers: res.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack })).sort((a, b) => a.nodeId - b.nodeId),
  };
}

/** Every log dir of each broker with every partition in it, by broker id. */
export async function describeLogDirs(cluster: Cluster, brokerIds: readonly number[]): Promise<Map<number, LogDirDescription[]>> {
  const out = new Map<number, LogDirDescription[]>();
  await Promise.all(
    brokerIds.map(async (id) => {
      const res = await cluster.sendTo<DescribeLogDirsResponse>(() => id, DescribeLogDirs, { topics: null } satisfies DescribeLogDirsRequest);
      const error = kafkaErrorOrNull(res.errorCode);
      if (error) throw error;
      out.set(
        id,
        res.results.map((r) => ({
          path: r.logDir,
          error: kafkaErrorOrNull(r.errorCode),
          replicas: r.topics.flatMap((t) =>
            t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, size: p.partitionSize, offsetLag: p.offsetLag, isFuture: p.isFutureKey })),
          ),
          totalBytes: r.totalBytes,
          usableBytes: r.usableBytes,
        })),
      );
    }),
  );
  return out;
}

/** What each broker of the cluster advertised in ApiVersions (on connecting), by broker id order. */
export async function brokerApiVersions(cluster: Cluster): Promise<BrokerApiVersions[]> {
  await cluster.fetchMetadata([]);
  const { brokers } = cluster.describe();
  return Promise.all(
    brokers.map(async (broker) => {
      try {
        const conn = await cluster.connectionTo(broker.nodeId);
        return { broker, versions: new Map(conn.apiVersions) };
      } catch (err) {
        return { broker, versions: err instanceof Error ? err : new Error(String(err)) };
      }
    }),
  );
}
