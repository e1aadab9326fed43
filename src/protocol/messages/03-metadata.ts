// Metadata (key 3), v0-12; v9+ flexible. v0: an empty topic list means all topics; v1+: null
// means all, empty means none. v4 adds AllowAutoTopicCreation, v7 partition leader epochs, v8
// authorized operations (cluster ones removed again in v11), v10 topic ids, v12 nullable names.
import { api, array, field, message } from '../schema.js';

export interface MetadataRequestTopic {
  topicId: Buffer;
  name: string | null;
}

export interface MetadataRequest {
  topics: MetadataRequestTopic[] | null;
  allowAutoTopicCreation: boolean;
  includeClusterAuthorizedOperations: boolean;
  includeTopicAuthorizedOperations: boolean;
}

export interface MetadataResponseBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface MetadataResponsePartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}

export interface MetadataResponseTopic {
  errorCode: number;
  name: string | null;
  topicId: Buffer;
  isInternal: boolean;
  partitions: MetadataResponsePartition[];
  topicAuthorizedOperations: number;
}

export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: MetadataResponseBroker[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataResponseTopic[];
  clusterAuthorizedOperations: number;
}

/** Kafka's "no operations reported" marker for the authorized-operations bitfields. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const Metadata = api(
  message('request', 3, 'Metadata', '0-12', '9+', [
    array('topics', '0+', [field('topicId', 'uuid', '10+'), field('name', 'string', '0+', { nullable: '10+' })], { nullable: '1+' }),
    field('allowAutoTopicCreation', 'bool', '4+', { default: true }),
    field('includeClusterAuthorizedOperations', 'bool', '8-10'),
    field('includeTopicAuthorizedOperations', 'bool', '8+'),
  ]),
  message('response', 3, 'Metadata', '0-12', '9+', [
    field('throttleTimeMs', 'int32', '3+'),
    array('brokers', '0+', [
      field('nodeId', 'int32', '0+'),
      field('host', 'string', '0+'),
      field('port', 'int32', '0+'),
      // Rack and ClusterId have "default": "null" in Kafka's JSON: v0 (no rack) decodes null, not ''.
      field('rack', 'string', '1+', { nullable: '1+', default: null }),
    ]),
    field('clusterId', 'string', '2+', { nullable: '2+', default: null }),
    field('controllerId', 'int32', '1+', { default: -1 }),
    array('topics', '0+', [
      field('errorCode', 'int16', '0+'),
      field('name', 'string', '0+', { nullable: '12+' }),
      field('topicId', 'uuid', '10+'),
      field('isInternal', 'bool', '1+'),
      array('partitions', '0+', [
        field('errorCode', 'int16', '0+'),
        field('partitionIndex', 'int32', '0+'),
        field('leaderId', 'int32', '0+'),
        field('leaderEpoch', 'int32', '7+', { default: -1 }),
        array('replicaNodes', '0+', 'int32'),
        array('isrNodes', '0+', 'int32'),
        array('offlineReplicas', '5+', 'int32'),
      ]),
      field('topicAuthorizedOperations', 'int32', '8+', { default: AUTHORIZED_OPERATIONS_OMITTED }),
    ]),
    field('clusterAuthorizedOperations', 'int32', '8-10', { default: AUTHORIZED_OPERATIONS_OMITTED }),
  ]),
);
