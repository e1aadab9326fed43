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
//
// Every frame is stored whole (INT32 size, request header, body); the first line of each file is
// its provenance.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = dirname(fileURLToPath(import.meta.url));
const KCAT = '/usr/bin/kcat';
const API_NAMES = { 0: 'produce', 1: 'fetch', 2: 'list-offsets', 3: 'metadata', 18: 'api-versions' };
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
const TOPIC = 'orders';

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
  buf() { return Buffer.concat(this.parts); }
}

function frame(correlationId, body) {
  const payload = Buffer.concat([new W().i32(correlationId).buf(), body]); // response header v0
  return Buffer.concat([new W().i32(payload.length).buf(), payload]);
}

// ------------------------------------------------------------------ responses, by api key/version

function respond(apiKey, version, port) {
  switch (apiKey) {
    case 18: {
      if (version !== 3) throw new Error(`unexpected ApiVersions v${version}`);
      // ApiVersions v3 body (flexible; header stays v0): error_code, compact api_keys, throttle, tags.
      const w = new W().i16(0).uv(ADVERTISED.length + 1);
      for (const [k, min, max] of ADVERTISED) w.i16(k).i16(min).i16(max).uv(0);
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
      // Fetch v11 with an empty partition at high watermark 0, so `kcat -e` sees EOF and exits.
      return new W()
        .i32(0)
        .i16(0)
        .i32(0)
        .arr([TOPIC], (w, t) =>
          w.str(t).arr([0], (w2, p) => w2.i32(p).i16(0).i64(0).i64(0).i64(0).i32(-1).i32(-1).bytes(Buffer.alloc(0))),
        )
        .buf();
    }
    default:
      throw new Error(`unexpected api key ${apiKey} v${version}`);
  }
}

// ------------------------------------------------------------------ capture one kcat run

async function run(scenario, args, stdin) {
  const captured = [];
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    const conn = sockets.size;
    let pending = Buffer.alloc(0);
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
        try {
          socket.write(frame(correlationId, respond(apiKey, version, server.address().port)));
        } catch (e) {
          console.error(`[${scenario}] ${e.message}; closing`);
          socket.destroy();
        }
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
function write({ captured, command }, scenario) {
  const count = new Map();
  captured.forEach((c, i) => {
    const name = API_NAMES[c.apiKey];
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

write(await run('list', ['-L', '-m', '5'], ''), 'list');
write(await run('produce', ['-P', '-t', TOPIC, '-p', '0', '-K', ':'], 'k1:hello\nk2:wörld\n'), 'produce');
write(await run('consume', ['-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e'], ''), 'consume');
