#!/usr/bin/env node
// Records the request frames that kcat 1.7.1 (librdkafka 2.0.2) sends, and writes them as
// captures in this directory. Run by hand, not by the test suite:
//
//   node test/protocol/captures/capture-kcat.mjs
//
// It listens on 127.0.0.1 (an ephemeral port), runs kcat against it in a few scenarios and answers
// each request with the smallest response that makes kcat send its next one. The responses are
// hand-built here with a tiny writer, deliberately NOT with mq's codec: they exist only to elicit
// requests. What the tests assert is the captured REQUEST bytes, which librdkafka produced.
//
// Scenarios:
//   list     kcat -L                          → ApiVersions v3 (flexible), Metadata (all topics)
//   produce  kcat -P -t orders -p 0           → Metadata (one topic), Produce with a RecordBatch
//   consume  kcat -C -t orders -p 0 -o beginning -e → ListOffsets (earliest), Fetch
//   group    kcat -G mq-capture-group orders -e  → FindCoordinator, JoinGroup (with librdkafka's
//            consumer-protocol subscription), SyncGroup (with the leader's assignment), OffsetFetch
//            (flexible), Heartbeat, OffsetCommit, LeaveGroup. The broker side acts as a one-member
//            group whose only member (kcat) leads: the JoinGroup answer echoes kcat's own
//            subscription back as the member list, the SyncGroup answer echoes the assignment kcat
//            computed for itself, and Fetch hands over one record so that there is an offset to
//            commit. Only the group APIs' requests are written for this scenario; its ApiVersions
//            and Metadata requests repeat the other scenarios'.
//
// Every frame is stored whole (INT32 size, request header, body); the first line of each file is
// its provenance.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = dirname(fileURLToPath(import.meta.url));
const KCAT = '/usr/bin/kcat';
const API_NAMES = {
  0: 'produce',
  1: 'fetch',
  2: 'list-offsets',
  3: 'metadata',
  8: 'offset-commit',
  9: 'offset-fetch',
  10: 'find-coordinator',
  11: 'join-group',
  12: 'heartbeat',
  13: 'leave-group',
  14: 'sync-group',
  18: 'api-versions',
};
const GROUP_APIS = [8, 9, 10, 11, 12, 13, 14];
const ADVERTISED = [
  [0, 3, 9],
  [1, 4, 12],
  [2, 1, 7],
  [3, 0, 12],
  [18, 0, 3],
  [19, 2, 7],
  [20, 1, 6],
  [37, 0, 3],
];
// The group scenario adds the group APIs at mq's full ranges; librdkafka picks its own maxima
// (FindCoordinator 2, JoinGroup 5, SyncGroup 3, Heartbeat 3, LeaveGroup 1, OffsetCommit 7,
// OffsetFetch 7). Minimum 0 everywhere: librdkafka 2.0.2 enables the balanced consumer only
// if the v0s are advertised (protocol.md §1.2).
const ADVERTISED_GROUP = [...ADVERTISED, [8, 0, 9], [9, 0, 9], [10, 0, 5], [11, 0, 9], [12, 0, 4], [13, 0, 5], [14, 0, 5]];
const TOPIC = 'orders';
const GROUP = 'mq-capture-group';
// One record at offset 0, as kafka-python's DefaultRecordBatchBuilder wrote it.
const ONE_RECORD_BATCH = Buffer.from(
  readFileSync(join(OUT, 'record-batch-b.kafka-python.hex'), 'utf8').split('\n').slice(1).join('').replace(/\s+/g, ''),
  'hex',
);

// ------------------------------------------------------------------ a tiny big-endian writer

class W {
  parts = [];
  i8(v) { const b = Buffer.alloc(1); b.writeInt8(v); this.parts.push(b); return this; }
  i16(v) { const b = Buffer.alloc(2); b.writeInt16BE(v); this.parts.push(b); return this; }
  i32(v) { const b = Buffer.alloc(4); b.writeInt32BE(v); this.parts.push(b); return this; }
  i64(v) { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(v)); this.parts.push(b); return this; }
  uv(v) { const out = []; while (v >= 0x80) { out.push((v & 0x7f) | 0x80); v >>>= 7; } out.push(v); this.parts.push(Buffer.from(out)); return this; }
  str(s) { if (s === null) return this.i16(-1); const b = Buffer.from(s); return this.i16(b.length).raw(b); }
  bytes(b) { return this.i32(b.length).raw(b); }
  raw(b) { this.parts.push(b); return this; }
  arr(items, each) { this.i32(items.length); for (const it of items) each(this, it); return this; }
  cstr(s) { if (s === null) return this.uv(0); const b = Buffer.from(s); return this.uv(b.length + 1).raw(b); }
  carr(items, each) { this.uv(items.length + 1); for (const it of items) each(this, it); return this; }
  buf() { return Buffer.concat(this.parts); }
}

