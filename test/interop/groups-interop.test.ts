// Consumer groups with other clients and other processes, against a real mq broker:
// - kafka-python 2.0.2 (Debian python3-kafka, for /usr/bin/python3): two KafkaConsumers in one
//   group split a topic and commit; a third resumes from the commits; one shares a group with an
//   mq consumer (both offer 'range', so the coordinator picks it).
// - kafkajs 2.2.4: two consumers of one group read a topic together ('RoundRobinAssigner').
// - mq consumers in their own processes (dist/index.js, built by `npm test`): one is killed with
//   SIGKILL, the other owns all partitions after the session timeout and reads on, missing
//   nothing (at least once).
// Every wait polls a condition with a deadline; nothing sleeps to synchronise.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Admin, Consumer, Producer, type ConsumerRecord } from '../../src/client/index.js';
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js';

let b: TestBroker;
let admin: Admin;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  b = await startTestBroker({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '5' });
  admin = new Admin({ bootstrapServers: [b.bootstrap] });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await admin.close();
  await b.close();
});

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function createTopic(name: string, partitions: number): Promise<void> {
  const [r] = await admin.createTopics([{ name, numPartitions: partitions, replicationFactor: 1 }]);
  expect(r!.error).toBeNull();
}

/** `count` records per partition, values "<topic>-<partition>-<i>" for i from `from`. */
async function produce(topic: string, partitions: number, count: number, from = 0): Promise<string[]> {
  const p = new Producer({ bootstrapServers: [b.bootstrap], lingerMs: 2 });
  const values: string[] = [];
  const sends: Array<Promise<unknown>> = [];
  for (let partition = 0; partition < partitions; partition++) {
    for (let i = from; i < from + count; i++) {
      values.push(`${topic}-${partition}-${i}`);
      sends.push(p.send({ topic, partition, value: `${topic}-${partition}-${i}` }));
    }
  }
  await Promise.all(sends);
  await p.close();
  return values;
}

