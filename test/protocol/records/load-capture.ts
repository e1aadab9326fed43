// Reads a committed capture: `<name>.hex` (provenance line, then hex) and `<name>.json` (what
// kafka-python's reader decoded from the same bytes). See captures/generate.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ExpectedRecord {
  offset: string;
  timestamp: string;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
}

export interface ExpectedBatch {
  baseOffset: string | null;
  compression: number;
  timestampType: 0 | 1 | null;
  transactional: boolean;
  maxTimestamp: string | null;
  records: ExpectedRecord[];
}

const DIR = fileURLToPath(new URL('captures/', import.meta.url));

export function loadCapture(name: string): { provenance: string; bytes: Buffer; expected: ExpectedBatch[] } {
  const [provenance, hex] = readFileSync(join(DIR, `${name}.hex`), 'utf8').split('\n');
  if (!provenance?.startsWith('# ') || !hex) throw new Error(`capture ${name}.hex lacks a provenance line or bytes`);
  const expected = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as ExpectedBatch[];
  return { provenance, bytes: Buffer.from(hex, 'hex'), expected };
}

export function b64(s: string | null): Buffer | null {
  return s === null ? null : Buffer.from(s, 'base64');
}
