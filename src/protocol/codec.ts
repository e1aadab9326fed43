// The one interpreter of messages described in schema.ts: encode(spec, version, value) and
// decode(spec, version, reader). For each (spec, version) the field list is compiled once into
// a plan (which fields exist, which are nullable, which are tagged, compact or not), so the
// per-message work is a walk over a short array with no version arithmetic.
//
// Values are plain objects keyed by the fields' camelCase names. Absent fields decode to their
// default (0, 0n, false, '', [], zero UUID, or null when nullable in that version). Unknown
// tagged fields are skipped, never rejected.

import { DecodeError, Reader } from './reader.js';
import { Writer } from './writer.js';
import { inVersions, type FieldSpec, type MessageSpec, type PrimitiveType } from './schema.js';

export class EncodeError extends Error {
  readonly code = 'MQ_ERR_ENCODE';
  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

export const ZERO_UUID: Buffer = Buffer.alloc(16);

interface FieldPlan {
  readonly name: string;
  readonly type: PrimitiveType | 'struct';
  readonly array: boolean;
  readonly nullable: boolean;
  readonly compact: boolean;
  readonly tag: number | undefined;
  readonly children: StructPlan | undefined;
  readonly defaultValue: unknown;
  /** Present in this version at all (absent fields only contribute their default). */
  readonly present: boolean;
}

interface StructPlan {
  readonly fields: readonly FieldPlan[];
  readonly tagged: readonly FieldPlan[];
  readonly byTag: ReadonlyMap<number, FieldPlan>;
  readonly flexible: boolean;
}

const plans = new WeakMap<MessageSpec, Map<number, StructPlan>>();

function specName(spec: MessageSpec): string {
  return spec.kind === 'request' ? `${spec.name}Request` : spec.kind === 'response' ? `${spec.name}Response` : spec.name;
}

function defaultFor(spec: FieldSpec, nullable: boolean): unknown {
  if (spec.default !== undefined) return spec.default;
  if (nullable) return null;
  if (spec.array) return [];
  switch (spec.type) {
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'float64':
      return 0;
    case 'int64':
      return 0n;
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
    case 'records':
      return Buffer.alloc(0);
    case 'uuid':
      return ZERO_UUID;
    case 'struct':
      return undefined; // filled in from the child plan by the caller
  }
}

function compileStruct(fields: readonly FieldSpec[], version: number, flexible: boolean): StructPlan {
  const plain: FieldPlan[] = [];
  const tagged: FieldPlan[] = [];
  for (const f of fields) {
    const present = inVersions(f.versions, version);
    const nullable = present && inVersions(f.nullable, version);
    const isTagged = present && flexible && f.tag !== undefined && inVersions(f.tagged, version);
    const children = f.type === 'struct' ? compileStruct(f.fields, version, flexible) : undefined;
    const plan: FieldPlan = {
      name: f.name,
      type: f.type,
      array: f.array,
      nullable,
      compact: flexible,
      tag: isTagged ? f.tag : undefined,
      children,
      defaultValue: defaultFor(f, nullable),
      present,
    };
    if (isTagged) tagged.push(plan);
    else plain.push(plan);
  }
  const byTag = new Map<number, FieldPlan>();
  for (const t of tagged) byTag.set(t.tag!, t);
  return { fields: plain, tagged, byTag, flexible };
}

function planFor(spec: MessageSpec, version: number): StructPlan {
  let byVersion = plans.get(spec);
  if (!byVersion) {
    byVersion = new Map();
    plans.set(spec, byVersion);
  }
  let plan = byVersion.get(version);
  if (!plan) {
    if (!inVersions(spec.valid, version)) {
      throw new EncodeError(`${specName(spec)} has no version ${version}`);
    }
    plan = compileStruct(spec.fields, version, inVersions(spec.flexible, version));
    byVersion.set(version, plan);
  }
  return plan;
}

export function isFlexible(spec: MessageSpec, version: number): boolean {
  return inVersions(spec.flexible, version);
}

// ---------------------------------------------------------------- decode

function defaultStruct(plan: StructPlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of plan.fields) out[f.name] = fieldDefault(f);
  for (const f of plan.tagged) out[f.name] = fieldDefault(f);
  return out;
}

function fieldDefault(f: FieldPlan): unknown {
  // A fresh array each time: the plan's default is shared by every decoded message, and a caller
  // that pushes onto a decoded (absent) array must not change what later decodes return.
  if (Array.isArray(f.defaultValue)) return [];
  if (f.defaultValue !== undefined) return f.defaultValue;
  // A non-array, non-nullable struct defaults to a struct of defaults.
  return f.children ? defaultStruct(f.children) : undefined;
}

