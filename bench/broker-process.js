// A broker in its own process for benchmarks, so the broker and the benchmark's clients do not
// share an event loop and the broker's memory can be read from /proc/<pid>/status.
// Usage: node bench/broker-process.js <log.dirs> [key=value ...]   (server.properties overrides)
// Prints {"port":N} once listening, stops on SIGTERM.
import { startBroker } from '../dist/broker/server.js';

const [dir, ...overrides] = process.argv.slice(2);
const config = { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dir };
for (const kv of overrides) {
  const eq = kv.indexOf('=');
  config[kv.slice(0, eq)] = kv.slice(eq + 1);
}
const broker = await startBroker({ config, logger: () => {} });
process.stdout.write(JSON.stringify({ port: broker.port }) + '\n');
process.on('SIGTERM', () => broker.close().then(() => process.exit(0)));
