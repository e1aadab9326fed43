// The two ways Kafka's tools take configuration: `key=value` arguments (--property,
// --producer-property, --override, ...) and Java .properties files (--command-config,
// --producer.config, ...). Both follow Kafka exactly so existing files and scripts work unchanged.

import { readFile } from 'node:fs/promises';
import { parseProperties } from '../properties.js';

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

/** Reads a .properties file (a missing file's error message names the path). */
export async function loadProperties(path: string): Promise<Record<string, string>> {
  return parseProperties(await readFile(path, 'utf8'));
}
