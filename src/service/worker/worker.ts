// The drift worker: takes jobs from the queue, runs them, stores the products and keeps the mission rows
// current. It sees only the ports (Database, JobQueue, ObjectStorage), so the same loop runs against
// PostgreSQL/Redis/S3 and against the embedded adapters.
//
// One job: parse → load the mission row → mark `processing` → simulate (worker thread) → upload every
// product → write the result row and `completed` in one statement → follow-up message → ack.
// Invalid jobs fail the mission at once and go to the dead-letter list; transient failures (database, S3,
// network) go back to the queue with exponential backoff until MAX_ATTEMPTS, then fail. A job is acked or
// dead-lettered only after its outcome is recorded, so a crash at any point leaves it to be re-delivered.
import { randomBytes, randomUUID } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { syncS3Forcing } from "../../forcing/s3.js";
import type { RunProgress, RunResult } from "../../pipeline/run.js";
import type { ProductName } from "../../products/registry.js";
import type { WorkerConfig } from "../config.js";
import {
  completeMission,
  failMission,
  loadMission,
  MissionGoneError,
  type MissionResultRecord,
  markProcessing,
  requeueMission,
  updateProgress,
} from "../db/missions.js";
import {
  errorMessage,
  InvalidEnvelopeError,
  isTransientRunError,
  PermanentJobError,
  TransientJobError,
} from "../errors.js";
import { JobCapError, parseEnvelope, type ResolvedJob, resolveJob } from "../job.js";
import { redactText } from "../log.js";
import {
  type ClaimedJob,
  type Database,
  type JobQueue,
  LeaseLostError,
  type ObjectStorage,
} from "../ports.js";
import { backoffMs, retryTransient, sleep } from "../retry.js";
import { contentTypeFor, productKey } from "../storage/keys.js";
import type { HealthReport } from "./health-server.js";
import { type JobOutcome, WorkerMetrics, withTimeout } from "./metrics.js";
import { createThreadRunner, type SimulationRunner, type ThreadRunner } from "./thread-runner.js";

export interface WorkerDeps {
  db: Database;
  queue: JobQueue;
  storage: ObjectStorage;
  config: WorkerConfig;
  logger: Logger;
  /** Runs one spec; default: runSimulationSpec in a worker thread with the memory cap. */
  runner?: SimulationRunner;
  metrics?: WorkerMetrics;
  /** Where `{mission_id, netcdf_path}` goes after a completed mission (RESULTS_QUEUE). */
  resultsQueue?: { push(raw: string): Promise<void> };
  /** Storage holding FORCING_BUCKET; default `storage`. */
  forcingStorage?: ObjectStorage;
}

export interface RunningJobInfo {
  missionId?: string;
  attempt: number;
  since: string;
  progress?: RunProgress;
}

export interface DriftWorker {
  /** Unique per process: WORKER_ID plus a random suffix. */
  readonly id: string;
  readonly metrics: WorkerMetrics;
  /** Starts the loop (returns at once). */
  start(): void;
  /** Stops claiming, lets running jobs finish within the grace period, returns the rest to the queue. */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** Resolves when the worker has stopped. */
  readonly stopped: Promise<void>;
  /** Resolves when the simulation thread started with the worker has warmed up (jobs are taken before). */
  readonly warm: Promise<void>;
  running(): RunningJobInfo[];
  liveness(): HealthReport;
  readiness(): Promise<HealthReport>;
}

interface Running {
  job: ClaimedJob;
  info: RunningJobInfo;
  controller: AbortController;
  promise: Promise<void>;
  leaseLost: boolean;
}

const MAX_RETRY_DELAY_MS = 15 * 60_000;
/** Products uploaded at once. */
const UPLOAD_LANES = 4;

export function createWorker(deps: WorkerDeps): DriftWorker {
  return new Worker(deps);
}

