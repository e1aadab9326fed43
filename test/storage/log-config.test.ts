import { describe, expect, it } from 'vitest';
import { LogConfigError } from '../../src/storage/errors.js';
import { DEFAULT_LOG_CONFIG, logConfigFrom, TOPIC_CONFIG_NAMES } from '../../src/storage/log-config.js';

describe('LogConfig', () => {
  it("has Kafka's defaults", () => {
    expect(DEFAULT_LOG_CONFIG).toEqual({
      'cleanup.policy': ['delete'],
      'compression.type': 'producer',
      'delete.retention.ms': 86400000,
      'file.delete.delay.ms': 60000,
      'flush.messages': Number.MAX_SAFE_INTEGER,
      'flush.ms': Number.MAX_SAFE_INTEGER,
      'index.interval.bytes': 4096,
      'max.message.bytes': 1048588,
      'message.timestamp.type': 'CreateTime',
      'min.cleanable.dirty.ratio': 0.5,
      'min.compaction.lag.ms': 0,
      'min.insync.replicas': 1,
      'retention.bytes': -1,
      'retention.ms': 604800000,
      'segment.bytes': 1073741824,
      'segment.index.bytes': 10485760,
      'segment.ms': 604800000,
    });
    expect(TOPIC_CONFIG_NAMES.has('segment.bytes')).toBe(true);
  });

  it('parses string overrides', () => {
    const c = logConfigFrom({ 'segment.bytes': ' 1000 ', 'cleanup.policy': 'compact, delete', 'message.timestamp.type': 'LogAppendTime', 'retention.ms': '-1' });
    expect(c['segment.bytes']).toBe(1000);
    expect(c['cleanup.policy']).toEqual(['compact', 'delete']);
    expect(c['message.timestamp.type']).toBe('LogAppendTime');
    expect(c['retention.ms']).toBe(-1);
    expect(logConfigFrom({ 'min.cleanable.dirty.ratio': '0.01' })['min.cleanable.dirty.ratio']).toBe(0.01);
  });

  it.each([
    [{ 'segment.bytes': '13' }, /segment.bytes: Value must be at least 14/],
    [{ 'segment.bytes': '2147483648' }, /Not a number of type INT/],
    [{ 'segment.ms': '1.5' }, /Not a number of type LONG/],
    [{ 'flush.messages': '9223372036854775808' }, /Not a number of type LONG/],
    [{ 'message.timestamp.type': 'Now' }, /must be one of: CreateTime, LogAppendTime/],
    [{ 'cleanup.policy': 'delete,forever' }, /forever/],
    [{ 'segment.size': '1' }, /Unknown topic config name: segment.size/],
    [{ 'min.cleanable.dirty.ratio': '1.5' }, /Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1$/],
    [{ 'min.cleanable.dirty.ratio': 'half' }, /Not a number of type DOUBLE/],
    [{ 'delete.retention.ms': '-1' }, /delete.retention.ms: Value must be at least 0/],
  ])('refuses %j with INVALID_CONFIG', (props, message) => {
    expect(() => logConfigFrom(props)).toThrow(LogConfigError);
    expect(() => logConfigFrom(props)).toThrow(message);
    expect(() => logConfigFrom(props)).toThrow(expect.objectContaining({ kafkaError: 'INVALID_CONFIG', code: 'MQ_ERR_CONFIG' }));
  });
});
