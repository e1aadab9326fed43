// The schema helpers, and a lint of every message spec against the validity rules Kafka's own
// message generator enforces (apache/kafka generator/.../MessageGenerator, FieldSpec, StructSpec):
// tagged fields only in flexible versions, unique tags per struct, a null default only where the
// field is nullable in every version it exists in, request and response sharing version ranges.
import { describe, expect, it } from 'vitest';
import { apis } from '../../src/protocol/messages/index.js';
import { inVersions, NO_VERSIONS, versions, type FieldSpec, type MessageSpec, type Versions } from '../../src/protocol/schema.js';

describe('version ranges', () => {
  it('parse Kafka’s notation', () => {
    expect(versions('0+')).toEqual({ min: 0, max: Infinity });
    expect(versions('3-5')).toEqual({ min: 3, max: 5 });
    expect(versions('4')).toEqual({ min: 4, max: 4 });
    expect(versions('none')).toBe(NO_VERSIONS);
    expect(() => versions('3-')).toThrow();
    expect(() => versions('x')).toThrow();
  });
  it('membership is inclusive; none contains nothing', () => {
    expect([2, 3, 5, 6].map((v) => inVersions(versions('3-5'), v))).toEqual([false, true, true, false]);
    expect(inVersions(versions('12+'), 1000)).toBe(true);
    expect([0, 1, 100].some((v) => inVersions(NO_VERSIONS, v))).toBe(false);
  });
});

function within(inner: Versions, outer: Versions, lo: number, hi: number): boolean {
  for (let v = lo; v <= hi; v++) if (inVersions(inner, v) && !inVersions(outer, v)) return false;
  return true;
}

function lint(spec: MessageSpec): string[] {
  const problems: string[] = [];
  const { min, max } = spec.valid;
  const walk = (fields: readonly FieldSpec[], path: string): void => {
    const tags = new Set<number>();
    for (const f of fields) {
      const name = `${path}${f.name}`;
      if (f.tag !== undefined) {
        if (tags.has(f.tag)) problems.push(`${name}: duplicate tag ${f.tag}`);
        tags.add(f.tag);
        if (!within(f.tagged, spec.flexible, min, max)) problems.push(`${name}: tagged outside flexible versions`);
        if (!within(f.tagged, f.versions, min, max)) problems.push(`${name}: tagged outside its versions`);
      }
      if (f.default === null && !within(f.versions, f.nullable, min, max)) problems.push(`${name}: null default but not nullable in every version`);
      if (f.type === 'struct') walk(f.fields, `${name}.`);
      else if (f.fields.length > 0) problems.push(`${name}: scalar with nested fields`);
    }
  };
  walk(spec.fields, '');
  return problems;
}

describe('message specs follow Kafka’s generator rules', () => {
  it.each([...apis.values()].map((a) => [a.name, a] as const))('%s', (_name, api) => {
    expect(api.request.kind).toBe('request');
    expect(api.response.kind).toBe('response');
    expect(api.response.valid).toEqual(api.request.valid);
    expect(api.response.flexible).toEqual(api.request.flexible);
    expect(lint(api.request)).toEqual([]);
    expect(lint(api.response)).toEqual([]);
  });
  it('the lint itself catches a tag outside flexible versions and a bad null default', () => {
    const bad: MessageSpec = {
      kind: 'request',
      apiKey: 1,
      name: 'Bad',
      valid: versions('0-3'),
      flexible: versions('2+'),
      fields: [
        { name: 'a', type: 'int32', array: false, fields: [], versions: versions('0+'), nullable: NO_VERSIONS, tag: 0, tagged: versions('0+') },
        { name: 'b', type: 'string', array: false, fields: [], versions: versions('0+'), nullable: versions('1+'), tagged: NO_VERSIONS, default: null },
      ],
    };
    expect(lint(bad)).toEqual(['a: tagged outside flexible versions', 'b: null default but not nullable in every version']);
  });
});
