// CreatePartitions v0-3: grows a topic to Count partitions (never shrinks). Explicit
// assignments must put each new partition on this node only.
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  CreatePartitions,
  type CreatePartitionsRequest,
  type CreatePartitionsResponse,
  type CreatePartitionsTopic,
  type CreatePartitionsTopicResult,
} from '../../protocol/messages/37-create-partitions.js';
import { TopicError, type Broker } from '../broker.js';
import { register } from '../router.js';

function growOne(broker: Broker, topic: CreatePartitionsTopic, validateOnly: boolean): CreatePartitionsTopicResult {
  if (topic.assignments?.some((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.nodeId)) {
    return { name: topic.name, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `New partitions can only be placed on broker ${broker.nodeId}.` };
  }
  try {
    broker.addPartitions(topic.name, topic.count, validateOnly);
    return { name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (e) {
    if (e instanceof TopicError) return { name: topic.name, errorCode: e.errorCode, errorMessage: e.message };
    throw e;
  }
}

function handleCreatePartitions(broker: Broker, _ctx: unknown, req: CreatePartitionsRequest): CreatePartitionsResponse {
  return { throttleTimeMs: 0, results: req.topics.map((t) => growOne(broker, t, req.validateOnly)) };
}

register(CreatePartitions, 0, 3, handleCreatePartitions);
