// Worker configuration from environment variables: the platform contract's names and defaults, plus the
// settings this worker adds. Parsed once at start-up; every problem is reported in one error.
import os from "node:os";
import path from "node:path";
import { z } from "zod";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

export interface WorkerConfig {
  databaseUrl?: string;
  redisUrl?: string;
  s3Endpoint?: string;
  s3AccessKey?: string;
  s3SecretKey?: string;
  s3Region: string;
  resultsBucket: string;
  forcingBucket: string;
  forcingDir?: string;
  maxConcurrentJobs: number;
  queueName: string;
  pollIntervalSeconds: number;
  logLevel: LogLevel;
  resultsQueue?: string;
  dataServiceUrl?: string;
  maxAttempts: number;
  shutdownGraceSeconds: number;
  leaseSeconds: number;
  /** 0 disables the health/metrics server. */
  metricsPort: number;
  /** Address of the health and metrics server (loopback unless configured). */
  metricsHost: string;
  workerId: string;
  maxParticleSteps: number;
  /** The API's admission (api/admission.ts). */
  rateLimitPerMinute: number;
  maxQueuedPerKey: number;
  maxQueuedWorkPerKey: number;
  maxQueueDepth: number;
  /** `serve`: missions finished longer ago are deleted with their products (retention.ts); none: keep. */
  resultsRetentionDays?: number;
  maxJobSeconds: number;
  /**
   * Missions with a forcing ensemble of more particles than this are split into parts of members on the
   * queue (service/worker/split-merge.ts); 0: never.
   */
  splitParticles: number;
  maxJobMemoryMb: number;
  progressIntervalSeconds: number;
  retryBaseSeconds: number;
  outageRetrySeconds: number;
  workDir: string;
  simThreads: number;
}

