import { describe, expect, it } from 'vitest';
import { javaSplit } from '../../src/cli/java-split.js';

describe("javaSplit (Java's String.split(regex))", () => {
  it('drops trailing empty strings but keeps leading and inner ones', () => {
    expect(javaSplit('a,b,,', /,/)).toEqual(['a', 'b']);
    expect(javaSplit(',a,,b', /,/)).toEqual(['', 'a', '', 'b']);
    expect(javaSplit(',,', /,/)).toEqual([]);
  });

  it('returns an input without a match whole, even the empty string', () => {
    expect(javaSplit('', /,/)).toEqual(['']);
    expect(javaSplit('abc', /,/)).toEqual(['abc']);
  });

  it('does not splice capture groups in, and skips a zero-width match at the start', () => {
    expect(javaSplit('a1b2c', /(\d)/)).toEqual(['a', 'b', 'c']);
    expect(javaSplit('abc', /(?:)/)).toEqual(['a', 'b', 'c']);
    expect(javaSplit('k = v', /\s*=\s*/)).toEqual(['k', 'v']);
  });
});
