// A queue consumer that knows nothing of what its jobs are: it claims up to `concurrency` jobs, keeps their
// leases renewed, returns the jobs of dead workers to the queue, settles each job by what its processor did
// (ack, dead letter, retry with backoff up to maxAttempts, release on shutdown) and shuts down within a
// grace period. What a job means lives in the processor (worker/mission-job.ts for the drift worker).
//
// A job is acked or dead-lettered only after the processor returned or recorded its failure, so a crash at
// any point leaves the job to be re-delivered (at least once).
import type { Logger } from "pino";
import { errorMessage, PermanentJobError } from "../errors.js";
import { redactText } from "../log.js";
import { type ClaimedJob, type JobQueue, LeaseLostError } from "../ports.js";
import { backoffMs, sleep } from "../retry.js";

/** One job being worked on, as the processor sees it. */
export interface JobContext {
  readonly job: ClaimedJob;
  /**
   * Aborted with reason "shutdown" when the grace period ends (the job then goes back to the queue); the
   * processor may abort it with a reason of its own (e.g. a time cap), which counts as a failure.
   */
  readonly controller: AbortController;
  /** The job's logger (with its attempt); the processor may replace it by a child naming its subject. */
  log: Logger;
  /** What running() shows of this job besides attempt and since, set by the processor. */
  info: Record<string, unknown>;
}

/**
 * How a processed job ends: acked, or dead-lettered with a reason; `outcome` labels logs and metrics.
 * `copy`: the delivery was acknowledged without running because another delivery of the same job runs.
 */
export type JobResult = { outcome: string; deadLetter?: string; copy?: boolean };

export interface JobProcessor {
  /** Does the job. A throw is a failure: PermanentJobError gives up at once, anything else is retried. */
  process(context: JobContext): Promise<JobResult>;
  /** Before a failed job goes back for another attempt; errors here are the processor's to log. */
  onRetry?(context: JobContext, reason: string): Promise<void>;
  /** Before a job goes back to the queue on shutdown. */
  onShutdown?(context: JobContext): Promise<void>;
  /**
   * Records a job given up for good, before it is dead-lettered. A throw means it could not be recorded:
   * the job then goes back to the queue rather than lose the outcome. Returns the outcome label and log line.
   */
  onGiveUp?(context: JobContext, reason: string): Promise<{ outcome: string; message: string }>;
  /** Runs before each claim (e.g. a probe of a database that failed, so that no job is taken meanwhile). */
  beforeClaim?(): Promise<void>;
  /** After the job is settled in the queue, whatever the outcome (e.g. removing its scratch files). */
  afterSettle?(context: JobContext): Promise<void>;
}

/** The counters a consumer keeps up to date (WorkerMetrics has them). */
export interface ConsumerMetrics {
  running: { set(value: number): void };
  attempts: { observe(value: number): void };
  jobs: { inc(labels: { outcome: string }): void };
  duration: { observe(labels: { outcome: string }, seconds: number): void };
}

export interface ConsumerOptions {
  queue: JobQueue;
  /** Unique per process: a restarted consumer must not renew its previous life's leases. */
  id: string;
  processor: JobProcessor;
  log: Logger;
  concurrency: number;
  leaseMs: number;
  /** How long one claim waits for a job. */
  pollMs: number;
  maxAttempts: number;
  /** First retry delay; doubled per attempt up to maxRetryDelayMs, with jitter. */
  retryBaseMs: number;
  maxRetryDelayMs: number;
  metrics?: ConsumerMetrics;
}

export interface RunningJob {
  attempt: number;
  since: string;
  [key: string]: unknown;
}

interface Running {
  context: JobContext;
  since: string;
  promise: Promise<void>;
  leaseLost: boolean;
}

export class QueueConsumer {
  private readonly active = new Map<number, Running>();
  private readonly stopController = new AbortController();
  private nextKey = 1;
  private loop?: Promise<void>;
  private timers: NodeJS.Timeout[] = [];
  private stopping?: Promise<void>;
  private lastLoopAt = Date.now();