class Worker implements DriftWorker {
  readonly id: string;
  readonly metrics: WorkerMetrics;
  readonly stopped: Promise<void>;
  private readonly log: Logger;
  private readonly runner: SimulationRunner;
  private readonly threadRunner?: ThreadRunner;
  private readonly forcingDir?: string;
  /** Storage holding FORCING_BUCKET, when the platform's forcing files are mirrored into forcingDir. */
  private readonly forcingStorage?: ObjectStorage;
  private readonly active = new Map<number, Running>();
  private readonly stopController = new AbortController();
  private nextKey = 1;
  private loop?: Promise<void>;
  private timers: NodeJS.Timeout[] = [];
  private resolveStopped!: () => void;
  private stopping?: Promise<void>;
  private lastLoopAt = Date.now();
  private dbSuspect = false;

  constructor(private readonly deps: WorkerDeps) {
    const c = deps.config;
    this.id = `${c.workerId}-${randomBytes(3).toString("hex")}`;
    this.log = deps.logger.child({ worker: this.id });
    this.metrics = deps.metrics ?? new WorkerMetrics({ queue: deps.queue });
    // One thread started (and warmed up) with the worker, so that the first job does not wait for the pipeline
    // to load and compile.
    this.threadRunner = deps.runner
      ? undefined
      : createThreadRunner({ memoryMb: c.maxJobMemoryMb, prestart: 1, warmUp: true });
    this.runner = deps.runner ?? (this.threadRunner as ThreadRunner);
    this.stopped = new Promise((resolve) => {
      this.resolveStopped = resolve;
    });
    if (c.forcingBucket) {
      this.forcingDir = c.forcingDir ?? path.join(c.workDir, "forcing");
      this.forcingStorage = deps.forcingStorage ?? deps.storage;
    } else {
      this.forcingDir = c.forcingDir;
    }
  }

  get warm(): Promise<void> {
    return this.threadRunner?.warm ?? Promise.resolve();
  }

  private get config(): WorkerConfig {
    return this.deps.config;
  }
  private get leaseMs(): number {
    return this.config.leaseSeconds * 1000;
  }

  start(): void {
    if (this.loop) return;
    const c = this.config;
    this.log.info(
      { max_concurrent_jobs: c.maxConcurrentJobs, queue: c.queueName, forcing_dir: this.forcingDir },
      "worker started",
    );
    this.timers.push(setInterval(() => this.renewLeases(), Math.max(250, this.leaseMs / 3)));
    this.timers.push(setInterval(() => this.reclaim(), Math.max(500, Math.min(this.leaseMs / 2, 30_000))));
    this.loop = this.runLoop().catch((err) => {
      // The loop catches everything itself; reaching here is a bug: log it loudly and stop.
      this.log.fatal({ err }, "worker loop crashed");
    });
  }

  private async runLoop(): Promise<void> {
    const c = this.config;
    const signal = this.stopController.signal;
    let failures = 0;
    // One promise for the whole loop: a new one per wait would add an abort listener each time (a leak).
    const stopped = aborted(signal);
    while (!signal.aborted) {
      this.lastLoopAt = Date.now();
      if (this.active.size >= c.maxConcurrentJobs) {
        await Promise.race([...[...this.active.values()].map((r) => r.promise), stopped]);
        continue;
      }
      try {
        if (this.dbSuspect) await this.deps.db.query("SELECT 1");
        this.dbSuspect = false;
        const job = await this.deps.queue.claim(this.id, this.leaseMs, c.pollIntervalSeconds * 1000);
        failures = 0;
        if (!job) continue;
        if (signal.aborted) {
          await this.deps.queue.release(job, 0);
          break;
        }
        this.launch(job);
      } catch (err) {
        failures++;
        const wait = backoffMs(failures, 500, 30_000);
        this.log.warn(
          { err: errorMessage(err), retry_in_ms: wait },
          "cannot take jobs (queue or database unavailable); backing off",
        );
        await sleep(wait, signal);
      }
    }
  }

  private launch(job: ClaimedJob): void {
    const key = this.nextKey++;
    const controller = new AbortController();
    const entry: Running = {
      job,
      info: { attempt: job.attempt, since: new Date().toISOString() },
      controller,
      promise: Promise.resolve(),
      leaseLost: false,
    };
    this.active.set(key, entry);
    this.metrics.running.set(this.active.size);
    this.metrics.attempts.observe(job.attempt);
    entry.promise = this.handle(entry)
      .catch((err) => this.log.error({ err }, "unexpected error while handling a job"))
      .finally(() => {
        this.active.delete(key);
        this.metrics.running.set(this.active.size);
      });
  }