// ------------------------------------------------------------------ a tiny reader for the two requests whose content is echoed

class R {
  constructor(buf, offset) { this.buf = buf; this.o = offset; }
  i16() { const v = this.buf.readInt16BE(this.o); this.o += 2; return v; }
  i32() { const v = this.buf.readInt32BE(this.o); this.o += 4; return v; }
  str() { const n = this.i16(); if (n < 0) return null; const s = this.buf.toString('utf8', this.o, this.o + n); this.o += n; return s; }
  bytes() { const n = this.i32(); if (n < 0) return null; const b = this.buf.subarray(this.o, this.o + n); this.o += n; return b; }
  arr(each) { const n = this.i32(); const out = []; for (let i = 0; i < n; i++) out.push(each(this)); return out; }
}

/** A request frame's body reader, positioned after header v1 (size, key, version, correlation, client id). */
function body(whole) {
  const r = new R(whole, 12);
  r.str();
  return r;
}

function frame(correlationId, body, flexible = false) {
  // response header v0, or v1 (a tag count after the correlation id) for flexible responses
  const header = flexible ? new W().i32(correlationId).uv(0).buf() : new W().i32(correlationId).buf();
  const payload = Buffer.concat([header, body]);
  return Buffer.concat([new W().i32(payload.length).buf(), payload]);
}

// ------------------------------------------------------------------ responses, by api key/version

