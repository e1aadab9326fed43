// The two ways Kafka's tools take configuration: `key=value` arguments (--property,
// --producer-property, --override, ...) and Java .properties files (--command-config,
// --producer.config, ...). Both follow Kafka exactly so existing files and scripts work unchanged.

import { readFile } from 'node:fs/promises';

/**
 * One `key=value` argument, split at the first '=' (the value may contain '='); a missing value is
 * the empty string. AK CommandLineUtils.parseKeyValueArgs(args, acceptMissingValue = true).
 */
export function splitKeyValue(arg: string): [key: string, value: string] {
  const i = arg.indexOf('=');
  return i < 0 ? [arg, ''] : [arg.slice(0, i), arg.slice(i + 1)];
}

/** Repeated `key=value` arguments; a later key wins, as in java.util.Properties. */
export function parseKeyValueArgs(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    const [key, value] = splitKeyValue(arg);
    out[key] = value;
  }
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) =>
    c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : (ESCAPES[c] ?? c),
  );
}

/**
 * java.util.Properties.load: `#`/`!` comment lines; a line ending in an odd number of backslashes
 * continues on the next (whose leading blanks are dropped); the key ends at the first unescaped
 * '=', ':' or blank, after which blanks and one '=' or ':' are skipped; \t \n \r \f \uXXXX escapes.
 */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(?:^|[^\\])(?:\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    const m = /^((?:\\.|[^=:\s\\])*)[ \t\f]*[=:]?[ \t\f]*(.*)$/s.exec(line)!;
    out[unescape(m[1]!)] = unescape(m[2]!);
  }
  return out;
}

/** Reads a .properties file (a missing file's error message names the path). */
export async function loadProperties(path: string): Promise<Record<string, string>> {
  return parseProperties(await readFile(path, 'utf8'));
}
