// DESIGN.md "Layers": the CLI sits on the client and protocol layers. Static imports reach only
// those (and the CLI itself, node: built-ins, packages, the shared properties parser); the broker
// and storage are reached only by dynamic import() from the two offline/server tools, so the
// client tools never load them.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../src/cli');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const DYNAMIC_ALLOWED: Record<string, RegExp> = {
  'commands/server-start.ts': /^\.\.\/\.\.\/broker\//,
  'commands/dump-log.ts': /^\.\.\/\.\.\/storage\/producer-state\.js$/,
};

describe('src/cli imports', () => {
  it('statically reach only client/, protocol/, the CLI itself, properties.ts, node: and packages', () => {
    for (const file of files(root)) {
      const source = readFileSync(file, 'utf8');
      for (const [, spec] of source.matchAll(/^\s*(?:import|export)[^'"(]*from\s+'([^']+)'/gm)) {
        const ok = !spec!.startsWith('.') || !/(^|\/)(broker|storage|coordinator|replication)\//.test(spec!);
        expect(ok, `${relative(root, file)} imports ${spec}`).toBe(true);
      }
    }
  });
  it('load the broker and storage only where allowed, by dynamic import', () => {
    for (const file of files(root)) {
      const rel = relative(root, file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/import\('([^']+)'\)/g)) {
        if (!/(^|\/)(broker|storage|coordinator|replication)\//.test(spec!)) continue;
        expect(DYNAMIC_ALLOWED[rel]?.test(spec!), `${rel} loads ${spec}`).toBe(true);
      }
    }
  });
});
