import { describe, expect, it } from 'vitest';
import type { ConsumerRecord } from '../../../src/client/index.js';
import { formatRecord, formatterOptions, recordView } from '../../../src/cli/records/message-formatter.js';

const record = (over: Partial<ConsumerRecord> = {}): ConsumerRecord => ({
  topic: 't',
  partition: 0,
  offset: 5n,
  timestamp: 1700000000000n,
  timestampType: 'CreateTime',
  key: Buffer.from('mykey'),
  value: Buffer.from('myvalue'),
  headers: [],
  ...over,
});

const format = (props: Record<string, string>, r: ConsumerRecord = record()): string => {
  const out: Buffer[] = [];
  formatRecord(r, formatterOptions(props), out);
  return Buffer.concat(out).toString('latin1');
};

const ALL = { 'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.headers': 'true', 'print.key': 'true' };

describe('DefaultMessageFormatter output', () => {
  it('prints the value and a newline by default', () => {
    expect(format({})).toBe('myvalue\n');
  });

  it('prints every column in Kafka order, TAB separated', () => {
    const r = record({ headers: [{ key: 'k1', value: Buffer.from('v1') }, { key: 'k2', value: Buffer.from('v2') }] });
    expect(format(ALL, r)).toBe('CreateTime:1700000000000\tPartition:0\tOffset:5\tk1:v1,k2:v2\tmykey\tmyvalue\n');
  });

  it('prints NO_HEADERS, the null literal and LogAppendTime', () => {
    const r = record({ key: null, value: null, timestampType: 'LogAppendTime', headers: [{ key: 'h', value: null }] });
    expect(format(ALL, record({ key: null }))).toBe('CreateTime:1700000000000\tPartition:0\tOffset:5\tNO_HEADERS\tnull\tmyvalue\n');
    expect(format({ ...ALL, 'null.literal': '' }, r)).toBe('LogAppendTime:1700000000000\tPartition:0\tOffset:5\th:\t\t\n');
  });

  it('ends the line after the last printed column when the value is not printed', () => {
    expect(format({ 'print.key': 'true', 'print.value': 'false' })).toBe('mykey\n');
    expect(format({ 'print.offset': 'true', 'print.value': 'false' })).toBe('Offset:5\n');
    expect(format({ 'print.value': 'false' })).toBe('');
  });

  it('uses key.separator, line.separator and headers.separator verbatim', () => {
    const r = record({ headers: [{ key: 'a', value: Buffer.from('1') }, { key: 'b', value: Buffer.from('2') }] });
    const props = { 'print.key': 'true', 'print.headers': 'true', 'key.separator': ' | ', 'line.separator': '\\n', 'headers.separator': ';' };
    expect(format(props, r)).toBe('a:1;b:2 | mykey | myvalue\\n');
  });

  it('prints Delivery:NONE for print.delivery, as a non-share consumer does', () => {
    expect(format({ 'print.delivery': 'true', 'print.offset': 'true' })).toBe('Offset:5\tDelivery:NONE\tmyvalue\n');
  });

  it('writes keys and values as raw bytes', () => {
    expect(format({}, record({ value: Buffer.from([0xff, 0x00, 0x41]) }))).toBe('\xff\x00A\n');
  });

  it('gives --output json a plain view with UTF-8 text', () => {
    expect(recordView(record({ headers: [{ key: 'h', value: null }] }))).toEqual({
      topic: 't',
      partition: 0,
      offset: 5n,
      timestamp: 1700000000000n,
      timestampType: 'CreateTime',
      key: 'mykey',
      value: 'myvalue',
      headers: [{ key: 'h', value: null }],
    });
  });
});
