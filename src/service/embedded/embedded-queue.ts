// A durable job queue in a database table (`embedded_jobs`), for running without Redis. It keeps the
// JobQueue semantics of the Redis queue: at-least-once delivery with leases, delayed retries and a
// dead-letter state. Because it lives in the same database as the missions, a queued mission survives a
// restart, and it works the same in PGlite and in a real PostgreSQL.
import { EventEmitter } from "node:events";
import {
  type ClaimedJob,
  type Database,
  type DeadLetter,
  type JobQueue,
  LeaseLostError,
  type QueueAdmin,
  type QueueDetails,
  type QueueStats,
} from "../ports.js";

export const EMBEDDED_QUEUE_SCHEMA = `
CREATE TABLE IF NOT EXISTS embedded_jobs (
  id BIGSERIAL PRIMARY KEY,
  queue VARCHAR(100) NOT NULL,
  raw TEXT NOT NULL,
  state VARCHAR(20) NOT NULL DEFAULT 'waiting',
  attempt INT NOT NULL DEFAULT 0,
  available_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  lease_until TIMESTAMPTZ,
  worker_id TEXT,
  dead_reason TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS embedded_jobs_ready ON embedded_jobs (queue, state, available_at, id);
ALTER TABLE embedded_jobs ADD COLUMN IF NOT EXISTS priority SMALLINT NOT NULL DEFAULT 0;
`;

/** How often a waiting claim looks at the table again when no push in this process woke it. */
const POLL_MS = 250;

export class EmbeddedQueue implements JobQueue, QueueAdmin {
  private readonly wakeups = new EventEmitter();
  private closed = false;

  private constructor(
    private readonly db: Database,
    readonly name: string,
  ) {
    this.wakeups.setMaxListeners(0);
  }

  /** Creates the table if needed. The database stays owned by the caller (close() does not close it). */
  static async open(db: Database, name = "drift_jobs"): Promise<EmbeddedQueue> {
    await db.query(EMBEDDED_QUEUE_SCHEMA);
    return new EmbeddedQueue(db, name);
  }

  async push(raw: string, options: { priority?: boolean } = {}): Promise<void> {
    await this.db.query("INSERT INTO embedded_jobs (queue, raw, priority) VALUES ($1, $2, $3)", [
      this.name,
      raw,
      options.priority ? 1 : 0,
    ]);
    this.wakeups.emit("push");
  }

  async claim(workerId: string, leaseMs: number, waitMs: number): Promise<ClaimedJob | null> {
    const deadline = Date.now() + Math.max(0, waitMs);
    for (;;) {
      if (this.closed) return null;
      const job = await this.tryClaim(workerId, leaseMs);
      if (job) return job;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await this.waitForPush(Math.min(left, POLL_MS));
    }
  }

  private async tryClaim(workerId: string, leaseMs: number): Promise<ClaimedJob | null> {
    // One statement: the row is locked and taken atomically, so concurrent workers never share a job.
    const { rows } = await this.db.query<{ id: string | number; raw: string; attempt: number }>(
      `UPDATE embedded_jobs
          SET state = 'processing', attempt = attempt + 1, worker_id = $2,
              lease_until = now() + $3 * interval '1 millisecond', updated_at = now()
        WHERE id = (SELECT id FROM embedded_jobs
                     WHERE queue = $1 AND state = 'waiting' AND available_at <= now()
                     ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id, raw, attempt`,
      [this.name, workerId, Math.round(leaseMs)],
    );
    const row = rows[0];
    if (!row) return null;
    return { raw: row.raw, attempt: Number(row.attempt), receipt: `${row.id}:${row.attempt}` };
  }

