// startBroker(): a broker in this process. Binds every listener in `listeners`, advertises the
// first of `advertised.listeners` (with a port of 0 replaced by the port actually bound, so a
// test can start on port 0 and clients still learn a reachable address), and shuts down by
// closing sockets, answering parked fetches and writing the logs' clean-shutdown state.

import { createServer, type Server } from 'node:net';
import { Broker, type Logger } from './broker.js';
import { BrokerConfig, ConfigError } from './config.js';
import { BrokerConnection } from './connection.js';
import './handlers/index.js';

export { BrokerConfig, ConfigError, DEFAULT_LOG_DIR } from './config.js';
export type { Logger, LogLevel } from './broker.js';

export interface BrokerOptions {
  /** server.properties keys (file and --override already merged). */
  config?: Record<string, string>;
  /** Where log lines go; by default warnings and errors go to stderr. */
  logger?: Logger;
}

export interface RunningBroker {
  readonly host: string;
  readonly port: number;
  readonly nodeId: number;
  readonly clusterId: string;
  readonly logDirs: readonly string[];
  close(): Promise<void>;
}

const defaultLogger: Logger = (level, message) => {
  if (level === 'warn' || level === 'error') process.stderr.write(`[${new Date().toISOString()}] ${level.toUpperCase()} ${message}\n`);
};

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // An empty host binds every interface (IPv6 and IPv4 where available), as Kafka does.
    server.listen({ port, ...(host ? { host } : {}) }, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const config = new BrokerConfig(options.config ?? {});
  const logger = options.logger ?? defaultLogger;
  const broker = new Broker(config, logger);

  const servers: Server[] = [];
  const boundPorts: number[] = [];
  try {
    for (const l of config.listeners) {
      const server = createServer((socket) => broker.connections.add(new BrokerConnection(socket, broker)));
      boundPorts.push(await listen(server, l.host, l.port));
      servers.push(server);
    }
  } catch (e) {
    for (const s of servers) s.close();
    await broker.stopBackgroundTasks();
    broker.close();
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(`cannot listen on ${config.props.listeners}: ${err.code ?? err.message}`, { cause: e });
  }

  const advertised = config.advertisedListeners[0]!;
  const listenerIndex = Math.max(0, config.listeners.findIndex((l) => l.name === advertised.name));
  broker.advertised = {
    host: advertised.host || 'localhost',
    port: advertised.port === 0 ? boundPorts[listenerIndex]! : advertised.port,
  };
  logger('info', `[KafkaServer id=${broker.nodeId}] started: listening on ${config.listeners.map((l, i) => `${l.name}://${l.host}:${boundPorts[i]}`).join(',')}, advertising ${broker.advertised.host}:${broker.advertised.port}, log.dirs=${config.logDirs.join(',')}`);

  let closing: Promise<void> | undefined;
  return {
    host: broker.advertised.host,
    port: broker.advertised.port,
    nodeId: broker.nodeId,
    clusterId: broker.clusterId,
    logDirs: config.logDirs,
    close(): Promise<void> {
      closing ??= (async () => {
        const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
        broker.fetches.closeAll();
        for (const c of [...broker.connections]) c.close();
        await Promise.all(closed);
        await broker.stopBackgroundTasks();
        broker.close();
        logger('info', `[KafkaServer id=${broker.nodeId}] shut down completed`);
      })();
      return closing;
    },
  };
}
