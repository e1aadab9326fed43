// kcat 1.7.1 (librdkafka 2.0.2) balanced consumers (`kcat -G`) against a real mq broker.
// librdkafka enables its group consumer only because the group APIs reach down to v0; it then
// uses FindCoordinator v2, JoinGroup v5 (MEMBER_ID_REQUIRED first), SyncGroup v3, Heartbeat v3,
// OffsetCommit v7, OffsetFetch v7 and LeaveGroup v1. The group's state is checked with our own
// wire client (DescribeGroups), never by timing: every wait polls a condition with a deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { decodeAssignment } from '../../src/protocol/messages/consumer-protocol.js';
import { DescribeGroups } from '../../src/protocol/messages/index.js';
import type { DescribeGroupsResponse } from '../../src/protocol/messages/15-describe-groups.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { run } from '../helpers/run.js';
import { WireClient } from '../helpers/wire.js';

let b: TestBroker;
let wire: WireClient;
beforeAll(async () => {
  // The initial rebalance delay (Kafka's default 3 s) lets two consumers started together join
  // the first generation, so no partition is ever read by both.
  // Topics auto-created by kcat's producer get four partitions.
  b = await startTestBroker({ 'group.initial.rebalance.delay.ms': '3000', 'offsets.topic.num.partitions': '5', 'num.partitions': '4' });
  wire = await WireClient.open(b.port);
});
afterAll(async () => {
  wire.close();
  await b.close();
});

/** A kcat that runs until stopped; its stdout and stderr are collected as they come. */
class Kcat {
  out = '';
  err = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[]) {
    this.child = spawn('kcat', ['-b', b.bootstrap, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.err += d));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  get lines(): string[] {
    return this.out.split('\n').filter(Boolean);
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}

const running: Kcat[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((k) => k.stop('SIGKILL')));
});

function groupConsumer(group: string, topic: string, name: string, extra: string[] = []): Kcat {
  // -u: unbuffered output, so lines arrive while kcat runs; %p lets us check who read what.
  const k = new Kcat(['-G', group, '-u', '-q', '-X', 'auto.offset.reset=earliest', ...extra, '-f', `${name} %p %s\\n`, topic]);
  running.push(k);
  return k;
}

async function produce(topic: string, partition: number, values: string[]): Promise<void> {
  const res = await run('kcat', ['-b', b.bootstrap, '-P', '-t', topic, '-p', String(partition)], { input: values.join('\n') + '\n' });
  expect(res.code).toBe(0);
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; kcat said:\n${running.map((k) => k.err).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The Stable group's assignment as member id -> sorted partitions, once it has `members` members. */
async function stableAssignment(group: string, members: number): Promise<Map<string, number[]>> {
  return until(`group ${group} to be Stable with ${members} member(s)`, async () => {
    const d = (await wire.request<DescribeGroupsResponse>(DescribeGroups, 0, { groups: [group], includeAuthorizedOperations: false })).groups[0]!;
    expect(d.errorCode).toBe(ErrorCode.NONE);
    if (d.groupState !== 'Stable' || d.members.length !== members) return undefined;
    return new Map(d.members.map((m) => [m.memberId, decodeAssignment(m.memberAssignment).assignedPartitions.flatMap((tp) => tp.partitions).sort()]));
  });
}

const messages = (partition: number, from: number, count: number) => Array.from({ length: count }, (_, i) => `p${partition}-m${from + i}`);

describe('kcat -G', () => {
  it('two consumers split a 4-partition topic 2 + 2 and read every message exactly once', async () => {
    const topic = 'split';
    const produced: string[] = [];
    for (let p = 0; p < 4; p++) {
      const values = messages(p, 0, 25);
      await produce(topic, p, values);
      produced.push(...values);
    }

    const a = groupConsumer('kcat-split', topic, 'A');
    const c = groupConsumer('kcat-split', topic, 'B');
    const assignment = await stableAssignment('kcat-split', 2);
    expect([...assignment.values()].map((ps) => ps.length)).toEqual([2, 2]);
    expect([...assignment.values()].flat().sort()).toEqual([0, 1, 2, 3]);

    await until('every message to be read', () => (a.lines.length + c.lines.length >= produced.length ? true : undefined));
    await Promise.all([a.stop(), c.stop()]);
    const read = [...a.lines, ...c.lines].map((l) => l.split(' ')[2]!);
    expect(read.sort()).toEqual([...produced].sort());
    // Each consumer read exactly the two partitions it was assigned.
    const partitionsOf = (k: Kcat) => [...new Set(k.lines.map((l) => Number(l.split(' ')[1])))].sort();
    expect([partitionsOf(a), partitionsOf(c)].sort()).toEqual([...assignment.values()].sort());
    // Both left the group on SIGTERM (LeaveGroup), so it is Empty without waiting for sessions to expire.
    await until('both consumers to leave', async () => {
      const d = (await wire.request<DescribeGroupsResponse>(DescribeGroups, 0, { groups: ['kcat-split'], includeAuthorizedOperations: false })).groups[0]!;
      return d.groupState === 'Empty' ? true : undefined;
    });
  });

  it('hands a SIGKILLed member\'s partitions to the survivor within the session timeout, which reads on', async () => {
    const topic = 'takeover';
    for (let p = 0; p < 4; p++) await produce(topic, p, messages(p, 0, 5));
    const fast = ['-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=500', '-X', 'auto.commit.interval.ms=200'];
    const a = groupConsumer('kcat-takeover', topic, 'A', fast);
    const c = groupConsumer('kcat-takeover', topic, 'B', fast);
    const before = await stableAssignment('kcat-takeover', 2);
    await until('the first messages to be read', () => (a.lines.length + c.lines.length >= 20 ? true : undefined));

    await c.stop('SIGKILL');
    const killedAt = Date.now();
    const after = await stableAssignment('kcat-takeover', 1);
    // Session timeout, plus a heartbeat interval for the survivor to learn of the rebalance.
    expect(Date.now() - killedAt).toBeLessThan(6000 + 3000);
    expect([...after.values()]).toEqual([[0, 1, 2, 3]]);
    expect([...after.keys()][0]).toBeOneOf([...before.keys()]);

    const more: string[] = [];
    for (let p = 0; p < 4; p++) {
      const values = messages(p, 5, 5);
      await produce(topic, p, values);
      more.push(...values);
    }
    await until('the survivor to read the new messages of every partition', () => (more.every((m) => a.lines.some((l) => l.endsWith(` ${m}`))) ? true : undefined));
    // At least once: everything produced was read by someone.
    const read = new Set([...a.lines, ...c.lines].map((l) => l.split(' ')[2]));
    for (let p = 0; p < 4; p++) for (const m of messages(p, 0, 10)) expect(read.has(m)).toBe(true);
  });
});
