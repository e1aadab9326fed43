// Kafka messages described as data. Each API's request and response is one MessageSpec listing
// its fields with the versions they exist in, the versions they may be null in, and their tag
// (KIP-482 tagged fields). codec.ts is the only code that reads these specs; messages/*.ts hold
// nothing but specs and the TypeScript shapes of the values.

/** Inclusive version range. `max` is Infinity for open ranges ("3+"). */
export interface Versions {
  readonly min: number;
  readonly max: number;
}

export const NO_VERSIONS: Versions = { min: 1, max: 0 };

/** Parses Kafka's range notation: "0+", "3-5", "4", "none". */
export function versions(spec: string): Versions {
  if (spec === 'none') return NO_VERSIONS;
  const open = /^(\d+)\+$/.exec(spec);
  if (open) return { min: Number(open[1]), max: Infinity };
  const range = /^(\d+)-(\d+)$/.exec(spec);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  if (/^\d+$/.test(spec)) return { min: Number(spec), max: Number(spec) };
  throw new Error(`bad version range "${spec}"`);
}

export function inVersions(range: Versions, version: number): boolean {
  return version >= range.min && version <= range.max;
}

export type PrimitiveType =
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'bool'
  | 'string'
  | 'bytes'
  /** A record-batch blob: bytes on the wire, never interpreted by the codec. */
  | 'records'
  | 'uuid';

export interface FieldSpec {
  readonly name: string;
  /** Element type for arrays; 'struct' uses `fields`. */
  readonly type: PrimitiveType | 'struct';
  readonly array: boolean;
  readonly fields: readonly FieldSpec[];
  readonly versions: Versions;
  readonly nullable: Versions;
  /** Tagged fields: the tag number and the versions in which the field travels as a tag. */
  readonly tag?: number;
  readonly tagged: Versions;
  /** Value used when the field is absent from a version or left undefined by the caller. */
  readonly default?: unknown;
}

export interface MessageSpec {
  readonly apiKey: number;
  readonly name: string;
  /** 'data': a versioned struct that is not an API message (consumer protocol, log records). */
  readonly kind: 'request' | 'response' | 'data';
  readonly valid: Versions;
  readonly flexible: Versions;
  readonly fields: readonly FieldSpec[];
}

export interface FieldOptions {
  /** Versions in which null is allowed ("1+"). */
  nullable?: string;
  /** Tag number; the field is tagged in `taggedVersions` (defaults to the field's versions). */
  tag?: number;
  taggedVersions?: string;
  default?: unknown;
}

function makeField(
  name: string,
  type: PrimitiveType | 'struct',
  array: boolean,
  fieldVersions: string,
  opts: FieldOptions,
  fields: readonly FieldSpec[] = [],
): FieldSpec {
  const v = versions(fieldVersions);
  return {
    name,
    type,
    array,
    fields,
    versions: v,
    nullable: opts.nullable ? versions(opts.nullable) : NO_VERSIONS,
    ...(opts.tag !== undefined ? { tag: opts.tag } : {}),
    tagged: opts.tag !== undefined ? (opts.taggedVersions ? versions(opts.taggedVersions) : v) : NO_VERSIONS,
    ...(opts.default !== undefined ? { default: opts.default } : {}),
  };
}

/** A scalar field: `field('throttleTimeMs', 'int32', '1+')`. */
export function field(name: string, type: PrimitiveType, fieldVersions: string, opts: FieldOptions = {}): FieldSpec {
  return makeField(name, type, false, fieldVersions, opts);
}

/** An array of structs: `array('topics', '0+', [field(...), ...])`, or of scalars: `array('ids', '0+', 'int32')`. */
export function array(
  name: string,
  fieldVersions: string,
  element: PrimitiveType | readonly FieldSpec[],
  opts: FieldOptions = {},
): FieldSpec {
  if (typeof element === 'string') return makeField(name, element, true, fieldVersions, opts);
  return makeField(name, 'struct', true, fieldVersions, opts, element);
}

/** A nested struct (not an array). */
export function struct(name: string, fieldVersions: string, fields: readonly FieldSpec[], opts: FieldOptions = {}): FieldSpec {
  return makeField(name, 'struct', false, fieldVersions, opts, fields);
}

export function message(
  kind: 'request' | 'response',
  apiKey: number,
  name: string,
  valid: string,
  flexible: string,
  fields: readonly FieldSpec[],
): MessageSpec {
  return { kind, apiKey, name, valid: versions(valid), flexible: versions(flexible), fields };
}

/**
 * A versioned struct outside the request/response framing: Kafka writes these as `version i16`
 * followed by the struct (MessageUtil.toVersionPrefixedBytes), e.g. the embedded consumer
 * protocol and the __consumer_offsets records.
 */
export function data(name: string, valid: string, flexible: string, fields: readonly FieldSpec[]): MessageSpec {
  return { kind: 'data', apiKey: -1, name, valid: versions(valid), flexible: versions(flexible), fields };
}

/** A request/response pair for one API: what messages/*.ts export. */
export interface ApiSpec {
  readonly apiKey: number;
  readonly name: string;
  readonly request: MessageSpec;
  readonly response: MessageSpec;
}

export function api(request: MessageSpec, response: MessageSpec): ApiSpec {
  if (request.apiKey !== response.apiKey) throw new Error(`${request.name}: request/response api keys differ`);
  return { apiKey: request.apiKey, name: request.name, request, response };
}
