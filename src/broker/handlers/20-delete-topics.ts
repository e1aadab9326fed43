// DeleteTopics v1-6. Up to v5 topics are named in TopicNames; v6 sends Topics[{Name, TopicId}]
// and a topic may be named by id alone (UNKNOWN_TOPIC_ID when it does not exist).
import { ZERO_UUID } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { DeleteTopics, type DeletableTopicResult, type DeleteTopicsRequest, type DeleteTopicsResponse } from '../../protocol/messages/20-delete-topics.js';
import { TopicError, type Broker } from '../broker.js';
import { register, type RequestContext } from '../router.js';

function deleteOne(broker: Broker, name: string | null, topicId: Buffer): DeletableTopicResult {
  const t = name !== null ? broker.topics.get(name) : broker.topics.getById(topicId);
  if (!t) {
    return name === null
      ? { name: null, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.' }
      : { name, topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' };
  }
  try {
    broker.deleteTopic(t.name);
    return { name: t.name, topicId: t.id, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (e) {
    if (e instanceof TopicError) return { name: t.name, topicId: t.id, errorCode: e.errorCode, errorMessage: e.message };
    throw e;
  }
}

function handleDeleteTopics(broker: Broker, ctx: RequestContext, req: DeleteTopicsRequest): DeleteTopicsResponse {
  const wanted = ctx.apiVersion >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  return { throttleTimeMs: 0, responses: wanted.map((t) => deleteOne(broker, t.name, t.topicId)) };
}

register(DeleteTopics, 1, 6, handleDeleteTopics);
