// `npm run load [-- --jobs N --workers W --concurrency C --timeout S --particles P --hours H --products LIST
// --coastline MODE --json FILE]`:
// N small real jobs (default 200) RPUSHed at once onto a fresh queue, W `driftline worker` processes (default 2)
// with MAX_CONCURRENT_JOBS=C (default 2). Checks that every job completed, none was lost, none ran twice to
// completion (result rows and the workers' own log lines), and that the queue and processing lists are empty
// at the end; prints the throughput and a latency summary. Loopback only: a private PostgreSQL database on
// the local server, a private queue on the local Redis, an S3 server (s3rver) started here. Everything is
// removed afterwards. test/reliability/load.test.ts runs it with 12 jobs.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import { migrate } from "../src/service/db/migrations.js";
import { insertMission } from "../src/service/db/missions.js";
import { PgDatabase } from "../src/service/db/pg-database.js";
import { RedisJobQueue } from "../src/service/queue/redis-queue.js";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export interface LoadOptions {
  jobs: number;
  workers: number;
  /** MAX_CONCURRENT_JOBS of each worker process. */
  concurrency: number;
  /** Give up (and report the missing jobs) after this long. */
  timeoutSeconds: number;
  particles: number;
  hours: number;
  products: string[];
  /** Coastline handling of the jobs ("stranding", the default, loads the land mask in every job). */
  coastline: "stranding" | "previous" | "none";
  /** Server to create the private database on (its database is only used to CREATE/DROP). */
  pgAdminUrl: string;
  redisUrl: string;
  /** Progress lines (stderr by default). */
  progress?: (line: string) => void;
}

export const LOAD_DEFAULTS: LoadOptions = {
  jobs: 200,
  workers: 2,
  concurrency: 2,
  timeoutSeconds: 0, // 0: derived from the job count
  particles: 100,
  hours: 3,
  products: ["netcdf", "trajectories", "png", "summary"],
  coastline: "stranding",
  pgAdminUrl: process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  redisUrl: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0",
};

