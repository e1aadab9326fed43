// CreatePartitions (key 37), v0-3; v2+ flexible. Count is the new total number of partitions;
// Assignments, when given, lists the replicas of each new partition.
import { api, array, field, message } from '../schema.js';

export interface CreatePartitionsTopic {
  name: string;
  count: number;
  assignments: Array<{ brokerIds: number[] }> | null;
}

export interface CreatePartitionsRequest {
  topics: CreatePartitionsTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreatePartitionsTopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  results: CreatePartitionsTopicResult[];
}

export const CreatePartitions = api(
  message('request', 37, 'CreatePartitions', '0-3', '2+', [
    array('topics', '0+', [
      field('name', 'string', '0+'),
      field('count', 'int32', '0+'),
      array('assignments', '0+', [array('brokerIds', '0+', 'int32')], { nullable: '0+' }),
    ]),
    field('timeoutMs', 'int32', '0+'),
    field('validateOnly', 'bool', '0+'),
  ]),
  message('response', 37, 'CreatePartitions', '0-3', '2+', [
    field('throttleTimeMs', 'int32', '0+'),
    array('results', '0+', [
      field('name', 'string', '0+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    ]),
  ]),
);
