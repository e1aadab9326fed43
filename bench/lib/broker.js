// Starts bench/broker-process.js as a child process and waits for its readiness line.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const SCRIPT = new URL('../broker-process.js', import.meta.url).pathname;

/**
 * @param {string} dir log.dirs for the broker
 * @param {Record<string, string>} overrides server.properties keys
 * @returns {Promise<{ pid: number, bootstrap: string, stop(): Promise<void> }>}
 */
export async function startBrokerProcess(dir, overrides = {}) {
  const args = [SCRIPT, dir, ...Object.entries(overrides).map(([k, v]) => `${k}=${v}`)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const line = await Promise.race([
    new Promise((resolve) => createInterface({ input: child.stdout }).once('line', resolve)),
    exited.then((code) => Promise.reject(new Error(`broker process exited with ${code} before it was ready`))),
  ]);
  const { port } = JSON.parse(line);
  return {
    pid: child.pid,
    bootstrap: `127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
