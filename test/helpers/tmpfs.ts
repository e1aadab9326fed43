// A small tmpfs for full-disk tests, and fillDisk to fill it up. Mounted directly where the
// tests run as root (CI's container); otherwise in a user and mount namespace of its own
// (`unshare --user --map-root-user --mount`) held open by a sleeping process, which broker
// processes join with `nsenter` and whose files this process reaches through
// /proc/<pid>/root. Where neither works, the caller skips with the reason.
// MQ_TEST_TMPFS=namespace forces the second way (to test it as root).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  /** The mount point, as the processes on it see it. */
  dir: string;
  /** `path` (under dir) as this process reaches it. */
  local(path: string): string;
  /** Command prefix that runs a process where the tmpfs is mounted; empty when it is mounted here. */
  prefix: string[];
  release(): void;
}

function errorText(r: { stderr: string; error?: Error }): string {
  return (r.stderr || r.error?.message || '').trim();
}

/** A tmpfs of `bytes`, or the reason there cannot be one. */
export async function smallDisk(bytes: number): Promise<SmallDisk | { reason: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mq-tmpfs-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  if (process.env.MQ_TEST_TMPFS !== 'namespace') {
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { encoding: 'utf8' });
    if (mount.status === 0) {
      return {
        dir,
        local: (p) => p,
        prefix: [],
        release() {
          spawnSync('umount', ['-l', dir]);
          cleanup();
        },
      };
    }
    if (process.getuid?.() === 0) {
      cleanup();
      return { reason: `mount -t tmpfs failed as root: ${errorText(mount)}` };
    }
  }
  const holder: ChildProcess = spawn('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', `mount -t tmpfs -o size=${bytes} tmpfs "$0" && echo mounted && exec sleep 100000`, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  holder.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const mounted = await new Promise<boolean>((resolve) => {
    holder.stdout!.once('data', () => resolve(true));
    holder.once('exit', () => resolve(false));
    holder.once('error', () => resolve(false));
  });
  const pid = holder.pid;
  if (!mounted || pid === undefined || !existsSync(`/proc/${pid}/root${dir}`) || !readFileSync(`/proc/${pid}/mounts`, 'utf8').includes(dir)) {
    holder.kill('SIGKILL');
    cleanup();
    return { reason: `neither mount -t tmpfs nor unshare --user --map-root-user --mount works here: ${stderr.trim()}` };
  }
  return {
    dir,
    local: (p) => `/proc/${pid}/root${p}`,
    prefix: ['nsenter', `--target=${pid}`, '--user', '--mount', '--preserve-credentials'],
    release() {
      holder.kill('SIGKILL');
      cleanup();
    },
  };
}

/** Appends to `path` until the file system is full (ENOSPC). */
export function fillDisk(path: string): void {
  const fd = openSync(path, 'a');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}
