// One download per cache key at a time: within a process, callers for the same key queue on a promise;
// across processes (several workers sharing FORCING_DIR), a lock file created with O_EXCL ("wx") next to
// the target. A holder refreshes its lock file's mtime while it works, so a lock left by a crashed process
// is recognised by its age and taken over.
import { open, stat, unlink, utimes } from "node:fs/promises";
import { hostname } from "node:os";

export interface LockOptions {
  /** A lock file untouched this long belongs to a dead process (default 2 min). */
  staleMs?: number;
  /** How long to wait for another holder before giving up (default 15 min). */
  waitMs?: number;
  /** Poll interval while waiting (default 250 ms). */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class KeyedLocks {
  private readonly queues = new Map<string, Promise<void>>();

  /** Runs fn holding the lock of `lockPath` (in-process queue + lock file). */
  async run<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
    const previous = this.queues.get(lockPath) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const tail = previous.then(() => mine);
    this.queues.set(lockPath, tail);
    await previous;
    try {
      return await withLockFile(lockPath, fn, opts);
    } finally {
      release();
      if (this.queues.get(lockPath) === tail) this.queues.delete(lockPath);
    }
  }
}

async function withLockFile<T>(path: string, fn: () => Promise<T>, opts: LockOptions): Promise<T> {
  const staleMs = opts.staleMs ?? 120_000;
  const waitMs = opts.waitMs ?? 15 * 60_000;
  const pollMs = opts.pollMs ?? 250;
  const started = Date.now();
  for (;;) {
    try {
      const fh = await open(path, "wx");
      await fh.writeFile(`${process.pid}@${hostname()} ${new Date().toISOString()}\n`);
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    try {
      const st = await stat(path);
      if (Date.now() - st.mtimeMs > staleMs) {
        await unlink(path).catch(() => {});
        continue;
      }
    } catch {
      continue; // released meanwhile
    }
    if (Date.now() - started > waitMs) {
      throw new Error(`lock ${path}: another process has held it for over ${Math.round(waitMs / 1000)} s`);
    }
    await sleep(pollMs);
  }
  // Keep the lock fresh while fn runs (a long download must not look abandoned).
  const beat = setInterval(
    () => {
      const now = new Date();
      utimes(path, now, now).catch(() => {});
    },
    Math.max(50, staleMs / 4),
  );
  beat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(beat);
    await unlink(path).catch(() => {});
  }
}