function decodeScalar(r: Reader, type: PrimitiveType, nullable: boolean, compact: boolean): unknown {
  switch (type) {
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'uint16':
      return r.uint16();
    case 'int32':
      return r.int32();
    case 'int64':
      return r.int64();
    case 'float64':
      return r.float64();
    case 'bool':
      return r.bool();
    case 'uuid':
      return r.uuid();
    case 'string': {
      const s = compact ? r.compactNullableString() : r.nullableString();
      if (s === null && !nullable) throw new DecodeError('null in non-nullable string', r.offset);
      return s;
    }
    case 'bytes':
    case 'records': {
      const b = compact ? r.compactNullableBytes() : r.nullableBytes();
      if (b === null && !nullable) throw new DecodeError('null in non-nullable bytes', r.offset);
      return b;
    }
  }
}

function decodeField(r: Reader, f: FieldPlan): unknown {
  if (f.array) {
    const n = r.arrayLength(f.compact);
    if (n < 0) {
      if (!f.nullable) throw new DecodeError('null in non-nullable array', r.offset);
      return null;
    }
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      out[i] = f.children ? decodeStruct(r, f.children) : decodeScalar(r, f.type as PrimitiveType, false, f.compact);
    }
    return out;
  }
  if (f.children) {
    if (f.nullable) {
      // Nullable structs carry a presence byte: -1 null, 1 present.
      if (r.int8() < 0) return null;
    }
    return decodeStruct(r, f.children);
  }
  return decodeScalar(r, f.type as PrimitiveType, f.nullable, f.compact);
}

function decodeStruct(r: Reader, plan: StructPlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of plan.fields) {
    if (!f.present) {
      out[f.name] = fieldDefault(f);
      continue;
    }
    try {
      out[f.name] = decodeField(r, f);
    } catch (e) {
      throw withField(e, f.name);
    }
  }
  if (plan.flexible) {
    for (const f of plan.tagged) out[f.name] = fieldDefault(f);
    const count = r.uvarint();
    for (let i = 0; i < count; i++) {
      const tag = r.uvarint();
      const size = r.uvarint();
      const f = plan.byTag.get(tag);
      if (!f) {
        r.raw(size);
        continue;
      }
      const end = r.offset + size;
      if (end > r.end) throw new DecodeError(`tagged field ${tag} overruns the message`, r.offset, f.name);
      try {
        out[f.name] = decodeField(new Reader(r.buf, r.offset, end), f);
      } catch (e) {
        throw withField(e, f.name);
      }
      r.offset = end;
    }
  }
  return out;
}

/** Prefixes the field name to a DecodeError's path (innermost field last: "topics.partitions.records"). */
function withField(e: unknown, name: string): unknown {
  if (!(e instanceof DecodeError)) return e;
  return new DecodeError(e.reason, e.offset, e.field ? `${name}.${e.field}` : name);
}

/**
 * Decodes one message body of `spec` at `version` from the reader's position. Failures throw a
 * DecodeError carrying the api key, version, field path and byte offset.
 */
export function decode<T>(spec: MessageSpec, version: number, r: Reader): T {
  const name = specName(spec);
  if (!inVersions(spec.valid, version)) throw new DecodeError(`${name} has no version ${version}`, r.offset, undefined, { apiKey: spec.apiKey, version, name });
  try {
    return decodeStruct(r, planFor(spec, version)) as T;
  } catch (e) {
    if (e instanceof DecodeError) throw new DecodeError(e.reason, e.offset, e.field, { apiKey: spec.apiKey, version, name });
    throw e;
  }
}

// ---------------------------------------------------------------- encode

function encodeScalar(w: Writer, type: PrimitiveType, v: unknown, nullable: boolean, compact: boolean, name: string): void {
  switch (type) {
    case 'int8':
      w.int8(v as number);
      return;
    case 'int16':
      w.int16(v as number);
      return;
    case 'uint16':
      w.uint16(v as number);
      return;
    case 'int32':
      w.int32(v as number);
      return;
    case 'int64':
      w.int64(typeof v === 'bigint' ? v : BigInt(v as number));
      return;
    case 'float64':
      w.float64(v as number);
      return;
    case 'bool':
      w.bool(v as boolean);
      return;
    case 'uuid':
      w.uuid(v as Buffer);
      return;
    case 'string':
      if (v === null && !nullable) throw new EncodeError(`null in non-nullable string ${name}`);
      if (compact) w.compactNullableString(v as string | null);
      else w.nullableString(v as string | null);
      return;
    case 'bytes':
    case 'records':
      if (v === null && !nullable) throw new EncodeError(`null in non-nullable bytes ${name}`);
      if (Array.isArray(v)) w.bytesList(v as Buffer[], compact);
      else if (compact) w.compactNullableBytes(v as Buffer | null);
      else w.nullableBytes(v as Buffer | null);
      return;
  }
}

