// mq's public library API: the client (Producer, Consumer, Admin) and startBroker() for running
// a broker inside this process. The broker is loaded on first use, so programs that only use the
// client never load the broker or storage code.
import type { BrokerOptions, RunningBroker } from './broker/server.js';

export * from './client/index.js';
export type { BrokerOptions, RunningBroker, Logger, LogLevel } from './broker/server.js';

/** Starts a broker in this process; `config` takes server.properties keys (listeners, log.dirs, ...). */
export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const { startBroker: start } = await import('./broker/server.js');
  return start(options);
}
