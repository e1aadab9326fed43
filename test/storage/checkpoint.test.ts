import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readOffsetCheckpoint, writeFileAtomic, writeOffsetCheckpoint } from '../../src/storage/checkpoint.js';
import { StorageError } from '../../src/storage/errors.js';
import { useTmpDirs } from './helpers.js';

/** When set, fsyncDirectory fails with EIO (an injected disk error); otherwise it is the real one. */
const dirSync = vi.hoisted(() => ({ fail: false }));
vi.mock('../../src/storage/file-io.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/storage/file-io.js')>();
  return {
    ...real,
    fsyncDirectory: (dir: string) => {
      if (dirSync.fail) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      real.fsyncDirectory(dir);
    },
  };
});

describe('checkpoint files', () => {
  const tmp = useTmpDirs();

  it("writes Kafka's text format and reads it back", () => {
    const path = join(tmp(), 'recovery-point-offset-checkpoint');
    writeOffsetCheckpoint(path, [
      { topic: 'my-topic', partition: 0, offset: 1234n },
      { topic: 'my-topic', partition: 1, offset: 9223372036854775807n },
    ]);
    expect(readFileSync(path, 'utf8')).toBe('0\n2\nmy-topic 0 1234\nmy-topic 1 9223372036854775807\n');
    expect(readOffsetCheckpoint(path)).toEqual(new Map([['my-topic-0', 1234n], ['my-topic-1', 9223372036854775807n]]));
  });

  it('reads a missing file as empty and an empty checkpoint as empty', () => {
    const dir = tmp();
    expect(readOffsetCheckpoint(join(dir, 'nope')).size).toBe(0);
    writeOffsetCheckpoint(join(dir, 'c'), []);
    expect(readOffsetCheckpoint(join(dir, 'c')).size).toBe(0);
  });

  it.each([
    ['1\n0\n', /version/],
    ['0\n2\nt 0 1\n', /2 entries/],
    ['0\n1\nt zero 1\n', /line 3/],
  ])('rejects malformed content %j', (text, message) => {
    const path = join(tmp(), 'c');
    writeFileSync(path, text);
    expect(() => readOffsetCheckpoint(path)).toThrow(StorageError);
    expect(() => readOffsetCheckpoint(path)).toThrow(message);
  });

  it('writeFileAtomic replaces the file and leaves no temp file', () => {
    const dir = tmp();
    const path = join(dir, 'meta');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, Buffer.from('two'));
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['meta']);
  });

  it('writeFileAtomic reports failures as KAFKA_STORAGE_ERROR with the cause', () => {
    const err = (() => {
      try {
        writeFileAtomic(join(tmp(), 'missing-dir', 'f'), 'x');
      } catch (e) {
        return e as StorageError;
      }
    })();
    expect(err).toBeInstanceOf(StorageError);
    expect(err!.kafkaError).toBe('KAFKA_STORAGE_ERROR');
    expect(err!.code).toBe('MQ_ERR_STORAGE');
    expect((err!.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('does not throw when only the directory fsync fails after the rename: the new content is in place, the error is returned', () => {
    const path = join(tmp(), 'meta.properties');
    expect(writeFileAtomic(path, 'old')).toBeNull();
    dirSync.fail = true;
    let warning: StorageError | null;
    try {
      warning = writeFileAtomic(path, 'new');
    } finally {
      dirSync.fail = false;
    }
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(warning).toBeInstanceOf(StorageError);
    expect(warning!.kafkaError).toBe('KAFKA_STORAGE_ERROR');
    expect((warning!.cause as NodeJS.ErrnoException).code).toBe('EIO');
  });
});
