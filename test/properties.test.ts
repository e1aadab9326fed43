import { describe, expect, it } from 'vitest';
import { parseProperties } from '../src/properties.js';

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
