import { describe, expect, it } from 'vitest';
import { parseKeyValueArgs, parseProperties, splitKeyValue } from '../../src/cli/properties.js';

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

describe('.properties files (java.util.Properties.load)', () => {
  it('reads = : and blank separators, comments and blank lines', () => {
    const text = ['# comment', '! also a comment', '', 'a=1', 'b : 2', 'c 3', '  d=  spaced value ', 'e='].join('\n');
    expect(parseProperties(text)).toEqual({ a: '1', b: '2', c: '3', d: 'spaced value ', e: '' });
  });

  it('joins continuation lines and unescapes', () => {
    const text = 'list=a,\\\n    b,\\\r\n    c\nkey\\=with\\:colon=v\\tw\nunicode=\\u0041\\\\';
    expect(parseProperties(text)).toEqual({ list: 'a,b,c', 'key=with:colon': 'v\tw', unicode: 'A\\' });
  });
});
