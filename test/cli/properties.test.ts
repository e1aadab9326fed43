import { describe, expect, it } from 'vitest';
import { parseKeyValueArgs, splitKeyValue } from '../../src/cli/properties.js';

describe('key=value arguments (AK CommandLineUtils.parseKeyValueArgs)', () => {
  it('splits at the first =, keeps later ones, and reads a missing value as empty', () => {
    expect(splitKeyValue('a=b=c')).toEqual(['a', 'b=c']);
    expect(splitKeyValue('flag')).toEqual(['flag', '']);
    expect(splitKeyValue('k=')).toEqual(['k', '']);
  });

  it('lets a later key win', () => {
    expect(parseKeyValueArgs(['a=1', 'b=2', 'a=3'])).toEqual({ a: '3', b: '2' });
  });
});
