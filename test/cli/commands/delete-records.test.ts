import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KafkaError, type RecordsToDelete } from '../../../src/client/index.js';
import { parseOffsetJson } from '../../../src/cli/commands/delete-records.js';
import { useTmpDirs } from '../../storage/helpers.js';
import { mq, type AdminClient } from '../helpers.js';

const OFFSET_OUT_OF_RANGE = 1;
const UNKNOWN_TOPIC_OR_PARTITION = 3;

/** Partitions of topic foo have high watermark 10; anything else is unknown. */
function fakeAdmin(calls: RecordsToDelete[][]): () => AdminClient {
  const admin = {
    async deleteRecords(requests: RecordsToDelete[]) {
      calls.push(requests);
      return requests.map((r) => {
        if (r.topic !== 'foo') return { ...r, lowWatermark: -1n, error: new KafkaError(UNKNOWN_TOPIC_OR_PARTITION) };
        if (r.offset > 10n) return { ...r, lowWatermark: -1n, error: new KafkaError(OFFSET_OUT_OF_RANGE) };
        return { topic: r.topic, partition: r.partition, lowWatermark: r.offset === -1n ? 10n : r.offset, error: null };
      });
    },
    async close() {},
  };
  return () => admin as unknown as AdminClient;
}

describe('mq delete-records', () => {
  const tmp = useTmpDirs();
  const file = (content: string): string => {
    const path = join(tmp(), 'offsets.json');
    writeFileSync(path, content);
    return path;
  };

  it("prints kafka-delete-records.sh's lines, a partition's error included, and exits 0", async () => {
    const calls: RecordsToDelete[][] = [];
    const path = file(
      JSON.stringify({
        partitions: [
          { topic: 'foo', partition: 1, offset: 3 },
          { topic: 'foo', partition: 0, offset: -1 },
          { topic: 'foo', partition: 2, offset: 99 },
          { topic: 'bar', partition: 0, offset: 1 },
        ],
        version: 1,
      }),
    );
    const r = await mq(['delete-records', '--bootstrap-server', 'h:9092', '--offset-json-file', path], { clients: { admin: fakeAdmin(calls) } });
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'Executing records delete operation\n' +
        'Records delete operation completed:\n' +
        'partition: foo-1\tlow_watermark: 3\n' +
        'partition: foo-0\tlow_watermark: 10\n' +
        'partition: foo-2\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.\n' +
        'partition: bar-0\terror: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n',
    });
    expect(calls[0]!.map((c) => c.offset)).toEqual([3n, -1n, 99n, 1n]);
  });

  it('--output json gives one document', async () => {
    const path = file('{"partitions":[{"topic":"foo","partition":1,"offset":4},{"topic":"foo","partition":2,"offset":11}]}');
    const r = await mq(['delete-records', '--offset-json-file', path, '--output', 'json'], { clients: { admin: fakeAdmin([]) } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { topic: 'foo', partition: 1, lowWatermark: 4, error: null },
      { topic: 'foo', partition: 2, lowWatermark: null, error: 'org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.' },
    ]);
  });

  it.each([
    ['{"partitions": [', 'The input string is not a valid JSON'],
    ['{"version": 1}', 'Missing partitions field'],
    ['{"version": 2, "partitions": []}', 'Not supported version field value 2'],
    ['{"partitions": [{"topic": "foo", "partition": 1}]}', 'No such field exists: `offset`'],
    ['{"partitions": [{"topic": "foo", "partition": "1", "offset": 1}]}', 'Expected `Integer` value, received "1"'],
    ['{"partitions": [{"topic": 7, "partition": 1, "offset": 1}]}', 'Expected `String` value, received 7'],
    ['{"partitions": [{"topic": "foo", "partition": 1, "offset": 1}, {"topic": "foo", "partition": 1, "offset": 2}]}', 'Offset json file contains duplicate topic partitions: foo-1'],
  ])('refuses %s with one line and exit 1, contacting nobody', async (content, message) => {
    const calls: RecordsToDelete[][] = [];
    const r = await mq(['delete-records', '--offset-json-file', file(content)], { clients: { admin: fakeAdmin(calls) } });
    expect(r).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
    expect(calls).toEqual([]);
  });

  it('needs --offset-json-file, and a file that exists', async () => {
    expect(await mq(['delete-records'], {})).toEqual({ code: 1, stdout: '', stderr: 'Missing required argument "[offset-json-file]"\n' });
    const r = await mq(['delete-records', '--offset-json-file', join(tmp(), 'none.json')], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^unable to read the offset json file: ENOENT.*\n$/);
  });

  it('parses version 1 (the default) into requests in file order', () => {
    expect(parseOffsetJson('{"partitions":[{"topic":"a","partition":0,"offset":5},{"topic":"a","partition":1,"offset":-1}]}')).toEqual([
      { topic: 'a', partition: 0, offset: 5n },
      { topic: 'a', partition: 1, offset: -1n },
    ]);
  });
});