export interface Summary {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadReport {
  jobs: number;
  workers: number;
  concurrency: number;
  completed: number;
  failed: number;
  /** Neither completed nor failed when the run ended. */
  unfinished: number;
  /** Missions whose number of mission_results rows is not exactly one. */
  missionsWithoutOneResultRow: number;
  /** Missions with more than one `job completed` log line over all workers (run twice to completion). */
  completedTwice: number;
  /** Missions with no `job completed` log line although the row says completed. */
  completedWithoutLogLine: number;
  /** Deliveries per mission: attempts → number of missions. */
  attempts: Record<string, number>;
  queue: { waiting: number; processing: number; dead: number };
  /** Jobs completed by each worker process. */
  perWorker: Record<string, number>;
  wallSeconds: number;
  throughputPerMinute: number;
  /** Push → completed, seconds (queue wait + run). */
  latency: Summary;
  /** started_at → completed_at of the last attempt, seconds. */
  runTime: Summary;
  /** Problems found; empty when the run passed every check. */
  problems: string[];
  ok: boolean;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  return host === "127.0.0.1" || host === "localhost" || host === "::1";
}

function summarize(values: number[]): Summary {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return { min: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  const q = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.ceil(p * v.length) - 1))];
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    min: round(v[0]),
    p50: round(q(0.5)),
    p90: round(q(0.9)),
    p99: round(q(0.99)),
    max: round(v[v.length - 1]),
    mean: round(v.reduce((a, b) => a + b, 0) / v.length),
  };
}

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startWorker(env: Record<string, string>): WorkerProcess {
  // One node process (no npx/tsx wrapper), so that signals reach the worker itself.
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "worker"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.tmpdir(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: string[] = [];
  child.stdout?.on("data", (d) => chunks.push(String(d)));
  child.stderr?.on("data", (d) => chunks.push(String(d)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => chunks.join(""), exited };
}

function logLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // a line cut off by a kill: ignore
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the load test; never throws for a failed check (see report.problems), only for a broken setup. */
export async function runLoad(partial: Partial<LoadOptions> = {}): Promise<LoadReport> {
  const o: LoadOptions = { ...LOAD_DEFAULTS, ...partial };
  const say = o.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!Number.isInteger(o.jobs) || o.jobs < 1 || o.jobs > 5000) throw new Error("--jobs: 1–5000");
  if (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > 16) throw new Error("--workers: 1–16");
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1 || o.concurrency > 16)
    throw new Error("--concurrency: 1–16");
  for (const [name, url] of [
    ["PostgreSQL", o.pgAdminUrl],
    ["Redis", o.redisUrl],
  ] as const) {
    if (!isLoopback(url)) throw new Error(`${name} URL must be on the loopback interface (load test only)`);
  }
  const timeoutSeconds =
    o.timeoutSeconds > 0 ? o.timeoutSeconds : 120 + Math.ceil((o.jobs * 10) / (o.workers * o.concurrency));

  const token = randomBytes(5).toString("hex");
  const dbName = `driftline_load_${token}`;
  const queueName = `dl_load_${token}`;
  const dbUrl = new URL(o.pgAdminUrl);
  dbUrl.pathname = `/${dbName}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: o.pgAdminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  const workDir = await mkdtemp(path.join(os.tmpdir(), "driftline-load-"));
  const s3Dir = path.join(workDir, "s3");
  const require = createRequire(import.meta.url);
  const S3rver = require("s3rver");
  const s3 = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: s3Dir });
  const workers: WorkerProcess[] = [];
  let db: PgDatabase | undefined;
  let queue: RedisJobQueue | undefined;
  await admin(`CREATE DATABASE ${dbName}`);
  try {
    const { port } = (await s3.run()) as { port: number };
    db = new PgDatabase(dbUrl.toString(), { max: 4 });
    await migrate(db);
    queue = new RedisJobQueue({ url: o.redisUrl, queueName });

    say(`load: inserting ${o.jobs} missions`);
    const ids: string[] = [];
    const jobs: string[] = [];
    for (let i = 0; i < o.jobs; i++) {
      const lat = 59 + (i % 10) * 0.05;
      const lon = 4.3 + Math.floor(i / 10) * 0.01;
      const id = await insertMission(db, {
        name: `load ${i}`,
        lastKnownLat: lat,
        lastKnownLon: lon,
        lastKnownTime: "2024-03-01T06:00:00Z",
        objectType: "Life Raft",
        forecastHours: o.hours,
        ensembleSize: o.particles,
      });
      ids.push(id);
      jobs.push(
        JSON.stringify({
          mission_id: id,
          params: {
            latitude: lat,
            longitude: lon,
            start_time: "2024-03-01T06:00:00Z",
            duration_hours: o.hours,
            num_particles: o.particles,
            object_type: 7,
            wind: { speed: 8, direction: 225 },
            current: { x: 0.1, y: 0.2 },
            products: o.products,
            coastline: o.coastline,
          },
        }),
      );
    }

    say(`load: starting ${o.workers} worker processes (MAX_CONCURRENT_JOBS=${o.concurrency})`);
    for (let w = 0; w < o.workers; w++) {
      workers.push(
        startWorker({
          DATABASE_URL: dbUrl.toString(),
          REDIS_URL: o.redisUrl,
          S3_ENDPOINT: `http://127.0.0.1:${port}`,
          S3_ACCESS_KEY: "S3RVER",
          S3_SECRET_KEY: "S3RVER",
          QUEUE_NAME: queueName,
          MAX_CONCURRENT_JOBS: String(o.concurrency),
          METRICS_PORT: "0",
          FORCING_BUCKET: "",
          LOG_LEVEL: "info",
          POLL_INTERVAL: "1",
          LEASE_SECONDS: "30",
          WORKER_ID: `load-${w + 1}`,
          WORK_DIR: path.join(workDir, `work-${w + 1}`),
        }),
      );
    }
    const startDeadline = Date.now() + 60_000;
    while (!workers.every((w) => w.output().includes('"msg":"worker started"'))) {
      const dead = workers.find((w) => w.child.exitCode !== null);
      if (dead) throw new Error(`a worker process exited at start-up:\n${dead.output().slice(-2000)}`);
      if (Date.now() > startDeadline) throw new Error("worker processes did not start within 60 s");
      await sleep(100);
    }

    // All at once: one RPUSH with every job, as a burst of missions would arrive.
    const pushedAt = Date.now();
    await queue.redis.rpush(queueName, ...jobs);
    say(`load: pushed ${o.jobs} jobs at once onto ${queueName}`);

    const deadline = pushedAt + timeoutSeconds * 1000;
    let lastSay = 0;
    let counts = { completed: 0, failed: 0 };
    while (Date.now() < deadline) {
      const r = await db.query<{ status: string; n: number }>(
        "SELECT status, count(*)::int AS n FROM missions GROUP BY status",
      );
      const by = Object.fromEntries(r.rows.map((x) => [x.status, x.n]));
      counts = { completed: by.completed ?? 0, failed: by.failed ?? 0 };
      if (Date.now() - lastSay > 5000) {
        lastSay = Date.now();
        say(
          `load: ${((Date.now() - pushedAt) / 1000).toFixed(0)} s: ${counts.completed} completed, ${counts.failed} failed, ${by.processing ?? 0} running, ${by.queued ?? 0} queued`,
        );
      }
      if (counts.completed + counts.failed >= o.jobs) break;
      if (workers.some((w) => w.child.exitCode !== null)) break;
      await sleep(500);
    }
    const problems: string[] = [];
    if (Date.now() >= deadline) problems.push(`timed out after ${timeoutSeconds} s`);
    for (const [i, w] of workers.entries())
      if (w.child.exitCode !== null) problems.push(`worker ${i + 1} exited early (code ${w.child.exitCode})`);

    // Let the last acks land, then stop the workers the way an operator would.
    for (let i = 0; i < 20 && (await queue.stats()).processing > 0; i++) await sleep(250);
    const queueStats = await queue.stats();
    for (const w of workers) w.child.kill("SIGTERM");
    const stopped = await Promise.race([
      Promise.all(workers.map((w) => w.exited)).then(() => true),
      sleep(30_000).then(() => false),
    ]);
    if (!stopped) problems.push("a worker did not exit within 30 s of SIGTERM");
    for (const [i, w] of workers.entries()) {
      const code = w.child.exitCode;
      if (stopped && code !== 0) problems.push(`worker ${i + 1} exited with code ${code} after SIGTERM`);
    }

    // The evidence: rows per mission, completions per mission in the workers' own logs, attempts.
    const rows = await db.query<{
      id: string;
      status: string;
      attempts: number | null;
      n: number;
      completed_epoch: number;
      run: number;
    }>(
      `SELECT m.id::text AS id, m.status, m.attempts,
              (SELECT count(*)::int FROM mission_results r WHERE r.mission_id = m.id) AS n,
              extract(epoch FROM m.completed_at)::float8 AS completed_epoch,
              extract(epoch FROM (m.completed_at - m.started_at))::float8 AS run
         FROM missions m`,
    );
    const completedLines = new Map<string, number>();
    const perWorker: Record<string, number> = {};
    for (const w of workers) {
      for (const line of logLines(w.output())) {
        if (line.msg !== "job completed" || typeof line.mission_id !== "string") continue;
        completedLines.set(line.mission_id, (completedLines.get(line.mission_id) ?? 0) + 1);
        const who = String(line.worker_id);
        perWorker[who] = (perWorker[who] ?? 0) + 1;
      }
    }
    const attempts: Record<string, number> = {};
    const latencies: number[] = [];
    const runTimes: number[] = [];
    let missionsWithoutOneResultRow = 0;
    let completedTwice = 0;
    let completedWithoutLogLine = 0;
    let lastCompleted = pushedAt;
    for (const r of rows.rows) {
      const key = String(r.attempts ?? "none");
      attempts[key] = (attempts[key] ?? 0) + 1;
      if (r.status === "completed") {
        if (r.n !== 1) missionsWithoutOneResultRow++;
        const completedAtMs = r.completed_epoch * 1000;
        lastCompleted = Math.max(lastCompleted, completedAtMs);
        latencies.push((completedAtMs - pushedAt) / 1000);
        runTimes.push(r.run);
        const lines = completedLines.get(r.id) ?? 0;
        if (lines === 0) completedWithoutLogLine++;
      }
      if ((completedLines.get(r.id) ?? 0) > 1) completedTwice++;
    }
    const completed = rows.rows.filter((r) => r.status === "completed").length;
    const failed = rows.rows.filter((r) => r.status === "failed").length;
    const unfinished = o.jobs - completed - failed;
    if (completed !== o.jobs) problems.push(`${o.jobs - completed} of ${o.jobs} jobs not completed`);
    if (failed > 0) problems.push(`${failed} jobs failed`);
    if (missionsWithoutOneResultRow > 0)
      problems.push(`${missionsWithoutOneResultRow} completed missions without exactly one result row`);
    if (completedTwice > 0) problems.push(`${completedTwice} jobs ran to completion twice`);
    if (completedWithoutLogLine > 0)
      problems.push(`${completedWithoutLogLine} completed missions without a "job completed" log line`);
    if (queueStats.waiting !== 0 || queueStats.processing !== 0 || queueStats.dead !== 0) {
      problems.push(
        `queue not empty at the end: ${queueStats.waiting} waiting, ${queueStats.processing} processing, ${queueStats.dead} dead`,
      );
    }
    const wallSeconds = Math.max(0.001, (lastCompleted - pushedAt) / 1000);
    return {
      jobs: o.jobs,
      workers: o.workers,
      concurrency: o.concurrency,
      completed,
      failed,
      unfinished,
      missionsWithoutOneResultRow,
      completedTwice,
      completedWithoutLogLine,
      attempts,
      queue: queueStats,
      perWorker,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      throughputPerMinute: Math.round((completed / wallSeconds) * 60 * 10) / 10,
      latency: summarize(latencies),
      runTime: summarize(runTimes),
      problems,
      ok: problems.length === 0,
    };
  } finally {
    for (const w of workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
    await queue?.close().catch(() => undefined);
    await deleteKeys(o.redisUrl, queueName).catch(() => undefined);
    await db?.close().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await s3.close().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(redisUrl);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

export function formatReport(r: LoadReport): string {
  const s = (x: Summary) =>
    `min ${x.min} s, p50 ${x.p50} s, p90 ${x.p90} s, p99 ${x.p99} s, max ${x.max} s, mean ${x.mean} s`;
  return [
    `Driftline load test: ${r.jobs} jobs pushed at once, ${r.workers} worker processes × MAX_CONCURRENT_JOBS=${r.concurrency}`,
    `  completed          ${r.completed} / ${r.jobs} (failed ${r.failed}, unfinished ${r.unfinished})`,
    `  result rows        ${r.missionsWithoutOneResultRow === 0 ? "exactly one per completed mission" : `${r.missionsWithoutOneResultRow} missions without exactly one row`}`,
    `  run twice          ${r.completedTwice} (from the workers' "job completed" log lines)`,
    `  attempts           ${Object.entries(r.attempts)
      .map(([a, n]) => `${n} × ${a}`)
      .join(", ")}`,
    `  per worker         ${Object.entries(r.perWorker)
      .map(([w, n]) => `${w}: ${n}`)
      .join(", ")}`,
    `  queue at the end   ${r.queue.waiting} waiting, ${r.queue.processing} processing, ${r.queue.dead} dead`,
    `  wall time          ${r.wallSeconds} s (push → last completion)`,
    `  throughput         ${r.throughputPerMinute} jobs/min`,
    `  latency            ${s(r.latency)} (push → completed)`,
    `  run time           ${s(r.runTime)} (started → completed)`,
    r.ok ? "  result             PASS" : `  result             FAIL: ${r.problems.join("; ")}`,
  ].join("\n");
}

function parseArgs(argv: string[]): { options: Partial<LoadOptions>; json?: string } {
  const options: Partial<LoadOptions> = {};
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag}: value missing`);
      return v;
    };
    const int = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: a positive whole number`);
      return n;
    };
    switch (flag) {
      case "--jobs":
        options.jobs = int();
        break;
      case "--workers":
        options.workers = int();
        break;
      case "--concurrency":
        options.concurrency = int();
        break;
      case "--timeout":
        options.timeoutSeconds = int();
        break;
      case "--particles":
        options.particles = int();
        break;
      case "--hours":
        options.hours = int();
        break;
      case "--products":
        options.products = value().split(",");
        break;
      case "--coastline": {
        const v = value();
        if (v !== "stranding" && v !== "previous" && v !== "none")
          throw new Error("--coastline: stranding, previous or none");
        options.coastline = v;
        break;
      }
      case "--json":
        json = value();
        break;
      case "--help":
      case "-h":
        process.stdout.write(
          "usage: npm run load -- [--jobs 200] [--workers 2] [--concurrency 2] [--timeout S] [--particles 100] [--hours 3] [--products netcdf,trajectories,png,summary] [--coastline stranding|previous|none] [--json FILE]\n",
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return { options, json };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`load: ${(err as Error).message}\n`);
    return 2;
  }
  const report = await runLoad(parsed.options);
  process.stdout.write(`${formatReport(report)}\n`);
  if (parsed.json) await writeFile(parsed.json, `${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`load: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
