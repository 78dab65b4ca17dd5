// API keys (hashed, shown once, bearer tokens, each user sees only their missions) and a queued mission
// that survives a restart of the embedded server.
import { afterAll, describe, expect, it } from "vitest";
import { createApiKey, ensureLocalUser, hashApiKey } from "../../src/service/db/api-keys.js";
import { isLoopback } from "../../src/service/embedded/app.js";
import { fakeRunner } from "./fake-runner.js";
import {
  call,
  preparedDataDir,
  removeDir,
  SMALL_MISSION,
  startTestServer,
  waitForMission,
} from "./helpers.js";

const runner = process.env.DRIFTLINE_TEST_FAKE_RUNNER ? fakeRunner : undefined;
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

describe("restart during a queued mission", () => {
  it("keeps the job in the embedded queue and completes it after the restart", async () => {
    const dataDir = await preparedDataDir();
    dirs.push(dataDir);
    // First life: API only, no worker: the mission stays queued.
    const first = await startTestServer({ dataDir, worker: false, forcingDir: null });
    let id: string;
    try {
      const created = await call(first, "POST", "/api/v1/missions", {
        ...SMALL_MISSION,
        name: "restart test",
      });
      expect(created.status).toBe(201);
      id = created.json.data.id;
      expect(created.json.data.status).toBe("queued");
      expect(await first.services.queue.stats()).toMatchObject({ waiting: 1, processing: 0 });
    } finally {
      await first.close();
    }
    // Second life on the same data directory, with the worker.
    const second = await startTestServer({ dataDir, runner, forcingDir: null });
    try {
      const status = await waitForMission(second, id, 120_000);
      expect(status.status).toBe("completed");
      expect(await second.services.queue.stats()).toMatchObject({ waiting: 0, processing: 0, dead: 0 });
      const list = await call(second, "GET", "/api/v1/missions");
      expect(list.json.data.map((m: { id: string }) => m.id)).toContain(id);
    } finally {
      await second.close();
    }
  });
});

describe("API keys", () => {
  it("requires a bearer key, stores only its hash, and scopes missions to their user", async () => {
    const server = await startTestServer({ auth: "required", runner, forcingDir: null });
    dirs.push(server.dataDir);
    try {
      const key = server.createdApiKey!;
      expect(key).toMatch(/^dl_[A-Za-z0-9_-]{20,}$/);
      const stored = await server.services.db.query<{ key_hash: string }>("SELECT key_hash FROM api_keys");
      expect(stored.rows.map((r) => r.key_hash)).toEqual([hashApiKey(key)]);
      expect(JSON.stringify(stored.rows)).not.toContain(key);

      // Without a key: missions are closed, health, docs and reference data stay open.
      const closed = await call(server, "GET", "/api/v1/missions");
      expect(closed.status).toBe(401);
      expect(closed.headers.get("www-authenticate")).toMatch(/Bearer/);
      expect(closed.json.error).toMatch(/Authorization: Bearer/);
      expect((await call(server, "POST", "/api/v1/missions", SMALL_MISSION)).status).toBe(401);
      for (const open of [
        "/health",
        "/api/v1/health",
        "/api/v1/openapi.json",
        "/api/docs",
        "/api/v1/object-types",
        "/",
      ]) {
        expect((await call(server, "GET", open)).status).toBe(200);
      }
      const wrong = await call(server, "GET", "/api/v1/missions", undefined, {
        authorization: "Bearer dl_wrong",
      });
      expect(wrong.status).toBe(401);
      expect(wrong.json.error).toMatch(/unknown, revoked or expired/);

      const auth = { authorization: `Bearer ${key}` };
      const created = await call(server, "POST", "/api/v1/missions", SMALL_MISSION, auth);
      expect(created.status).toBe(201);
      const id = created.json.data.id;
      expect(
        (await call(server, "GET", `/api/v1/missions/${id}`, undefined, { "x-api-key": key })).status,
      ).toBe(200);

      // Another user's key sees neither the mission nor its list entry.
      const otherUser = await ensureLocalUser(server.services.db, "other@example.org");
      const other = await createApiKey(server.services.db, { userId: otherUser, name: "other" });
      const otherAuth = { authorization: `Bearer ${other.key}` };
      expect((await call(server, "GET", `/api/v1/missions/${id}`, undefined, otherAuth)).status).toBe(404);
      expect((await call(server, "DELETE", `/api/v1/missions/${id}`, undefined, otherAuth)).status).toBe(404);
      const otherList = await call(server, "GET", "/api/v1/missions", undefined, otherAuth);
      expect(otherList.json).toMatchObject({ data: [], total: 0 });
      const mine = await call(server, "GET", "/api/v1/missions", undefined, auth);
      expect(mine.json.data.map((m: { id: string }) => m.id)).toEqual([id]);

      // A revoked key stops working.
      await server.services.db.query("UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1", [
        hashApiKey(other.key),
      ]);
      expect((await call(server, "GET", "/api/v1/missions", undefined, otherAuth)).status).toBe(401);

      await waitForMission(server, id, 120_000, auth);
    } finally {
      await server.close();
    }
  });

  it("runs open in embedded mode on localhost only", async () => {
    expect(["127.0.0.1", "localhost", "::1"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "192.168.1.5"].some(isLoopback)).toBe(false);
    const server = await startTestServer({ worker: false, forcingDir: null });
    dirs.push(server.dataDir);
    try {
      expect(server.auth).toBe("open");
      expect(server.createdApiKey).toBeUndefined();
      expect((await call(server, "GET", "/api/v1/missions")).status).toBe(200);
      expect((await call(server, "GET", "/api/v1/health")).json.mode).toMatch(/open on localhost/);
    } finally {
      await server.close();
    }
  });
});
