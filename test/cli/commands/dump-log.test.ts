// mq dump-log against segment files written by a real broker (in this process, port 0): a gzip
// batch from an idempotent producer with keys and headers, a plain batch with a null value, then
// a clean shutdown (which writes the producer snapshot). Expected lines are written out from the
// format strings in Kafka's DumpLogSegments.scala (printBatchLevel, dumpLog, dumpIndex,
// dumpTimeIndex, dumpProducerIdSnapshot); only each batch's CRC and size are read from the file,
// by hand here (size field + 12, CRC-32C of attributes..end), not by the code under test.

import { appendFileSync, copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, Producer } from '../../../src/client/index.js';
import { encodeAssignment, encodeSubscription } from '../../../src/protocol/messages/consumer-protocol.js';
import { encodeGroupMetadataKey, encodeGroupMetadataValue } from '../../../src/protocol/messages/group-records.js';
import { encodeRecordBatch } from '../../../src/protocol/records/record-batch.js';
import { startTestBroker, tempDir, type TestBroker } from '../../helpers/broker.js';
import { mq } from '../helpers.js';

const T = 1700000000000;
let b: TestBroker;
let dir: string;
const seg = (ext: string) => join(dir, `00000000000000000000${ext}`);
let batches: Array<{ position: number; size: number; crc: number }>;

beforeAll(async () => {
  b = await startTestBroker();
  const admin = new Admin({ bootstrapServers: [b.bootstrap] });
  await admin.createTopics([{ name: 'dump', numPartitions: 1, configs: { 'index.interval.bytes': '1' } }]);
  await admin.close();
  const idempotent = new Producer({ bootstrapServers: [b.bootstrap], idempotence: true, compression: 'gzip', lingerMs: 60_000 });
  const sent = [
    idempotent.send({ topic: 'dump', partition: 0, key: 'k1', value: 'hello', headers: [{ key: 'h1', value: 'x' }, { key: 'h2', value: null }], timestamp: T }),
    idempotent.send({ topic: 'dump', partition: 0, key: null, value: 'wörld', timestamp: T + 1 }),
  ];
  await idempotent.flush();
  await Promise.all(sent);
  await idempotent.close();
  // Offset commits and a deleted one, for --offsets-decoder.
  const groups = new Admin({ bootstrapServers: [b.bootstrap] });
  await groups.alterGroupOffsets('dumper', [{ topic: 'dump', partition: 0, offset: 2n, metadata: 'm' }]);
  await groups.deleteGroupOffsets('dumper', [{ topic: 'dump', partition: 0 }]);
  await groups.close();
  const plain = new Producer({ bootstrapServers: [b.bootstrap], idempotence: false });
  await plain.send({ topic: 'dump', partition: 0, key: 'k3', value: null, timestamp: T + 5 });
  await plain.close();
  await b.stop();
  dir = join(b.dir, 'dump-0');
  const log = readFileSync(seg('.log'));
  batches = [];
  for (let pos = 0; pos < log.length; pos += log.readInt32BE(pos + 8) + 12) {
    const size = log.readInt32BE(pos + 8) + 12;
    batches.push({ position: pos, size, crc: crc32c(log.subarray(pos + 21, pos + size)) });
  }
});
afterAll(async () => {
  await b?.close();
});

const logLines = () => [
  `Dumping ${seg('.log')}`,
  'Log starting offset: 0',
  'baseOffset: 0 lastOffset: 1 count: 2 baseSequence: 0 lastSequence: 1 producerId: 0 producerEpoch: 0 partitionLeaderEpoch: 0 ' +
    `isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: ${T + 1} size: ${batches[0]!.size} ` +
    `magic: 2 compresscodec: gzip crc: ${batches[0]!.crc} isvalid: true`,
  `| offset: 0 CreateTime: ${T} keySize: 2 valueSize: 5 sequence: 0 headerKeys: [h1,h2] key: k1 payload: hello`,
  `| offset: 1 CreateTime: ${T + 1} keySize: -1 valueSize: 6 sequence: 1 headerKeys: [] payload: wörld`,
  'baseOffset: 2 lastOffset: 2 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 ' +
    `isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: ${batches[1]!.position} CreateTime: ${T + 5} size: ${batches[1]!.size} ` +
    `magic: 2 compresscodec: none crc: ${batches[1]!.crc} isvalid: true`,
  `| offset: 2 CreateTime: ${T + 5} keySize: 2 valueSize: -1 sequence: -1 headerKeys: [] key: k3`,
];

