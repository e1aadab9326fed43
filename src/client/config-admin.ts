// Admin's config operations (AK KafkaAdminClient: describeConfigs, alterConfigs,
// incrementalAlterConfigs). A broker resource named by node id goes to that broker (only it
// knows its own dynamic configs); topics and the cluster-wide broker default ("" name) go to any
// broker. Results are per resource, in the order asked.

import { DescribeConfigs, type DescribeConfigsRequest, type DescribeConfigsResponse, type DescribeConfigsResult } from '../protocol/messages/32-describe-configs.js';
import { AlterConfigs, type AlterConfigsRequest, type AlterConfigsResponse } from '../protocol/messages/33-alter-configs.js';
import { IncrementalAlterConfigs, type IncrementalAlterConfigsRequest, type IncrementalAlterConfigsResponse } from '../protocol/messages/44-incremental-alter-configs.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { ApiSpec } from '../protocol/schema.js';
import type { Cluster } from './cluster.js';
import { KafkaError, kafkaErrorOrNull } from './errors.js';

export type ConfigResourceType = 'topic' | 'broker';

/** A topic, a broker by node id, or (type broker, name '') the cluster-wide broker default. */
export interface ConfigResource {
  type: ConfigResourceType;
  name: string;
}

/** Kafka's ConfigEntry.ConfigSource names. */
export type ConfigSourceName =
  | 'UNKNOWN'
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG'
  | 'CLIENT_METRICS_CONFIG'
  | 'GROUP_CONFIG';

/** By wire id (AK DescribeConfigsResponse.ConfigSource). */
const SOURCES: readonly ConfigSourceName[] = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
];

/** By wire id (AK DescribeConfigsResponse.ConfigType). */
const TYPES = ['UNKNOWN', 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'] as const;
export type ConfigTypeName = (typeof TYPES)[number];

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: ConfigSourceName;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  source: ConfigSourceName;
  isSensitive: boolean;
  isReadOnly: boolean;
  /** Present when describeConfigs was asked for synonyms. */
  synonyms: ConfigSynonym[];
  type: ConfigTypeName;
  /** null unless describeConfigs was asked for documentation. */
  documentation: string | null;
}

export interface ConfigDescription {
  resource: ConfigResource;
  configs: ConfigEntry[];
  error: KafkaError | null;
}

export type AlterConfigOpType = 'set' | 'delete' | 'append' | 'subtract';

export interface AlterConfigOp {
  name: string;
  op: AlterConfigOpType;
  /** Required except for delete. */
  value?: string;
}

const OP_CODES: Readonly<Record<AlterConfigOpType, number>> = { set: 0, delete: 1, append: 2, subtract: 3 };
const RESOURCE_TYPES: Readonly<Record<ConfigResourceType, number>> = { topic: 2, broker: 4 };

/**
 * The broker a resource's request must reach (-1: any). A broker name that is no known node goes
 * to any broker too, which answers it with INVALID_REQUEST.
 */
function target(cluster: Cluster, r: ConfigResource): number {
  return r.type === 'broker' && /^\d+$/.test(r.name) && cluster.brokers.has(Number(r.name)) ? Number(r.name) : -1;
}

/** Sends one request per target broker, each with the resources that belong there. */
async function perTarget<T extends { resource: ConfigResource }, R>(
  cluster: Cluster,
  items: readonly T[],
  send: (node: number, batch: T[]) => Promise<R[]>,
): Promise<R[]> {
  const byNode = new Map<number, number[]>();
  items.forEach((item, i) => {
    const node = target(cluster, item.resource);
    byNode.set(node, [...(byNode.get(node) ?? []), i]);
  });
  const out: R[] = new Array<R>(items.length);
  await Promise.all(
    [...byNode].map(async ([node, indexes]) => {
      const results = await send(node, indexes.map((i) => items[i]!));
      indexes.forEach((i, k) => (out[i] = results[k]!));
    }),
  );
  return out;
}

function send<Res>(cluster: Cluster, node: number, api: ApiSpec, body: object): Promise<Res> {
  return cluster.sendTo<Res>(() => node, api, body);
}

