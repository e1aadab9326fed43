// Fetch v4-12. For each partition: find the segment and position through the offset index and
// return whole batches as read from the file (the client skips records before its offset), in
// request order, within each partition's max bytes and the request's max bytes. The first
// partition that has data may exceed those limits by one batch, so a batch larger than the
// limit can still be consumed (KIP-74). Chunks read from the segments go to the socket as they
// are, never re-encoded.
//
// Long polling: if fewer than min.bytes were found, the request parks in DelayedFetches until
// appends cover the difference or max.wait.ms passes, then reads again.
//
// Version notes: v7+ fetch sessions (KIP-227) are answered with session id 0, which every client
// treats as "no session" and answers with full fetches; v10 is the first that may read a topic
// whose compression.type is zstd: below it that partition gets UNSUPPORTED_COMPRESSION_TYPE
// (KIP-110; AK KafkaApis checks the topic config, not the batches, so zstd batches that a
// producer wrote to a compression.type=producer topic are served at any version, which is how
// kafka-python 2.0.2 reads them with Fetch v4); v11 adds the preferred read replica (always -1:
// read from the leader). Records are empty bytes, never null, when there is no data.
import { ErrorCode } from '../../protocol/error-codes.js';
import { Fetch, type FetchPartitionData, type FetchRequest, type FetchResponse } from '../../protocol/messages/01-fetch.js';
import { StorageError } from '../../storage/errors.js';
import type { Broker } from '../broker.js';
import { register, type RequestContext } from '../router.js';

const READ_COMMITTED = 1;
/** The first Fetch version that may return zstd batches (KIP-110). */
const ZSTD_MIN_VERSION = 10;
const EMPTY = Buffer.alloc(0);

interface FetchResult {
  response: FetchResponse;
  bytes: number;
  failed: boolean;
}

function emptyPartition(partitionIndex: number, errorCode: number): FetchPartitionData {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY,
  };
}

function readAll(broker: Broker, version: number, req: FetchRequest): FetchResult {
  let budget = req.maxBytes;
  let bytes = 0;
  let failed = false;
  const readCommitted = req.isolationLevel === READ_COMMITTED;
  const responses = req.topics.map((topic) => ({
    topic: topic.topic,
    partitions: topic.partitions.map((p): FetchPartitionData => {
      const log = broker.partitionLog(topic.topic, p.partition);
      if (!log) {
        failed = true;
        return emptyPartition(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
      if (version < ZSTD_MIN_VERSION && log.config['compression.type'] === 'zstd') {
        failed = true;
        return emptyPartition(p.partition, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      }
      try {
        const read = log.read(p.fetchOffset, Math.max(0, Math.min(p.partitionMaxBytes, budget)), {
          minOneMessage: bytes === 0,
          isolation: readCommitted ? 'read_committed' : 'read_uncommitted',
        });
        budget -= read.size;
        bytes += read.size;
        return {
          partitionIndex: p.partition,
          errorCode: ErrorCode.NONE,
          highWatermark: read.highWatermark,
          lastStableOffset: read.lastStableOffset,
          logStartOffset: read.logStartOffset,
          abortedTransactions: readCommitted ? [] : null,
          preferredReadReplica: -1,
          records: read.chunks.length > 0 ? read.chunks : EMPTY,
        };
      } catch (e) {
        if (!(e instanceof StorageError)) throw e;
        failed = true;
        return {
          ...emptyPartition(p.partition, ErrorCode[e.kafkaError]),
          highWatermark: log.highWatermark,
          lastStableOffset: log.highWatermark,
          logStartOffset: log.logStartOffset,
        };
      }
    }),
  }));
  return { response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses }, bytes, failed };
}

function handleFetch(broker: Broker, ctx: RequestContext, req: FetchRequest): FetchResponse | Promise<FetchResponse> {
  const first = readAll(broker, ctx.apiVersion, req);
  if (first.failed || first.bytes >= req.minBytes || req.maxWaitMs <= 0 || req.topics.length === 0) return first.response;
  const partitions = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition })));
  return new Promise((resolve) => {
    broker.fetches.wait(partitions, req.maxWaitMs, req.minBytes - first.bytes, () => resolve(readAll(broker, ctx.apiVersion, req).response));
  });
}

register(Fetch, 4, 12, handleFetch);
