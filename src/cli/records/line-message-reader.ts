// kafka-console-producer's input format, the same as AK's LineMessageReader
// (tools/src/main/java/org/apache/kafka/tools/LineMessageReader.java), set with --property:
//
//   parse.key             key in the line (default false)      key.separator          (default \t)
//   parse.headers         headers in the line (default false)  headers.delimiter      (default \t, ends the headers)
//   headers.separator     between headers, a regex (default ,) headers.key.separator  (default :)
//   ignore.error          best effort on malformed lines       null.marker            (unset) field → null
//
// Line layout: `h1:v1,h2:v2<headers.delimiter>key<key.separator>value`. Separators are plain
// strings and are not unescaped (`key.separator=\t` is backslash + t, as in Kafka).

import { javaSplit } from '../java-split.js';

export interface ReaderRecord {
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string | null }>;
}

/** Malformed configuration or input: Kafka's KafkaException messages, verbatim. */
export class LineReaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineReaderError';
  }
}

const isTrue = (v: string | undefined): boolean => v !== undefined && v.trim().toLowerCase() === 'true';

export class LineMessageReader {
  private readonly parseKey: boolean;
  private readonly keySeparator: string;
  private readonly parseHeaders: boolean;
  private readonly headersDelimiter: string;
  private readonly headersSeparator: RegExp;
  private readonly headersKeySeparator: string;
  private readonly ignoreError: boolean;
  private readonly nullMarker: string | undefined;
  private lineNumber = 0;

  constructor(props: Readonly<Record<string, string>>) {
    this.parseKey = isTrue(props['parse.key']);
    this.keySeparator = props['key.separator'] ?? '\t';
    this.parseHeaders = isTrue(props['parse.headers']);
    this.headersDelimiter = props['headers.delimiter'] ?? '\t';
    const headersSeparator = props['headers.separator'] ?? ',';
    try {
      this.headersSeparator = new RegExp(headersSeparator, 'g');
    } catch (e) {
      throw new LineReaderError(`headers.separator: ${(e as Error).message}`);
    }
    this.headersKeySeparator = props['headers.key.separator'] ?? ':';
    this.ignoreError = isTrue(props['ignore.error']);
    this.nullMarker = props['null.marker'];

    // Same checks, same order, same messages as LineMessageReader.configure.
    const distinct: Array<[string | undefined, string | undefined, string]> = [
      [this.headersDelimiter, headersSeparator, 'headers.delimiter and headers.separator'],
      [this.headersDelimiter, this.headersKeySeparator, 'headers.delimiter and headers.key.separator'],
      [headersSeparator, this.headersKeySeparator, 'headers.separator and headers.key.separator'],
      [this.keySeparator, this.nullMarker, 'null.marker and key.separator'],
      [headersSeparator, this.nullMarker, 'null.marker and headers.separator'],
      [this.headersDelimiter, this.nullMarker, 'null.marker and headers.delimiter'],
      [this.headersKeySeparator, this.nullMarker, 'null.marker and headers.key.separator'],
    ];
    for (const [a, b, names] of distinct) {
      if (a === b) throw new LineReaderError(`${names} may not be equal`);
    }
  }

  /** The record for the next input line (lines are numbered from 1 in error messages). */
  read(line: string): ReaderRecord {
    this.lineNumber += 1;
    const headers = this.field(this.parseHeaders, line, 0, this.headersDelimiter, 'headers delimiter');
    const headerOffset = headers === null ? 0 : headers.length + this.headersDelimiter.length;
    const key = this.field(this.parseKey, line, headerOffset, this.keySeparator, 'key separator');
    const keyOffset = key === null ? 0 : key.length + this.keySeparator.length;
    const value = line.slice(headerOffset + keyOffset);
    return {
      key: key === this.nullMarker ? null : key,
      value: value === this.nullMarker ? null : value,
      headers: headers === null || headers === this.nullMarker ? [] : this.splitHeaders(headers),
    };
  }

  private field(enabled: boolean, line: string, start: number, demarcation: string, name: string): string | null {
    if (!enabled) return null;
    const index = line.indexOf(demarcation, start);
    if (index === -1) {
      if (this.ignoreError) return null;
      throw new LineReaderError(`No ${name} found on line number ${this.lineNumber}: '${line}'`);
    }
    return line.slice(start, index);
  }

  private splitHeaders(headers: string): ReaderRecord['headers'] {
    return javaSplit(headers, this.headersSeparator).map((pair) => {
      const i = pair.indexOf(this.headersKeySeparator);
      if (i === -1) {
        if (this.ignoreError) return { key: pair, value: null };
        throw new LineReaderError(`No header key separator found in pair '${pair}' on line number ${this.lineNumber}`);
      }
      const key = pair.slice(0, i);
      if (key === this.nullMarker) {
        throw new LineReaderError(`Header keys should not be equal to the null marker '${this.nullMarker}' as they can't be null`);
      }
      const value = pair.slice(i + this.headersKeySeparator.length);
      return { key, value: value === this.nullMarker ? null : value };
    });
  }
}
