// What DescribeConfigs, AlterConfigs and IncrementalAlterConfigs do to one resource, shared by
// the three handlers. Errors are per resource: a ConfigResourceError carries the Kafka error code
// and message the response reports for that resource.
//
// Error codes follow Kafka 3.x: an unknown topic is UNKNOWN_TOPIC_OR_PARTITION; an unknown
// topic config name or a bad value INVALID_CONFIG (LogConfig.validate); a broker resource that
// is not this node, a broker config that cannot change at runtime, or a bad broker value
// INVALID_REQUEST (AK ConfigHelper, DynamicBrokerConfig.validateConfigs); APPEND/SUBTRACT on a
// config that is not a list INVALID_REQUEST (AK ConfigAdminManager.prepareIncrementalConfigs), as
// are a resource named twice in one request, a config named twice, and a null value
// (ConfigAdminManager.preprocess). A file that cannot be written gives KAFKA_STORAGE_ERROR.

import { ErrorCode } from '../protocol/error-codes.js';
import { LogConfigError, StorageError } from '../storage/errors.js';
import { logConfigFrom } from '../storage/log-config.js';
import type { Broker } from './broker.js';
import { BrokerConfig, ConfigError } from './config.js';
import {
  configInfo,
  describeBrokerConfigs,
  describeTopicConfigs,
  effectiveBrokerProps,
  invalidBrokerValue,
  nonDynamicBrokerConfigs,
  ResourceType,
  topicConfigNameProblem,
  type ConfigEntryView,
  type ConfigInfo,
  type Props,
} from './dynamic-config.js';
import { invalidTopicName } from './metadata.js';

export class ConfigResourceError extends Error {
  readonly code = 'MQ_ERR_CONFIG_RESOURCE';
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigResourceError';
  }
}

/** AK ConfigResource.Type ids; any other id is UNKNOWN. */
const TYPE_NAMES: Readonly<Record<number, string>> = { 0: 'UNKNOWN', 2: 'TOPIC', 4: 'BROKER', 8: 'BROKER_LOGGER', 16: 'CLIENT_METRICS', 32: 'GROUP' };

/** A resource: a topic, this broker (its node id), or the cluster-wide broker default (""). */
type Target = { kind: 'topic'; name: string } | { kind: 'broker'; level: 'broker' | 'default' };

