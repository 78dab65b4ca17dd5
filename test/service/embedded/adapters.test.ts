// The embedded adapters on their own: PGlite database, the durable queue table, local object storage.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedQueue } from "../../../src/service/embedded/embedded-queue.js";
import { LocalStorage, ObjectNotFoundError } from "../../../src/service/embedded/local-storage.js";
import { PGliteDatabase } from "../../../src/service/embedded/pglite-database.js";

let db: PGliteDatabase;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "driftline-embedded-"));
  db = await PGliteDatabase.open(path.join(dir, "pg"));
});

afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("PGliteDatabase", () => {
  it("runs parameterised queries, multi-statement scripts and reports affected rows", async () => {
    await db.query("CREATE TABLE t (id SERIAL PRIMARY KEY, v TEXT, at TIMESTAMP); CREATE INDEX ON t (v)");
    const inserted = await db.query<{ id: number }>(
      "INSERT INTO t (v, at) VALUES ($1, $2), ($3, $2) RETURNING id",
      ["a", "2024-01-01T12:00:00Z", "b"],
    );
    expect(inserted.rows.map((r) => r.id)).toEqual([1, 2]);
    const updated = await db.query("UPDATE t SET v = 'c' WHERE id > $1", [0]);
    expect(updated.rowCount).toBe(2);
    const { rows } = await db.query<{ at: Date; u: string }>(
      "SELECT at, gen_random_uuid()::text AS u FROM t LIMIT 1",
    );
    expect(rows[0].at.toISOString()).toBe("2024-01-01T12:00:00.000Z");
    expect(rows[0].u).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("names the directory when it cannot open it", async () => {
    const file = path.join(dir, "not-a-dir");
    await import("node:fs/promises").then((fs) => fs.writeFile(file, "x"));
    await expect(PGliteDatabase.open(file)).rejects.toThrow(/not-a-dir/);
  });
});

describe("EmbeddedQueue", () => {
  it("delivers each job once, with leases, retries, dead letters and stats", async () => {
    const q = await EmbeddedQueue.open(db, "test_jobs");
    await q.push('{"n":1}');
    await q.push('{"n":2}');
    expect(await q.stats()).toEqual({ waiting: 2, processing: 0, dead: 0 });

    const [a, b] = await Promise.all([q.claim("w1", 10_000, 0), q.claim("w2", 10_000, 0)]);
    expect(new Set([a?.raw, b?.raw])).toEqual(new Set(['{"n":1}', '{"n":2}']));
    expect(a?.attempt).toBe(1);
    expect(await q.claim("w3", 10_000, 0)).toBeNull();
    expect(await q.stats()).toEqual({ waiting: 0, processing: 2, dead: 0 });

    await q.renew(a!, 10_000);
    await q.ack(a!);
    await expect(q.renew(a!, 1000)).rejects.toThrow(/no longer leased/);

    await q.release(b!, 0);
    const again = await q.claim("w1", 10_000, 0);
    expect(again?.raw).toBe(b?.raw);
    expect(again?.attempt).toBe(2);
    // A stale receipt (the first delivery) cannot ack the second delivery: it is told so.
    await expect(q.ack(b!)).rejects.toThrow(/no longer leased/);
    expect((await q.stats()).processing).toBe(1);

    await q.deadLetter(again!, "bad job");
    await q.deadLetter({ raw: "not json" }, "unparseable");
    expect(await q.stats()).toEqual({ waiting: 0, processing: 0, dead: 2 });
    expect((await q.deadJobs()).map((d) => d.reason)).toEqual(["unparseable", "bad job"]);
    await q.close();
  });

  it("returns jobs whose lease expired and honours release delays", async () => {
    const q = await EmbeddedQueue.open(db, "lease_jobs");
    await q.push("job");
    const job = await q.claim("dead-worker", 50, 0);
    expect(job).not.toBeNull();
    await new Promise((r) => setTimeout(r, 120));
    expect(await q.reclaimExpired()).toBe(1);
    const redelivered = await q.claim("w", 10_000, 0);
    expect(redelivered?.attempt).toBe(2);
    await q.release(redelivered!, 300);
    expect(await q.claim("w", 10_000, 0)).toBeNull();
    const later = await q.claim("w", 10_000, 2000);
    expect(later?.raw).toBe("job");
    await q.close();
  });

  it("wakes a waiting claim as soon as a job is pushed", async () => {
    const q = await EmbeddedQueue.open(db, "wake_jobs");
    const started = Date.now();
    const pending = q.claim("w", 10_000, 5000);
    setTimeout(() => void q.push("soon"), 50);
    expect((await pending)?.raw).toBe("soon");
    expect(Date.now() - started).toBeLessThan(1500);
    await q.close();
  });
});

describe("LocalStorage", () => {
  it("stores, lists, reads and deletes objects under bucket/key", async () => {
    const storage = new LocalStorage(path.join(dir, "products"));
    await storage.ensureBucket("driftline-results");
    const id = "9b2f0c1e-0000-4000-8000-000000000001";
    await storage.put(
      "driftline-results",
      `${id}/raw/particles.nc`,
      new Uint8Array([67, 68, 70, 1]),
      "application/x-netcdf",
    );
    await storage.put("driftline-results", `${id}/heatmap.png`, new Uint8Array([1]), "image/png");
    await storage.put("driftline-results", "other/x.txt", new Uint8Array([2]), "text/plain");
    expect(await storage.list("driftline-results", `${id}/`)).toEqual([
      `${id}/heatmap.png`,
      `${id}/raw/particles.nc`,
    ]);
    expect(Array.from(await storage.get("driftline-results", `${id}/raw/particles.nc`))).toEqual([
      67, 68, 70, 1,
    ]);
    expect(await storage.exists("driftline-results", `${id}/heatmap.png`)).toBe(true);
    const uri = storage.uri("driftline-results", `${id}/heatmap.png`);
    expect(uri).toMatch(/^file:\/\//);
    expect(fileURLToPath(uri)).toBe(path.join(dir, "products", "driftline-results", id, "heatmap.png"));
    await storage.delete("driftline-results", `${id}/heatmap.png`);
    expect(await storage.exists("driftline-results", `${id}/heatmap.png`)).toBe(false);
    await expect(storage.get("driftline-results", `${id}/heatmap.png`)).rejects.toBeInstanceOf(
      ObjectNotFoundError,
    );
    expect(await storage.list("empty-bucket", "")).toEqual([]);
  });

  it("refuses keys that leave the bucket and bad bucket names", async () => {
    const storage = new LocalStorage(path.join(dir, "products"));
    for (const key of ["../x", "/etc/passwd", "a//b", "a/./b", ""]) {
      await expect(storage.put("driftline-results", key, new Uint8Array(), "x")).rejects.toThrow(
        /object key/,
      );
    }
    await expect(storage.ensureBucket("../up")).rejects.toThrow(/bucket name/);
  });
});

describe("embedded database lock", () => {
  it("keeps a second opener out of a data directory in use, and releases it on close", async () => {
    const pgDir = path.join(dir, "pg");
    await expect(PGliteDatabase.open(pgDir)).rejects.toThrow(/in use by process \d+/);
    const other = path.join(dir, "pg-lock-test");
    const { writeFileSync, existsSync } = await import("node:fs");
    writeFileSync(`${other}.lock`, "999999999"); // a process that does not exist: stale lock
    const db2 = await PGliteDatabase.open(other);
    expect(existsSync(`${other}.lock`)).toBe(true);
    await db2.close();
    expect(existsSync(`${other}.lock`)).toBe(false);
  });
});
