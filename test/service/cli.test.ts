// Operator commands: `driftline enqueue`, `driftline queue …` (in-process) and `driftline worker` (a real
// child process: configuration errors, start-up, SIGTERM).
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { run as enqueue } from "../../src/cli/enqueue.js";
import { run as queueCommand } from "../../src/cli/queue.js";
import { capture } from "../helpers/capture.js";
import { have } from "../helpers/needs.js";
import {
  createTestDatabase,
  deleteQueueKeys,
  REDIS_URL,
  startS3,
  type TestDatabase,
  type TestS3,
  token,
  waitFor,
} from "./helpers.js";

const SERVICES = await have(
  "test/service/cli.test.ts: driftline enqueue, queue and worker",
  "postgres",
  "redis",
);

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
let database: TestDatabase;
let s3: TestS3;
let redis: Redis;
const queueName = `dl_cli_${token()}`;

beforeAll(async () => {
  [database, s3] = await Promise.all([createTestDatabase(), startS3()]);
  redis = new Redis(REDIS_URL);
  process.env.DATABASE_URL = database.url;
  process.env.REDIS_URL = REDIS_URL;
  process.env.QUEUE_NAME = queueName;
});
afterAll(async () => {
  await deleteQueueKeys(queueName);
  await redis?.quit();
  await Promise.all([database?.drop(), s3?.close()]);
});

describe.runIf(SERVICES)("driftline enqueue and queue", () => {
  it("inserts queued missions as the API would and pushes their jobs in the contract's JSON", async () => {
    const r = await capture(() =>
      enqueue([
        "--lat",
        "60",
        "--lon=-3",
        "--time",
        "2024-01-01T12:00:00Z",
        "--hours",
        "12",
        "--particles",
        "500",
        "--object-type",
        "Life Raft",
        "--count",
        "3",
      ]),
    );
    expect(r.code).toBe(0);
    const ids = r.out.trim().split("\n");
    expect(ids.length).toBe(3);
    const rows = (
      await database.db.query("SELECT * FROM missions WHERE id = ANY($1::uuid[]) ORDER BY name", [ids])
    ).rows;
    expect(rows.map((m) => m.status)).toEqual(["queued", "queued", "queued"]);
    expect(rows[0]).toMatchObject({
      last_known_lat: 60,
      last_known_lon: -3,
      object_type: "Life Raft",
      forecast_hours: 12,
      ensemble_size: 500,
    });
    const jobs = (await redis.lrange(queueName, 0, -1)).map((j) => JSON.parse(j));
    expect(jobs[0]).toEqual({
      mission_id: ids[0],
      params: {
        latitude: 60,
        longitude: -3,
        start_time: "2024-01-01T12:00:00Z",
        duration_hours: 12,
        num_particles: 500,
        object_type: 7,
        uncertainty_radius_m: 100,
      },
    });
  });

  it("refuses a bad job before touching the database, naming the field", async () => {
    const r = await capture(() => enqueue(["--lat", "95", "--lon", "0", "--time", "2024-01-01T00:00:00Z"]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/params\.latitude: must be between -90 and 90/);
    const t = await capture(() =>
      enqueue(["--lat", "60", "--lon", "0", "--time", "2024-01-01T00:00:00Z", "--object-type", "spaceship"]),
    );
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/--object-type: unknown object type/);
  });

  it("shows status, lists and retries dead letters, and clears", async () => {
    await redis.rpush(
      `${queueName}:dead`,
      JSON.stringify({
        raw: '{"mission_id":"x"}',
        reason: "mission_id: must be a UUID",
        at: new Date().toISOString(),
        attempt: 1,
      }),
    );
    let r = await capture(() => queueCommand(["status", "--json"]));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ queue: queueName, waiting: 3, processing: 0, dead: 1 });
    r = await capture(() => queueCommand(["status"]));
    expect(r.out).toMatch(/waiting\s+3/);
    r = await capture(() => queueCommand(["dead"]));
    expect(r.out).toContain("must be a UUID");
    r = await capture(() => queueCommand(["retry-dead"]));
    expect(r.out).toContain("moved 1 dead letter(s)");
    expect(await redis.lindex(queueName, -1)).toBe('{"mission_id":"x"}');
    r = await capture(() => queueCommand(["clear"]));
    expect(r.out).toContain("removed 4 waiting job(s)");
    r = await capture(() => queueCommand(["clear", "--dead"]));
    expect(r.out).toContain("removed 0 dead letter(s)");
    r = await capture(() => queueCommand(["explode"]));
    expect(r.code).toBe(2);
  });
});

const children: ChildProcess[] = [];
afterEach(() => {
  // A failed assertion must not leave a worker process behind.
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

function startWorker(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      "import('./src/cli/worker.ts').then((m) => m.run([])).then((code) => process.exit(code))",
    ],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let text = "";
  child.stdout?.on("data", (d) => {
    text += String(d);
  });
  child.stderr?.on("data", (d) => {
    text += String(d);
  });
  return { child, output: () => text };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe.runIf(SERVICES)("driftline worker (process)", () => {
  it("refuses to start with one message listing every missing or malformed variable", async () => {
    const { child, output } = startWorker({ REDIS_URL: "localhost:6379", MAX_CONCURRENT_JOBS: "0" });
    expect(await exitCode(child)).toBe(2);
    const text = output();
    for (const name of [
      "DATABASE_URL",
      "REDIS_URL",
      "S3_ENDPOINT",
      "S3_ACCESS_KEY",
      "S3_SECRET_KEY",
      "MAX_CONCURRENT_JOBS",
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toContain("invalid configuration (6 problems)");
  });

  it("starts, migrates, runs a job (mission_id on its log lines, no secrets), and exits 0 on SIGTERM", async () => {
    const dbUrl = new URL(database.url);
    dbUrl.password = "pw-never-logged"; // trust authentication ignores it
    const { child, output } = startWorker({
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: "S3RVER",
      S3_SECRET_KEY: "S3RVER",
      QUEUE_NAME: queueName,
      POLL_INTERVAL: "0.5",
      METRICS_PORT: "0",
      LOG_LEVEL: "INFO",
      FORCING_BUCKET: "",
    });
    const exited = exitCode(child);
    await waitFor(async () => output().includes('"msg":"worker started"'), "worker started", 30_000);
    const r = await capture(() =>
      enqueue([
        "--lat",
        "60",
        "--lon",
        "3",
        "--time",
        "2016-02-01T12:00:00Z",
        "--hours",
        "2",
        "--particles",
        "50",
        "--wind",
        "0,-10",
        "--current",
        "0.2,0",
      ]),
    );
    expect(r.code).toBe(0);
    const id = r.out.trim();
    await waitFor(
      async () =>
        (await database.db.query("SELECT status FROM missions WHERE id = $1", [id])).rows[0]?.status ===
        "completed",
      "mission completed by the worker process",
      40_000,
      200,
    );
    const t0 = Date.now();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const lines = output()
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ level: "info", msg: "driftline worker starting" });
    const jobLines = lines.filter((l) => l.attempt !== undefined);
    expect(jobLines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(["job started", "products stored", "job completed"]),
    );
    for (const l of jobLines) expect(l.mission_id).toBe(id);
    expect(output()).not.toContain("pw-never-logged");
    expect(output()).toContain('"msg":"worker stopped"');
  });
});
