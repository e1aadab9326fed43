import { describe, expect, it } from 'vitest';
import { backoffMs, resolveClientConfig } from '../../src/client/config.js';

describe('client config', () => {
  it("fills in the Java client's defaults", () => {
    expect(resolveClientConfig({ bootstrapServers: ['localhost:9092'] })).toEqual({
      bootstrap: [{ host: 'localhost', port: 9092 }],
      clientId: 'mq',
      requestTimeoutMs: 30000,
      connectionTimeoutMs: 10000,
      retries: 5,
      retryBackoffMs: 100,
    });
  });

  it('parses host:port, bracketed IPv6 and rejects the rest', () => {
    const { bootstrap } = resolveClientConfig({ bootstrapServers: ['kafka-1.example:19092', '[::1]:9092', ' 10.0.0.1:1 '] });
    expect(bootstrap).toEqual([
      { host: 'kafka-1.example', port: 19092 },
      { host: '::1', port: 9092 },
      { host: '10.0.0.1', port: 1 },
    ]);
    for (const bad of ['localhost', 'localhost:0', 'localhost:70000', '::1:9092', ':9092', 'host:port']) {
      expect(() => resolveClientConfig({ bootstrapServers: [bad] }), bad).toThrow(expect.objectContaining({ code: 'MQ_ERR_CONFIG' }));
    }
    expect(() => resolveClientConfig({ bootstrapServers: ['a:1'], retries: -1 })).toThrow(/retries/);
  });

  it('backs off exponentially up to one second', () => {
    const config = resolveClientConfig({ bootstrapServers: ['a:1'] });
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(config, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});