function resolve(broker: Broker, resourceType: number, name: string, describing: boolean): Target {
  if (resourceType === ResourceType.TOPIC) {
    const bad = invalidTopicName(name);
    if (bad) throw new ConfigResourceError(ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
    // DescribeConfigs answers the bare code (AK ConfigHelper); the alter APIs say which topic.
    if (!broker.topics.get(name)) throw new ConfigResourceError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, describing ? '' : `The topic '${name}' does not exist.`);
    return { kind: 'topic', name };
  }
  if (resourceType === ResourceType.BROKER) {
    if (name === '') return { kind: 'broker', level: 'default' };
    if (!/^-?\d+$/.test(name)) throw new ConfigResourceError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
    if (Number(name) !== broker.nodeId) {
      const expected = describing ? `${broker.nodeId} or empty string` : `${broker.nodeId}`;
      throw new ConfigResourceError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${expected}, but received ${name}`);
    }
    return { kind: 'broker', level: 'broker' };
  }
  throw new ConfigResourceError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${TYPE_NAMES[resourceType] ?? 'UNKNOWN'}`);
}

/**
 * The configs of one resource; `keys` null or empty means all of them. Names the resource does
 * not have are left out, as Kafka does.
 */
export function describeConfigs(broker: Broker, resourceType: number, name: string, keys: readonly string[] | null): ConfigEntryView[] {
  const target = resolve(broker, resourceType, name, true);
  const layers = broker.configLayers();
  const entries =
    target.kind === 'topic'
      ? describeTopicConfigs(broker.topics.get(target.name)!.configs, broker.config.topicDefaults(), layers)
      : describeBrokerConfigs(target.level === 'broker', layers);
  return keys && keys.length > 0 ? entries.filter((e) => keys.includes(e.name)) : entries;
}

/** The current dynamic configs of a resource (what AlterConfigs replaces). */
function current(broker: Broker, target: Target): Props {
  if (target.kind === 'topic') return broker.topics.get(target.name)!.configs;
  return target.level === 'broker' ? broker.dynamicConfigs.dynamicBroker : broker.dynamicConfigs.dynamicDefault;
}

function brokerResourceName(broker: Broker, level: 'broker' | 'default'): string {
  return level === 'broker' ? String(broker.nodeId) : '';
}

function validateTopic(broker: Broker, configs: Props): void {
  for (const key of Object.keys(configs)) {
    const problem = topicConfigNameProblem(key);
    if (problem) throw new ConfigResourceError(ErrorCode.INVALID_CONFIG, problem);
  }
  try {
    logConfigFrom({ ...broker.config.topicDefaults(), ...configs });
  } catch (e) {
    if (e instanceof LogConfigError) throw new ConfigResourceError(ErrorCode.INVALID_CONFIG, e.message);
    throw e;
  }
}

function validateBroker(broker: Broker, level: 'broker' | 'default', configs: Props): void {
  const invalid = (message: string) =>
    new ConfigResourceError(
      ErrorCode.INVALID_REQUEST,
      `Invalid config value for resource ConfigResource(type=BROKER, name='${brokerResourceName(broker, level)}'): ${message}`,
    );
  const fixed = nonDynamicBrokerConfigs(Object.keys(configs));
  if (fixed.length > 0) throw invalid(`Cannot update these configs dynamically: Set(${fixed.join(', ')})`);
  for (const [name, value] of Object.entries(configs)) {
    const bad = invalidBrokerValue(name, value);
    if (bad) throw invalid(bad);
  }
  // The whole configuration as it would be, checked as at startup, topic defaults included.
  const layers = { ...broker.configLayers(), [level === 'broker' ? 'dynamicBroker' : 'dynamicDefault']: configs };
  try {
    logConfigFrom(new BrokerConfig(effectiveBrokerProps(layers)).topicDefaults());
  } catch (e) {
    if (e instanceof LogConfigError || e instanceof ConfigError) throw invalid(e.message);
    throw e;
  }
}

/**
 * Changes one resource's dynamic configs to `next(current)`, after validating the result; with
 * `validateOnly` nothing changes. Throws ConfigResourceError.
 */
export function alterConfigs(
  broker: Broker,
  resourceType: number,
  name: string,
  next: (current: Props, info: (name: string) => ConfigInfo) => Record<string, string>,
  validateOnly: boolean,
): void {
  const target = resolve(broker, resourceType, name, false);
  const configs = next(current(broker, target), (n) => configInfo(resourceType, n));
  if (target.kind === 'topic') {
    validateTopic(broker, configs);
    if (!validateOnly) broker.setTopicConfigs(target.name, configs);
  } else {
    validateBroker(broker, target.level, configs);
    if (!validateOnly) broker.setDynamicBrokerConfigs(target.level, configs);
  }
}

/**
 * A resource named twice in one request fails at every mention (AK ConfigAdminManager.preprocess:
 * "Each resource must appear at most once."); the returned predicate says which ones.
 */
export function repeatedResources(resources: ReadonlyArray<{ resourceType: number; resourceName: string }>): (r: { resourceType: number; resourceName: string }) => boolean {
  const count = new Map<string, number>();
  const key = (r: { resourceType: number; resourceName: string }) => `${r.resourceType}/${r.resourceName}`;
  for (const r of resources) count.set(key(r), (count.get(key(r)) ?? 0) + 1);
  return (r) => count.get(key(r))! > 1;
}

export function repeatedResourceError(): ConfigResourceError {
  return new ConfigResourceError(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.');
}

/** Maps anything a resource's processing throws to its response's error code and message. */
export function resourceError(e: unknown): { errorCode: number; errorMessage: string | null } {
  if (e instanceof ConfigResourceError) return { errorCode: e.errorCode, errorMessage: e.message || null };
  // Persisting failed (disk full, read-only dir): that resource fails, the connection stays.
  if (e instanceof StorageError) return { errorCode: ErrorCode[e.kafkaError], errorMessage: e.message };
  throw e;
}
