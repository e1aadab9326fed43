// Metadata v0-12. One broker leads every partition, so each partition's leader, replicas and
// ISR are this node. Topic selection follows the versions: v0 sends [] for "all topics", v1+
// sends null for all and [] for none; v10+ may name topics by id instead of name.
//
// Auto-creation (auto.create.topics.enable, and from v4 the request's AllowAutoTopicCreation):
// Kafka answers LEADER_NOT_AVAILABLE for a topic it has just queued for creation, because its
// controller creates it asynchronously. Here creation is synchronous and the leader exists when
// we answer, so the new topic is returned ready to use and the client saves a retry round.
import { ZERO_UUID } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  Metadata,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseTopic,
} from '../../protocol/messages/03-metadata.js';
import type { Broker } from '../broker.js';
import { invalidTopicName, type TopicMetadata } from '../metadata.js';
import { register, type RequestContext } from '../router.js';

function describeTopic(broker: Broker, t: TopicMetadata): MetadataResponseTopic {
  const nodes = [broker.nodeId];
  const partitions = [];
  for (let p = 0; p < t.partitions; p++) {
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: p,
      leaderId: broker.nodeId,
      leaderEpoch: 0,
      replicaNodes: nodes,
      isrNodes: nodes,
      offlineReplicas: [],
    });
  }
  return { errorCode: ErrorCode.NONE, name: t.name, topicId: t.id, isInternal: broker.isInternalTopic(t.name), partitions, topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED };
}

function missing(errorCode: number, name: string | null, topicId: Buffer = ZERO_UUID): MetadataResponseTopic {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED };
}

function handleMetadata(broker: Broker, ctx: RequestContext, req: MetadataRequest): MetadataResponse {
  const allTopics = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
  const topics: MetadataResponseTopic[] = [];
  if (allTopics) {
    for (const t of broker.topics.all()) topics.push(describeTopic(broker, t));
  } else {
    const autoCreate = ctx.apiVersion < 4 || req.allowAutoTopicCreation;
    for (const wanted of req.topics!) {
      if (wanted.name === null) {
        const t = broker.topics.getById(wanted.topicId);
        topics.push(t ? describeTopic(broker, t) : missing(ErrorCode.UNKNOWN_TOPIC_ID, null, wanted.topicId));
        continue;
      }
      const t = broker.topics.get(wanted.name) ?? (autoCreate ? broker.autoCreateTopic(wanted.name) : undefined);
      if (t) topics.push(describeTopic(broker, t));
      else if (invalidTopicName(wanted.name)) topics.push(missing(ErrorCode.INVALID_TOPIC_EXCEPTION, wanted.name));
      else topics.push(missing(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, wanted.name));
    }
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.nodeId, host: broker.advertised.host, port: broker.advertised.port, rack: null }],
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    topics,
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

register(Metadata, 0, 12, handleMetadata);
