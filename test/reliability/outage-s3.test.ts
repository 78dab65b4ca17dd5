// Fault: the S3 server goes away while a job uploads its products. Uploads are retried and the mission
// completes when the server returns; if it stays away, the mission is `failed` with a message naming the
// operation and the cause after MAX_ATTEMPTS; and a mission is never `completed` unless every product is
// stored (one product refused → failed, no result row). Real simulation in a worker thread, real S3 client,
// s3rver stopped and restarted on the same port. 35–70 s.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { Database } from "../../src/service/ports.js";
import { have } from "../helpers/needs.js";
import {
  addMission,
  BUCKET,
  checkStoredProducts,
  type InProcessWorker,
  jobJson,
  missionRow,
  queueName,
  type RestartableS3,
  resultRows,
  smallParams,
  startFileServices,
  startInProcessWorker,
  stopFileServices,
  type TestDatabase,
  waitFor,
} from "./helpers.js";

const SERVICES = await have(
  "test/reliability/outage-s3.test.ts: S3 outages during upload",
  "postgres",
  "redis",
);

let database: TestDatabase;
let s3: RestartableS3;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  ({ database, s3 } = await startFileServices());
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await s3.start(); // whatever a test did, the next one starts with the server up
});
afterAll(async () => {
  await stopFileServices({ database, s3 });
});

const PRODUCTS = ["netcdf", "trajectories", "png", "summary"];

function start(env: Record<string, string>, endpoint = s3.endpoint): InProcessWorker {
  const w = startInProcessWorker({ db: database.db, s3Endpoint: endpoint, queueName: queueName("s3"), env });
  cleanups.push(() => w.close());
  onTestFailed(() =>
    console.log(
      w
        .logs()
        .map((l) => JSON.stringify(l).slice(0, 400))
        .join("\n"),
    ),
  );
  return w;
}

/** Records every status the mission row shows, sampled every 50 ms, until stopped. */
function watchStatuses(db: Database, id: string): { seen: Set<string>; stop(): Promise<void> } {
  const seen = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const m = await missionRow(db, id).catch(() => undefined);
      if (m?.status) seen.add(String(m.status));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    seen,
    async stop() {
      running = false;
      await loop;
    },
  };
}

const settled = (id: string) => async () => {
  const m = await missionRow(database.db, id);
  return m.status === "completed" || m.status === "failed" ? m : null;
};

const msgs = (w: InProcessWorker) => w.logs().map((l) => String(l.msg));
const STORAGE_RETRY = /^(upload [0-9a-f-]{36}\/\S+|create results bucket) failed; retrying$/;

/** An HTTP proxy in front of s3rver that answers 503 to the requests `refuse` picks. */
async function faultyProxy(
  targetPort: number,
  refuse: (req: http.IncomingMessage) => boolean,
): Promise<{ endpoint: string; refused: () => number; close(): Promise<void> }> {
  let refused = 0;
  const server = http.createServer((req, res) => {
    if (refuse(req)) {
      refused++;
      req.resume();
      req.on("end", () => {
        res.writeHead(503, { "content-type": "application/xml" });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>injected by the test</Message></Error>',
        );
      });
      return;
    }
    const upstream = http.request(
      { host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    refused: () => refused,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.runIf(SERVICES)("S3 outages during upload", () => {
  it("S3 down while the job is about to upload: retried, completed when the server returns", async () => {
    const w = start({ OUTAGE_RETRY_SECONDS: "60", MAX_ATTEMPTS: "3" });
    const id = await addMission(database.db, "s3 comes back");
    await w.queue.push(jobJson(id, smallParams({ products: PRODUCTS })));
    await waitFor(async () => (await missionRow(database.db, id)).status === "processing", "running", 45_000);
    await s3.stop();
    // The worker reaches the upload while the server is away, and keeps trying.
    await waitFor(async () => msgs(w).some((m) => STORAGE_RETRY.test(m)), "upload retried", 45_000);
    await s3.start();
    const m = await waitFor(settled(id), "mission settled", 45_000, 100);
    expect(m.error_message).toBeNull();
    expect(m.status).toBe("completed");
    expect(m.attempts).toBe(1);
    const rows = await resultRows(database.db, id);
    expect(rows.length).toBe(1);
    expect(await checkStoredProducts(s3.storage, rows[0])).toEqual([...PRODUCTS].sort());
  }, 120_000);

  it("S3 stays down: `failed` after MAX_ATTEMPTS with a message naming the operation and the cause; never completed", async () => {
    const w = start({ OUTAGE_RETRY_SECONDS: "1", MAX_ATTEMPTS: "2", RETRY_BASE_SECONDS: "0.2" });
    const id = await addMission(database.db, "s3 stays down");
    const watch = watchStatuses(database.db, id);
    await s3.stop();
    await w.queue.push(jobJson(id, smallParams({ products: PRODUCTS })));
    const m = await waitFor(settled(id), "mission settled", 90_000, 100);
    await watch.stop();
    expect(m.status).toBe("failed");
    expect(m.attempts).toBe(2);
    expect(String(m.error_message)).toMatch(
      /^failed after 2 attempts: (upload [0-9a-f-]{36}\/\S+|create results bucket): .*(ECONNREFUSED|connect)/,
    );
    expect(watch.seen.has("completed")).toBe(false);
    expect(await resultRows(database.db, id)).toEqual([]);
    const dead = await w.queue.listDead();
    expect(dead.length).toBe(1);
    expect(dead[0].reason).toBe(m.error_message);
    expect(msgs(w).filter((x) => /^attempt 1 of 2 failed; will retry$/.test(x)).length).toBe(1);
  }, 120_000);

  it("one product refused by S3 every time: `failed`, no result row, never `completed` with a product missing", async () => {
    const proxy = await faultyProxy(
      s3.port,
      (req) => req.method === "PUT" && /\/heatmap\.png(\?|$)/.test(req.url ?? ""),
    );
    cleanups.push(() => proxy.close());
    const w = start(
      { OUTAGE_RETRY_SECONDS: "1", MAX_ATTEMPTS: "2", RETRY_BASE_SECONDS: "0.2" },
      proxy.endpoint,
    );
    const id = await addMission(database.db, "one product refused");
    const watch = watchStatuses(database.db, id);
    await w.queue.push(jobJson(id, smallParams({ products: PRODUCTS })));
    const m = await waitFor(settled(id), "mission settled", 90_000, 100);
    await watch.stop();
    expect(proxy.refused()).toBeGreaterThan(0);
    expect(m.status).toBe("failed");
    expect(String(m.error_message)).toMatch(
      new RegExp(
        `^failed after 2 attempts: upload ${id}/heatmap\\.png: (ServiceUnavailable|injected by the test)`,
      ),
    );
    expect(watch.seen.has("completed")).toBe(false);
    expect(await resultRows(database.db, id)).toEqual([]);
    // What reached the bucket before the refusal stays there, but no row points at it.
    expect(await s3.storage.exists(BUCKET, `${id}/heatmap.png`)).toBe(false);
  }, 120_000);
});