  private waitForPush(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeups.off("push", done);
        this.wakeups.off("close", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeups.once("push", done);
      this.wakeups.once("close", done);
    });
  }

  async renew(job: ClaimedJob, leaseMs: number): Promise<void> {
    const [id, attempt] = parseReceipt(job.receipt);
    const { rowCount } = await this.db.query(
      `UPDATE embedded_jobs SET lease_until = now() + $3 * interval '1 millisecond', updated_at = now()
        WHERE id = $1 AND attempt = $2 AND state = 'processing'`,
      [id, attempt, Math.round(leaseMs)],
    );
    if (rowCount === 0) {
      throw new LeaseLostError(
        `job ${job.receipt} is no longer leased by this worker: its lease expired and it was taken back`,
      );
    }
  }

  async ack(job: ClaimedJob): Promise<void> {
    // Each delivery is its own row with its own attempt count, so a copy needs nothing special.
    const [id, attempt] = parseReceipt(job.receipt);
    const { rowCount } = await this.db.query(
      "DELETE FROM embedded_jobs WHERE id = $1 AND attempt = $2 AND state = 'processing'",
      [id, attempt],
    );
    if (rowCount === 0) throw notHeld(job, "ack");
  }

  async release(job: ClaimedJob, delayMs: number): Promise<void> {
    const [id, attempt] = parseReceipt(job.receipt);
    const { rowCount } = await this.db.query(
      `UPDATE embedded_jobs
          SET state = 'waiting', worker_id = NULL, lease_until = NULL,
              available_at = now() + $3 * interval '1 millisecond', updated_at = now()
        WHERE id = $1 AND attempt = $2 AND state = 'processing'`,
      [id, attempt, Math.max(0, Math.round(delayMs))],
    );
    if (rowCount === 0) throw notHeld(job, "release");
    if (delayMs <= 0) this.wakeups.emit("push");
  }

  async heldBy(workerId: string, raw: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `SELECT 1 FROM embedded_jobs
        WHERE queue = $1 AND state = 'processing' AND worker_id = $2 AND raw = $3 AND lease_until >= now()
        LIMIT 1`,
      [this.name, workerId, raw],
    );
    return rowCount > 0;
  }

  async deadLetter(job: ClaimedJob | { raw: string }, reason: string): Promise<void> {
    if ("receipt" in job) {
      const [id, attempt] = parseReceipt(job.receipt);
      const { rowCount } = await this.db.query(
        `UPDATE embedded_jobs SET state = 'dead', dead_reason = $3, worker_id = NULL, lease_until = NULL,
                updated_at = now()
          WHERE id = $1 AND attempt = $2`,
        [id, attempt, reason],
      );
      if (rowCount > 0) return;
      throw notHeld(job, "dead-letter");
    }
    await this.db.query(
      "INSERT INTO embedded_jobs (queue, raw, state, dead_reason) VALUES ($1, $2, 'dead', $3)",
      [this.name, job.raw, reason],
    );
  }

  /**
   * Returns every job in processing, whatever its lease, in every queue of the table: for a database only
   * one process can hold (PGlite), whose previous holder died with the jobs it ran.
   */
  async reclaimAll(): Promise<number> {
    const { rowCount } = await this.db.query(
      `UPDATE embedded_jobs SET state = 'waiting', worker_id = NULL, lease_until = NULL, updated_at = now()
        WHERE state = 'processing'`,
    );
    if (rowCount > 0) this.wakeups.emit("push");
    return rowCount;
  }

  async reclaimExpired(): Promise<number> {
    const { rowCount } = await this.db.query(
      `UPDATE embedded_jobs SET state = 'waiting', worker_id = NULL, lease_until = NULL, updated_at = now()
        WHERE queue = $1 AND state = 'processing' AND lease_until < now()`,
      [this.name],
    );
    if (rowCount > 0) this.wakeups.emit("push");
    return rowCount;
  }

  async stats(): Promise<QueueStats> {
    const { rows } = await this.db.query<{ state: string; n: string | number }>(
      "SELECT state, count(*) AS n FROM embedded_jobs WHERE queue = $1 GROUP BY state",
      [this.name],
    );
    const stats: QueueStats = { waiting: 0, processing: 0, dead: 0 };
    for (const row of rows) {
      if (row.state === "waiting" || row.state === "processing" || row.state === "dead") {
        stats[row.state] = Number(row.n);
      }
    }
    return stats;
  }

  /** Dead-letter entries with their reasons, newest first (for `driftline queue status`-like tools). */
  async deadJobs(limit = 100): Promise<{ raw: string; reason: string | null }[]> {
    const { rows } = await this.db.query<{ raw: string; dead_reason: string | null }>(
      "SELECT raw, dead_reason FROM embedded_jobs WHERE queue = $1 AND state = 'dead' ORDER BY id DESC LIMIT $2",
      [this.name, limit],
    );
    return rows.map((r) => ({ raw: r.raw, reason: r.dead_reason }));
  }

  async details(): Promise<QueueDetails> {
    const stats = await this.stats();
    const delayed = await this.db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM embedded_jobs WHERE queue = $1 AND state = 'waiting' AND available_at > now()",
      [this.name],
    );
    const { rows } = await this.db.query<{ worker_id: string; alive: boolean; n: string | number }>(
      `SELECT worker_id, bool_or(lease_until >= now()) AS alive, count(*) AS n FROM embedded_jobs
        WHERE queue = $1 AND state = 'processing' GROUP BY worker_id ORDER BY worker_id`,
      [this.name],
    );
    return {
      ...stats,
      delayed: Number(delayed.rows[0]?.n ?? 0),
      workers: rows.map((r) => ({ id: r.worker_id, alive: r.alive === true, processing: Number(r.n) })),
    };
  }

  async listDead(limit = 100): Promise<DeadLetter[]> {
    const { rows } = await this.db.query<{
      raw: string;
      dead_reason: string | null;
      updated_at: Date;
      attempt: number;
    }>(
      `SELECT raw, dead_reason, updated_at, attempt FROM embedded_jobs
        WHERE queue = $1 AND state = 'dead' ORDER BY updated_at, id LIMIT $2`,
      [this.name, limit],
    );
    return rows.map((r) => ({
      raw: r.raw,
      reason: r.dead_reason ?? "",
      at: new Date(r.updated_at).toISOString(),
      attempt: r.attempt > 0 ? Number(r.attempt) : null,
    }));
  }

  async retryDead(limit = 1_000_000): Promise<number> {
    const { rowCount } = await this.db.query(
      `UPDATE embedded_jobs SET state = 'waiting', attempt = 0, dead_reason = NULL, available_at = now(),
              updated_at = now()
        WHERE id IN (SELECT id FROM embedded_jobs WHERE queue = $1 AND state = 'dead' ORDER BY id LIMIT $2)`,
      [this.name, limit],
    );
    if (rowCount > 0) this.wakeups.emit("push");
    return rowCount;
  }

  async clearWaiting(): Promise<number> {
    const { rowCount } = await this.db.query(
      "DELETE FROM embedded_jobs WHERE queue = $1 AND state = 'waiting'",
      [this.name],
    );
    return rowCount;
  }

  async clearDead(): Promise<number> {
    const { rowCount } = await this.db.query(
      "DELETE FROM embedded_jobs WHERE queue = $1 AND state = 'dead'",
      [this.name],
    );
    return rowCount;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeups.emit("close");
  }
}

function parseReceipt(receipt: string): [number, number] {
  const match = /^(\d+):(\d+)$/.exec(receipt);
  if (!match) throw new Error(`invalid embedded queue receipt ${JSON.stringify(receipt)}`);
  return [Number(match[1]), Number(match[2])];
}

function notHeld(job: ClaimedJob, what: string): LeaseLostError {
  return new LeaseLostError(
    `${what}: job ${job.receipt} is no longer leased by this worker (its lease expired and it was taken back)`,
  );
}