/** Which outside services a command needs; their variables become required. */
export type ServiceName = "database" | "redis" | "s3";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  ${problems.join("\n  ")}`,
    );
    this.name = "ConfigError";
  }
}

export interface ConfigVariable {
  name: string;
  /** Shown in the README table; "—" when unset by default. */
  default: string;
  meaning: string;
  /** Required by `driftline worker`. */
  required?: boolean;
}

/** The environment the worker reads, for the README (lead: render with formatConfigTable()). */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  {
    name: "DATABASE_URL",
    default: "—",
    meaning: "PostgreSQL connection URL (postgres://user:pass@host:5432/db)",
    required: true,
  },
  {
    name: "REDIS_URL",
    default: "—",
    meaning: "Redis URL of the job queue (redis://[:pass@]host:6379/0)",
    required: true,
  },
  {
    name: "S3_ENDPOINT",
    default: "—",
    meaning: "S3-compatible endpoint URL (MinIO, AWS S3 …); path-style, SigV4",
    required: true,
  },
  { name: "S3_ACCESS_KEY", default: "—", meaning: "S3 access key id", required: true },
  { name: "S3_SECRET_KEY", default: "—", meaning: "S3 secret key (never logged)", required: true },
  { name: "S3_REGION", default: "us-east-1", meaning: "S3 signing region" },
  {
    name: "RESULTS_BUCKET",
    default: "driftline-results",
    meaning: "Bucket for products (`{mission_id}/…`), created on demand",
  },
  {
    name: "FORCING_BUCKET",
    default: "environmental-data",
    meaning:
      "Bucket of the platform's forcing files (`{data_type}/{YYYY/MM/DD/HH}/{file}`); before each job the files whose cycles can cover it are copied into `<forcing dir>/<bucket>/`; empty disables",
  },
  {
    name: "FORCING_DIR",
    default: "—",
    meaning: "Forcing catalog directory; default `<WORK_DIR>/forcing` when FORCING_BUCKET is used",
  },
  { name: "MAX_CONCURRENT_JOBS", default: "2", meaning: "Jobs run at once by one worker process (1–64)" },
  {
    name: "QUEUE_NAME",
    default: "drift_jobs",
    meaning: "Redis list producers RPUSH jobs onto; other keys use it as prefix",
  },
  { name: "POLL_INTERVAL", default: "5", meaning: "Seconds one blocking claim waits for a job" },
  {
    name: "LOG_LEVEL",
    default: "INFO",
    meaning: "debug, info, warn/warning, error, critical (any case); also trace, fatal, silent",
  },
  {
    name: "RESULTS_QUEUE",
    default: "—",
    meaning:
      "When set (the platform uses `results_processing`), push `{mission_id, netcdf_path}` there after each completed mission",
  },
  {
    name: "DATA_SERVICE_URL",
    default: "—",
    meaning: "Platform data service URL (accepted for compatibility; passed to live forcing)",
  },
  {
    name: "MAX_ATTEMPTS",
    default: "3",
    meaning: "Deliveries of a job before it is failed and dead-lettered (1–100)",
  },
  {
    name: "SHUTDOWN_GRACE_SECONDS",
    default: "60",
    meaning: "On SIGTERM/SIGINT, time running jobs get to finish before they go back to the queue",
  },
  {
    name: "LEASE_SECONDS",
    default: "60",
    meaning:
      "Lease on claimed jobs, renewed every third of it; a dead worker's jobs return to the queue after it expires",
  },
  { name: "METRICS_PORT", default: "9464", meaning: "Port of GET /healthz, /readyz, /metrics (0 disables)" },
  {
    name: "METRICS_HOST",
    default: "127.0.0.1",
    meaning: "Address the health and metrics port binds (0.0.0.0 for a scraper on another host)",
  },
  {
    name: "WORKER_ID",
    default: "<hostname>-<pid>",
    meaning: "Name of this worker in logs, rows and queue keys (a random suffix keeps restarts apart)",
  },
  {
    name: "MAX_PARTICLE_STEPS",
    default: "500000000",
    meaning: "Cap on particles × time steps per job; larger jobs are refused before any work",
  },
  {
    name: "RATE_LIMIT_PER_MINUTE",
    default: "30",
    meaning:
      "API: missions one API key may create per minute (burst as large); more get 429 with Retry-After",
  },
  {
    name: "MAX_QUEUED_PER_KEY",
    default: "200",
    meaning: "API: missions of one API key created, queued or running at once; more get 429 with Retry-After",
  },
  {
    name: "MAX_QUEUED_WORK_PER_KEY",
    default: "2000000000",
    meaning: "API: particle-steps (particles × steps) one API key may have waiting or running",
  },
  {
    name: "MAX_QUEUE_DEPTH",
    default: "1000",
    meaning: "API: jobs waiting in the queue (all keys) above which new missions get 429 with Retry-After",
  },
  {
    name: "RESULTS_RETENTION_DAYS",
    default: "—",
    meaning:
      "`serve`: missions finished (completed or failed) more than this many days ago are deleted hourly with their products; unset keeps everything",
  },
  { name: "MAX_JOB_SECONDS", default: "3600", meaning: "Cap on one job's simulation wall time" },
  {
    name: "SPLIT_PARTICLES",
    default: "0",
    meaning:
      "A mission with a forcing ensemble of more particles than this is split into parts (ranges of members, at most this many particles each) that any worker runs; the worker finishing the last part merges them; 0 never splits",
  },
  {
    name: "MAX_JOB_MEMORY_MB",
    default: "4096",
    meaning:
      "Memory cap of one job (256 or more): jobs whose estimated memory exceeds it are refused before any work; also the heap limit of its simulation thread",
  },
  {
    name: "PROGRESS_INTERVAL_SECONDS",
    default: "3",
    meaning: "How often a running job writes `missions.progress`",
  },
  {
    name: "RETRY_BASE_SECONDS",
    default: "10",
    meaning: "First retry delay after a transient failure; doubles per attempt (max 15 min)",
  },
  {
    name: "OUTAGE_RETRY_SECONDS",
    default: "60",
    meaning: "How long one database/S3 operation is retried through an outage before the attempt fails",
  },
  {
    name: "WORK_DIR",
    default: "<tmpdir>/driftline-worker",
    meaning: "Scratch directory for products before upload",
  },
  { name: "SIM_THREADS", default: "1", meaning: "Threads of one simulation's step loop" },
  {
    name: "DRIFTLINE_KERNELS",
    default: "wasm",
    meaning: "`js`: step with the JavaScript kernels only (same results; ~2.5× slower on one thread)",
  },
];

/** Markdown table of CONFIG_VARIABLES for the README. */
export function formatConfigTable(): string {
  const rows = CONFIG_VARIABLES.map(
    (v) =>
      `| \`${v.name}\` | ${v.required ? "**required**" : v.default === "—" ? "—" : `\`${v.default}\``} | ${v.meaning} |`,
  );
  return ["| Variable | Default | Meaning |", "|---|---|---|", ...rows].join("\n");
}

const LOG_LEVELS: Record<string, LogLevel> = {
  trace: "trace",
  debug: "debug",
  info: "info",
  warn: "warn",
  warning: "warn",
  error: "error",
  critical: "fatal",
  fatal: "fatal",
  silent: "silent",
};

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
const seconds = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a number of seconds" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
const url = (schemes: string[]) =>
  z.string().refine(
    (s) => {
      try {
        return schemes.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL with scheme ${schemes.join(" or ")}` },
  );
