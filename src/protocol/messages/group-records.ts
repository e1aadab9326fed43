// The records the group coordinator keeps in __consumer_offsets (AK group-coordinator
// OffsetCommitKey/Value.json, GroupMetadataKey/Value.json; protocol.md §4.2). Key and value are
// each `version i16` + struct. The key's version says what the record is: 0 or 1 an offset commit
// (written as v1), 2 group metadata. A null value is a tombstone deleting the key.
import { decodeVersioned, encodeVersioned } from '../codec.js';
import { array, data, field } from '../schema.js';

export interface OffsetCommitKey {
  group: string;
  topic: string;
  partition: number;
}

export interface OffsetCommitValue {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: bigint;
  /** v1 only: the expiry a v1 commit asked for. */
  expireTimestamp: bigint;
}

export interface GroupMetadataKey {
  group: string;
}

export interface GroupMetadataMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: bigint;
  members: GroupMetadataMember[];
}

export const OffsetCommitKeySpec = data('OffsetCommitKey', '0-1', 'none', [
  field('group', 'string', '0+'),
  field('topic', 'string', '0+'),
  field('partition', 'int32', '0+'),
]);

export const OffsetCommitValueSpec = data('OffsetCommitValue', '0-4', '4+', [
  field('offset', 'int64', '0+'),
  field('leaderEpoch', 'int32', '3+', { default: -1 }),
  field('metadata', 'string', '0+'),
  field('commitTimestamp', 'int64', '0+'),
  field('expireTimestamp', 'int64', '1', { default: -1n }),
]);

export const GroupMetadataKeySpec = data('GroupMetadataKey', '2', 'none', [field('group', 'string', '2')]);

export const GroupMetadataValueSpec = data('GroupMetadataValue', '0-4', '4+', [
  field('protocolType', 'string', '0+'),
  field('generation', 'int32', '0+'),
  field('protocol', 'string', '0+', { nullable: '0+' }),
  field('leader', 'string', '0+', { nullable: '0+' }),
  field('currentStateTimestamp', 'int64', '2+', { default: -1n }),
  array('members', '0+', [
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
    field('clientId', 'string', '0+'),
    field('clientHost', 'string', '0+'),
    // Default -1, as in the newest GroupMetadataValue.json read (4.x era, hyneho/kafka@383b61e)
    // and franz-go's definition (`RebalanceTimeoutMillis: int32(-1) // v1+`); older copies of the
    // JSON gave no default (0). Only v0 records lack the field and Kafka's loader then uses the
    // session timeout, so a decoded -1 reads as "absent" rather than as a real 0 ms.
    field('rebalanceTimeout', 'int32', '1+', { default: -1 }),
    field('sessionTimeout', 'int32', '0+'),
    field('subscription', 'bytes', '0+'),
    field('assignment', 'bytes', '0+'),
  ]),
]);

/** The versions Kafka 3.x writes: offset key v1, offset value v3 (v1 when it carries an expiry), group key v2, group value v3. */
export const OFFSET_COMMIT_KEY_VERSION = 1;
export const OFFSET_COMMIT_VALUE_VERSION = 3;
export const GROUP_METADATA_KEY_VERSION = 2;
export const GROUP_METADATA_VALUE_VERSION = 3;

export type GroupRecordKey = { kind: 'offset'; key: OffsetCommitKey } | { kind: 'group'; key: GroupMetadataKey };

export function encodeOffsetCommitKey(key: OffsetCommitKey): Buffer {
  return encodeVersioned(OffsetCommitKeySpec, OFFSET_COMMIT_KEY_VERSION, key);
}

export function encodeOffsetCommitValue(value: OffsetCommitValue): Buffer {
  return encodeVersioned(OffsetCommitValueSpec, value.expireTimestamp >= 0n ? 1 : OFFSET_COMMIT_VALUE_VERSION, value);
}

export function encodeGroupMetadataKey(key: GroupMetadataKey): Buffer {
  return encodeVersioned(GroupMetadataKeySpec, GROUP_METADATA_KEY_VERSION, key);
}

export function encodeGroupMetadataValue(value: GroupMetadataValue): Buffer {
  return encodeVersioned(GroupMetadataValueSpec, GROUP_METADATA_VALUE_VERSION, value);
}

/** Reads a record key; keys of other coordinators' records (versions above 2) give null. */
export function decodeGroupRecordKey(buf: Buffer): GroupRecordKey | null {
  const version = buf.readInt16BE(0);
  if (version <= 1) return { kind: 'offset', key: decodeVersioned<OffsetCommitKey>(OffsetCommitKeySpec, buf).value };
  if (version === 2) return { kind: 'group', key: decodeVersioned<GroupMetadataKey>(GroupMetadataKeySpec, buf).value };
  return null;
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue {
  return decodeVersioned<OffsetCommitValue>(OffsetCommitValueSpec, buf).value;
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue {
  return decodeVersioned<GroupMetadataValue>(GroupMetadataValueSpec, buf).value;
}