  constructor(private readonly options: ConsumerOptions) {}

  get id(): string {
    return this.options.id;
  }
  get size(): number {
    return this.active.size;
  }
  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  start(): void {
    if (this.loop) return;
    const { leaseMs, log } = this.options;
    this.timers.push(setInterval(() => this.renewLeases(), Math.max(250, leaseMs / 3)));
    this.timers.push(setInterval(() => this.reclaim(), Math.max(500, Math.min(leaseMs / 2, 30_000))));
    this.loop = this.runLoop().catch((err) => {
      // The loop catches everything itself; reaching here is a bug: log it loudly and stop.
      log.fatal({ err }, "worker loop crashed");
    });
  }

  private async runLoop(): Promise<void> {
    const { queue, processor } = this.options;
    const signal = this.stopController.signal;
    let failures = 0;
    // One promise for the whole loop: a new one per wait would add an abort listener each time (a leak).
    const stopped = aborted(signal);
    while (!signal.aborted) {
      this.lastLoopAt = Date.now();
      if (this.active.size >= this.options.concurrency) {
        await Promise.race([...[...this.active.values()].map((r) => r.promise), stopped]);
        continue;
      }
      try {
        await processor.beforeClaim?.();
        const job = await queue.claim(this.id, this.options.leaseMs, this.options.pollMs);
        failures = 0;
        if (!job) continue;
        if (signal.aborted) {
          await queue.release(job, 0);
          break;
        }
        this.launch(job);
      } catch (err) {
        failures++;
        const wait = backoffMs(failures, 500, 30_000);
        this.options.log.warn(
          { err: errorMessage(err), retry_in_ms: wait },
          "cannot take jobs (queue or database unavailable); backing off",
        );
        await sleep(wait, signal);
      }
    }
  }

  private launch(job: ClaimedJob): void {
    const key = this.nextKey++;
    const metrics = this.options.metrics;
    const entry: Running = {
      context: {
        job,
        controller: new AbortController(),
        log: this.options.log.child({ attempt: job.attempt }),
        info: {},
      },
      since: new Date().toISOString(),
      promise: Promise.resolve(),
      leaseLost: false,
    };
    this.active.set(key, entry);
    metrics?.running.set(this.active.size);
    metrics?.attempts.observe(job.attempt);
    entry.promise = this.handle(entry.context)
      .catch((err) => this.options.log.error({ err }, "unexpected error while handling a job"))
      .finally(() => {
        this.active.delete(key);
        metrics?.running.set(this.active.size);
      });
  }

  private async handle(context: JobContext): Promise<void> {
    const { queue, processor, metrics } = this.options;
    const started = Date.now();
    let outcome = "failed";
    try {
      const result = await processor.process(context);
      outcome = result.outcome;
      try {
        if (result.deadLetter !== undefined) await queue.deadLetter(context.job, result.deadLetter);
        else await queue.ack(context.job, result.copy ? { copy: true } : undefined);
      } catch (err) {
        if (!(err instanceof LeaseLostError)) throw err;
        // Its lease lapsed while it ran: the job is back in the queue, and its next delivery finds what this
        // one recorded (a completed mission is acknowledged as a duplicate).
        context.log.warn(err.message);
      }
    } catch (err) {
      outcome = await this.onFailure(context, err);
    } finally {
      await processor.afterSettle?.(context).catch(() => undefined);
      const seconds = (Date.now() - started) / 1000;
      metrics?.jobs.inc({ outcome });
      metrics?.duration.observe({ outcome }, seconds);
      context.log.info({ outcome, seconds }, `job ${outcome}`);
    }
  }