  // ---- one job ---------------------------------------------------------------------------------------------

  private async handle(entry: Running): Promise<void> {
    const { job } = entry;
    const started = Date.now();
    let log = this.log.child({ attempt: job.attempt });
    let outcome: JobOutcome = "failed";
    let missionId: string | undefined;
    const workDir = path.join(this.config.workDir, `job-${randomUUID()}`);
    try {
      const envelope = parseEnvelope(job.raw);
      missionId = envelope.missionId;
      entry.info.missionId = missionId;
      log = log.child({ mission_id: missionId });
      outcome = await this.process(entry, envelope, workDir, log);
    } catch (err) {
      if (missionId === undefined && err instanceof InvalidEnvelopeError && err.missionId) {
        // An unusable message that still names its mission: fail that mission with the reason too.
        missionId = err.missionId;
        entry.info.missionId = missionId;
        log = log.child({ mission_id: missionId });
      }
      outcome = await this.onFailure(entry, missionId, err, log);
    } finally {
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
      const seconds = (Date.now() - started) / 1000;
      this.metrics.jobs.inc({ outcome });
      this.metrics.duration.observe({ outcome }, seconds);
      log.info({ outcome, seconds }, `job ${outcome}`);
    }
  }

  private async process(
    entry: Running,
    envelope: ReturnType<typeof parseEnvelope>,
    workDir: string,
    log: Logger,
  ): Promise<JobOutcome> {
    const { job } = entry;
    const { db, queue } = this.deps;
    const c = this.config;
    const id = envelope.missionId;
    const signal = entry.controller.signal;

    const row = await this.withDb("load mission", () => loadMission(db, id), log, signal);
    if (!row) {
      await queue.deadLetter(
        job,
        `mission ${id} not found in table missions (deleted, or pushed before its row was written)`,
      );
      return "dead_lettered";
    }
    if (row.status === "completed") {
      log.info("mission already completed: duplicate delivery acknowledged");
      // The first delivery may have died between its row update and its follow-up message: send it again
      // (at least once; a results processor must tolerate repeats anyway).
      await this.followUp(id, log, signal);
      await queue.ack(job);
      return "duplicate";
    }
    if (job.attempt > c.maxAttempts) {
      throw new PermanentJobError(
        `gave up after ${c.maxAttempts} attempts: the worker running it stopped (crash or lost lease) each time`,
      );
    }
    const resolved = resolveJob(envelope, row, {
      catalog: this.forcingDir !== undefined,
      maxParticleSteps: c.maxParticleSteps,
      maxJobMemoryMb: c.maxJobMemoryMb,
    });
    for (const note of resolved.notes) log.info(note);

    const marked = await this.withDb(
      "mark processing",
      () => markProcessing(db, id, { workerId: this.id, attempt: job.attempt }),
      log,
      signal,
    );
    if (!marked) {
      log.info("mission completed meanwhile: duplicate delivery acknowledged");
      await queue.ack(job);
      return "duplicate";
    }
    log.info(
      {
        object_type: resolved.category.key,
        particles: resolved.spec.seed.number,
        hours: resolved.spec.duration_hours,
      },
      "job started",
    );

    if (this.forcingStorage && hasCatalog(resolved)) await this.fetchForcing(resolved, log, signal);
    const result = await this.simulate(entry, resolved, workDir, log);
    if (result.summary.singleThreadReason)
      log.warn({ reason: result.summary.singleThreadReason }, "simulation ran on one thread");
    await this.progress(id, 0.92, "storing products", log);
    const uris = await this.upload(id, result, log, signal);
    const record = resultRecord(result, uris, this.id);
    try {
      await this.withDb("complete mission", () => completeMission(db, id, record), log, signal);
    } catch (err) {
      if (!(err instanceof MissionGoneError)) throw err;
      log.warn("mission deleted while it ran: dropping its products");
      await this.dropProducts(uris, log);
      await queue.ack(job);
      return "gone";
    }
    this.metrics.particleSteps.inc(result.summary.particleSteps ?? resolved.particleSteps);
    if (result.summary.simulationSeconds > 0) {
      this.metrics.stepsPerSecond.set(
        (result.summary.particleSteps ?? resolved.particleSteps) / result.summary.simulationSeconds,
      );
    }
    if (uris.netcdf) await this.followUp(id, log, signal);
    await queue.ack(job);
    return "completed";
  }