describe('mq dump-log: files written by the broker', () => {
  it('.log with --print-data-log: batch lines and record lines', async () => {
    expect(batches).toHaveLength(2);
    expect(await mq(['dump-log', '--files', seg('.log'), '--print-data-log'])).toEqual({ code: 0, stdout: `${logLines().join('\n')}\n`, stderr: '' });
  });
  it('.log without --deep-iteration: batches only; --skip-record-metadata keeps keys and values', async () => {
    const shallow = await mq(['dump-log', '--files', seg('.log')]);
    expect(shallow.stdout).toBe(`${logLines().filter((l) => !l.startsWith('|')).join('\n')}\n`);
    const bare = await mq(['dump-log', '--files', seg('.log'), '--print-data-log', '--skip-record-metadata']);
    expect(bare.stdout.split('\n').filter((l) => !l.startsWith('baseOffset'))).toEqual([
      `Dumping ${seg('.log')}`,
      'Log starting offset: 0',
      '| key: k1 payload: hello',
      ' payload: wörld',
      '| key: k3',
      '',
    ]);
  });
  it('.index: an entry per batch after the first (Kafka indexes once more than index.interval.bytes were appended), verified against the log', async () => {
    const r = await mq(['dump-log', '--files', `${seg('.index')},${seg('.timeindex')}`]);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([`Dumping ${seg('.index')}`, `offset: 2 position: ${batches[1]!.position}`, `Dumping ${seg('.timeindex')}`]);
    expect(lines.slice(3).filter(Boolean).every((l) => /^timestamp: \d+ offset: [12]$/.test(l))).toBe(true);
    expect(await mq(['dump-log', '--files', `${seg('.index')},${seg('.timeindex')}`, '--verify-index-only'])).toEqual({
      code: 0,
      stdout: `Dumping ${seg('.index')}\nDumping ${seg('.timeindex')}\n`,
      stderr: '',
    });
    expect((await mq(['dump-log', '--files', `${seg('.index')},${seg('.timeindex')}`, '--index-sanity-check'])).stdout).toBe(
      `Dumping ${seg('.index')}\n${seg('.index')} passed sanity check.\nDumping ${seg('.timeindex')}\n${seg('.timeindex')} passed sanity check.\n`,
    );
  });
  it('.snapshot: the producer state of the clean shutdown', async () => {
    const r = await mq(['dump-log', '--files', join(dir, '00000000000000000003.snapshot')]);
    expect(r).toEqual({
      code: 0,
      stdout:
        `Dumping ${join(dir, '00000000000000000003.snapshot')}\n` +
        `producerId: 0 producerEpoch: 0 coordinatorEpoch: -1 currentTxnFirstOffset: OptionalLong.empty lastTimestamp: ${T + 1} ` +
        `firstSequence: 0 lastSequence: 1 lastOffset: 1 offsetDelta: 1 timestamp: ${T + 1}\n`,
      stderr: '',
    });
  });
  it('a corrupt .snapshot is reported and the dump carries on with the next file', async () => {
    const d = tempDir();
    const short = join(d, '00000000000000000001.snapshot');
    writeFileSync(short, Buffer.from([0, 1, 0]));
    // A count of 1 with 20 bytes of entry: producer_id (8), epoch (2), last_sequence (4), then last_offset runs out.
    const cut = join(d, '00000000000000000002.snapshot');
    writeFileSync(cut, Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 1]), Buffer.alloc(20)]));
    const good = join(dir, '00000000000000000003.snapshot');
    const r = await mq(['dump-log', '--files', `${short},${cut},${good}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Dumping ${short}\nDumping ${cut}\nDumping ${good}\n${(await mq(['dump-log', '--files', good])).stdout.split('\n').slice(1).join('\n')}`);
    expect(r.stderr).toBe(
      "Snapshot failed schema validation: Error reading field 'crc': java.nio.BufferUnderflowException\n" +
        "Snapshot failed schema validation: Error reading field 'producer_entries': Error reading field 'last_offset': java.nio.BufferUnderflowException\n",
    );
  });
  it('a trailing comma in --files names no extra file', async () => {
    const r = await mq(['dump-log', '--files', `${seg('.index')},`, '--index-sanity-check']);
    expect(r).toEqual({ code: 0, stdout: `Dumping ${seg('.index')}\n${seg('.index')} passed sanity check.\n`, stderr: '' });
  });
  it('--output json: one document', async () => {
    const [doc] = JSON.parse((await mq(['dump-log', '--files', seg('.log'), '--deep-iteration', '--output', 'json'])).stdout) as Array<{
      batches: Array<{ crc: number; records: Array<{ offset: number }> }>;
    }>;
    expect(doc!.batches.map((x) => x.crc)).toEqual(batches.map((x) => x.crc));
    expect(doc!.batches.flatMap((x) => x.records.map((r) => r.offset))).toEqual([0, 1, 2]);
  });
});

