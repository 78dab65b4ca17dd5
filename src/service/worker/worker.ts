// The drift worker: a queue consumer (queue/consumer.ts: claim, lease, retry, dead letter, shutdown) whose
// processor is the mission job (mission-job.ts: spec, run, upload, result row), plus the simulation thread
// it warms up and the health reports. It sees only the ports (Database, JobQueue, ObjectStorage), so the
// same worker runs against PostgreSQL/Redis/S3 and against the embedded adapters.
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Logger } from "pino";
import type { RunProgress } from "../../pipeline/run.js";
import type { WorkerConfig } from "../config.js";
import { errorMessage } from "../errors.js";
import { redactText } from "../log.js";
import type { Database, JobQueue, ObjectStorage } from "../ports.js";
import { QueueConsumer } from "../queue/consumer.js";
import type { HealthReport } from "./health-server.js";
import { WorkerMetrics, withTimeout } from "./metrics.js";
import { MissionJob } from "./mission-job.js";
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

const MAX_RETRY_DELAY_MS = 15 * 60_000;

export function createWorker(deps: WorkerDeps): DriftWorker {
  return new Worker(deps);
}

class Worker implements DriftWorker {
  readonly id: string;
  readonly metrics: WorkerMetrics;
  readonly stopped: Promise<void>;
  private readonly log: Logger;
  private readonly threadRunner?: ThreadRunner;
  private readonly forcingDir?: string;
  private readonly consumer: QueueConsumer;
  private resolveStopped!: () => void;
  private stopping?: Promise<void>;

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
    this.stopped = new Promise((resolve) => {
      this.resolveStopped = resolve;
    });
    let forcingStorage: ObjectStorage | undefined;
    if (c.forcingBucket) {
      this.forcingDir = c.forcingDir ?? path.join(c.workDir, "forcing");
      forcingStorage = deps.forcingStorage ?? deps.storage;
    } else {
      this.forcingDir = c.forcingDir;
    }
    const processor = new MissionJob({
      db: deps.db,
      storage: deps.storage,
      config: c,
      workerId: this.id,
      runner: deps.runner ?? (this.threadRunner as ThreadRunner),
      metrics: this.metrics,
      leases: deps.queue,
      parts: deps.queue,
      resultsQueue: deps.resultsQueue,
      forcingStorage,
      forcingDir: this.forcingDir,
    });
    this.consumer = new QueueConsumer({
      queue: deps.queue,
      id: this.id,
      processor,
      log: this.log,
      concurrency: c.maxConcurrentJobs,
      leaseMs: c.leaseSeconds * 1000,
      pollMs: c.pollIntervalSeconds * 1000,
      maxAttempts: c.maxAttempts,
      retryBaseMs: c.retryBaseSeconds * 1000,
      maxRetryDelayMs: MAX_RETRY_DELAY_MS,
      metrics: this.metrics,
    });
  }

  get warm(): Promise<void> {
    return this.threadRunner?.warm ?? Promise.resolve();
  }

  private started = false;

  start(): void {
    if (this.started) return;
    this.started = true;
    const c = this.deps.config;
    this.log.info(
      { max_concurrent_jobs: c.maxConcurrentJobs, queue: c.queueName, forcing_dir: this.forcingDir },
      "worker started",
    );
    this.consumer.start();
  }

  running(): RunningJobInfo[] {
    return this.consumer.running() as RunningJobInfo[];
  }

  liveness(): HealthReport {
    return { ok: this.consumer.alive(), running: this.consumer.size, worker: this.id };
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
    return { ok: database === "ok" && queue === "ok", database, queue, running: this.consumer.size };
  }

  stop(options: { graceMs?: number } = {}): Promise<void> {
    this.stopping ??= this.shutdown(options.graceMs ?? this.deps.config.shutdownGraceSeconds * 1000);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    await this.consumer.stop(graceMs);
    await this.threadRunner?.close();
    this.log.info("worker stopped");
    this.resolveStopped();
  }
}
