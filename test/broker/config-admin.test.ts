// config-admin.ts against a Broker built in this process (no listener): resource type ids as
// AK ConfigResource.Type names them, and dynamic log.cleaner.* settings reaching the running
// LogCleaner, while the ones mq never reads are refused rather than accepted and ignored.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Broker } from '../../src/broker/broker.js';
import { alterConfigs, describeConfigs } from '../../src/broker/config-admin.js';
import { BrokerConfig } from '../../src/broker/config.js';
import { ResourceType } from '../../src/broker/dynamic-config.js';
import { tempDir } from '../helpers/broker.js';

let broker: Broker;
let dir: string;
afterEach(() => {
  broker.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(): Broker {
  dir = tempDir();
  broker = new Broker(new BrokerConfig({ 'log.dirs': dir }), () => {});
  return broker;
}

const set = (configs: Record<string, string>) => (current: Readonly<Record<string, string>>) => ({ ...current, ...configs });

describe('config resources', () => {
  it('names resource type ids as ConfigResource.Type does; any other id is UNKNOWN', () => {
    const b = start();
    const unsupported = (type: number) => () => describeConfigs(b, type, 'x', null);
    expect(unsupported(0)).toThrow('Unsupported resource type: UNKNOWN');
    expect(unsupported(3)).toThrow('Unsupported resource type: UNKNOWN');
    expect(unsupported(8)).toThrow('Unsupported resource type: BROKER_LOGGER');
    expect(unsupported(16)).toThrow('Unsupported resource type: CLIENT_METRICS');
    expect(unsupported(32)).toThrow('Unsupported resource type: GROUP');
  });

  it('hands changed log.cleaner.* settings to the running cleaner', () => {
    const b = start();
    const applied = vi.spyOn(b.cleaner, 'updateConfig');
    alterConfigs(b, ResourceType.BROKER, '', set({ 'log.cleaner.backoff.ms': '25', 'log.cleaner.dedupe.buffer.size': '1000000' }), false);
    expect(applied).toHaveBeenLastCalledWith(expect.objectContaining({ backoffMs: 25, dedupeBufferSize: 1000000 }));
    alterConfigs(b, ResourceType.BROKER, String(b.nodeId), set({ 'log.cleaner.backoff.ms': '40' }), false);
    expect(applied).toHaveBeenLastCalledWith(expect.objectContaining({ backoffMs: 40 }));
  });

  it('refuses cleaner and roll settings mq never reads instead of accepting them as dynamic', () => {
    const b = start();
    for (const name of ['log.cleaner.threads', 'log.cleaner.io.buffer.size', 'log.cleaner.io.buffer.load.factor', 'log.cleaner.io.max.bytes.per.second', 'log.cleaner.max.compaction.lag.ms', 'log.roll.jitter.ms']) {
      expect(() => alterConfigs(b, ResourceType.BROKER, '', set({ [name]: '2' }), false)).toThrow(
        `Invalid config value for resource ConfigResource(type=BROKER, name=''): Cannot update these configs dynamically: Set(${name})`,
      );
    }
    const threads = describeConfigs(b, ResourceType.BROKER, String(b.nodeId), ['log.cleaner.threads']);
    expect(threads).toEqual([expect.objectContaining({ name: 'log.cleaner.threads', readOnly: true })]);
  });
});
