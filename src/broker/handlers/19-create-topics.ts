// CreateTopics v2-7. NumPartitions and ReplicationFactor of -1 take the broker defaults
// (num.partitions, default.replication.factor; KIP-464). An explicit assignment must place every
// replica on this node. ValidateOnly checks everything and creates nothing. v5+ answers with the
// partition count, replication factor and effective configs; v7 with the topic id.
import { ZERO_UUID } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  CreateTopics,
  type CreatableTopic,
  type CreatableTopicResult,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
} from '../../protocol/messages/19-create-topics.js';
import { TopicError, type Broker } from '../broker.js';
import { describeTopicConfigs } from '../dynamic-config.js';
import { register } from '../router.js';

function failed(name: string, errorCode: number, errorMessage: string): CreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  };
}

function createOne(broker: Broker, topic: CreatableTopic, validateOnly: boolean): CreatableTopicResult {
  const configs: Record<string, string> = {};
  for (const c of topic.configs) {
    if (c.value !== null) configs[c.name] = c.value;
  }
  let partitions = topic.numPartitions === -1 ? broker.config.numPartitions : topic.numPartitions;
  let replicationFactor = topic.replicationFactor === -1 ? broker.config.defaultReplicationFactor : topic.replicationFactor;
  if (topic.assignments.length > 0) {
    if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
      return failed(topic.name, ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
    }
    if (topic.assignments.some((a, i) => a.partitionIndex !== i || a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.nodeId)) {
      return failed(topic.name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Replica assignment must place each partition, numbered from 0, on broker ${broker.nodeId} only.`);
    }
    partitions = topic.assignments.length;
    replicationFactor = 1;
  }
  try {
    if (validateOnly) broker.validateNewTopic(topic.name, partitions, replicationFactor, configs);
    const t = validateOnly ? undefined : broker.createTopic(topic.name, partitions, replicationFactor, configs);
    // Every config with its source, as DescribeConfigs would report it (AK ZkAdminManager.createTopics).
    const effective = describeTopicConfigs(configs, broker.config.topicDefaults(), broker.configLayers());
    return {
      name: topic.name,
      topicId: t?.id ?? ZERO_UUID,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topicConfigErrorCode: ErrorCode.NONE,
      numPartitions: partitions,
      replicationFactor,
      configs: effective.map((e) => ({ name: e.name, value: e.value, readOnly: e.readOnly, configSource: e.source, isSensitive: e.sensitive })),
    };
  } catch (e) {
    if (e instanceof TopicError) return failed(topic.name, e.errorCode, e.message);
    throw e;
  }
}

function handleCreateTopics(broker: Broker, _ctx: unknown, req: CreateTopicsRequest): CreateTopicsResponse {
  const counts = new Map<string, number>();
  for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) =>
      counts.get(t.name)! > 1
        ? failed(t.name, ErrorCode.INVALID_REQUEST, `Create topics request from client contains multiple entries for the following topics: ${t.name}`)
        : createOne(broker, t, req.validateOnly),
    ),
  };
}

register(CreateTopics, 2, 7, handleCreateTopics);