  /** The contract's `{mission_id, netcdf_path}` message on RESULTS_QUEUE, when one is configured. */
  private async followUp(id: string, log: Logger, signal: AbortSignal): Promise<void> {
    const resultsQueue = this.deps.resultsQueue;
    if (!resultsQueue) return;
    const netcdfPath = this.deps.storage.uri(this.config.resultsBucket, productKey(id, "netcdf"));
    const message = JSON.stringify({ mission_id: id, netcdf_path: netcdfPath });
    await this.withRetry("push results message", () => resultsQueue.push(message), log, signal);
  }

  /**
   * Copies the platform's forcing files (FORCING_BUCKET, `{data_type}/{YYYY/MM/DD/HH}/{file}`) whose cycles can
   * cover the run into `<forcing dir>/<bucket>/`, where the catalog finds them.
   */
  private async fetchForcing(resolved: ResolvedJob, log: Logger, signal: AbortSignal): Promise<void> {
    const storage = this.forcingStorage as ObjectStorage;
    const bucket = this.config.forcingBucket;
    const t0 = Date.parse(resolved.spec.start_time) / 1000;
    const t1 = t0 + resolved.spec.duration_hours * 3600;
    const window = {
      start: Math.min(t0, t1),
      end: Math.max(t0, t1),
      west: -180,
      east: 360,
      south: -90,
      north: 90,
    };
    const cacheDir = path.join(this.forcingDir as string, bucket);
    const r = await this.withRetry(
      "fetch forcing",
      () => syncS3Forcing(storage, { bucket, cacheDir, window }),
      log,
      signal,
    );
    if (r.downloaded.length > 0) log.info({ files: r.downloaded }, `forcing fetched from bucket ${bucket}`);
  }

  private async simulate(
    entry: Running,
    resolved: ResolvedJob,
    workDir: string,
    log: Logger,
  ): Promise<RunResult> {
    const c = this.config;
    const id = resolved.missionId;
    const { controller } = entry;
    const timer = setTimeout(() => controller.abort("timeout"), c.maxJobSeconds * 1000);
    const intervalMs = c.progressIntervalSeconds * 1000;
    let lastWrite = 0;
    let trailing: NodeJS.Timeout | undefined;
    let writing: Promise<void> = Promise.resolve();
    const write = () => {
      trailing = undefined;
      lastWrite = Date.now();
      const p = entry.info.progress;
      if (p) writing = writing.then(() => this.progress(id, p.fraction * 0.9, p.message, log));
    };
    const onProgress = (p: RunProgress) => {
      entry.info.progress = p;
      const wait = lastWrite + intervalMs - Date.now();
      if (wait <= 0) write();
      else trailing ??= setTimeout(write, wait);
    };
    try {
      return await this.runner(resolved.spec, {
        outDir: workDir,
        forcingDir: this.forcingDir,
        products: resolved.products,
        threads: c.simThreads,
        onProgress,
        signal: controller.signal,
      });
    } catch (err) {
      if (controller.signal.aborted && controller.signal.reason === "timeout") {
        throw new JobCapError(`simulation ran longer than the cap MAX_JOB_SECONDS=${c.maxJobSeconds}`);
      }
      if (controller.signal.aborted) throw err;
      if (err instanceof PermanentJobError || err instanceof TransientJobError) throw err;
      if (isTransientRunError(err))
        throw new TransientJobError(`simulation failed: ${errorMessage(err)}`, { cause: err });
      throw new PermanentJobError(errorMessage(err), { cause: err });
    } finally {
      clearTimeout(timer);
      if (trailing) clearTimeout(trailing);
      await writing;
    }
  }

  private async progress(id: string, fraction: number, message: string, log: Logger): Promise<void> {
    try {
      await updateProgress(this.deps.db, id, this.id, fraction, message);
    } catch (err) {
      // Progress is advisory: a lost update is logged, the job goes on (the next one will land).
      this.dbSuspect = true;
      log.warn({ err: errorMessage(err) }, "progress update failed");
    }
  }