const name = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,200}$/, { error: "must be 1–200 letters, digits, _ . : -" });

const schema = z.object({
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  REDIS_URL: url(["redis:", "rediss:"]).optional(),
  S3_ENDPOINT: url(["http:", "https:"]).optional(),
  S3_ACCESS_KEY: z.string().optional(),
  S3_SECRET_KEY: z.string().optional(),
  S3_REGION: z.string().default("us-east-1"),
  RESULTS_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be a valid S3 bucket name" })
    .default("driftline-results"),
  FORCING_BUCKET: z
    .string()
    .regex(/^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$/, { error: "must be a valid S3 bucket name or empty" })
    .default("environmental-data"),
  FORCING_DIR: z.string().optional(),
  MAX_CONCURRENT_JOBS: int(1, 64).default(2),
  QUEUE_NAME: name.default("drift_jobs"),
  POLL_INTERVAL: seconds(0.1, 300).default(5),
  LOG_LEVEL: z
    .string()
    .transform((s, ctx) => {
      const level = LOG_LEVELS[s.trim().toLowerCase()];
      if (!level) {
        ctx.addIssue({
          code: "custom",
          message: `must be one of ${Object.keys(LOG_LEVELS).join(", ")} (any case)`,
        });
        return z.NEVER;
      }
      return level;
    })
    .default("info"),
  RESULTS_QUEUE: name.optional(),
  DATA_SERVICE_URL: url(["http:", "https:"]).optional(),
  MAX_ATTEMPTS: int(1, 100).default(3),
  SHUTDOWN_GRACE_SECONDS: seconds(0, 86400).default(60),
  LEASE_SECONDS: seconds(1, 3600).default(60),
  METRICS_PORT: int(0, 65535).default(9464),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  WORKER_ID: name.optional(),
  MAX_PARTICLE_STEPS: int(1, Number.MAX_SAFE_INTEGER).default(500_000_000),
  RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(30),
  MAX_QUEUED_PER_KEY: int(1, 10_000_000).default(200),
  MAX_QUEUED_WORK_PER_KEY: int(1, Number.MAX_SAFE_INTEGER).default(2_000_000_000),
  MAX_QUEUE_DEPTH: int(1, 100_000_000).default(1000),
  RESULTS_RETENTION_DAYS: z.coerce
    .number({ error: "must be a number of days" })
    .positive({ error: "must be more than 0" })
    .max(36_500, { error: "must be at most 36500" })
    .optional(),
  MAX_JOB_SECONDS: seconds(1, 7 * 86400).default(3600),
  SPLIT_PARTICLES: int(0, 5_000_000).default(0),
  // Below ~128 MB a simulation thread cannot even load its code, and a worker thread that reaches its heap
  // limit can abort the whole process (nodejs/node#47224): keep a safe floor.
  MAX_JOB_MEMORY_MB: int(256, 1_048_576).default(4096),
  PROGRESS_INTERVAL_SECONDS: seconds(0.1, 3600).default(3),
  RETRY_BASE_SECONDS: seconds(0, 3600).default(10),
  OUTAGE_RETRY_SECONDS: seconds(0, 86400).default(60),
  WORK_DIR: z.string().optional(),
  SIM_THREADS: int(1, 256).default(1),
  // Read where particles are allocated (src/core/wasm/kernels.ts); checked here so that the worker refuses to start.
  DRIFTLINE_KERNELS: z.enum(["wasm", "js"]).default("wasm"),
});

