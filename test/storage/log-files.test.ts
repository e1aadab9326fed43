import { describe, expect, it } from 'vitest';
import {
  deleteDirName,
  filenamePrefixFromOffset,
  indexFilePath,
  isDeleteDirName,
  isTransientFile,
  logFilePath,
  offsetFromFileName,
  parsePartitionDirName,
  partitionDirName,
  timeIndexFilePath,
} from '../../src/storage/log-files.js';

describe('log file names', () => {
  it('pads base offsets to 20 digits and parses them back', () => {
    expect(filenamePrefixFromOffset(0n)).toBe('00000000000000000000');
    expect(filenamePrefixFromOffset(9223372036854775807n)).toBe('09223372036854775807');
    expect(logFilePath('/d', 42n)).toBe('/d/00000000000000000042.log');
    expect(indexFilePath('/d', 42n)).toBe('/d/00000000000000000042.index');
    expect(timeIndexFilePath('/d', 42n)).toBe('/d/00000000000000000042.timeindex');
    expect(offsetFromFileName('00000000000000000042.timeindex')).toBe(42n);
    expect(offsetFromFileName('00000000000000000042.log.swap')).toBe(42n);
    expect(offsetFromFileName('42.log')).toBeNull();
    expect(offsetFromFileName('partition.metadata')).toBeNull();
    expect(() => filenamePrefixFromOffset(-1n)).toThrow(RangeError);
  });

  it('recognises transient files', () => {
    for (const n of ['00000000000000000000.log.deleted', '00000000000000000000.index.cleaned', '00000000000000000000.log.swap', 'partition.metadata.tmp']) expect(isTransientFile(n)).toBe(true);
    for (const n of ['00000000000000000000.log', '00000000000000000000.index', 'partition.metadata']) expect(isTransientFile(n)).toBe(false);
  });

  it('splits partition directory names at the last dash', () => {
    expect(partitionDirName('my-topic', 3)).toBe('my-topic-3');
    expect(parsePartitionDirName('my-topic-3')).toEqual({ topic: 'my-topic', partition: 3 });
    expect(parsePartitionDirName('a-b-c-10')).toEqual({ topic: 'a-b-c', partition: 10 });
    expect(parsePartitionDirName('__consumer_offsets-49')).toEqual({ topic: '__consumer_offsets', partition: 49 });
    for (const bad of ['topic', 'topic-', '-3', 'topic-03', 'topic-x', 'topic-3-future', 'lost+found', 'topic-99999999999']) expect(parsePartitionDirName(bad)).toBeNull();
  });

  it('names directories being deleted', () => {
    const name = deleteDirName('my-topic', 3, 'abc123');
    expect(name).toBe('my-topic-3.abc123-delete');
    expect(isDeleteDirName(name)).toBe(true);
    expect(parsePartitionDirName(name)).toBeNull();
  });
});
