// Issue 24.10, live status streams: one user may hold at most 20 open (the 21st gets 429 with Retry-After;
// another user is not affected), and all open streams share one database poll a second instead of one each.
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/service/api/admission.js";
import { createApiKey } from "../../src/service/db/api-keys.js";
import { call, SMALL_MISSION, useTestServer } from "../api/helpers.js";

const server = useTestServer({ auth: "required", worker: false, forcingDir: null }).current;
const aborts: AbortController[] = [];
afterAll(() => {
  for (const a of aborts) a.abort();
});

async function keyFor(email: string): Promise<Record<string, string>> {
  const { db } = server().services;
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO users (email, name) VALUES ($1, $1) RETURNING id::text AS id",
    [email],
  );
  return { authorization: `Bearer ${(await createApiKey(db, { userId: rows[0].id })).key}` };
}

/** Opens a status stream and leaves it open (closed after the file). */
async function openStream(id: string, headers: Record<string, string>): Promise<Response> {
  const abort = new AbortController();
  aborts.push(abort);
  return fetch(`${server().url}/api/v1/missions/${id}/events`, { headers, signal: abort.signal });
}

describe("live status streams", () => {
  it("caps the streams of one user and polls the database once for all of them", async () => {
    const a = await keyFor("streams-a@example.org");
    const b = await keyFor("streams-b@example.org");
    const mine = (await call(server(), "POST", "/api/v1/missions", SMALL_MISSION, a)).json.data.id;
    const theirs = (await call(server(), "POST", "/api/v1/missions", SMALL_MISSION, b)).json.data.id;
    const cap = DEFAULT_LIMITS.eventStreamsPerKey;

    const db = server().services.db;
    const query = db.query.bind(db);
    let polls = 0;
    db.query = ((sql: string, params?: unknown[]) => {
      if (sql.includes("FROM missions WHERE id")) polls++;
      return query(sql, params);
    }) as typeof db.query;
    try {
      const streams = await Promise.all(Array.from({ length: cap }, () => openStream(mine, a)));
      expect(streams.map((r) => r.status)).toEqual(new Array(cap).fill(200));
      const over = await openStream(mine, a);
      expect(over.status).toBe(429);
      expect(over.headers.get("retry-after")).toBe("10");
      expect((await over.json()).error).toMatch(new RegExp(`at most ${cap} live status streams per user`));
      expect((await openStream(theirs, b)).status).toBe(200);

      polls = 0;
      await new Promise((r) => setTimeout(r, 3500));
      // 21 streams, about 3 polls (one a second), not 21 a second.
      expect(polls).toBeGreaterThanOrEqual(2);
      expect(polls).toBeLessThanOrEqual(5);
    } finally {
      db.query = query;
    }
  }, 60_000);
});