/** A child process whose stdout lines are collected; stopped (if still running) after the test. */
class Child {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.lines.push(line));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await this.exited;
    });
  }

  /** Parsed JSON lines. */
  get messages(): Array<Record<string, unknown>> {
    return this.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

function python(script: string): Child {
  return new Child(spawn('/usr/bin/python3', ['-u', '-c', script], { stdio: ['pipe', 'pipe', 'pipe'] }));
}

describe('kafka-python consumer groups', () => {
  it('two KafkaConsumers split a 4-partition topic and commit; a third resumes from the commits', async () => {
    await createTopic('py-groups', 4);
    const first = await produce('py-groups', 4, 25);
    // Two consumers on two threads (kafka-python blocks in poll() while its member rejoins, so one
    // thread cannot drive both). Each reports its assignment and what it read; the main thread
    // stops them once they hold two partitions each and have read all 100 distinct records;
    // both commit before either leaves, so neither commit meets a rebalance.
    const out = python(`
import json, threading, time
from kafka import KafkaConsumer
B = '${b.bootstrap}'
stop = threading.Event()
committed = threading.Barrier(2)
state = {}
def run(name):
    c = KafkaConsumer('py-groups', group_id='py-g', bootstrap_servers=B, client_id=name, auto_offset_reset='earliest', enable_auto_commit=False)
    seen = []
    state[name] = (c, seen)
    while not stop.is_set():
        for tp, msgs in c.poll(timeout_ms=100).items():
            seen.extend(m.value.decode() for m in msgs)
    c.commit()
    committed.wait()
    c.close()
threads = [threading.Thread(target=run, args=(n,)) for n in ('py-1', 'py-2')]
for t in threads: t.start()
deadline = time.time() + 60
def done():
    if len(state) < 2: return False
    return all(len(c.assignment()) == 2 for c, _ in state.values()) and len({v for _, s in state.values() for v in s}) >= 100
while time.time() < deadline and not done():
    time.sleep(0.05)
split = {n: sorted(tp.partition for tp in c.assignment()) for n, (c, _) in state.items()}
stop.set()
for t in threads: t.join()
print(json.dumps({'split': split, 'values': sorted(v for _, s in state.values() for v in s)}))
`);
    expect(await out.exited).toBe(0);
    expect(out.stderr).toBe('');
    const result = out.messages[0] as { split: Record<string, number[]>; values: string[] };
    expect(Object.values(result.split).flat().sort()).toEqual([0, 1, 2, 3]);
    expect(Object.values(result.split).map((p) => p.length)).toEqual([2, 2]);
    // At least once: records the first member read before the second joined (and before any
    // commit) are read again by their new owner from the earliest offset, as Kafka does.
    expect([...new Set(result.values)].sort()).toEqual([...first].sort());

    // The commits, read with mq's Admin; then a third member resumes from them.
    expect((await admin.listGroupOffsets('py-g')).map((o) => `${o.partition}:${o.offset}`)).toEqual(['0:25', '1:25', '2:25', '3:25']);
    const more = await produce('py-groups', 4, 5, 25);
    const third = python(`
import json
from kafka import KafkaConsumer
c = KafkaConsumer('py-groups', group_id='py-g', bootstrap_servers='${b.bootstrap}', auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=30000)
values = []
for m in c:
    values.append(m.value.decode())
    if len(values) == 20: break
print(json.dumps(sorted(values)))
c.close()
`);
    expect(await third.exited).toBe(0);
    expect(JSON.parse(third.lines.at(-1)!)).toEqual([...more].sort());
  });

  it('an mq consumer and a kafka-python consumer share a group (range, offered by both)', async () => {
    await createTopic('mixed', 4);
    await produce('mixed', 4, 10);
    const mq = new Consumer({ bootstrapServers: [b.bootstrap], groupId: 'mixed-g', autoOffsetReset: 'earliest', maxWaitMs: 100, heartbeatIntervalMs: 200 });
    cleanups.push(() => mq.close());
    await mq.subscribe(['mixed']);
    // kafka-python polls until its stdin closes.
    const py = python(`
import sys, threading
from kafka import KafkaConsumer
c = KafkaConsumer('mixed', group_id='mixed-g', bootstrap_servers='${b.bootstrap}', auto_offset_reset='earliest')
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
while not stop.is_set():
    c.poll(timeout_ms=100)
c.close()
`);
    const records: ConsumerRecord[] = [];
    await waitFor('a 2/2 split between mq and kafka-python', async () => {
      records.push(...(await mq.poll(50)));
      const [g] = await admin.describeGroups(['mixed-g']);
      return g!.state === 'Stable' && g!.members.length === 2 && g!.members.every((m) => m.assignment.length === 2);
    });
    const [g] = await admin.describeGroups(['mixed-g']);
    expect(g!.protocol).toBe('range');
    expect(g!.members.map((m) => m.clientId).sort()).toEqual(['kafka-python-2.0.2', 'mq']);
    expect(mq.assignment()).toHaveLength(2);
    py.child.stdin!.end();
    expect(await py.exited).toBe(0);
    // With kafka-python gone, the mq consumer takes everything.
    await waitFor('mq to own all 4 partitions', async () => {
      records.push(...(await mq.poll(50)));
      return mq.assignment().length === 4;
    });
  });
});

describe('kafkajs consumer groups', () => {
  it('two kafkajs consumers read a topic as one group', async () => {
    await createTopic('kjs-groups', 4);
    const values = await produce('kjs-groups', 4, 25);
    const kafka = new Kafka({ clientId: 'kjs', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const seen: string[] = [];
    const consumers = [kafka.consumer({ groupId: 'kjs-g' }), kafka.consumer({ groupId: 'kjs-g' })];
    for (const c of consumers) {
      cleanups.push(() => c.disconnect());
      await c.connect();
      await c.subscribe({ topic: 'kjs-groups', fromBeginning: true });
      await c.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    }
    await waitFor('every record', () => seen.length >= values.length);
    await waitFor('two members with two partitions each', async () => {
      const [g] = await admin.describeGroups(['kjs-g']);
      return g!.state === 'Stable' && g!.members.length === 2 && g!.members.every((m) => m.assignment.length === 2);
    });
    const [g] = await admin.describeGroups(['kjs-g']);
    expect(g!.protocol).toBe('RoundRobinAssigner');
    // Each record once: the second member joined before anything was committed twice.
    expect([...new Set(seen)].sort()).toEqual([...values].sort());
    await waitFor('commits of every record', async () => (await admin.listGroupOffsets('kjs-g')).every((o) => o.offset === 25n));
    for (const c of consumers) await c.disconnect();
    expect((await admin.listGroupOffsets('kjs-g')).map((o) => `${o.partition}:${o.offset}`)).toEqual(['0:25', '1:25', '2:25', '3:25']);
  });
});

describe('mq consumers in separate processes', () => {
  const DIST = pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href;
  const SESSION_TIMEOUT_MS = 6000;

  /**
   * A consumer process: prints its assignment after every rebalance callback and every record it
   * reads as {"p": partition, "o": offset}. Auto commit every 100 ms.
   */
  function consumerProcess(dir: string, name: string): Child {
    const script = join(dir, `${name}.mjs`);
    writeFileSync(
      script,
      `import { Consumer } from ${JSON.stringify(DIST)};
const c = new Consumer({ bootstrapServers: [${JSON.stringify(b.bootstrap)}], clientId: ${JSON.stringify(name)}, groupId: 'kill-g',
  autoOffsetReset: 'earliest', maxWaitMs: 100, sessionTimeoutMs: ${SESSION_TIMEOUT_MS}, heartbeatIntervalMs: 500, autoCommitIntervalMs: 100 });
const report = () => console.log(JSON.stringify({ assignment: c.assignment().map((tp) => tp.partition) }));
await c.subscribe(['kill'], { onPartitionsAssigned: report, onPartitionsRevoked: report, onPartitionsLost: report });
for (;;) for (const r of await c.poll(200)) console.log(JSON.stringify({ p: r.partition, o: Number(r.offset) }));
`,
    );
    return new Child(spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  const assignmentOf = (c: Child): number[] => (c.messages.filter((m) => 'assignment' in m).at(-1)?.assignment as number[] | undefined) ?? [];
  const readBy = (c: Child): Array<{ p: number; o: number }> => c.messages.filter((m) => 'p' in m) as Array<{ p: number; o: number }>;

  it('SIGKILL one of two: the other owns all 4 partitions within the session timeout and misses nothing', async () => {
    await createTopic('kill', 4);
    await produce('kill', 4, 25);
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const a = consumerProcess(dir, 'proc-a');
    const bProc = consumerProcess(dir, 'proc-b');
    await waitFor('a 2/2 split with all 100 records read', () => {
      const read = new Set([...readBy(a), ...readBy(bProc)].map((r) => `${r.p}:${r.o}`));
      return assignmentOf(a).length === 2 && assignmentOf(bProc).length === 2 && read.size === 100;
    });

    // Keep producing while the member dies.
    const producer = new Producer({ bootstrapServers: [b.bootstrap], lingerMs: 1 });
    let producing = true;
    let next = 25;
    const feeding = (async () => {
      while (producing) {
        await Promise.all([0, 1, 2, 3].map((partition) => producer.send({ topic: 'kill', partition, value: `kill-${partition}-${next}` })));
        next++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const killedAt = Date.now();
    const nextAtKill = next;
    a.child.kill('SIGKILL');
    await a.exited;
    await waitFor('the survivor to own all 4 partitions', () => assignmentOf(bProc).length === 4, SESSION_TIMEOUT_MS + 10000);
    const takeover = Date.now() - killedAt;
    // The coordinator notices the silence after the session timeout; then one heartbeat and a
    // rebalance.
    expect(takeover).toBeLessThan(SESSION_TIMEOUT_MS + 3000);
    // Production goes on for a while after the takeover, then stops.
    const nextAtTakeover = next;
    await waitFor('more records after the takeover', () => next >= nextAtTakeover + 10);
    expect(nextAtTakeover).toBeGreaterThan(nextAtKill);
    producing = false;
    await feeding;
    await producer.close();

    // At least once: every offset of every partition was read by one process or the other.
    const ends = await admin.listOffsets([0, 1, 2, 3].map((partition) => ({ topic: 'kill', partition, timestamp: -1n })));
    await waitFor('the survivor to reach the end of every partition', () => {
      const read = readBy(bProc);
      return ends.every((e) => read.some((r) => r.p === e.partition && r.o === Number(e.offset) - 1));
    });
    const read = new Set([...readBy(a), ...readBy(bProc)].map((r) => `${r.p}:${r.o}`));
    for (const e of ends) for (let o = 0; o < Number(e.offset); o++) expect(read.has(`${e.partition}:${o}`), `${e.partition}:${o} never read`).toBe(true);
    expect(bProc.stderr).toBe('');
  });
});
