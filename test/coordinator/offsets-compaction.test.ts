// __consumer_offsets is compacted: after the log cleaner has run over it (tombstones included),
// replaying the partition still gives the committed offsets a model of the commits says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OFFSETS_TOPIC, OffsetStore } from '../../src/coordinator/offset-store.js';
import { CLEANER_OFFSET_CHECKPOINT_FILE, LogCleaner } from '../../src/storage/cleaner/log-cleaner.js';
import { decodeRecordBatches } from '../../src/protocol/records/record-batch.js';
import type { PartitionLog } from '../../src/storage/log.js';
import { useOffsetsTopics, type OffsetsTopicOnDisk } from './offsets-topic.js';

const offsetsTopic = useOffsetsTopics();
const T0 = 1_700_000_000_000;

/** Records of the log, and tombstones below its active segment. */
function recordCount(log: PartitionLog): number {
  return scan(log).records;
}

function scan(log: PartitionLog): { records: number; cleanableTombstones: number } {
  const active = log.segmentBaseOffsets().at(-1)!;
  let n = 0;
  let tombstones = 0;
  for (let next = log.logStartOffset; next < log.logEndOffset; ) {
    const { chunks } = log.read(next, 1 << 20, { minOneMessage: true });
    const batches = decodeRecordBatches(Buffer.concat(chunks));
    for (const b of batches) {
      n += b.records.length;
      tombstones += b.records.filter((r) => r.value === null && r.offset < active).length;
      next = b.header.baseOffset + BigInt(b.header.lastOffsetDelta) + 1n;
    }
  }
  return { records: n, cleanableTombstones: tombstones };
}

/** group → "topic/partition" → offset, as the commits and deletes in the test leave them. */
type Model = Map<string, Map<string, bigint>>;

function stored(store: OffsetStore, topic: OffsetsTopicOnDisk): Model {
  const out: Model = new Map();
  for (const [group, g] of store.loadPartition(topic.log(0))) {
    const offsets = new Map<string, bigint>();
    for (const [t, byPartition] of g.offsets) for (const [p, c] of byPartition) offsets.set(`${t}/${p}`, c.offset);
    if (offsets.size > 0) out.set(group, offsets);
  }
  return out;
}

describe('__consumer_offsets under the log cleaner', () => {
  it('replays to the same committed offsets after cleaning, tombstones dropped past delete.retention.ms', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('commit' as const), group: fc.integer({ min: 0, max: 4 }), partition: fc.integer({ min: 0, max: 5 }), offset: fc.nat(1_000_000) }),
      fc.record({ kind: fc.constant('delete' as const), group: fc.integer({ min: 0, max: 4 }), partition: fc.integer({ min: 0, max: 5 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 50, maxLength: 400 }), async (ops) => {
        let now = T0;
        const topic = offsetsTopic(1, { 'segment.bytes': '2048', 'delete.retention.ms': '1000' });
        const store = new OffsetStore(topic, () => now, 1 << 20);
        const model: Model = new Map();
        for (const o of ops) {
          const group = `group-${o.group}`;
          const offsets = model.get(group) ?? new Map<string, bigint>();
          model.set(group, offsets);
          if (o.kind === 'commit') {
            store.storeOffsets(group, [{ topic: 'orders', partition: o.partition, committed: { offset: BigInt(o.offset), leaderEpoch: -1, metadata: '', commitTimestamp: BigInt(now), expireTimestamp: -1n } }]);
            offsets.set(`orders/${o.partition}`, BigInt(o.offset));
          } else {
            store.storeTombstones(group, [{ topic: 'orders', partition: o.partition }], false);
            offsets.delete(`orders/${o.partition}`);
          }
          if (offsets.size === 0) model.delete(group);
        }
        // A group's partition of __consumer_offsets: only partition 0 exists here.
        const log = topic.log(0);
        const before = recordCount(log);
        const cleaner = new LogCleaner({ config: { enable: true, backoffMs: 10, dedupeBufferSize: 1 << 20 }, logDirs: [topic.dir], logs: () => topic.existingLogs(), clock: () => now });
        const cleaned = await cleaner.cleanFilthiestLog();
        if (log.inactiveSegments().length > 0) {
          expect(cleaned).toBe(true);
          expect(recordCount(log)).toBeLessThanOrEqual(before);
          const line = readFileSync(join(topic.dir, CLEANER_OFFSET_CHECKPOINT_FILE), 'utf8').split('\n')[2];
          expect(line).toBe(`${OFFSETS_TOPIC} 0 ${log.segmentBaseOffsets().at(-1)}`);
        }
        expect(stored(store, topic)).toEqual(model);
        // Past the delete horizon a pass for the tombstones runs though nothing is dirty.
        now = T0 + 1000;
        await cleaner.cleanFilthiestLog();
        expect(scan(log).cleanableTombstones).toBe(0);
        expect(stored(store, topic)).toEqual(model);
        const checkpoint = cleaner.checkpointOf(log);
        topic.restart();
        expect(stored(new OffsetStore(topic, () => now, 1 << 20), topic)).toEqual(model);
        // The next start resumes from the cleaner-offset-checkpoint.
        const restarted = new LogCleaner({ config: { enable: true, backoffMs: 10, dedupeBufferSize: 1 << 20 }, logDirs: [topic.dir], logs: () => topic.existingLogs() });
        expect(restarted.checkpointOf(topic.log(0))).toBe(checkpoint);
      }),
      { numRuns: 15 },
    );
  });
});
