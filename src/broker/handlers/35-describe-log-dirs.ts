// DescribeLogDirs v0-4: each log dir with the partitions it holds (all of them when Topics is
// null, else those asked for that live here). A partition's size is the bytes of its .log files;
// this single node is always the leader of its own logs, so offsetLag is 0 and no log is a future
// (AlterReplicaLogDirs) replica. v4 adds the file system's total and usable bytes, as Kafka's
// FileStore getTotalSpace/getUsableSpace report them (usable = blocks available to this user).
import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  DescribeLogDirs,
  type DescribeLogDirsRequest,
  type DescribeLogDirsResponse,
  type DescribeLogDirsResult,
} from '../../protocol/messages/35-describe-log-dirs.js';
import type { Broker } from '../broker.js';
import { register } from '../router.js';

function wanted(req: DescribeLogDirsRequest): (topic: string, partition: number) => boolean {
  if (req.topics === null) return () => true;
  const asked = new Set(req.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}\0${p}`)));
  return (topic, partition) => asked.has(`${topic}\0${partition}`);
}

function space(dir: string): { totalBytes: bigint; usableBytes: bigint; errorCode: number } {
  try {
    const s = statfsSync(dir, { bigint: true });
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize, errorCode: ErrorCode.NONE };
  } catch {
    // An unreadable dir is what Kafka calls an offline log dir.
    return { totalBytes: -1n, usableBytes: -1n, errorCode: ErrorCode.KAFKA_STORAGE_ERROR };
  }
}

function handleDescribeLogDirs(broker: Broker, _ctx: unknown, req: DescribeLogDirsRequest): DescribeLogDirsResponse {
  const include = wanted(req);
  const byDir = new Map<string, DescribeLogDirsResult>();
  for (const dir of broker.logs.logDirs) {
    const path = resolve(dir);
    byDir.set(path, { logDir: path, topics: [], ...space(path) });
  }
  for (const log of broker.logs.logs()) {
    if (!include(log.topic, log.partition)) continue;
    const result = byDir.get(resolve(dirname(log.dir)));
    if (!result || result.errorCode !== ErrorCode.NONE) continue;
    let topic = result.topics.find((t) => t.name === log.topic);
    if (!topic) result.topics.push((topic = { name: log.topic, partitions: [] }));
    topic.partitions.push({ partitionIndex: log.partition, partitionSize: BigInt(log.size), offsetLag: 0n, isFutureKey: false });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results: [...byDir.values()] };
}

register(DescribeLogDirs, 0, 4, handleDescribeLogDirs);