  /** Uploads every product; returns product name → URI. */
  private async upload(
    id: string,
    result: RunResult,
    log: Logger,
    signal: AbortSignal,
  ): Promise<Record<string, string>> {
    const { storage } = this.deps;
    const bucket = this.config.resultsBucket;
    const uris: Record<string, string> = {};
    await this.withRetry("create results bucket", () => storage.ensureBucket(bucket), log, signal);
    const products = (Object.entries(result.files) as [ProductName, string][]).filter(([, file]) => file);
    // A few uploads at a time (most products are small: the round trips dominate). On a failure the lanes
    // stop taking new products, the ones in flight settle, then the first error is thrown.
    const stored: boolean[] = [];
    let next = 0;
    let failure: { error: unknown } | undefined;
    const lane = async () => {
      while (next < products.length && !failure) {
        const k = next++;
        const [name, file] = products[k];
        const key = productKey(id, name);
        try {
          const body = await readFile(file);
          await this.withRetry(
            `upload ${key}`,
            () => storage.put(bucket, key, body, contentTypeFor(file)),
            log,
            signal,
          );
          stored[k] = true;
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(UPLOAD_LANES, products.length) }, lane));
    // What was stored, in product order (a failed job's products are dropped by the caller).
    for (let k = 0; k < products.length; k++) {
      if (stored[k]) uris[products[k][0]] = storage.uri(bucket, productKey(id, products[k][0]));
    }
    if (failure) throw failure.error;
    log.info({ products: Object.keys(uris).length }, "products stored");
    return uris;
  }

  private async dropProducts(uris: Record<string, string>, log: Logger): Promise<void> {
    const bucket = this.config.resultsBucket;
    for (const uri of Object.values(uris)) {
      const key = uri.slice(uri.indexOf(bucket) + bucket.length + 1);
      await this.deps.storage
        .delete(bucket, key)
        .catch((err) => log.warn({ err: errorMessage(err), key }, "cannot delete product"));
    }
  }

  // ---- failures --------------------------------------------------------------------------------------------

  private async onFailure(
    entry: Running,
    missionId: string | undefined,
    err: unknown,
    log: Logger,
  ): Promise<JobOutcome> {
    const { job } = entry;
    const { queue, db } = this.deps;
    const c = this.config;
    try {
      if (entry.controller.signal.aborted && entry.controller.signal.reason === "shutdown") {
        if (missionId)
          await requeueMission(db, missionId, this.id, "worker shut down").catch(() => undefined);
        await queue.release(job, 0);
        log.info("job returned to the queue (shutdown)");
        return "released";
      }
      if (err instanceof InvalidEnvelopeError && !missionId) {
        await queue.deadLetter(job, err.message);
        log.warn({ reason: err.message }, "invalid job dead-lettered");
        return "dead_lettered";
      }
      const message = redactText(errorMessage(err));
      const permanent = err instanceof PermanentJobError;
      if (!permanent && job.attempt < c.maxAttempts) {
        const delay = backoffMs(job.attempt, c.retryBaseSeconds * 1000, MAX_RETRY_DELAY_MS);
        log.warn(
          { err: message, retry_in_ms: delay },
          `attempt ${job.attempt} of ${c.maxAttempts} failed; will retry`,
        );
        if (missionId) {
          await requeueMission(db, missionId, this.id, message).catch((e) =>
            log.warn({ err: errorMessage(e) }, "cannot mark mission queued"),
          );
        }
        await queue.release(job, delay);
        return "retried";
      }
      const reason = permanent ? message : `failed after ${job.attempt} attempts: ${message}`;
      if (missionId) {
        try {
          await this.withDb("fail mission", () => failMission(db, missionId, reason), log);
        } catch (dbErr) {
          // The failure cannot be recorded: keep the job (it comes back) rather than lose the mission's outcome.
          this.dbSuspect = true;
          const delay = backoffMs(job.attempt, c.retryBaseSeconds * 1000, MAX_RETRY_DELAY_MS);
          log.error(
            { err: errorMessage(dbErr), reason, retry_in_ms: delay },
            "cannot record the failure; job goes back to the queue",
          );
          await queue.release(job, delay);
          return "released";
        }
      }
      await queue.deadLetter(job, reason);
      log.warn({ reason }, missionId ? "mission failed; job dead-lettered" : "job dead-lettered");
      return missionId ? "failed" : "dead_lettered";
    } catch (queueErr) {
      // The queue is unreachable: the job stays in this worker's processing list and is reclaimed when
      // the lease lapses, so nothing is lost.
      log.error(
        { err: errorMessage(queueErr), cause: errorMessage(err) },
        "cannot settle the job in the queue; it will be re-delivered",
      );
      return "released";
    }
  }

