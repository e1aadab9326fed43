// Config resolution against a table of what a Kafka 3.x broker reports (AK ConfigHelper,
// DynamicBrokerConfig.brokerConfigSynonyms): value, source and synonyms of topic and broker
// configs across the five layers, including Kafka's habit of dropping synonyms listed before the
// entry's primary broker name (retention.ms over a static log.retention.hours has none).
import { describe, expect, it } from 'vitest';
import { BrokerConfig } from '../../src/broker/config.js';
import { brokerSynonyms, describeBrokerConfigs, describeTopicConfigs, effectiveBrokerProps, type BrokerLayers } from '../../src/broker/dynamic-config.js';

const S = { TOPIC: 1, BROKER: 2, DEFAULT_BROKER: 3, STATIC: 4, DEFAULT: 5 };

function topicEntry(name: string, overrides: Record<string, string>, layers: Partial<BrokerLayers>) {
  const l: BrokerLayers = { dynamicBroker: {}, dynamicDefault: {}, staticProps: {}, ...layers };
  const defaults = new BrokerConfig(effectiveBrokerProps(l)).topicDefaults();
  const e = describeTopicConfigs(overrides, defaults, l).find((x) => x.name === name)!;
  return { value: e.value, source: e.source, synonyms: e.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`) };
}

describe('topic config resolution', () => {
  it.each([
    ['Kafka default only', 'retention.ms', {}, {}, '604800000', S.DEFAULT, []],
    ['static log.retention.ms', 'retention.ms', {}, { staticProps: { 'log.retention.ms': '1000' } }, '1000', S.STATIC, ['4:log.retention.ms=1000', '5:log.retention.hours=168']],
    ['static log.retention.hours: value follows, synonyms dropped', 'retention.ms', {}, { staticProps: { 'log.retention.hours': '24' } }, '86400000', S.DEFAULT, []],
    [
      'topic override over dynamic default over static',
      'retention.ms',
      { 'retention.ms': '7' },
      { dynamicDefault: { 'log.retention.ms': '5' }, staticProps: { 'log.retention.ms': '1000' } },
      '7',
      S.TOPIC,
      ['1:retention.ms=7', '3:log.retention.ms=5', '4:log.retention.ms=1000', '5:log.retention.hours=168'],
    ],
    [
      'dynamic log.retention.minutes is listed before log.retention.ms, so dropped; ms still wins',
      'retention.ms',
      {},
      { dynamicBroker: { 'log.retention.minutes': '3' }, staticProps: { 'log.retention.ms': '1000' } },
      '1000',
      S.STATIC,
      ['4:log.retention.ms=1000', '5:log.retention.hours=168'],
    ],
    [
      'dynamic broker over dynamic default over static over default',
      'segment.bytes',
      {},
      { dynamicBroker: { 'log.segment.bytes': '3000' }, dynamicDefault: { 'log.segment.bytes': '2000' }, staticProps: { 'log.segment.bytes': '1000' } },
      '3000',
      S.BROKER,
      ['2:log.segment.bytes=3000', '3:log.segment.bytes=2000', '4:log.segment.bytes=1000', '5:log.segment.bytes=1073741824'],
    ],
    ['max.message.bytes follows message.max.bytes', 'max.message.bytes', {}, { dynamicDefault: { 'message.max.bytes': '500' } }, '500', S.DEFAULT_BROKER, ['3:message.max.bytes=500', '5:message.max.bytes=1048588']],
    ['segment.ms from log.roll.hours: synonyms dropped', 'segment.ms', {}, { staticProps: { 'log.roll.hours': '1' } }, '3600000', S.DEFAULT, []],
    ['flush.ms has no broker default', 'flush.ms', {}, {}, '9223372036854775807', S.DEFAULT, []],
    ['a list is printed without spaces', 'cleanup.policy', { 'cleanup.policy': 'compact, delete' }, {}, 'compact,delete', S.TOPIC, ['1:cleanup.policy=compact,delete', '5:log.cleanup.policy=delete']],
  ] as const)('%s', (_title, name, overrides, layers, value, source, synonyms) => {
    expect(topicEntry(name, overrides, layers)).toEqual({ value, source, synonyms });
  });
});

describe('broker config resolution', () => {
  const layers: BrokerLayers = {
    dynamicBroker: { 'log.retention.bytes': '9' },
    dynamicDefault: { 'log.retention.bytes': '8', 'message.max.bytes': '600' },
    staticProps: { 'log.retention.hours': '24', 'log.dirs': '/data' },
  };
  it('a node: every known config with its value in force, read-only unless dynamically updatable', () => {
    const byName = new Map(describeBrokerConfigs(true, layers).map((e) => [e.name, e]));
    expect(byName.get('log.retention.bytes')).toMatchObject({ value: '9', source: S.BROKER, readOnly: false });
    expect(byName.get('message.max.bytes')).toMatchObject({ value: '600', source: S.DEFAULT_BROKER, readOnly: false });
    expect(byName.get('log.retention.hours')!.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`)).toEqual(['4:log.retention.hours=24', '5:log.retention.hours=168']);
    expect(byName.get('log.retention.ms')).toMatchObject({ value: null, source: S.DEFAULT, synonyms: [] });
    expect(byName.get('log.dirs')).toMatchObject({ value: '/data', source: S.STATIC, readOnly: true });
    expect(byName.get('node.id')).toMatchObject({ value: '1', source: S.DEFAULT, readOnly: true });
  });
  it('the cluster default: only what is set there, with its own synonyms only', () => {
    expect(describeBrokerConfigs(false, layers).map((e) => [e.name, e.value, e.source, e.synonyms.length])).toEqual([
      ['log.retention.bytes', '8', S.DEFAULT_BROKER, 1],
      ['message.max.bytes', '600', S.DEFAULT_BROKER, 1],
    ]);
  });
  it('synonym lists (AK DynamicBrokerConfig.brokerConfigSynonyms)', () => {
    expect(brokerSynonyms('log.retention.hours')).toEqual(['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']);
    expect(brokerSynonyms('log.roll.ms')).toEqual(['log.roll.ms', 'log.roll.hours']);
    expect(brokerSynonyms('log.flush.interval.ms')).toEqual(['log.flush.interval.ms', 'log.flush.scheduler.interval.ms']);
    expect(brokerSynonyms('message.max.bytes')).toEqual(['message.max.bytes']);
  });
});