describe('mq dump-log --offsets-decoder', () => {
  it("prints __consumer_offsets records as Kafka's OffsetsMessageParser does", async () => {
    const logs = readdirSync(b.dir)
      .filter((d) => d.startsWith('__consumer_offsets-'))
      .map((d) => join(b.dir, d, '00000000000000000000.log'))
      .filter((f) => statSync(f).size > 0);
    expect(logs).toHaveLength(1);
    const r = await mq(['dump-log', '--files', logs[0]!, '--offsets-decoder']);
    expect(r.stderr).toBe('');
    const records = r.stdout.split('\n').filter((l) => l.startsWith('| '));
    expect(records).toHaveLength(2);
    // keySize: version 2 + group 2+6 + topic 2+4 + partition 4.
    const key = '{"type":"1","data":{"group":"dumper","topic":"dump","partition":0}}';
    expect(records[0]).toMatch(
      new RegExp(
        `^\\| offset: 0 CreateTime: \\d+ keySize: 20 valueSize: \\d+ sequence: -1 headerKeys: \\[\\] key: ${escape(key)} ` +
          `payload: \\{"version":"3","data":\\{"offset":2,"leaderEpoch":-1,"metadata":"m","commitTimestamp":\\d+\\}\\}$`,
      ),
    );
    expect(records[1]).toMatch(new RegExp(`^\\| offset: 1 CreateTime: \\d+ keySize: 20 valueSize: -1 sequence: -1 headerKeys: \\[\\] key: ${escape(key)} payload: <DELETE>$`));
  });
});

describe('mq dump-log --offsets-decoder: group metadata', () => {
  it('a consumer group: members with subscription and assignment decoded (empty assignment stays base64)', async () => {
    const d = tempDir();
    const file = join(d, '00000000000000000000.log');
    const member = (id: string, assignment: Buffer) => ({
      memberId: id,
      groupInstanceId: null,
      clientId: 'c',
      clientHost: '/127.0.0.1',
      rebalanceTimeout: 300000,
      sessionTimeout: 45000,
      subscription: encodeSubscription({ topics: ['t'], ownedPartitions: [], generationId: -1, rackId: null, userData: null }, 1),
      assignment,
    });
    const value = encodeGroupMetadataValue({
      protocolType: 'consumer',
      generation: 3,
      protocol: 'range',
      leader: 'm1',
      currentStateTimestamp: 1700000000000n,
      members: [member('m1', encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [0, 1] }], userData: Buffer.from('u') }, 0)), member('m2', Buffer.alloc(0))],
    });
    writeFileSync(file, encodeRecordBatch([{ key: encodeGroupMetadataKey({ group: 'g' }), value, timestamp: 1700000000000n }]));
    const r = await mq(['dump-log', '--files', file, '--offsets-decoder', '--skip-record-metadata']);
    const memberJson = (id: string, assignment: string) =>
      `{"memberId":"${id}","groupInstanceId":null,"clientId":"c","clientHost":"/127.0.0.1","rebalanceTimeout":300000,"sessionTimeout":45000,` +
      `"subscription":{"topics":["t"],"userData":null,"ownedPartitions":[]},"assignment":${assignment}}`;
    expect(r.stdout.split('\n')[3]).toBe(
      '| key: {"type":"2","data":{"group":"g"}} payload: {"version":"3","data":{"protocolType":"consumer","generation":3,"protocol":"range",' +
        '"leader":"m1","currentStateTimestamp":1700000000000,"members":[' +
        memberJson('m1', '{"assignedPartitions":[{"topic":"t","partitions":[0,1]}],"userData":"dQ=="}') +
        ',' +
        memberJson('m2', '""') +
        ']}}',
    );
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('mq dump-log: segments larger than one read block', () => {
  it('every batch across 1 MiB block boundaries, with its position', async () => {
    const d = tempDir();
    const file = join(d, '00000000000000000100.log');
    const batchesOut: Buffer[] = [];
    for (let i = 0; i < 12; i++) {
      const value = Buffer.alloc(300_000 + i, i);
      batchesOut.push(encodeRecordBatch([{ key: null, value, timestamp: BigInt(T + i) }], { baseOffset: BigInt(100 + i) }));
    }
    writeFileSync(file, Buffer.concat(batchesOut));
    const r = await mq(['dump-log', '--files', file, '--deep-iteration']);
    const lines = r.stdout.split('\n');
    let position = 0;
    const expected = batchesOut.map((bytes, i) => {
      const line = `baseOffset: ${100 + i} lastOffset: ${100 + i} count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: -1 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: ${position} CreateTime: ${T + i} size: ${bytes.length} magic: 2 compresscodec: none crc: ${crc32c(bytes.subarray(21))} isvalid: true`;
      position += bytes.length;
      return line;
    });
    expect(lines.filter((l) => l.startsWith('baseOffset'))).toEqual(expected);
    expect(lines.filter((l) => l.startsWith('| offset: ')).map((l) => Number(/offset: (\d+)/.exec(l)![1]))).toEqual(Array.from({ length: 12 }, (_, i) => 100 + i));
    expect(lines[1]).toBe('Log starting offset: 100');
    expect(r.stderr).toBe('');
  });
});

