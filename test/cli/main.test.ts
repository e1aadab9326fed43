import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mq } from './helpers.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('mq', () => {
  it('prints the package version', async () => {
    expect(await mq(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('lists the tools in its help', async () => {
    const r = await mq(['--help']);
    expect(r.code).toBe(0);
    for (const tool of ['topics', 'console-producer', 'console-consumer', 'server-start']) expect(r.stdout).toContain(tool);
  });

  it('prints one line and exits 1 for an unknown command or option', async () => {
    expect(await mq(['topcs'])).toEqual({ code: 1, stdout: '', stderr: "error: unknown command 'topcs'\n(Did you mean topics?)\n" });
    expect(await mq(['console-consumer', '--topik', 't'])).toMatchObject({ code: 1, stdout: '', stderr: "error: unknown option '--topik'\n(Did you mean --topic?)\n" });
  });

  it('adds stack traces of the causes only with --verbose', async () => {
    const failing = () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
    };
    const plain = await mq(['console-producer', '--topic', 't'], { clients: { producer: failing } });
    expect(plain).toMatchObject({ code: 1, stderr: 'unable to produce: connect ECONNREFUSED 127.0.0.1:9092\n' });
    const verbose = await mq(['console-producer', '--topic', 't', '--verbose'], { clients: { producer: failing } });
    expect(verbose.stderr).toMatch(/^unable to produce: connect ECONNREFUSED 127\.0\.0\.1:9092\nError: connect ECONNREFUSED 127\.0\.0\.1:9092\n\s+at /);
  });
});
