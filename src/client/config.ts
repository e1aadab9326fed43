// Settings shared by Producer, Consumer and Admin, with the Java client's defaults.

import { ConfigError } from './errors.js';

export interface ClientConfig {
  /** 'host:port' entries; IPv6 hosts in brackets ('[::1]:9092'). */
  bootstrapServers: string[];
  /** Sent in every request header; default 'mq'. */
  clientId?: string;
  /** request.timeout.ms: how long to wait for any response; default 30000. */
  requestTimeoutMs?: number;
  /** socket.connection.setup.timeout.ms: how long a TCP connect may take; default 10000. */
  connectionTimeoutMs?: number;
  /** Retries of metadata, admin and other retriable failures; default 5. */
  retries?: number;
  /** retry.backoff.ms: first back-off; later ones double up to MAX_RETRY_BACKOFF_MS; default 100. */
  retryBackoffMs?: number;
}

export interface HostPort {
  host: string;
  port: number;
}

export interface ResolvedClientConfig {
  bootstrap: HostPort[];
  clientId: string;
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
  retries: number;
  retryBackoffMs: number;
}

/** retry.backoff.max.ms in the Java client (KIP-580): the cap of the exponential back-off. */
const MAX_RETRY_BACKOFF_MS = 1000;

function parseHostPort(s: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) throw new ConfigError(`invalid broker address "${s}": expected host:port`);
  return { host: (m[1] ?? m[2])!, port };
}

/** Checks that an option is a finite number within [min, max] and returns it (or the default). */
export function numberOption(name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

export function resolveClientConfig(config: ClientConfig): ResolvedClientConfig {
  if (!Array.isArray(config.bootstrapServers) || config.bootstrapServers.length === 0) {
    throw new ConfigError('bootstrapServers must list at least one host:port');
  }
  return {
    bootstrap: config.bootstrapServers.map(parseHostPort),
    clientId: config.clientId ?? 'mq',
    requestTimeoutMs: numberOption('requestTimeoutMs', config.requestTimeoutMs, 30000, 1),
    connectionTimeoutMs: numberOption('connectionTimeoutMs', config.connectionTimeoutMs, 10000, 1),
    retries: numberOption('retries', config.retries, 5, 0),
    retryBackoffMs: numberOption('retryBackoffMs', config.retryBackoffMs, 100, 0),
  };
}

/** Back-off before retry number `attempt` (1-based): base, 2×base, 4×base … capped. */
export function backoffMs(config: ResolvedClientConfig, attempt: number): number {
  return Math.min(config.retryBackoffMs * 2 ** Math.max(0, attempt - 1), Math.max(config.retryBackoffMs, MAX_RETRY_BACKOFF_MS));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
