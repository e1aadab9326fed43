// zstd for a synchronous record layer. The one zstd library with prebuilt binaries for every
// platform in npm packages, @mongodb-js/zstd (napi-rs, the MongoDB driver's codec), has only an
// asynchronous API, while batches are encoded and decoded synchronously everywhere (producer
// drain, consumer fetch handling, the broker's append). So zstd runs on one worker thread, started
// on first use, and the caller blocks on a shared flag until the answer is posted back: the
// worker posts its reply, then sets the flag and wakes the caller, which takes the reply with
// receiveMessageOnPort (the pattern synckit uses). A call costs a thread hop and two copies of
// the data besides the codec itself.
//
// The library decodes in streaming mode, so frames without a content size and concatenated
// frames decode; its encoder streams too and, like Java's zstd-jni stream and librdkafka, leaves
// the content size out of the frame header.

import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

const LIBRARY = '@mongodb-js/zstd';
/** A worker that has not answered by then is presumed dead; codec calls take milliseconds. */
const REPLY_TIMEOUT_MS = 60_000;

export type ZstdReply = { ok: true; data: Uint8Array } | { ok: false; loadError: boolean; message: string };

/** The worker itself failed (no answer in time): not a verdict on the data. */
export class ZstdWorkerError extends Error {
  readonly code = 'MQ_ERR_ZSTD_WORKER';
  constructor(message: string) {
    super(message);
    this.name = 'ZstdWorkerError';
  }
}

// CommonJS run by the worker (eval: it must work from src/ under a TypeScript test runner as
// well as from dist/). A library that fails to load is reported on every request, so the caller
// never waits for a worker that died at startup.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { library, port, flag } = workerData;
let zstd, loadError;
try { zstd = require(library); } catch (e) { loadError = e; }
port.on('message', async ({ op, data, level }) => {
  let reply;
  if (loadError) {
    reply = { ok: false, loadError: true, message: String(loadError.message) };
  } else {
    try {
      const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      reply = { ok: true, data: op === 'compress' ? await zstd.compress(input, level) : await zstd.decompress(input) };
    } catch (e) {
      reply = { ok: false, loadError: false, message: String(e && e.message) };
    }
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Bridge {
  port: MessagePort;
  flag: Int32Array;
}

let bridge: Bridge | undefined;

function start(library: string): Bridge {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { library, port: port2, flag }, transferList: [port2] });
  // Idle, the worker must not keep a process alive; port1 has no listener, so it does not either.
  worker.unref();
  return { port: port1, flag };
}

/** Runs one compress or decompress on the worker and returns its reply. */
export function zstdSync(op: 'compress' | 'decompress', data: Buffer, level: number): ZstdReply {
  if (!bridge) {
    // Resolved here, where the package's node_modules are known, and required by the worker.
    let library: string;
    try {
      library = createRequire(import.meta.url).resolve(LIBRARY);
    } catch (e) {
      return { ok: false, loadError: true, message: (e as Error).message };
    }
    bridge = start(library);
  }
  Atomics.store(bridge.flag, 0, 0);
  bridge.port.postMessage({ op, data, level });
  if (Atomics.wait(bridge.flag, 0, 0, REPLY_TIMEOUT_MS) === 'timed-out') {
    bridge = undefined;
    throw new ZstdWorkerError(`the zstd worker did not answer within ${REPLY_TIMEOUT_MS} ms`);
  }
  const received = receiveMessageOnPort(bridge.port);
  if (!received) throw new ZstdWorkerError('the zstd worker signalled a reply it did not post');
  return received.message as ZstdReply;
}
