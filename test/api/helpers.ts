// Starts the whole embedded server (PGlite, queue table, local files, API, page, worker) on a free port
// with a temporary data directory, as `driftline serve` does.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startEmbeddedWorker } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/service/config.js";
import { API_MIGRATIONS } from "../../src/service/db/api-keys.js";
import { MIGRATIONS, migrate } from "../../src/service/db/migrations.js";
import { type RunningServer, startServer, type WorkerStarter } from "../../src/service/embedded/app.js";
import { EMBEDDED_QUEUE_SCHEMA, EmbeddedQueue } from "../../src/service/embedded/embedded-queue.js";
import { PGliteDatabase } from "../../src/service/embedded/pglite-database.js";
import { silentLogger } from "../../src/service/log.js";
import type { SimulationRunner } from "../../src/service/worker/thread-runner.js";
import { createWorker } from "../../src/service/worker/worker.js";

/** The demo forcing that ships with the package (the same files as ../shared/data/forcing). */
export const BUNDLED_FORCING = path.resolve(import.meta.dirname, "../../data-bundled/forcing");

export interface TestServerOptions {
  dataDir?: string;
  worker?: boolean;
  /** Replaces runSimulationSpec (default: the real pipeline in a thread). */
  runner?: SimulationRunner;
  auth?: "open" | "required" | "auto";
  forcingDir?: string | null;
  env?: Record<string, string>;
}

export function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "driftline-serve-test-"));
}

/**
 * A fresh data directory whose database is already created and migrated. PGlite's first start (initdb)
 * takes seconds; copying a migrated template made once per schema version takes a fraction of that.
 */
export async function preparedDataDir(): Promise<string> {
  const schema = JSON.stringify([MIGRATIONS, API_MIGRATIONS, EMBEDDED_QUEUE_SCHEMA]);
  const hash = createHash("sha1").update(schema).digest("hex").slice(0, 12);
  const template = path.join(os.tmpdir(), `driftline-pg-template-${hash}`);
  if (!existsSync(template)) {
    const building = mkdtempSync(path.join(os.tmpdir(), "driftline-pg-building-"));
    const db = await PGliteDatabase.open(building);
    await migrate(db, API_MIGRATIONS);
    await (await EmbeddedQueue.open(db)).close();
    await db.close();
    try {
      renameSync(building, template); // atomic: parallel test files may race to build it
    } catch {
      rmSync(building, { recursive: true, force: true });
    }
  }
  const dataDir = tempDataDir();
  cpSync(template, path.join(dataDir, "pg"), { recursive: true });
  return dataDir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startTestServer(
  options: TestServerOptions = {},
): Promise<RunningServer & { dataDir: string }> {
  const dataDir = options.dataDir ?? (await preparedDataDir());
  const config = loadConfig({
    POLL_INTERVAL: "0.2",
    LEASE_SECONDS: "10",
    PROGRESS_INTERVAL_SECONDS: "0.2",
    RETRY_BASE_SECONDS: "0.2",
    METRICS_PORT: "0",
    FORCING_BUCKET: "",
    WORK_DIR: path.join(dataDir, "work"),
    MAX_CONCURRENT_JOBS: "2",
    SHUTDOWN_GRACE_SECONDS: "5",
    // Admission has its own test (test/hardening/admission.test.ts); the others post freely.
    RATE_LIMIT_PER_MINUTE: "100000",
    ...(options.forcingDir === null ? {} : { FORCING_DIR: options.forcingDir ?? BUNDLED_FORCING }),
    ...options.env,
  });
  const runner = options.runner;
  const startWorker: WorkerStarter | undefined =
    options.worker === false
      ? undefined
      : runner
        ? async ({ services, config: c, logger }) => {
            const w = createWorker({ ...services, config: c, logger, runner });
            w.start();
            return { stop: () => w.stop({ graceMs: 5000 }) };
          }
        : startEmbeddedWorker;
  const server = await startServer({
    config,
    dataDir,
    host: "127.0.0.1",
    port: 0,
    logger: silentLogger(),
    auth: options.auth ?? "auto",
    startWorker,
  });
  return Object.assign(server, { dataDir });
}

/** fetch + JSON with the server's base URL. */
export async function call(
  server: { url: string },
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API returns
): Promise<{ status: number; json: any; headers: Headers; text: string }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    (init.headers as Record<string, string>)["content-type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const res = await fetch(`${server.url}${route}`, init);
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: see above
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json, headers: res.headers, text };
}

/** Polls the mission until it is completed or failed. */
export async function waitForMission(server: { url: string }, id: string, timeoutMs = 60_000, headers = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call(server, "GET", `/api/v1/missions/${id}/status`, undefined, headers);
    const status = r.json?.data?.status;
    if (status === "completed" || status === "failed") return r.json.data;
    if (Date.now() > deadline) throw new Error(`mission ${id} still ${status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A small real run: 200 particles, 6 h, on-scene wind and current (no forcing file needed). */
export const SMALL_MISSION = {
  name: "API test: life raft off Utsira",
  description: "small run for the tests",
  lastKnownLat: 59.3,
  lastKnownLon: 4.6,
  lastKnownTime: "2024-03-01T06:00:00Z",
  objectType: "Life Raft",
  uncertaintyRadiusM: 500,
  forecastHours: 6,
  ensembleSize: 200,
  onSceneWind: { speed: 10, direction: 225 },
  onSceneCurrent: { x: 0.1, y: 0.2 },
};

/**
 * Registers beforeAll/afterAll hooks that start a test server for the file and close it (with its data
 * directory) afterwards; `current()` is the server once beforeAll has run.
 */
export function useTestServer(options: TestServerOptions = {}): {
  current(): RunningServer & { dataDir: string };
} {
  let server: (RunningServer & { dataDir: string }) | undefined;
  beforeAll(async () => {
    server = await startTestServer(options);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    if (server) removeDir(server.dataDir);
  });
  return {
    current: () => {
      if (!server) throw new Error("the test server has not started");
      return server;
    },
  };
}

/** A test server with one mission created and run to completion (for tests of a mission's sub-resources). */
export async function serverWithCompletedMission(
  mission: Record<string, unknown>,
  timeoutMs = 220_000,
): Promise<{ server: Awaited<ReturnType<typeof startTestServer>>; id: string }> {
  const server = await startTestServer();
  const created = await call(server, "POST", "/api/v1/missions", mission);
  if (created.status !== 201) throw new Error(`mission not created: ${created.status} ${created.text}`);
  const id = created.json.data.id as string;
  const done = await waitForMission(server, id, timeoutMs);
  if (done.status !== "completed") throw new Error(`mission ${id} ${done.status}`);
  return { server, id };
}

/**
 * Registers beforeAll/afterAll hooks: a test server with the mission created and run to completion for the
 * file (serverWithCompletedMission), closed with its data directory afterwards. The fields are set once
 * beforeAll has run.
 */
export function useServerWithCompletedMission(mission: Record<string, unknown>): {
  server: Awaited<ReturnType<typeof startTestServer>>;
  id: string;
} {
  const at = {} as { server: Awaited<ReturnType<typeof startTestServer>>; id: string };
  beforeAll(async () => {
    Object.assign(at, await serverWithCompletedMission(mission));
  }, 300_000);
  afterAll(async () => {
    await at.server?.close();
    if (at.server) removeDir(at.server.dataDir);
  });
  return at;
}
