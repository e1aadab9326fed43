// Durability under kill -9, repeated: a broker process killed (SIGKILL) while two producers write
// with acks=all, then restarted on the same log dir and port, MQ_CRASH_CYCLES times (default 3;
// the crash loop of issue #5 is run with 50). After every restart each acknowledged record is at
// the offset it was acknowledged with, the offsets are contiguous, no record is stored twice,
// and produce and fetch work. One producer is plain (retries 0: what was not acknowledged is
// simply lost to it); the other is idempotent and keeps retrying across the restarts, so the
// recovered producer state must recognise every retry of a batch that was written before the
// kill but whose answer was lost with it. Small segments and a short recovery-point checkpoint
// interval make rolls, background fsyncs and checkpoint writes happen between (and during)
// the kills, so restarts go through the trusted-below-the-recovery-point path too.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Admin, Consumer, Producer } from '../../src/client/index.js';
import { spawnBroker, type BrokerProcess } from '../helpers/broker-process.js';
import { tempDir } from '../helpers/broker.js';

const dir = tempDir('mq-crash-');
let broker: BrokerProcess | undefined;
afterAll(async () => {
  broker?.child.kill('SIGKILL');
  await broker?.exited;
  rmSync(dir, { recursive: true, force: true });
});

const CYCLES = Number(process.env.MQ_CRASH_CYCLES ?? 3);
/** Acknowledgements (both producers together) between two kills. */
const ACKS_PER_CYCLE = 2000;
const WINDOW = 200;
const BROKER_CONFIG = { 'log.segment.bytes': '65536', 'log.flush.offset.checkpoint.interval.ms': '100' };
const TOPICS = ['crash-plain', 'crash-idempotent'] as const;

async function readAll(bootstrap: string, topic: string, end: bigint): Promise<Map<bigint, string>> {
  const consumer = new Consumer({ bootstrapServers: [bootstrap] });
  try {
    await consumer.assign([{ topic, partition: 0, offset: 'earliest' }]);
    const seen = new Map<bigint, string>();
    while ((consumer.position(topic, 0) ?? 0n) < end) {
      for (const r of await consumer.poll(1000)) {
        // The producers go on writing while this reads: what lies beyond `end` is the next check's.
        if (r.offset >= end) continue;
        expect(seen.has(r.offset)).toBe(false);
        seen.set(r.offset, r.value!.toString());
      }
    }
    return seen;
  } finally {
    await consumer.close();
  }
}

/**
 * Sends `<topic>-N` records with at most WINDOW in flight; records what was acknowledged. Paused
 * while a restart is checked, so that each check reads a log grown by about one cycle's worth.
 */
class Pump {
  readonly acked = new Map<bigint, string>();
  readonly failed = new Set<string>();
  private next = 0;
  private settled = 0;
  private stopped = false;
  private paused = false;
  private idle: (() => void) | null = null;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly onAck: () => void,
  ) {
    this.fill();
  }

  private fill(): void {
    while (!this.stopped && !this.paused && this.next - this.settled < WINDOW) {
      const value = `${this.topic}-${this.next++}`;
      this.producer.send({ topic: this.topic, partition: 0, value }, (err, md) => {
        this.settled++;
        if (err) this.failed.add(value);
        else {
          this.acked.set(md!.offset, value);
          this.onAck();
        }
        if (this.settled === this.next) this.idle?.();
        this.fill();
      });
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.fill();
  }

  /** Stops sending and resolves once every record sent has been acknowledged or has failed. */
  stop(): Promise<void> {
    this.stopped = true;
    return this.settled === this.next ? Promise.resolve() : new Promise((resolve) => (this.idle = resolve));
  }
}

async function check(bootstrap: string, topic: string, acked: Map<bigint, string>): Promise<bigint> {
  const admin = new Admin({ bootstrapServers: [bootstrap] });
  const [latest] = await admin.listOffsets([{ topic, partition: 0, timestamp: -1n }]);
  await admin.close();
  const end = latest!.offset;
  const stored = await readAll(bootstrap, topic, end);
  expect(stored.size).toBe(Number(end));
  // Never twice at two offsets.
  expect(new Set(stored.values()).size).toBe(stored.size);
  for (const [offset, value] of acked) if (offset < end) expect(stored.get(offset), `${topic} offset ${offset}`).toBe(value);
  return end;
}

describe('kill -9 during acks=all production', () => {
  it(`loses no acknowledged record and stores none twice over ${CYCLES} crash cycles`, { timeout: 120_000 + CYCLES * 10_000 }, async () => {
    broker = await spawnBroker(dir, BROKER_CONFIG);
    const listeners = `PLAINTEXT://127.0.0.1:${broker.port}`;
    const admin = new Admin({ bootstrapServers: [broker.bootstrap] });
    await admin.createTopics(TOPICS.map((name) => ({ name, numPartitions: 1 })));
    await admin.close();

    const bootstrapServers = [broker.bootstrap];
    const plain = new Producer({ bootstrapServers, acks: -1, lingerMs: 1, retries: 0, deliveryTimeoutMs: 2000 });
    const idempotent = new Producer({ bootstrapServers, acks: -1, lingerMs: 1, idempotence: true, retries: 1_000_000, deliveryTimeoutMs: 600_000, retryBackoffMs: 50 });
    let acksThisCycle = 0;
    let reached: (() => void) | null = null;
    const onAck = (): void => {
      if (++acksThisCycle >= ACKS_PER_CYCLE) reached?.();
    };
    const pumps = [new Pump(plain, TOPICS[0], onAck), new Pump(idempotent, TOPICS[1], onAck)];

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await new Promise<void>((resolve) => (acksThisCycle >= ACKS_PER_CYCLE ? resolve() : (reached = resolve)));
      reached = null;
      const b = broker;
      b.child.kill('SIGKILL');
      await b.exited;
      for (const p of pumps) p.pause();
      // Same port, so the producers (the idempotent one retrying) find the broker again.
      broker = await spawnBroker(dir, { ...BROKER_CONFIG, listeners });
      for (const [i, topic] of TOPICS.entries()) await check(broker.bootstrap, topic, pumps[i]!.acked);
      acksThisCycle = 0;
      for (const p of pumps) p.resume();
    }

    // The idempotent producer never gives up: once it is done, everything it sent is stored once.
    await Promise.all(pumps.map((p) => p.stop()));
    expect(pumps[1]!.failed.size).toBe(0);
    const end = await check(broker.bootstrap, TOPICS[1], pumps[1]!.acked);
    expect(end).toBe(BigInt(pumps[1]!.acked.size));
    await check(broker.bootstrap, TOPICS[0], pumps[0]!.acked);
    await Promise.all([plain.close(), idempotent.close()]);
    console.log(`crash loop: ${CYCLES} kills; acknowledged ${pumps.map((p, i) => `${TOPICS[i]} ${p.acked.size}, failed ${p.failed.size}`).join('; ')}`);
  });
});