/** The response body for one request; `flexible` responses get response header v1. */
function respond(apiKey, version, port, whole, state) {
  switch (apiKey) {
    case 18: {
      if (version !== 3) throw new Error(`unexpected ApiVersions v${version}`);
      // ApiVersions v3 body (flexible; header stays v0): error_code, compact api_keys, throttle, tags.
      const advertised = state.advertised;
      const w = new W().i16(0).uv(advertised.length + 1);
      for (const [k, min, max] of advertised) w.i16(k).i16(min).i16(max).uv(0);
      return w.i32(0).uv(0).buf();
    }
    case 3: {
      if (version !== 4) throw new Error(`unexpected Metadata v${version}`);
      // Metadata v4: throttle, brokers[node, host, port, rack], cluster_id, controller_id, topics.
      return new W()
        .i32(0)
        .arr([1], (w) => w.i32(1).str('127.0.0.1').i32(port).str(null))
        .str('kcat-capture')
        .i32(1)
        .arr([TOPIC], (w, t) =>
          w.i16(0).str(t).i8(0).arr([0], (w2, p) => w2.i16(0).i32(p).i32(1).arr([1], (w3, n) => w3.i32(n)).arr([1], (w3, n) => w3.i32(n))),
        )
        .buf();
    }
    case 0: {
      if (version !== 7) throw new Error(`unexpected Produce v${version}`);
      // Produce v7: responses[name, partitions[index, error, base_offset, log_append_time, log_start]], throttle.
      return new W().arr([TOPIC], (w, t) => w.str(t).arr([0], (w2, p) => w2.i32(p).i16(0).i64(0).i64(-1).i64(0))).i32(0).buf();
    }
    case 2: {
      if (version !== 2) throw new Error(`unexpected ListOffsets v${version}`);
      // ListOffsets v2: throttle, topics[name, partitions[index, error, timestamp, offset]].
      return new W().i32(0).arr([TOPIC], (w, t) => w.str(t).arr([0], (w2, p) => w2.i32(p).i16(0).i64(-1).i64(0))).buf();
    }
    case 1: {
      if (version !== 11) throw new Error(`unexpected Fetch v${version}`);
      // Fetch v11 with an empty partition at the high watermark, so `kcat -e` sees EOF and exits.
      // The group scenario's log holds one record: the first Fetch returns it (so there is an
      // offset to commit), later ones are empty at high watermark 1.
      const records = state.records && state.fetches++ === 0 ? ONE_RECORD_BATCH : Buffer.alloc(0);
      const hw = state.records ? 1 : 0;
      return new W()
        .i32(0)
        .i16(0)
        .i32(0)
        .arr([TOPIC], (w, t) =>
          w.str(t).arr([0], (w2, p) => w2.i32(p).i16(0).i64(hw).i64(hw).i64(0).i32(-1).i32(-1).bytes(records)),
        )
        .buf();
    }
    case 10: {
      if (version !== 2) throw new Error(`unexpected FindCoordinator v${version}`);
      // FindCoordinator v2: throttle, error, error_message (null), node_id, host, port.
      return new W().i32(0).i16(0).str(null).i32(1).str('127.0.0.1').i32(port).buf();
    }
    case 11: {
      if (version !== 5) throw new Error(`unexpected JoinGroup v${version}`);
      // JoinGroup v5 request: group_id, session_timeout, rebalance_timeout, member_id,
      // group_instance_id, protocol_type, protocols[name, metadata]. Answer as the leader of a
      // one-member group: throttle, error, generation, protocol_name, leader, member_id,
      // members[member_id, group_instance_id, metadata] echoing kcat's first protocol.
      const r = body(whole);
      r.str();
      r.i32();
      r.i32();
      r.str();
      r.str();
      r.str();
      const [first] = r.arr((x) => ({ name: x.str(), metadata: x.bytes() }));
      const member = 'rdkafka-capture-member';
      return new W()
        .i32(0)
        .i16(0)
        .i32(1)
        .str(first.name)
        .str(member)
        .str(member)
        .arr([member], (w, m) => w.str(m).str(null).bytes(first.metadata))
        .buf();
    }
    case 14: {
      if (version !== 3) throw new Error(`unexpected SyncGroup v${version}`);
      // SyncGroup v3 request: group_id, generation, member_id, group_instance_id,
      // assignments[member_id, assignment]. Answer: throttle, error, the leader's own assignment.
      const r = body(whole);
      r.str();
      r.i32();
      r.str();
      r.str();
      const [mine] = r.arr((x) => ({ memberId: x.str(), assignment: x.bytes() }));
      return new W().i32(0).i16(0).bytes(mine?.assignment ?? Buffer.alloc(0)).buf();
    }
    case 9: {
      if (version !== 7) throw new Error(`unexpected OffsetFetch v${version}`);
      // OffsetFetch v7 (flexible): throttle, compact topics[name, compact partitions[index,
      // committed_offset -1, leader_epoch -1, metadata "", error, tags], tags], error, tags.
      return new W()
        .i32(0)
        .carr([TOPIC], (w, t) => w.cstr(t).carr([0], (w2, p) => w2.i32(p).i64(-1).i32(-1).cstr('').i16(0).uv(0)).uv(0))
        .i16(0)
        .uv(0)
        .buf();
    }
    case 12: {
      if (version !== 3) throw new Error(`unexpected Heartbeat v${version}`);
      return new W().i32(0).i16(0).buf(); // throttle, error
    }
    case 8: {
      if (version !== 7) throw new Error(`unexpected OffsetCommit v${version}`);
      // OffsetCommit v7: throttle, topics[name, partitions[index, error]].
      return new W().i32(0).arr([TOPIC], (w, t) => w.str(t).arr([0], (w2, p) => w2.i32(p).i16(0))).buf();
    }
    case 13: {
      if (version !== 1) throw new Error(`unexpected LeaveGroup v${version}`);
      return new W().i32(0).i16(0).buf(); // throttle, error
    }
    default:
      throw new Error(`unexpected api key ${apiKey} v${version}`);
  }
}

// ------------------------------------------------------------------ capture one kcat run

// Flexible responses among those answered here (header v1); ApiVersions always uses header v0.
const FLEXIBLE = (apiKey, version) => apiKey === 9 && version >= 6;