const REQUIRED: Record<ServiceName, string[]> = {
  database: ["DATABASE_URL"],
  redis: ["REDIS_URL"],
  s3: ["S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY"],
};

/**
 * Reads the configuration; throws ConfigError listing every missing or malformed variable. Empty values
 * count as unset (docker-compose `FOO=`). `require` names the services whose variables must be present.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: { require?: ServiceName[] } = {},
): WorkerConfig {
  const known = Object.keys(schema.shape);
  const input: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") input[key] = value.trim();
  }
  if (env.FORCING_BUCKET !== undefined && env.FORCING_BUCKET.trim() === "") input.FORCING_BUCKET = "";

  const problems: string[] = [];
  for (const service of options.require ?? []) {
    for (const key of REQUIRED[service])
      if (input[key] === undefined) problems.push(`${key}: required, not set`);
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      const secret = /SECRET|PASSWORD|_URL$/.test(key);
      const shown = secret ? "" : ` (got ${JSON.stringify(input[key])})`;
      problems.push(`${key}: ${issue.message}${shown}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const workDir = path.resolve(e.WORK_DIR ?? path.join(os.tmpdir(), "driftline-worker"));
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    s3Endpoint: e.S3_ENDPOINT,
    s3AccessKey: e.S3_ACCESS_KEY,
    s3SecretKey: e.S3_SECRET_KEY,
    s3Region: e.S3_REGION,
    resultsBucket: e.RESULTS_BUCKET,
    forcingBucket: e.FORCING_BUCKET,
    forcingDir: e.FORCING_DIR ? path.resolve(e.FORCING_DIR) : undefined,
    maxConcurrentJobs: e.MAX_CONCURRENT_JOBS,
    queueName: e.QUEUE_NAME,
    pollIntervalSeconds: e.POLL_INTERVAL,
    logLevel: e.LOG_LEVEL,
    resultsQueue: e.RESULTS_QUEUE,
    dataServiceUrl: e.DATA_SERVICE_URL,
    maxAttempts: e.MAX_ATTEMPTS,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    leaseSeconds: e.LEASE_SECONDS,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    workerId:
      e.WORKER_ID ??
      `${os
        .hostname()
        .replace(/[^A-Za-z0-9_.:-]/g, "_")
        .slice(0, 100)}-${process.pid}`,
    maxParticleSteps: e.MAX_PARTICLE_STEPS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    maxQueuedPerKey: e.MAX_QUEUED_PER_KEY,
    maxQueuedWorkPerKey: e.MAX_QUEUED_WORK_PER_KEY,
    maxQueueDepth: e.MAX_QUEUE_DEPTH,
    resultsRetentionDays: e.RESULTS_RETENTION_DAYS,
    maxJobSeconds: e.MAX_JOB_SECONDS,
    splitParticles: e.SPLIT_PARTICLES,
    maxJobMemoryMb: e.MAX_JOB_MEMORY_MB,
    progressIntervalSeconds: e.PROGRESS_INTERVAL_SECONDS,
    retryBaseSeconds: e.RETRY_BASE_SECONDS,
    outageRetrySeconds: e.OUTAGE_RETRY_SECONDS,
    workDir,
    simThreads: e.SIM_THREADS,
  };
}

/** The configuration with secrets removed, for the start-up log line. */
export function describeConfig(config: WorkerConfig): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: config.databaseUrl && redactUrl(config.databaseUrl),
    redisUrl: config.redisUrl && redactUrl(config.redisUrl),
    // Endpoints may carry credentials too (http://user:pass@host).
    s3Endpoint: config.s3Endpoint && redactUrl(config.s3Endpoint),
    dataServiceUrl: config.dataServiceUrl && redactUrl(config.dataServiceUrl),
    s3SecretKey: config.s3SecretKey ? "***" : undefined,
  };
}

/** Replaces the password (and a lone user-info token) of a URL with ***. */
export function redactUrl(text: string): string {
  try {
    const u = new URL(text);
    if (u.password) u.password = "***";
    else if (u.username && (u.protocol === "redis:" || u.protocol === "rediss:")) u.username = "***";
    return u.toString();
  } catch {
    return text.replace(/\/\/([^/@:]*):[^/@]*@/g, "//$1:***@");
  }
}