function entryOf(c: DescribeConfigsResult['configs'][number], resource: ConfigResource): ConfigEntry {
  // v0 has no source: IsDefault tells defaults apart, anything else is the resource's own.
  const source =
    c.configSource >= 0 ? (SOURCES[c.configSource] ?? 'UNKNOWN') : c.isDefault ? 'DEFAULT_CONFIG' : resource.type === 'topic' ? 'DYNAMIC_TOPIC_CONFIG' : 'STATIC_BROKER_CONFIG';
  return {
    name: c.name,
    value: c.value,
    source,
    isSensitive: c.isSensitive,
    isReadOnly: c.readOnly,
    synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value, source: SOURCES[s.source] ?? 'UNKNOWN' })),
    type: TYPES[c.configType] ?? 'UNKNOWN',
    documentation: c.documentation,
  };
}

export async function describeConfigs(
  cluster: Cluster,
  resources: readonly ConfigResource[],
  options: { includeSynonyms?: boolean; includeDocumentation?: boolean; configNames?: string[] },
): Promise<ConfigDescription[]> {
  return perTarget(
    cluster,
    resources.map((resource) => ({ resource })),
    async (node, batch) => {
      const request: DescribeConfigsRequest = {
        resources: batch.map(({ resource }) => ({ resourceType: RESOURCE_TYPES[resource.type], resourceName: resource.name, configurationKeys: options.configNames ?? null })),
        includeSynonyms: options.includeSynonyms ?? false,
        includeDocumentation: options.includeDocumentation ?? false,
      };
      const res = await send<DescribeConfigsResponse>(cluster, node, DescribeConfigs, request);
      return batch.map(({ resource }, i) => {
        const r = res.results[i];
        if (!r) return { resource, configs: [], error: new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, null, { context: `(the response did not mention ${resource.type} ${resource.name})` }) };
        return { resource, configs: r.configs.map((c) => entryOf(c, resource)), error: kafkaErrorOrNull(r.errorCode, r.errorMessage) };
      });
    },
  );
}

/** Replaces each resource's dynamic configs with `configs` (AlterConfigs; names left out return to their defaults). */
export async function alterConfigs(
  cluster: Cluster,
  changes: ReadonlyArray<{ resource: ConfigResource; configs: Record<string, string> }>,
  options: { validateOnly?: boolean },
): Promise<Array<{ resource: ConfigResource; error: KafkaError | null }>> {
  return perTarget(cluster, changes, async (node, batch) => {
    const request: AlterConfigsRequest = {
      resources: batch.map((c) => ({
        resourceType: RESOURCE_TYPES[c.resource.type],
        resourceName: c.resource.name,
        configs: Object.entries(c.configs).map(([name, value]) => ({ name, value })),
      })),
      validateOnly: options.validateOnly ?? false,
    };
    const res = await send<AlterConfigsResponse>(cluster, node, AlterConfigs, request);
    return batch.map((c, i) => ({ resource: c.resource, error: resultError(res.responses[i], c.resource) }));
  });
}

/** Applies set/delete/append/subtract operations to each resource (IncrementalAlterConfigs). */
export async function incrementalAlterConfigs(
  cluster: Cluster,
  changes: ReadonlyArray<{ resource: ConfigResource; ops: AlterConfigOp[] }>,
  options: { validateOnly?: boolean },
): Promise<Array<{ resource: ConfigResource; error: KafkaError | null }>> {
  return perTarget(cluster, changes, async (node, batch) => {
    const request: IncrementalAlterConfigsRequest = {
      resources: batch.map((c) => ({
        resourceType: RESOURCE_TYPES[c.resource.type],
        resourceName: c.resource.name,
        configs: c.ops.map((o) => ({ name: o.name, configOperation: OP_CODES[o.op], value: o.value ?? null })),
      })),
      validateOnly: options.validateOnly ?? false,
    };
    const res = await send<IncrementalAlterConfigsResponse>(cluster, node, IncrementalAlterConfigs, request);
    return batch.map((c, i) => ({ resource: c.resource, error: resultError(res.responses[i], c.resource) }));
  });
}

function resultError(r: { errorCode: number; errorMessage: string | null } | undefined, resource: ConfigResource): KafkaError | null {
  if (!r) return new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, null, { context: `(the response did not mention ${resource.type} ${resource.name})` });
  return kafkaErrorOrNull(r.errorCode, r.errorMessage);
}