async function run(scenario, args, stdin, options = {}) {
  const state = { advertised: options.advertised ?? ADVERTISED, records: options.records ?? false, fetches: 0 };
  const captured = [];
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    const conn = sockets.size;
    let pending = Buffer.alloc(0);
    // Responses leave in request order; a delayed one (Fetch, see below) holds back those after it.
    let queue = Promise.resolve();
    socket.on('data', (data) => {
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0);
        if (pending.length < 4 + size) break;
        const whole = pending.subarray(0, 4 + size);
        pending = pending.subarray(4 + size);
        const apiKey = whole.readInt16BE(4);
        const version = whole.readInt16BE(6);
        const correlationId = whole.readInt32BE(8);
        captured.push({ apiKey, version, conn, frame: Buffer.from(whole) });
        let reply;
        try {
          reply = frame(correlationId, respond(apiKey, version, server.address().port, Buffer.from(whole), state), FLEXIBLE(apiKey, version));
        } catch (e) {
          console.error(`[${scenario}] ${e.message}; closing`);
          socket.destroy();
          return;
        }
        // In the group scenario each Fetch answer waits, so that heartbeats fall due meanwhile.
        const delay = options.fetchDelayMs && apiKey === 1 ? options.fetchDelayMs : 0;
        queue = queue.then(() => new Promise((resolve) => setTimeout(resolve, delay))).then(() => {
          if (!socket.destroyed) socket.write(reply);
        });
      }
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const child = spawn(KCAT, ['-b', `127.0.0.1:${port}`, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdout.on('data', (d) => process.stderr.write(`[${scenario} stdout] ${d}`));
  child.stdin.end(stdin ?? '');
  const killer = setTimeout(() => child.kill('SIGKILL'), 20000);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  clearTimeout(killer);
  for (const s of sockets) s.destroy();
  server.close();
  console.error(`[${scenario}] kcat exited ${code}; ${captured.length} requests: ${captured.map((c) => `${API_NAMES[c.apiKey] ?? c.apiKey} v${c.version}`).join(', ')}`);
  return { port, captured, command: `kcat -b 127.0.0.1:${port} ${args.join(' ')}` };
}

// Distinct requests only: the same bytes after the correlation id (ApiVersions on every new
// connection, the bootstrap Metadata) are written once, from the first scenario that sent them.
const seen = new Set();
function write({ captured, command }, scenario, only) {
  const count = new Map();
  captured.forEach((c, i) => {
    const name = API_NAMES[c.apiKey];
    if (only && !only.includes(c.apiKey)) return;
    const key = c.frame.subarray(12).toString('hex') + `/${c.apiKey}/${c.version}`;
    if (!name || seen.has(key)) return;
    seen.add(key);
    const nth = `${c.apiKey}/${c.version}`;
    count.set(nth, (count.get(nth) ?? 0) + 1);
    const suffix = count.get(nth) > 1 ? `-${count.get(nth)}` : '';
    const hex = c.frame.toString('hex').replace(/(.{64})/g, '$1\n').trimEnd();
    const file = `${name}-request-v${c.version}.kcat-${scenario}${suffix}.hex`;
    const provenance =
      `kcat 1.7.1 (librdkafka 2.0.2) \`${command}\`, request #${i + 1} (connection ${c.conn}), ` +
      `captured by capture-kcat.mjs; full frame: size, request header, body`;
    writeFileSync(join(OUT, file), `# provenance: ${provenance}\n${hex}\n`);
    console.error(`wrote ${file}`);
  });
}

// `node capture-kcat.mjs [scenario...]` runs the named scenarios only (default: all of them).
const wanted = process.argv.slice(2);
const want = (s) => wanted.length === 0 || wanted.includes(s);
if (want('list')) write(await run('list', ['-L', '-m', '5'], ''), 'list');
if (want('produce')) write(await run('produce', ['-P', '-t', TOPIC, '-p', '0', '-K', ':'], 'k1:hello\nk2:wörld\n'), 'produce');
if (want('consume')) write(await run('consume', ['-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e'], ''), 'consume');
if (want('group')) {
  const args = ['-G', GROUP, TOPIC, '-e', '-X', 'heartbeat.interval.ms=100', '-X', 'auto.commit.interval.ms=200'];
  write(await run('group', args, '', { advertised: ADVERTISED_GROUP, records: true, fetchDelayMs: 700 }), 'group', GROUP_APIS);
}
