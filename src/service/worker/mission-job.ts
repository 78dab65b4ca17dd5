// The drift mission as a job processor (see queue/consumer.ts for claiming, leases, retries and shutdown).
//
// One job: parse → load the mission row → mark `processing` → simulate (worker thread) → upload every
// product → write the result row and `completed` in one statement → follow-up message; the consumer then
// acks. Invalid jobs fail the mission at once and are dead-lettered; transient failures (database, S3,
// network) mark the mission `queued` again while the consumer retries, up to MAX_ATTEMPTS.
import { randomUUID } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { syncS3Forcing } from "../../forcing/s3.js";
import { countMembers } from "../../pipeline/ensemble.js";
import { decodePart, mergeParts } from "../../pipeline/ensemble-parts.js";
import type { RunOptions, RunProgress, RunResult } from "../../pipeline/run.js";
import type { ProductName } from "../../products/registry.js";
import type { WorkerConfig } from "../config.js";
import { claimMerge, markPartDone, recordSplit } from "../db/mission-parts.js";
import {
  completeMission,
  failMission,
  loadMission,
  MissionGoneError,
  type MissionResultRecord,
  type MissionRow,
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
import type { Database, JobQueue, ObjectStorage } from "../ports.js";
import type { JobContext, JobProcessor, JobResult } from "../queue/consumer.js";
import { retryTransient } from "../retry.js";
import { contentTypeFor, productKey } from "../storage/keys.js";
import type { WorkerMetrics } from "./metrics.js";
import { partKey, partsFor, type SplitRole, splitJob, splitRole } from "./split-merge.js";
import type { SimulationRunner } from "./thread-runner.js";

export interface MissionJobDeps {
  db: Database;
  storage: ObjectStorage;
  config: WorkerConfig;
  /** The worker's id, written on the mission row. */
  workerId: string;
  runner: SimulationRunner;
  metrics: WorkerMetrics;
  /** The queue, asked whether another worker holds a delivery of a job under a live lease. */
  leases: Pick<JobQueue, "heldBy">;
  /** Where the parts and the merge of a split mission are pushed (the worker's own queue). */
  parts?: Pick<JobQueue, "push">;
  /** Where `{mission_id, netcdf_path}` goes after a completed mission (RESULTS_QUEUE). */
  resultsQueue?: { push(raw: string): Promise<void> };
  /** Storage holding FORCING_BUCKET, when the platform's forcing files are mirrored into forcingDir. */
  forcingStorage?: ObjectStorage;
  forcingDir?: string;
}

/** Products uploaded at once. */
const UPLOAD_LANES = 4;

export class MissionJob implements JobProcessor {
  /** Set when the database failed: the next claim waits until it answers again. */
  private dbSuspect = false;
  /** Scratch directory of each running job, removed after it is settled. */
  private readonly workDirs = new Map<JobContext, string>();
  /** The job running each mission in this process (a copy of it delivered meanwhile is not run). */
  private readonly running = new Map<string, JobContext>();

  constructor(private readonly deps: MissionJobDeps) {}

  private get config(): WorkerConfig {
    return this.deps.config;
  }
  private get workerId(): string {
    return this.deps.workerId;
  }
  private get forcingDir(): string | undefined {
    return this.deps.forcingDir;
  }
  private get forcingStorage(): ObjectStorage | undefined {
    return this.deps.forcingStorage;
  }
  private get metrics(): WorkerMetrics {
    return this.deps.metrics;
  }

  async beforeClaim(): Promise<void> {
    if (this.dbSuspect) await this.deps.db.query("SELECT 1");
    this.dbSuspect = false;
  }

  async process(context: JobContext): Promise<JobResult> {
    const workDir = path.join(this.config.workDir, `job-${randomUUID()}`);
    this.workDirs.set(context, workDir);
    let envelope: ReturnType<typeof parseEnvelope>;
    try {
      envelope = parseEnvelope(context.job.raw);
    } catch (err) {
      // An unusable message that still names its mission: fail that mission with the reason too.
      if (err instanceof InvalidEnvelopeError && err.missionId) this.name(context, err.missionId);
      throw err;
    }
    this.name(context, envelope.missionId);
    try {
      return await this.run(context, envelope, workDir);
    } catch (err) {
      // Deleted by its user while it ran (noticed at a progress write): nothing to store or retry.
      if (!(err instanceof MissionGoneError) || context.controller.signal.reason !== "gone") throw err;
      context.log.warn("mission deleted while it ran: simulation stopped");
      return { outcome: "gone" };
    }
  }

  /** The run's files go once the job is settled (acked first: the result row is visible by then). */
  async afterSettle(context: JobContext): Promise<void> {
    const workDir = this.workDirs.get(context);
    this.workDirs.delete(context);
    this.forget(context);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }

  /** Before the job goes back to the queue, so that its next delivery here is not taken for a copy. */
  private forget(context: JobContext): void {
    const key = runKey(context);
    if (key && this.running.get(key) === context) this.running.delete(key);
  }

  private name(context: JobContext, missionId: string): void {
    context.info.missionId = missionId;
    context.log = context.log.child({ mission_id: missionId });
  }

  async onShutdown(context: JobContext): Promise<void> {
    this.forget(context);
    const id = missionOf(context);
    // A part or merge of a split mission: the mission goes on with its other parts.
    if (id && !splitRole(context.job.raw))
      await requeueMission(this.deps.db, id, this.workerId, "worker shut down");
  }

  async onRetry(context: JobContext, reason: string): Promise<void> {
    this.forget(context);
    const id = missionOf(context);
    if (!id || splitRole(context.job.raw)) return;
    await requeueMission(this.deps.db, id, this.workerId, reason).catch((e) =>
      context.log.warn({ err: errorMessage(e) }, "cannot mark mission queued"),
    );
  }

  async onGiveUp(context: JobContext, reason: string): Promise<{ outcome: string; message: string }> {
    this.forget(context);
    const id = missionOf(context);
    if (!id) return { outcome: "dead_lettered", message: "invalid job dead-lettered" };
    try {
      await this.withDb("fail mission", () => failMission(this.deps.db, id, reason), context.log);
    } catch (err) {
      this.dbSuspect = true;
      throw err;
    }
    return { outcome: "failed", message: "mission failed; job dead-lettered" };
  }

  private async run(
    context: JobContext,
    envelope: ReturnType<typeof parseEnvelope>,
    workDir: string,
  ): Promise<JobResult> {
    const { job, log } = context;
    const { db } = this.deps;
    const c = this.config;
    const id = envelope.missionId;
    const signal = context.controller.signal;

    // A copy of a job this process is running (identical payloads delivered together) is not run again.
    const role = splitRole(job.raw);
    const key = role ? `${id}#${role.kind === "part" ? role.index : "merge"}` : id;
    context.info.runKey = key;
    const runningHere = this.running.get(key);
    if (runningHere && runningHere !== context) return this.copy(log, "this worker");
    this.running.set(key, context);

    const row = await this.withDb("load mission", () => loadMission(db, id), log, signal);
    if (!row) {
      return {
        outcome: "dead_lettered",
        deadLetter: `mission ${id} not found in table missions (deleted, or pushed before its row was written)`,
      };
    }
    if (row.status === "completed") {
      log.info("mission already completed: duplicate delivery acknowledged");
      // The first delivery may have died between its row update and its follow-up message: send it again
      // (at least once; a results processor must tolerate repeats anyway).
      await this.followUp(id, log, signal);
      return { outcome: "duplicate" };
    }
    if (role) return await this.runSplitRole(context, envelope, row, role, workDir);
    // Before the attempt cap: a copy must neither run nor fail the mission another delivery runs.
    if (await this.runsElsewhere(row, job.raw, log, signal)) return this.copy(log, row.workerId);
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
      () => markProcessing(db, id, { workerId: this.workerId, attempt: job.attempt, seen: row }),
      log,
      signal,
    );
    if (!marked) {
      // Another delivery took it between our read and our update (or it completed, or was deleted).
      const now = await this.withDb("load mission", () => loadMission(db, id), log, signal);
      if (now && now.status !== "completed" && (await this.runsElsewhere(now, job.raw, log, signal)))
        return this.copy(log, now.workerId);
      if (now && now.status !== "completed")
        throw new TransientJobError(`mission ${id} changed while this delivery took it; trying again`);
      log.info("mission completed or deleted meanwhile: duplicate delivery acknowledged");
      return { outcome: "duplicate" };
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
    if (await this.split(context, resolved)) return { outcome: "split" };
    const result = await this.simulate(context, resolved, workDir);
    return await this.finish(context, resolved, result);
  }

  /**
   * A mission with a forcing ensemble of more than SPLIT_PARTICLES particles becomes parts (ranges of members)
   * on the queue, any worker running each; returns whether it was split.
   */
  private async split(context: JobContext, resolved: ResolvedJob): Promise<boolean> {
    const { job, log } = context;
    const signal = context.controller.signal;
    const split = this.config.splitParticles;
    const particles = resolved.spec.seed.number ?? 0;
    if (!(split > 0) || particles <= split || !this.deps.parts) return false;
    const count = await countMembers(resolved.spec, this.forcingDir).catch(() => 1);
    const of = partsFor(particles, count, split);
    if (of < 2) return false;
    const id = resolved.missionId;
    await this.withDb("record the parts", () => recordSplit(this.deps.db, id, of), log, signal);
    const queue = this.deps.parts;
    for (let index = 0; index < of; index++) {
      await this.withRetry("push a part", () => queue.push(splitJob(job.raw, of, index)), log, signal);
    }
    await this.progress(id, 0.02, `split into ${of} parts of ${count} members`, log);
    log.info({ parts: of, members: count, particles }, "mission split into parts");
    return true;
  }

  /** Part `index` of a split mission (its members' run, stored), or the merge of its parts. */
  private async runSplitRole(
    context: JobContext,
    envelope: ReturnType<typeof parseEnvelope>,
    row: MissionRow,
    role: SplitRole,
    workDir: string,
  ): Promise<JobResult> {
    const { job, log } = context;
    const signal = context.controller.signal;
    const { db, storage } = this.deps;
    const id = envelope.missionId;
    const bucket = this.config.resultsBucket;
    const resolved = resolveJob(envelope, row, {
      catalog: this.forcingDir !== undefined,
      maxParticleSteps: this.config.maxParticleSteps,
      maxJobMemoryMb: this.config.maxJobMemoryMb,
    });
    if (this.forcingStorage && hasCatalog(resolved)) await this.fetchForcing(resolved, log, signal);
    if (role.kind === "part") {
      log.info({ part: role.index, parts: role.of }, "part started");
      const result = await this.simulate(context, resolved, workDir, {
        part: { index: role.index, of: role.of },
      });
      const bytes = await readFile(result.partFile as string);
      await this.withRetry("create results bucket", () => storage.ensureBucket(bucket), log, signal);
      await this.withRetry(
        "store the part",
        () => storage.put(bucket, partKey(id, role.index), bytes, "application/octet-stream"),
        log,
        signal,
      );
      const left = await this.withDb(
        "mark the part done",
        () => markPartDone(db, id, role.index, this.workerId),
        log,
        signal,
      );
      await this.progress(
        id,
        (0.85 * (role.of - left)) / role.of,
        `${role.of - left} of ${role.of} parts done`,
        log,
      );
      // The last part pushes the merge once; a retried delivery pushes it again (its first may have died
      // between claiming and pushing): a second merge finds the mission completed.
      if (left === 0) {
        const first = await this.withDb(
          "claim the merge",
          () => claimMerge(db, id, this.workerId),
          log,
          signal,
        );
        const queue = this.deps.parts;
        if ((first || job.attempt > 1) && queue)
          await this.withRetry("push the merge", () => queue.push(splitJob(job.raw, role.of)), log, signal);
      }
      return { outcome: "part" };
    }
    const parts = [];
    for (let index = 0; index < role.of; index++) {
      const bytes = await this.withRetry(
        "read a part",
        () => storage.get(bucket, partKey(id, index)),
        log,
        signal,
      );
      parts.push(decodePart(bytes));
    }
    const memberCount = parts.reduce((a, p) => a + p.members.length, 0);
    const merged = mergeParts(parts, memberCount);
    log.info({ parts: role.of, members: memberCount }, "merging the parts");
    const result = await this.simulate(context, resolved, workDir, { merged });
    const outcome = await this.finish(context, resolved, result);
    for (let index = 0; index < role.of; index++) {
      await storage.delete(bucket, partKey(id, index)).catch(() => undefined);
    }
    return outcome;
  }

  /** Stores the products of a finished run and completes the mission. */
  private async finish(context: JobContext, resolved: ResolvedJob, result: RunResult): Promise<JobResult> {
    const { log } = context;
    const signal = context.controller.signal;
    const { db } = this.deps;
    const id = resolved.missionId;
    if (result.summary.singleThreadReason)
      log.warn({ reason: result.summary.singleThreadReason }, "simulation ran on one thread");
    await this.progress(id, 0.92, "storing products", log);
    const uris = await this.upload(id, result, log, signal);
    const record = resultRecord(result, uris, this.workerId, await topShoreStretches(result, log));
    try {
      await this.withDb("complete mission", () => completeMission(db, id, record), log, signal);
    } catch (err) {
      if (!(err instanceof MissionGoneError)) throw err;
      log.warn("mission deleted while it ran: dropping its products");
      await this.dropProducts(uris, log);
      return { outcome: "gone" };
    }
    this.metrics.particleSteps.inc(result.summary.particleSteps ?? resolved.particleSteps);
    if (result.summary.simulationSeconds > 0) {
      this.metrics.stepsPerSecond.set(
        (result.summary.particleSteps ?? resolved.particleSteps) / result.summary.simulationSeconds,
      );
    }
    if (uris.netcdf) await this.followUp(id, log, signal);
    return { outcome: "completed" };
  }

  /** Whether another worker runs this mission from a delivery of the same job under a live lease. */
  private async runsElsewhere(
    row: MissionRow,
    raw: string,
    log: Logger,
    signal: AbortSignal,
  ): Promise<boolean> {
    const owner = row.workerId;
    if (row.status !== "processing" || !owner || owner === this.workerId) return false;
    return await this.withRetry("check lease", () => this.deps.leases.heldBy(owner, raw), log, signal);
  }

  private copy(log: Logger, owner: string | null): JobResult {
    log.info(
      { running_on: owner },
      "a copy of a job that runs under a live lease: acknowledged without running",
    );
    return { outcome: "duplicate", copy: true };
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
    context: JobContext,
    resolved: ResolvedJob,
    workDir: string,
    extra: Pick<RunOptions, "part" | "merged"> = {},
  ): Promise<RunResult> {
    const c = this.config;
    const id = resolved.missionId;
    const { controller, log } = context;
    const timer = setTimeout(() => controller.abort("timeout"), c.maxJobSeconds * 1000);
    const intervalMs = c.progressIntervalSeconds * 1000;
    let lastWrite = 0;
    let trailing: NodeJS.Timeout | undefined;
    let writing: Promise<void> = Promise.resolve();
    const write = () => {
      trailing = undefined;
      lastWrite = Date.now();
      const p = context.info.progress as RunProgress | undefined;
      if (!p) return;
      writing = writing.then(async () => {
        // A mission deleted while it runs stops here instead of simulating to the end.
        if ((await this.progress(id, p.fraction * 0.9, p.message, log)) === "gone") controller.abort("gone");
      });
    };
    const onProgress = (p: RunProgress) => {
      context.info.progress = p;
      const wait = lastWrite + intervalMs - Date.now();
      if (wait <= 0) write();
      else trailing ??= setTimeout(write, wait);
    };
    try {
      return await this.deps.runner(resolved.spec, {
        outDir: workDir,
        forcingDir: this.forcingDir,
        products: resolved.products,
        // mission_results and timestep_contours carry the areas whatever products the job asked for.
        searchAreas: true,
        threads: c.simThreads,
        ...extra,
        onProgress,
        signal: controller.signal,
      });
    } catch (err) {
      if (controller.signal.aborted && controller.signal.reason === "timeout") {
        throw new JobCapError(`simulation ran longer than the cap MAX_JOB_SECONDS=${c.maxJobSeconds}`);
      }
      if (controller.signal.aborted && controller.signal.reason === "gone") throw new MissionGoneError(id);
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

  /** Writes progress; "gone" when the mission row no longer exists (deleted by its user). */
  private async progress(
    id: string,
    fraction: number,
    message: string,
    log: Logger,
  ): Promise<"written" | "gone" | "not written"> {
    try {
      if (await updateProgress(this.deps.db, id, this.workerId, fraction, message)) return "written";
      return (await loadMission(this.deps.db, id)) ? "not written" : "gone";
    } catch (err) {
      // Progress is advisory: a lost update is logged, the job goes on (the next one will land).
      this.dbSuspect = true;
      log.warn({ err: errorMessage(err) }, "progress update failed");
      return "not written";
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
}

/** The key of what a job runs here: its mission, or a part or the merge of it. */
function runKey(context: JobContext): string | undefined {
  return (context.info.runKey as string | undefined) ?? missionOf(context);
}

function missionOf(context: JobContext): string | undefined {
  return context.info.missionId as string | undefined;
}

function hasCatalog(resolved: ResolvedJob): boolean {
  const uses = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some(uses);
    const ensemble = (v as { ensemble?: unknown })?.ensemble;
    return Array.isArray(ensemble) ? ensemble.some(uses) : (v as { catalog?: unknown })?.catalog === true;
  };
  return uses(resolved.spec.forcing.wind) || uses(resolved.spec.forcing.current);
}

function iso(unixSeconds: number | null | undefined): string | null {
  return unixSeconds === null || unixSeconds === undefined
    ? null
    : new Date(unixSeconds * 1000).toISOString();
}

/** A shore stretch as the summary column gives it: share of all particles, first stranding, middle. */
export interface ShoreStretchRow {
  rank: number;
  share: number;
  particles: number;
  first_time: string;
  lon: number;
  lat: number;
}

/** The top three stretches of the run's shore_stretches.geojson (none when the product was not made). */
export async function topShoreStretches(
  result: RunResult,
  log?: Pick<Logger, "warn">,
): Promise<ShoreStretchRow[] | null> {
  const file = result.files.shore;
  if (!file) return null;
  try {
    const collection = JSON.parse(await readFile(file, "utf8")) as {
      features: { geometry: { coordinates: [number, number][] }; properties: Record<string, unknown> }[];
    };
    return collection.features.slice(0, 3).map((f) => {
      const line = f.geometry.coordinates;
      const [lon, lat] = line[Math.floor(line.length / 2)];
      const p = f.properties;
      return {
        rank: Number(p.rank),
        share: Number(p.share),
        particles: Number(p.particles),
        first_time: String(p.first_time),
        lon,
        lat,
      };
    });
  } catch (err) {
    log?.warn({ err: (err as Error).message }, "shore_stretches.geojson unreadable: summary without it");
    return null;
  }
}

/**
 * The contract's mission_results fields from a finished run; the figures the contract has no column for
 * (each area's pieces, the most likely position's radius, the shore stretches) go to the additive `summary`.
 */
export function resultRecord(
  result: RunResult,
  uris: Record<string, string>,
  workerId: string,
  shore: ShoreStretchRow[] | null = null,
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
      search_area_pieces: last
        ? Object.fromEntries(
            (["50", "90", "95"] as const).map((k) => [
              k,
              (last.areas[k]?.pieces ?? []).map((piece) => ({
                area_km2: piece.areaKm2,
                area_nm2: piece.areaNm2,
                probability: piece.probability,
              })),
            ]),
          )
        : null,
      most_likely_radius_km: last?.mostLikely?.radiusKm ?? null,
      shore_stretches: shore,
      release_on_land: s.releaseOnLand ?? null,
      // The forcing ensemble's members (name, weight, particles), as summary.json lists them.
      ...(s.members ? { members: s.members } : {}),
      // The scenarios (weight, object type, particles, shares, each one's own areas), as summary.json lists them.
      ...(s.scenarios ? { scenarios: s.scenarios } : {}),
    },
    mostLikelyLat: last?.mostLikelyLat ?? null,
    mostLikelyLon: last?.mostLikelyLon ?? null,
    workerId,
  };
}
