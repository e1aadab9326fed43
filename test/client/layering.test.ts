// DESIGN.md "Layers": client/ depends on protocol/ only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../src/client');

describe('src/client imports', () => {
  it('reach only protocol/, node: built-ins and the client itself', () => {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const [, spec] of source.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)) {
        expect(spec!.startsWith('node:') || spec!.startsWith('./') || spec!.startsWith('../protocol/'), `${file} imports ${spec}`).toBe(true);
      }
    }
  });
});