  private withDb<T>(what: string, fn: () => Promise<T>, log: Logger, signal?: AbortSignal): Promise<T> {
    return this.withRetry(`database: ${what}`, fn, log, signal).catch((err) => {
      if (!(err instanceof MissionGoneError)) this.dbSuspect = true;
      throw err;
    });
  }

  private withRetry<T>(what: string, fn: () => Promise<T>, log: Logger, signal?: AbortSignal): Promise<T> {
    return retryTransient(what, fn, {
      windowMs: this.config.outageRetrySeconds * 1000,
      baseMs: 250,
      maxMs: 5000,
      log,
      signal,
    }).catch((err) => {
      if (err instanceof PermanentJobError || err instanceof MissionGoneError) throw err;
      throw new TransientJobError(`${what}: ${errorMessage(err)}`, { cause: err });
    });
  }

  // ---- leases, reclaim, health, shutdown -------------------------------------------------------------------

  private renewLeases(): void {
    for (const entry of this.active.values()) {
      this.deps.queue.renew(entry.job, this.leaseMs).catch((err: unknown) => {
        if (err instanceof LeaseLostError) {
          if (!entry.leaseLost) this.log.warn({ mission_id: entry.info.missionId }, err.message);
          entry.leaseLost = true;
        } else {
          this.log.warn({ err: errorMessage(err) }, "lease renewal failed");
        }
      });
    }
  }

  private reclaim(): void {
    this.deps.queue
      .reclaimExpired()
      .then((n) => {
        if (n > 0) this.log.info({ jobs: n }, "reclaimed jobs of workers whose lease expired");
      })
      .catch((err) => this.log.debug({ err: errorMessage(err) }, "reclaim failed"));
  }

  running(): RunningJobInfo[] {
    return [...this.active.values()].map((r) => ({ ...r.info }));
  }

  liveness(): HealthReport {
    // The loop is blocked at most one poll while claiming, or waits for a slot: both keep it "alive".
    const stale = Date.now() - this.lastLoopAt;
    const busy = this.active.size >= this.config.maxConcurrentJobs;
    const limit = (this.config.pollIntervalSeconds + 30) * 1000;
    return {
      ok: !this.loop || busy || stale < limit || !!this.stopping,
      running: this.active.size,
      worker: this.id,
    };
  }

  async readiness(): Promise<HealthReport> {
    if (this.stopping) return { ok: false, reason: "shutting down" };
    const [database, queue] = await Promise.all([
      withTimeout(this.deps.db.query("SELECT 1"), 2000).then(
        () => "ok",
        (e) => `unavailable: ${redactText(errorMessage(e))}`,
      ),
      withTimeout(this.deps.queue.stats(), 2000).then(
        () => "ok",
        (e) => `unavailable: ${redactText(errorMessage(e))}`,
      ),
    ]);
    return { ok: database === "ok" && queue === "ok", database, queue, running: this.active.size };
  }

