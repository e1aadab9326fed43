import { describe, expect, it } from 'vitest';
import {
  clampOffset,
  parseDateTime,
  parseDuration,
  parseResetPlan,
  parseTopicArg,
  timestampBefore,
  toCsv,
  type GroupOffset,
} from '../../../src/cli/groups/reset-specs.js';

describe('parseTopicArg (GroupOffsetsResetter.parseTopicsWithPartitions)', () => {
  it('takes a topic, or a topic and its partitions', () => {
    expect(parseTopicArg('orders')).toEqual({ topic: 'orders', partitions: null });
    expect(parseTopicArg('orders:0,2,+3')).toEqual({ topic: 'orders', partitions: [0, 2, 3] });
  });

  it("refuses what Kafka refuses, with its messages (the doubled quote included)", () => {
    expect(() => parseTopicArg('orders:')).toThrow("Invalid topic arg 'orders:', expected topic name and partitions");
    expect(() => parseTopicArg('a:1:2')).toThrow("Invalid topic arg 'a:1:2', expected topic name and partitions");
    expect(() => parseTopicArg('orders:0,x')).toThrow("Invalid partition 'x' specified in topic arg 'orders:0,x''");
    expect(() => parseTopicArg('orders:0,,1')).toThrow("Invalid partition '' specified in topic arg 'orders:0,,1''");
    expect(() => parseTopicArg('orders:2147483648')).toThrow("Invalid partition '2147483648'");
  });
});

describe('parseDateTime (Utils.getDateTime)', () => {
  const utc = (iso: string): number => Date.parse(iso);

  it('reads YYYY-MM-DDTHH:mm:SS.sss as UTC when no zone is given', () => {
    expect(parseDateTime('2024-03-01T12:34:56.789')).toBe(utc('2024-03-01T12:34:56.789Z'));
    expect(parseDateTime('2024-03-01T12:34:56.789Z')).toBe(utc('2024-03-01T12:34:56.789Z'));
  });

  it('honours ±hh:mm, ±hhmm and ±hh zones', () => {
    expect(parseDateTime('2024-03-01T12:00:00.000+02:00')).toBe(utc('2024-03-01T10:00:00.000Z'));
    expect(parseDateTime('2024-03-01T12:00:00.000-0530')).toBe(utc('2024-03-01T17:30:00.000Z'));
    expect(parseDateTime('2024-03-01T12:00:00.000+08')).toBe(utc('2024-03-01T04:00:00.000Z'));
  });

  it("keeps SimpleDateFormat's reading of numbers: '.5' is 5 ms, short fields are fine", () => {
    expect(parseDateTime('2024-3-1T1:2:3.5')).toBe(utc('2024-03-01T01:02:03.005Z'));
    expect(new Date(parseDateTime('0099-01-01T00:00:00.000')).getUTCFullYear()).toBe(99);
  });

  it('rejects what a strict SimpleDateFormat rejects, with the ParseException text Kafka prints', () => {
    expect(() => parseDateTime('2024-03-01 12:00:00.000')).toThrow(
      "java.text.ParseException: Error parsing timestamp. It does not contain a 'T' according to ISO8601 format",
    );
    // Seconds without milliseconds, micro- and nanoseconds (KAFKA-10685), impossible dates.
    for (const bad of ['2024-03-01T12:00:00', '2024-03-01T12:00:00.123456', '2023-02-29T00:00:00.000', '2024-13-01T00:00:00.000', '2024-01-01T24:00:00.000']) {
      expect(() => parseDateTime(bad)).toThrow(`java.text.ParseException: Unparseable date: "${bad}Z"`);
    }
    expect(() => parseDateTime('2024-01-01T00:00:00.000+25:00')).toThrow('java.text.ParseException: Unparseable date: "2024-01-01T00:00:00.000+25:00"');
    expect(parseDateTime('2024-02-29T00:00:00.000')).toBe(utc('2024-02-29T00:00:00Z'));
  });
});

