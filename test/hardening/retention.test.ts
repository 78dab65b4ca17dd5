// Issue 24.4, retention: with RESULTS_RETENTION_DAYS, missions that finished more than that many days ago go
// with their products and result rows; newer and unfinished ones stay.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/service/config.js";
import { expireMissions } from "../../src/service/retention.js";
import { call, SMALL_MISSION, useTestServer } from "../api/helpers.js";

const server = useTestServer({ auth: "open", worker: false, forcingDir: null }).current;

describe("retention", () => {
  it("is configured in days, unset by default", () => {
    expect(loadConfig({}).resultsRetentionDays).toBeUndefined();
    expect(loadConfig({ RESULTS_RETENTION_DAYS: "30" }).resultsRetentionDays).toBe(30);
    expect(() => loadConfig({ RESULTS_RETENTION_DAYS: "0" })).toThrow(
      /RESULTS_RETENTION_DAYS: must be more than 0/,
    );
  });

  it("deletes missions finished longer ago than the retention, with their products", async () => {
    const { db, storage } = server().services;
    const bucket = "driftline-results";
    const ids: string[] = [];
    for (const name of ["old", "recent", "running"]) {
      const r = await call(server(), "POST", "/api/v1/missions", { ...SMALL_MISSION, name });
      ids.push(r.json.data.id);
    }
    const [old, recent, running] = ids;
    const finish = (id: string, daysAgo: number) =>
      db.query(
        `UPDATE missions SET status = 'completed', completed_at = (now() AT TIME ZONE 'UTC') - $2 * interval '1 day'
          WHERE id = $1`,
        [id, daysAgo],
      );
    await finish(old, 10);
    await finish(recent, 1);
    await db.query("UPDATE missions SET status = 'processing' WHERE id = $1", [running]);
    for (const id of ids)
      await storage.put(bucket, `${id}/summary.json`, Buffer.from("{}"), "application/json");

    expect(await expireMissions(db, storage, bucket, 7)).toEqual({ missions: 1, products: 1 });
    expect((await call(server(), "GET", `/api/v1/missions/${old}`)).status).toBe(404);
    expect(await storage.list(bucket, `${old}/`)).toEqual([]);
    for (const id of [recent, running]) {
      expect((await call(server(), "GET", `/api/v1/missions/${id}`)).status).toBe(200);
      expect(await storage.list(bucket, `${id}/`)).toEqual([`${id}/summary.json`]);
    }
  });
});
