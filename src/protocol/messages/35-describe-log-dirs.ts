// DescribeLogDirs (key 35), v0-4; v2+ flexible. Topics null asks for every partition of every log
// dir. v3 adds the top-level ErrorCode; v4 each dir's TotalBytes and UsableBytes (-1: unknown).
import { api, array, field, message } from '../schema.js';

export interface DescribeLogDirsRequest {
  topics: Array<{ topic: string; partitions: number[] }> | null;
}

export interface DescribeLogDirsPartition {
  partitionIndex: number;
  partitionSize: bigint;
  offsetLag: bigint;
  isFutureKey: boolean;
}

export interface DescribeLogDirsResult {
  errorCode: number;
  logDir: string;
  topics: Array<{ name: string; partitions: DescribeLogDirsPartition[] }>;
  totalBytes: bigint;
  usableBytes: bigint;
}

export interface DescribeLogDirsResponse {
  throttleTimeMs: number;
  errorCode: number;
  results: DescribeLogDirsResult[];
}

export const DescribeLogDirs = api(
  message('request', 35, 'DescribeLogDirs', '0-4', '2+', [
    array('topics', '0+', [field('topic', 'string', '0+'), array('partitions', '0+', 'int32')], { nullable: '0+' }),
  ]),
  message('response', 35, 'DescribeLogDirs', '0-4', '2+', [
    field('throttleTimeMs', 'int32', '0+'),
    field('errorCode', 'int16', '3+', { default: 0 }),
    array('results', '0+', [
      field('errorCode', 'int16', '0+'),
      field('logDir', 'string', '0+'),
      array('topics', '0+', [
        field('name', 'string', '0+'),
        array('partitions', '0+', [
          field('partitionIndex', 'int32', '0+'),
          field('partitionSize', 'int64', '0+'),
          field('offsetLag', 'int64', '0+'),
          field('isFutureKey', 'bool', '0+'),
        ]),
      ]),
      field('totalBytes', 'int64', '4+', { default: -1n }),
      field('usableBytes', 'int64', '4+', { default: -1n }),
    ]),
  ]),
);