  private async onFailure(context: JobContext, err: unknown): Promise<string> {
    const { job, controller } = context;
    const { queue, processor, maxAttempts } = this.options;
    const log = () => context.log;
    const retryDelay = () => backoffMs(job.attempt, this.options.retryBaseMs, this.options.maxRetryDelayMs);
    try {
      if (controller.signal.aborted && controller.signal.reason === "shutdown") {
        await processor.onShutdown?.(context).catch(() => undefined);
        await queue.release(job, 0);
        log().info("job returned to the queue (shutdown)");
        return "released";
      }
      const message = redactText(errorMessage(err));
      const permanent = err instanceof PermanentJobError;
      if (!permanent && job.attempt < maxAttempts) {
        const delay = retryDelay();
        log().warn(
          { err: message, retry_in_ms: delay },
          `attempt ${job.attempt} of ${maxAttempts} failed; will retry`,
        );
        await processor.onRetry?.(context, message);
        await queue.release(job, delay);
        return "retried";
      }
      const reason = permanent ? message : `failed after ${job.attempt} attempts: ${message}`;
      let given = { outcome: "dead_lettered", message: "job dead-lettered" };
      if (processor.onGiveUp) {
        try {
          given = await processor.onGiveUp(context, reason);
        } catch (recordErr) {
          // The failure cannot be recorded: keep the job (it comes back) rather than lose its outcome.
          const delay = retryDelay();
          log().error(
            { err: errorMessage(recordErr), reason, retry_in_ms: delay },
            "cannot record the failure; job goes back to the queue",
          );
          await queue.release(job, delay);
          return "released";
        }
      }
      await queue.deadLetter(job, reason);
      log().warn({ reason }, given.message);
      return given.outcome;
    } catch (queueErr) {
      // The queue is unreachable: the job stays claimed and is reclaimed when the lease lapses, so nothing
      // is lost.
      log().error(
        { err: errorMessage(queueErr), cause: errorMessage(err) },
        "cannot settle the job in the queue; it will be re-delivered",
      );
      return "released";
    }
  }

  private renewLeases(): void {
    for (const entry of this.active.values()) {
      this.options.queue.renew(entry.context.job, this.options.leaseMs).catch((err: unknown) => {
        if (err instanceof LeaseLostError) {
          if (!entry.leaseLost) entry.context.log.warn(err.message);
          entry.leaseLost = true;
        } else {
          this.options.log.warn({ err: errorMessage(err) }, "lease renewal failed");
        }
      });
    }
  }

  private reclaim(): void {
    this.options.queue
      .reclaimExpired()
      .then((n) => {
        if (n > 0) this.options.log.info({ jobs: n }, "reclaimed jobs of workers whose lease expired");
      })
      .catch((err) => this.options.log.debug({ err: errorMessage(err) }, "reclaim failed"));
  }

  running(): RunningJob[] {
    return [...this.active.values()].map((r) => ({
      attempt: r.context.job.attempt,
      since: r.since,
      ...r.context.info,
    }));
  }

  /** Alive while the loop turns: it blocks at most one poll while claiming, or waits for a free slot. */
  alive(): boolean {
    const stale = Date.now() - this.lastLoopAt;
    const busy = this.active.size >= this.options.concurrency;
    return !this.loop || busy || stale < this.options.pollMs + 30_000 || !!this.stopping;
  }

  /** Stops claiming, lets running jobs finish within graceMs, then returns the rest to the queue. */
  stop(graceMs: number): Promise<void> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const { log } = this.options;
    const deadline = Date.now() + graceMs;
    log.info({ running: this.active.size, grace_ms: graceMs }, "stopping: no new jobs");
    this.stopController.abort();
    // The timers below are cancelled as soon as what they bound has finished, so that a stopped consumer
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
        log.warn({ running: this.active.size }, "grace period over: returning running jobs to the queue");
        for (const entry of this.active.values()) entry.context.controller.abort("shutdown");
        // Settling is quick (release + the processor's note); bounded anyway so that shutdown never hangs.
        await Promise.race([all(), sleep(10_000, timers.signal)]);
      }
      // The loop's last claim may have taken a job released above: let it hand it back before we return, so
      // that a stopped consumer holds nothing in processing.
      if (this.loop) await Promise.race([this.loop, sleep(this.options.pollMs + 10_000, timers.signal)]);
    } finally {
      timers.abort();
    }
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
