// DeleteTopics (key 20), mq serves v1-6; v4+ flexible. Up to v5 the request names topics in
// TopicNames; v6 replaces that with Topics[{Name, TopicId}] so a topic can be deleted by id.
// v5 adds ErrorMessage to the response, v6 the topic id.
import { api, array, field, message } from '../schema.js';

export interface DeleteTopicState {
  name: string | null;
  topicId: Buffer;
}

export interface DeleteTopicsRequest {
  topics: DeleteTopicState[];
  topicNames: string[];
  timeoutMs: number;
}

export interface DeletableTopicResult {
  name: string | null;
  topicId: Buffer;
  errorCode: number;
  errorMessage: string | null;
}

export interface DeleteTopicsResponse {
  throttleTimeMs: number;
  responses: DeletableTopicResult[];
}

export const DeleteTopics = api(
  message('request', 20, 'DeleteTopics', '1-6', '4+', [
    array('topics', '6+', [field('name', 'string', '6+', { nullable: '6+' }), field('topicId', 'uuid', '6+')]),
    array('topicNames', '0-5', 'string'),
    field('timeoutMs', 'int32', '0+'),
  ]),
  message('response', 20, 'DeleteTopics', '1-6', '4+', [
    field('throttleTimeMs', 'int32', '1+'),
    array('responses', '0+', [
      field('name', 'string', '0+', { nullable: '6+' }),
      field('topicId', 'uuid', '6+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '5+', { nullable: '5+', default: null }), // JSON "default": "null": v1-4 decode null
    ]),
  ]),
);
