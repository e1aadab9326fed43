// Java's String.split(regex), which Kafka's tools use to read their arguments and input lines
// (LineMessageReader's headers.separator, kafka-topics' --config). It differs from JS's split: a
// zero-width match at the start yields no leading empty string, trailing empty strings are
// removed, capture groups are not spliced into the result, and an input without any match is
// returned whole (so "" gives [""]).

export function javaSplit(input: string, pattern: RegExp): string[] {
  const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
  const parts: string[] = [];
  let start = 0;
  for (const m of input.matchAll(global)) {
    if (m[0] === '' && m.index === 0) continue;
    parts.push(input.slice(start, m.index));
    start = m.index + m[0].length;
  }
  if (parts.length === 0) return [input];
  parts.push(input.slice(start));
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