function encodeField(w: Writer, f: FieldPlan, v: unknown): void {
  if (v === undefined) v = fieldDefault(f);
  if (f.array) {
    if (v === null) {
      if (!f.nullable) throw new EncodeError(`null in non-nullable array ${f.name}`);
      if (f.compact) w.uvarint(0);
      else w.int32(-1);
      return;
    }
    const items = v as readonly unknown[];
    if (f.compact) w.uvarint(items.length + 1);
    else w.int32(items.length);
    for (const item of items) {
      if (f.children) encodeStruct(w, f.children, item as Record<string, unknown>);
      else encodeScalar(w, f.type as PrimitiveType, item, false, f.compact, f.name);
    }
    return;
  }
  if (f.children) {
    if (f.nullable) {
      if (v === null) {
        w.int8(-1);
        return;
      }
      w.int8(1);
    } else if (v === null) {
      throw new EncodeError(`null in non-nullable struct ${f.name}`);
    }
    encodeStruct(w, f.children, v as Record<string, unknown>);
    return;
  }
  encodeScalar(w, f.type as PrimitiveType, v, f.nullable, f.compact, f.name);
}

// Kafka's generator writes a tagged field only when it differs from its default
// (MessageDataGenerator.generateNonDefaultValueCheck): arrays when non-empty (or non-null when the
// default is null), strings/bytes/scalars when unequal, structs when not equal to a struct of
// defaults. The struct case matters: a broker that always fills in e.g. Fetch's CurrentLeader
// with {-1, -1} must not put those bytes on the wire.
function isDefault(f: FieldPlan, v: unknown): boolean {
  if (v === undefined) return true;
  const d = f.defaultValue;
  if (v === d) return true;
  if (v === null || d === null) return false;
  if (Array.isArray(v)) return v.length === 0;
  if (Buffer.isBuffer(v) && Buffer.isBuffer(d)) return v.equals(d);
  if (f.children && !f.array && typeof v === 'object') return structIsDefault(f.children, v as Record<string, unknown>);
  return false;
}

function structIsDefault(plan: StructPlan, value: Record<string, unknown>): boolean {
  for (const f of plan.fields) if (f.present && !isDefault(f, value[f.name])) return false;
  for (const f of plan.tagged) if (!isDefault(f, value[f.name])) return false;
  return true;
}

function encodeStruct(w: Writer, plan: StructPlan, value: Record<string, unknown>): void {
  for (const f of plan.fields) {
    if (f.present) encodeField(w, f, value[f.name]);
  }
  if (plan.flexible) {
    // Tagged fields travel only when they differ from their default (KIP-482).
    const out: Array<[number, Buffer]> = [];
    for (const f of plan.tagged) {
      const v = value[f.name];
      if (isDefault(f, v)) continue;
      const sub = new Writer(64);
      encodeField(sub, f, v);
      out.push([f.tag!, sub.toBuffer()]);
    }
    out.sort((a, b) => a[0] - b[0]);
    w.uvarint(out.length);
    for (const [tag, bytes] of out) w.uvarint(tag).uvarint(bytes.length).raw(bytes);
  }
}

/** Encodes one message body of `spec` at `version` onto the writer. */
export function encode(spec: MessageSpec, version: number, value: object, w: Writer): void {
  encodeStruct(w, planFor(spec, version), value as Record<string, unknown>);
}

/** `version i16` + the struct at that version (Kafka's MessageUtil.toVersionPrefixedBytes). */
export function encodeVersioned(spec: MessageSpec, version: number, value: object): Buffer {
  const w = new Writer(128);
  w.int16(version);
  encode(spec, version, value, w);
  return w.toBuffer();
}

/**
 * Reads a version-prefixed struct. A version newer than the spec knows is read as the newest known
 * one and any trailing bytes are ignored: Kafka only ever appends fields to these structs, so an
 * older reader sees a valid prefix (how a consumer on an old client reads a newer client's
 * subscription in the same group).
 */
export function decodeVersioned<T>(spec: MessageSpec, buf: Buffer): { version: number; value: T } {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < spec.valid.min) throw new DecodeError(`${spec.name} version ${version} is below ${spec.valid.min}`, 0);
  return { version, value: decode<T>(spec, Math.min(version, spec.valid.max), r) };
}
