// CreateTopics (key 19), mq serves v2-7; v5+ flexible. v1 adds ValidateOnly, v4 lets
// NumPartitions/ReplicationFactor be -1 (broker default), v5 returns the created topic's
// partitions, replication factor and configs, v7 its topic id.
import { api, array, field, message } from '../schema.js';

export interface CreatableTopicConfig {
  name: string;
  value: string | null;
}

export interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: Array<{ partitionIndex: number; brokerIds: number[] }>;
  configs: CreatableTopicConfig[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreatableTopicConfigResult {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
}

export interface CreatableTopicResult {
  name: string;
  topicId: Buffer;
  errorCode: number;
  errorMessage: string | null;
  topicConfigErrorCode: number;
  numPartitions: number;
  replicationFactor: number;
  configs: CreatableTopicConfigResult[] | null;
}

export interface CreateTopicsResponse {
  throttleTimeMs: number;
  topics: CreatableTopicResult[];
}

export const CreateTopics = api(
  message('request', 19, 'CreateTopics', '2-7', '5+', [
    array('topics', '0+', [
      field('name', 'string', '0+'),
      field('numPartitions', 'int32', '0+'),
      field('replicationFactor', 'int16', '0+'),
      array('assignments', '0+', [field('partitionIndex', 'int32', '0+'), array('brokerIds', '0+', 'int32')]),
      array('configs', '0+', [field('name', 'string', '0+'), field('value', 'string', '0+', { nullable: '0+' })]),
    ]),
    field('timeoutMs', 'int32', '0+', { default: 60000 }), // CreateTopicsRequest.json "default": "60000"
    field('validateOnly', 'bool', '1+'),
  ]),
  message('response', 19, 'CreateTopics', '2-7', '5+', [
    field('throttleTimeMs', 'int32', '2+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      field('topicId', 'uuid', '7+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '1+', { nullable: '0+' }),
      field('topicConfigErrorCode', 'int16', '5+', { tag: 0 }),
      field('numPartitions', 'int32', '5+', { default: -1 }),
      field('replicationFactor', 'int16', '5+', { default: -1 }),
      array(
        'configs',
        '5+',
        [
          field('name', 'string', '5+'),
          field('value', 'string', '5+', { nullable: '5+' }),
          field('readOnly', 'bool', '5+'),
          field('configSource', 'int8', '5+', { default: -1 }),
          field('isSensitive', 'bool', '5+'),
        ],
        { nullable: '5+' },
      ),
    ]),
  ]),
);