describe('mq dump-log: damaged files', () => {
  it('a torn tail: Found N invalid bytes at the end of <name>', async () => {
    const d = tempDir();
    const copy = join(d, '00000000000000000000.log');
    copyFileSync(seg('.log'), copy);
    appendFileSync(copy, readFileSync(seg('.log')).subarray(0, 30));
    const r = await mq(['dump-log', '--files', copy]);
    expect(r.stdout.split('\n').at(-2)).toBe('Found 30 invalid bytes at the end of 00000000000000000000.log');
    // --max-bytes cuts the read short: no batch past it and no invalid-bytes line (Kafka prints it only without a limit).
    const cut = await mq(['dump-log', '--files', copy, '--max-bytes', String(batches[0]!.size + 10)]);
    expect(cut.stdout.split('\n').filter((l) => l.startsWith('baseOffset'))).toHaveLength(1);
    expect(cut.stdout).not.toContain('invalid bytes');
  });
  it('a corrupted byte: isvalid: false', async () => {
    const d = tempDir();
    const copy = join(d, '00000000000000000000.log');
    const bytes = readFileSync(seg('.log'));
    bytes[batches[1]!.position + batches[1]!.size - 3] ^= 0xff; // inside the record: covered by the CRC
    writeFileSync(copy, bytes);
    const r = await mq(['dump-log', '--files', copy]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('baseOffset')).map((l) => l.endsWith('isvalid: true'))).toEqual([true, false]);
  });
  it("an index entry that points at the wrong batch: Kafka's mismatch lines on stderr, newest first", async () => {
    const d = tempDir();
    copyFileSync(seg('.log'), join(d, '00000000000000000000.log'));
    const index = Buffer.alloc(24);
    index.writeInt32BE(0, 0); // offset 0 at position 0: the batch there ends at 1
    index.writeInt32BE(0, 4);
    index.writeInt32BE(1, 8); // offset 1 at the second batch, which ends at 2
    index.writeInt32BE(batches[1]!.position, 12);
    index.writeInt32BE(2, 16); // offset 2: right
    index.writeInt32BE(batches[1]!.position, 20);
    const path = join(d, '00000000000000000000.index');
    writeFileSync(path, index);
    const r = await mq(['dump-log', '--files', path, '--verify-index-only']);
    expect(r).toEqual({
      code: 0,
      stdout: `Dumping ${path}\n`,
      stderr: `Mismatches in :${path}\n  Index offset: 1, log offset: 2\n  Index offset: 0, log offset: 1\n`,
    });
    writeFileSync(path, index.subarray(0, 20));
    const insane = await mq(['dump-log', '--files', path, '--index-sanity-check']);
    expect(insane.code).toBe(1);
    expect(insane.stderr).toBe(`Index file ${path} is corrupt, found 20 bytes which is neither positive nor a multiple of 8.\n`);
  });
  it('unknown suffixes are ignored with a note; --files is required', async () => {
    expect(await mq(['dump-log', '--files', join(dir, 'partition.metadata')])).toEqual({
      code: 0,
      stdout: `Dumping ${join(dir, 'partition.metadata')}\n`,
      stderr: `Ignoring unknown file ${join(dir, 'partition.metadata')}\n`,
    });
    expect(await mq(['dump-log'])).toEqual({ code: 1, stdout: '', stderr: 'Missing required argument "[files]"\n' });
  });
});