  stop(options: { graceMs?: number } = {}): Promise<void> {
    this.stopping ??= this.shutdown(options.graceMs ?? this.config.shutdownGraceSeconds * 1000);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    this.log.info({ running: this.active.size, grace_ms: graceMs }, "stopping: no new jobs");
    this.stopController.abort();
    // The timers below are cancelled as soon as what they bound has finished, so that a stopped worker
    // does not keep the process alive for the rest of the grace period.
    const timers = new AbortController();
    try {
      // The claim in flight returns within one poll interval (its job, if any, goes straight back).
      if (this.loop)
        await Promise.race([this.loop, sleep(Math.max(0, deadline - Date.now()), timers.signal)]);
      const all = () => Promise.allSettled([...this.active.values()].map((r) => r.promise));
      const finished = await Promise.race([
        all().then(() => true),
        sleep(Math.max(0, deadline - Date.now()), timers.signal).then(() => false),
      ]);
      if (!finished) {
        this.log.warn(
          { running: this.active.size },
          "grace period over: returning running jobs to the queue",
        );
        for (const entry of this.active.values()) entry.controller.abort("shutdown");
        // Settling is quick (release + row update); bounded anyway so that shutdown never hangs.
        await Promise.race([all(), sleep(10_000, timers.signal)]);
      }
    } finally {
      timers.abort();
    }
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.threadRunner?.close();
    this.log.info("worker stopped");
    this.resolveStopped();
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

function hasCatalog(resolved: ResolvedJob): boolean {
  const uses = (v: unknown): boolean =>
    Array.isArray(v) ? v.some(uses) : (v as { catalog?: unknown })?.catalog === true;
  return uses(resolved.spec.forcing.wind) || uses(resolved.spec.forcing.current);
}

function iso(unixSeconds: number | null | undefined): string | null {
  return unixSeconds === null || unixSeconds === undefined
    ? null
    : new Date(unixSeconds * 1000).toISOString();
}

/** The contract's mission_results fields from a finished run. */
export function resultRecord(
  result: RunResult,
  uris: Record<string, string>,
  workerId: string,
): MissionResultRecord {
  const s = result.summary;
  const areas = s.searchAreas ?? [];
  const last = areas[areas.length - 1];
  const lastSnapshot = s.snapshots[s.snapshots.length - 1];
  const contours =
    areas.length > 0
      ? areas.map((a) => ({
          time_index: a.timeIndex,
          timestamp: iso(a.time),
          hours_elapsed: a.hoursElapsed,
          centroid_lat: a.centroidLat,
          centroid_lon: a.centroidLon,
          search_area_50_geom: a.areas["50"]?.geometry ?? null,
          search_area_90_geom: a.areas["90"]?.geometry ?? null,
        }))
      : s.snapshots.map((snap, i) => ({
          time_index: i,
          timestamp: iso(snap.time),
          hours_elapsed: s.snapshots.length > 0 ? (snap.time - s.snapshots[0].time) / 3600 : 0,
          centroid_lat: snap.centroidLat,
          centroid_lon: snap.centroidLon,
          search_area_50_geom: null,
          search_area_90_geom: null,
        }));
  return {
    centroidLat: last?.centroidLat ?? lastSnapshot?.centroidLat ?? null,
    centroidLon: last?.centroidLon ?? lastSnapshot?.centroidLon ?? null,
    centroidTime: iso(last?.time ?? lastSnapshot?.time),
    searchArea50: last?.areas["50"]?.geometry ?? null,
    searchArea90: last?.areas["90"]?.geometry ?? null,
    searchArea95: last?.areas["95"]?.geometry ?? null,
    netcdfPath: uris.netcdf ?? null,
    geojsonPath: uris.trajectories ?? null,
    heatmapPath: uris.png ?? null,
    pdfReportPath: uris.pdf ?? null,
    particleCount: s.particleCount,
    strandedCount: s.strandedCount,
    computationTimeSeconds: s.computationSeconds,
    timestepContours: contours,
    products: uris,
    forcingSources: s.forcing,
    summary: {
      object_type: s.objectType,
      active_count: s.activeCount,
      stranded_count: s.strandedCount,
      missing_data_count: s.missingDataCount,
      simulation_seconds: s.simulationSeconds,
      particle_steps: s.particleSteps,
      search_area_km2: last
        ? {
            "50": last.areas["50"]?.areaKm2 ?? null,
            "90": last.areas["90"]?.areaKm2 ?? null,
            "95": last.areas["95"]?.areaKm2 ?? null,
          }
        : null,
      release_on_land: s.releaseOnLand ?? null,
    },
    mostLikelyLat: last?.mostLikelyLat ?? null,
    mostLikelyLon: last?.mostLikelyLon ?? null,
    workerId,
  };
}
