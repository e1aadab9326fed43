import { describe, expect, it } from 'vitest';
import { LineMessageReader } from '../../../src/cli/records/line-message-reader.js';

const read = (props: Record<string, string>, ...lines: string[]) => {
  const reader = new LineMessageReader(props);
  return lines.map((l) => reader.read(l));
};

describe('LineMessageReader (AK LineMessageReader semantics)', () => {
  it('reads the whole line as the value by default, with no key and no headers', () => {
    expect(read({}, 'hello\tworld', '')).toEqual([
      { key: null, value: 'hello\tworld', headers: [] },
      { key: null, value: '', headers: [] },
    ]);
  });

  it('splits the key at the first key.separator; the value keeps later separators', () => {
    expect(read({ 'parse.key': 'true' }, 'k\tv\tw')).toEqual([{ key: 'k', value: 'v\tw', headers: [] }]);
    expect(read({ 'parse.key': ' TRUE ', 'key.separator': '::' }, 'a::b')).toEqual([{ key: 'a', value: 'b', headers: [] }]);
  });

  it('takes separators literally: key.separator=\\t is a backslash and a t', () => {
    expect(read({ 'parse.key': 'true', 'key.separator': '\\t' }, 'k\\tv')).toEqual([{ key: 'k', value: 'v', headers: [] }]);
  });

  it('fails with the line number when the key separator is missing, unless ignore.error', () => {
    const reader = new LineMessageReader({ 'parse.key': 'true' });
    reader.read('a\tb');
    expect(() => reader.read('abc')).toThrow("No key separator found on line number 2: 'abc'");
    expect(read({ 'parse.key': 'true', 'ignore.error': 'true' }, 'abc')).toEqual([{ key: null, value: 'abc', headers: [] }]);
  });

  it('reads headers, key and value: h1:v1,h2:v2<TAB>key<TAB>value', () => {
    expect(read({ 'parse.headers': 'true', 'parse.key': 'true' }, 'h1:v1,h2:v2\tkey\tvalue')).toEqual([
      { key: 'key', value: 'value', headers: [{ key: 'h1', value: 'v1' }, { key: 'h2', value: 'v2' }] },
    ]);
    expect(read({ 'parse.headers': 'true' }, 'h1:a:b\tvalue')).toEqual([{ key: null, value: 'value', headers: [{ key: 'h1', value: 'a:b' }] }]);
  });

  it('splits headers with a Java regex, dropping trailing empty entries', () => {
    expect(read({ 'parse.headers': 'true', 'headers.separator': '[;|]' }, 'a:1;b:2|c:3\tv')[0]!.headers).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
      { key: 'c', value: '3' },
    ]);
    expect(read({ 'parse.headers': 'true' }, 'a:1,b:2,,\tv')[0]!.headers).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
  });

  it('reports a header without its key separator, or keeps it with a null value under ignore.error', () => {
    expect(() => read({ 'parse.headers': 'true' }, 'x:1,h1\tv')).toThrow("No header key separator found in pair 'h1' on line number 1");
    expect(() => read({ 'parse.headers': 'true' }, 'no-delimiter')).toThrow("No headers delimiter found on line number 1: 'no-delimiter'");
    expect(read({ 'parse.headers': 'true', 'ignore.error': 'true' }, 'h1\tv')[0]!.headers).toEqual([{ key: 'h1', value: null }]);
  });

  it('maps fields equal to null.marker to null and refuses it as a header key', () => {
    const props = { 'parse.headers': 'true', 'parse.key': 'true', 'null.marker': '<null>' };
    expect(read(props, 'h:<null>\t<null>\t<null>')).toEqual([{ key: null, value: null, headers: [{ key: 'h', value: null }] }]);
    expect(read(props, '<null>\tk\tv')).toEqual([{ key: 'k', value: 'v', headers: [] }]);
    expect(() => read(props, '<null>:x\tk\tv')).toThrow("Header keys should not be equal to the null marker '<null>' as they can't be null");
  });

  it('refuses separators that could not be told apart, with Kafka messages and in its order', () => {
    expect(() => new LineMessageReader({ 'headers.delimiter': ',' })).toThrow('headers.delimiter and headers.separator may not be equal');
    expect(() => new LineMessageReader({ 'headers.key.separator': '\t' })).toThrow('headers.delimiter and headers.key.separator may not be equal');
    expect(() => new LineMessageReader({ 'headers.separator': ':' })).toThrow('headers.separator and headers.key.separator may not be equal');
    expect(() => new LineMessageReader({ 'null.marker': '\t' })).toThrow('null.marker and key.separator may not be equal');
    expect(() => new LineMessageReader({ 'null.marker': ',' })).toThrow('null.marker and headers.separator may not be equal');
    expect(() => new LineMessageReader({ 'key.separator': '|', 'null.marker': '\t' })).toThrow('null.marker and headers.delimiter may not be equal');
    expect(() => new LineMessageReader({ 'null.marker': ':' })).toThrow('null.marker and headers.key.separator may not be equal');
  });
});
