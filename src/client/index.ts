// The client API: what the CLI and library users import. Depends on src/protocol/ only.

export type { ClientConfig } from './config.js';
export {
  MqError,
  KafkaError,
  ConnectionError,
  RequestTimeoutError,
  ConfigError,
  ClosedError,
  MQ_ERROR_CODES,
  type MqErrorCode,
} from './errors.js';
export { Connection, type ConnectionOptions, type SendOptions, type VersionRange } from './connection.js';
export type { BrokerInfo, ClusterDescription } from './cluster.js';
export { Admin, type TopicPartitionInfo, type TopicDescription, type NewTopic, type CreateTopicResult } from './admin.js';
export type { IsolationLevel, OffsetResult } from './list-offsets.js';
export type { DeleteRecordsResult, RecordsToDelete } from './delete-records.js';
export {
  Producer,
  type Acks,
  type CompressionName,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
  type SendCallback,
} from './producer.js';
export {
  Consumer,
  type ConsumerRecord,
  type ConsumerConfig,
  type OffsetSpec,
  type RebalanceListener,
  type CommittedOffsetInfo,
} from './consumer.js';
export type { AssignorName, TopicPartition } from './assignors.js';
export type { CommitResult, CommittedOffset } from './coordinator.js';
export type { GroupListing, GroupDescription, MemberDescription } from './group-admin.js';
export type { BrokerApiVersions, LogDirDescription, ReplicaInfo } from './cluster-admin.js';
export type {
  AlterConfigOp,
  AlterConfigOpType,
  ConfigDescription,
  ConfigEntry,
  ConfigResource,
  ConfigResourceType,
  ConfigSourceName,
  ConfigSynonym,
  ConfigTypeName,
} from './config-admin.js';
export { topicIdToString, topicIdFromString } from './topic-id.js';
