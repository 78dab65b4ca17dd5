// Prometheus metrics of one worker process (own registry, so that several workers can live in one process
// in tests and embedded mode).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { JobQueue } from "../ports.js";

export type JobOutcome =
  | "completed"
  | "failed"
  | "retried"
  | "dead_lettered"
  | "released"
  | "duplicate"
  | "gone";

export class WorkerMetrics {
  readonly registry = new Registry();
  readonly jobs: Counter<"outcome">;
  readonly duration: Histogram<"outcome">;
  readonly attempts: Histogram<string>;
  readonly running: Gauge<string>;
  readonly queueDepth: Gauge<"state">;
  readonly stepsPerSecond: Gauge<string>;
  readonly particleSteps: Counter<string>;

  constructor(options: { queue?: JobQueue; defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.jobs = new Counter({
      name: "driftline_jobs_total",
      help: "Jobs handled, by outcome (completed, failed, retried, dead_lettered, released, duplicate, gone)",
      labelNames: ["outcome"],
      registers,
    });
    this.duration = new Histogram({
      name: "driftline_job_duration_seconds",
      help: "Wall time of one job delivery, by outcome",
      labelNames: ["outcome"],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600],
      registers,
    });
    this.attempts = new Histogram({
      name: "driftline_job_attempt",
      help: "Delivery number of each job taken (1 = first attempt)",
      buckets: [1, 2, 3, 5, 10],
      registers,
    });
    this.running = new Gauge({
      name: "driftline_jobs_running",
      help: "Jobs running in this process",
      registers,
    });
    const queue = options.queue;
    this.queueDepth = new Gauge({
      name: "driftline_queue_depth",
      help: "Jobs in the queue by state (waiting includes delayed retries)",
      labelNames: ["state"],
      registers,
      async collect() {
        if (!queue) return;
        const stats = await withTimeout(queue.stats(), 2000).catch(() => null);
        if (!stats) return;
        this.set({ state: "waiting" }, stats.waiting);
        this.set({ state: "processing" }, stats.processing);
        this.set({ state: "dead" }, stats.dead);
      },
    });
    this.stepsPerSecond = new Gauge({
      name: "driftline_particle_steps_per_second",
      help: "Particle-steps per second of the simulation loop of the last completed job",
      registers,
    });
    this.particleSteps = new Counter({
      name: "driftline_particle_steps_total",
      help: "Particle-steps simulated by completed jobs",
      registers,
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: "driftline_" });
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
