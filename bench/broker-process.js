// A broker in its own process for benchmarks: prints {"port":N} once listening, stops on SIGTERM.
import { startBroker } from '../dist/broker/server.js';

const dir = process.argv[2];
const broker = await startBroker({ config: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dir }, logger: () => {} });
process.stdout.write(JSON.stringify({ port: broker.port }) + '\n');
process.on('SIGTERM', () => broker.close().then(() => process.exit(0)));
