// The three outside services the worker and API talk to. Each has a real adapter (PostgreSQL, Redis, S3)
// and an embedded one (PGlite, a durable local queue, local files); the job pipeline sees only these.

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Database {
  /** Parameterised SQL only ($1, $2 …). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  close(): Promise<void>;
}

/** A job taken from the queue; `raw` is the JSON text exactly as the producer pushed it. */
export interface ClaimedJob {
  raw: string;
  /**
   * This delivery's attempt: 1 plus the earlier deliveries of the job that ended without settling it
   * (released for a retry, or taken back from a dead worker). Identical copies delivered together each
   * count their own deliveries, so a copy never makes another look retried.
   */
  attempt: number;
  /** Opaque handle the queue uses to ack, renew or release this delivery. */
  receipt: string;
}

export interface QueueStats {
  waiting: number;
  processing: number;
  dead: number;
}

/** A job given up on, with why (`driftline queue dead`). */
export interface DeadLetter {
  raw: string;
  reason: string;
  /** When it was dead-lettered, ISO 8601. */
  at: string;
  /** Deliveries it had; null when it was dead-lettered without being claimed. */
  attempt: number | null;
}

export interface QueueDetails extends QueueStats {
  /** Part of `waiting` that waits for its retry time. */
  delayed: number;
  /** Workers holding or recently holding jobs; alive while their lease runs. */
  workers: { id: string; alive: boolean; processing: number }[];
}

/** What an operator does with a queue (`driftline queue status|dead|clear|retry-dead`). */
export interface QueueAdmin {
  details(): Promise<QueueDetails>;
  /** Dead letters, oldest first. */
  listDead(limit?: number): Promise<DeadLetter[]>;
  /** Puts up to limit dead letters back on the queue with fresh attempt counts; returns how many. */
  retryDead(limit?: number): Promise<number>;
  /** Deletes waiting and delayed jobs (not running ones); returns how many. */
  clearWaiting(): Promise<number>;
  clearDead(): Promise<number>;
}

export interface JobQueue {
  /**
   * Producer side: append a job (RPUSH semantics for Redis). `priority`: ahead of the ordinary waiting jobs,
   * first in first out among themselves (the API's fair ordering: a user's only waiting job goes there).
   */
  push(raw: string, options?: { priority?: boolean }): Promise<void>;
  /** Take one job with a lease of leaseMs, waiting up to waitMs; null when none came. */
  claim(workerId: string, leaseMs: number, waitMs: number): Promise<ClaimedJob | null>;
  /** Extend the lease of a job being worked on; LeaseLostError when the job is no longer this worker's. */
  renew(job: ClaimedJob, leaseMs: number): Promise<void>;
  /**
   * Done (completed, or failed for good and recorded): remove it. `copy`: this delivery was a copy of a job
   * another delivery runs, so the job's count of attempts is left to that delivery. LeaseLostError when the
   * delivery was no longer this worker's (its lease lapsed and it was taken back).
   */
  ack(job: ClaimedJob, options?: { copy?: boolean }): Promise<void>;
  /**
   * Give it back for another attempt after delayMs (transient failure, or shutdown); counts as an attempt.
   * LeaseLostError when the delivery was no longer this worker's.
   */
  release(job: ClaimedJob, delayMs: number): Promise<void>;
  /** Whether worker `workerId` holds a delivery of this job (same text) under a lease that is still alive. */
  heldBy(workerId: string, raw: string): Promise<boolean>;
  /** Move to the dead-letter list with the reason. */
  deadLetter(job: ClaimedJob | { raw: string }, reason: string): Promise<void>;
  /** Return jobs whose lease expired (their worker died) to the queue; returns how many. */
  reclaimExpired(): Promise<number>;
  stats(): Promise<QueueStats>;
  close(): Promise<void>;
}

/**
 * Thrown by JobQueue.renew when the lease had lapsed and the job was taken back (another worker may run it
 * too): the worker stops renewing it and logs once, instead of treating it as a queue outage.
 */
export class LeaseLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LeaseLostError";
  }
}

// Object storage is declared with the file readers (src/io), so forcing can take a store without
// importing the service layer.
export type { ObjectStorage } from "../io/object-storage.js";