describe('parseDuration (java.time.Duration.parse) and timestampBefore', () => {
  const S = 1_000_000_000n;

  it('reads PnDTnHnMnS in any case, signed parts and fractions of seconds', () => {
    expect(parseDuration('PT10M')).toBe(600n * S);
    expect(parseDuration('P1DT2H3M4.5S')).toBe((86400n + 7200n + 180n + 4n) * S + 500_000_000n);
    expect(parseDuration('p2d')).toBe(2n * 86400n * S);
    expect(parseDuration('PT-1.5S')).toBe(-1_500_000_000n);
    expect(parseDuration('-PT1H')).toBe(-3600n * S);
    expect(parseDuration('PT0,25S')).toBe(250_000_000n);
  });

  it("rejects the rest with DateTimeParseException's message", () => {
    for (const bad of ['P', 'PT', '1H', 'P1W', 'P1Y', 'PT1.5H', 'PT1S2M', '']) {
      expect(() => parseDuration(bad)).toThrow('Text cannot be parsed to a Duration');
    }
  });

  it('subtracts the duration from now, flooring to milliseconds', () => {
    expect(timestampBefore(1_700_000_000_000, 'PT1H')).toBe(1_700_000_000_000n - 3_600_000n);
    expect(timestampBefore(1_000, 'PT0.0005S')).toBe(999n);
    expect(timestampBefore(0, 'PT0.0005S')).toBe(-1n);
    expect(timestampBefore(1_000, '-PT1S')).toBe(2_000n);
  });
});

describe('clampOffset (checkOffsetsRange)', () => {
  const tp = { topic: 'orders', partition: 3 };

  it('keeps offsets within [log start, log end] and says so as Kafka logs it', () => {
    expect(clampOffset(tp, 5n, { earliest: 2n, latest: 9n })).toEqual({ offset: 5n, warning: null });
    expect(clampOffset(tp, 9n, { earliest: 2n, latest: 9n })).toEqual({ offset: 9n, warning: null });
    expect(clampOffset(tp, 12n, { earliest: 2n, latest: 9n })).toEqual({
      offset: 9n,
      warning: 'New offset (12) is higher than latest offset for topic partition orders-3. Value will be set to 9',
    });
    expect(clampOffset(tp, -4n, { earliest: 2n, latest: 9n })).toEqual({
      offset: 2n,
      warning: 'New offset (-4) is lower than earliest offset for topic partition orders-3. Value will be set to 2',
    });
  });

  it('does not clamp against a bound it could not read', () => {
    expect(clampOffset(tp, 12n, { earliest: 2n, latest: null })).toEqual({ offset: 12n, warning: null });
    expect(clampOffset(tp, -1n, { earliest: null, latest: 9n })).toEqual({ offset: -1n, warning: null });
  });
});

describe('CSV: --export and --from-file', () => {
  const rows: GroupOffset[] = [
    { group: 'g1', topic: 'orders', partition: 0, offset: 5n },
    { group: 'g1', topic: 'orders', partition: 1, offset: 12n },
    { group: 'my group, "quoted"', topic: 'a-topic-name-longer-than-24', partition: 2, offset: 0n },
  ];

  it('writes topic,partition,offset for one group and group,topic,partition,offset otherwise', () => {
    expect(toCsv(rows.slice(0, 2), false)).toBe('orders,0,5\norders,1,12\n');
    expect(toCsv(rows, true)).toBe('g1,orders,0,5\ng1,orders,1,12\n"my group, ""quoted""","a-topic-name-longer-than-24",2,0\n');
    expect(toCsv([], true)).toBe('');
  });

  it('reads back what it writes', () => {
    const plan = parseResetPlan(toCsv(rows, true), null);
    expect([...plan]).toEqual([
      ['g1', [{ topic: 'orders', partition: 0, offset: 5n }, { topic: 'orders', partition: 1, offset: 12n }]],
      ['my group, "quoted"', [{ topic: 'a-topic-name-longer-than-24', partition: 2, offset: 0n }]],
    ]);
    expect([...parseResetPlan(toCsv(rows.slice(0, 2), false), 'g1')]).toEqual([...plan].slice(0, 1));
  });

  it('takes the group from --group only for three-column files and one group', () => {
    expect([...parseResetPlan('g2,orders,0,1\r\n', 'g1')]).toEqual([['g2', [{ topic: 'orders', partition: 0, offset: 1n }]]]);
    expect(() => parseResetPlan('orders,0,1\n', null)).toThrow("Invalid reset plan line 1: 'orders,0,1' (expected group,topic,partition,offset)");
    expect(() => parseResetPlan('orders,0,1\norders,x,2\n', 'g')).toThrow("Invalid reset plan line 2: 'orders,x,2' (expected topic,partition,offset)");
    expect(() => parseResetPlan('"unterminated,0,1\n', 'g')).toThrow('Invalid reset plan line 1');
  });
});
