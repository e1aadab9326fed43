// The handler registry: API key → served version range + handler. Each file in handlers/
// registers itself at import; ApiVersions answers from this registry, so what is advertised is
// exactly what is implemented. Registering a key twice is a bug and throws at startup.

import type { ApiSpec } from '../protocol/schema.js';
import type { ApiVersionRange } from '../protocol/messages/18-api-versions.js';
import type { Broker } from './broker.js';

export interface RequestContext {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** The peer address as Kafka prints it (InetAddress.toString: "/127.0.0.1"); group members report it as their host. */
  readonly clientHost: string;
}

/**
 * A handler returns the response body, or null when the request gets no response (Produce with
 * acks=0). Protocol-level failures are error codes inside the body; a throw is a bug: connection.ts
 * logs it and closes that one connection.
 */
export type Handler<Req, Res> = (broker: Broker, ctx: RequestContext, request: Req) => Res | null | Promise<Res | null>;

export interface Route {
  readonly api: ApiSpec;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly handle: Handler<never, object>;
}

const routes = new Map<number, Route>();

export function register<Req, Res extends object>(api: ApiSpec, minVersion: number, maxVersion: number, handle: Handler<Req, Res>): void {
  if (routes.has(api.apiKey)) throw new Error(`handler for ${api.name} (key ${api.apiKey}) registered twice`);
  const { min, max } = api.request.valid;
  if (minVersion < min || maxVersion > max) {
    throw new Error(`${api.name}: serves v${minVersion}-${maxVersion} but the spec describes v${min}-${max}`);
  }
  routes.set(api.apiKey, { api, minVersion, maxVersion, handle: handle as Handler<never, object> });
}

export function route(apiKey: number): Route | undefined {
  return routes.get(apiKey);
}

export function supportedApis(): ApiVersionRange[] {
  return [...routes.values()]
    .map((r) => ({ apiKey: r.api.apiKey, minVersion: r.minVersion, maxVersion: r.maxVersion }))
    .sort((a, b) => a.apiKey - b.apiKey);
}
