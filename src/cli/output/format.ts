// --output text|json. Text is each tool's Kafka-compatible rendering; json is one document (or, for
// record streams, one document per line) for machines.

export type OutputFormat = 'text' | 'json';

/**
 * JSON text of a view. int64 values are bigint in mq; JSON numbers lose precision above 2^53, so a
 * bigint is written as a number when it is exactly representable and as a string otherwise.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v,
  );
}
