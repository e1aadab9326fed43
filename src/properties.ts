// Java .properties text (java.util.Properties.load), the format of Kafka's server.properties and
// of the client config files its tools take. A leaf module with no imports: the broker reads
// server.properties and meta.properties with it, the CLI its --command-config style files.

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
