// Which of a log's segments retention deletes (AK UnifiedLog.deleteOldSegments), as a pure
// decision over the segments, oldest first, so it can be tested against a model; log.ts applies
// it and log-manager.ts runs it over every log each log.retention.check.interval.ms.
//
// Three rules run in Kafka's order, each over what the previous one left:
//   1. log start offset: a segment goes when the next segment's base offset is <= the log start
//      offset (DeleteRecords moved it past the whole segment). Applies under every policy.
//   2. retention.bytes (>= 0, cleanup.policy has `delete`): while the log is larger than the
//      limit, the oldest segments whose sizes fit in the excess go.
//   3. retention.ms (>= 0, cleanup.policy has `delete`): a segment goes when now minus its
//      largest timestamp (its greatest record timestamp, else the .log file's mtime) exceeds
//      retention.ms. A segment with a timestamp in the future never does.
// Every rule stops at the first segment it keeps (deletion is a prefix), never deletes a segment
// that reaches past the high watermark (the log start offset must not pass it), and never
// deletes an empty last segment. Deleting every segment is allowed: the log then rolls a new
// empty active segment first (log.ts), so it is never left without one.

import type { LogConfig } from './log-config.js';

export interface RetentionSegment {
  readonly baseOffset: bigint;
  readonly size: number;
  /** Greatest record timestamp, else the file's last modification time (ms); -1 if neither is known. */
  largestTimestamp(): bigint;
}

export interface RetentionLogState {
  readonly logStartOffset: bigint;
  readonly highWatermark: bigint;
  readonly logEndOffset: bigint;
}

export type RetentionConfig = Pick<LogConfig, 'cleanup.policy' | 'retention.bytes' | 'retention.ms'>;

export type DeletionReason = 'log-start-offset' | 'retention-bytes' | 'retention-ms';

/** The oldest `reasons.length` segments are to be deleted; reasons[i] says why segment i goes. */
export interface RetentionPlan {
  readonly reasons: DeletionReason[];
}

/** Keeps deleting from `from` while `deletable(i)` holds and the segment lies below the high watermark. */
function prefix<S extends RetentionSegment>(segments: readonly S[], from: number, log: RetentionLogState, deletable: (segment: S, index: number) => boolean): number {
  let i = from;
  for (; i < segments.length; i++) {
    const segment = segments[i]!;
    const next = segments[i + 1];
    const upperBound = next ? next.baseOffset : log.logEndOffset;
    if (!next && segment.size === 0) break;
    if (log.highWatermark < upperBound || !deletable(segment, i)) break;
  }
  return i;
}

export function planRetention(segments: readonly RetentionSegment[], log: RetentionLogState, config: RetentionConfig, now: number): RetentionPlan {
  const reasons: DeletionReason[] = [];
  const take = (end: number, reason: DeletionReason): void => {
    while (reasons.length < end) reasons.push(reason);
  };

  take(
    prefix(segments, 0, log, (_, i) => {
      const next = segments[i + 1];
      return next !== undefined && next.baseOffset <= log.logStartOffset;
    }),
    'log-start-offset',
  );
  if (!config['cleanup.policy'].includes('delete')) return { reasons };

  const limit = config['retention.bytes'];
  if (limit >= 0) {
    let size = 0;
    for (let i = reasons.length; i < segments.length; i++) size += segments[i]!.size;
    if (size >= limit) {
      let excess = size - limit;
      take(
        prefix(segments, reasons.length, log, (segment) => {
          if (excess - segment.size < 0) return false;
          excess -= segment.size;
          return true;
        }),
        'retention-bytes',
      );
    }
  }

  const retentionMs = config['retention.ms'];
  if (retentionMs >= 0) {
    const horizon = BigInt(now) - BigInt(retentionMs);
    // now - largest > retentionMs, with largest = -1 (nothing known) counting as very old, as in Kafka.
    take(prefix(segments, reasons.length, log, (segment) => segment.largestTimestamp() < horizon), 'retention-ms');
  }
  return { reasons };
}

/** Kafka's log line for a deleted segment, by the rule that deleted it. */
export function describeDeletion(reason: DeletionReason, config: RetentionConfig, logStartOffset: bigint): string {
  switch (reason) {
    case 'log-start-offset':
      return `log start offset ${logStartOffset} breach`;
    case 'retention-bytes':
      return `log retention size ${config['retention.bytes']} breach`;
    case 'retention-ms':
      return `log retention time ${config['retention.ms']}ms breach`;
  }
}
