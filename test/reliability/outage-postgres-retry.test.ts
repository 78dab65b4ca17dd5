// Fault: PostgreSQL unavailable for 12 s while jobs run, with OUTAGE_RETRY_SECONDS (2) far shorter than the
// outage: attempts fail, the jobs go back to the queue with backoff instead of failing, and complete once the
// database is back (MAX_ATTEMPTS leaves room). SLOW (35–75 s).
import { afterEach, describe, expect, it, onTestFailed } from "vitest";
import { have } from "../helpers/needs.js";
import { killAllWorkers } from "./helpers.js";
import { postgresOutage } from "./pg-outage.js";

const PRIVATE_PG = await have(
  "test/reliability/outage-postgres-retry.test.ts: PostgreSQL down for 12 s",
  "postgres-server",
  "redis",
);

afterEach(killAllWorkers);

describe.runIf(PRIVATE_PG)("PostgreSQL down for 12 s, short retry window", () => {
  it("failed attempts go back to the queue with backoff and complete when the database is back", async () => {
    const { attempts, worker, deadLetters } = await postgresOutage({
      outageMs: 12_000,
      extraEnv: { OUTAGE_RETRY_SECONDS: "2", RETRY_BASE_SECONDS: "1", MAX_ATTEMPTS: "10" },
      onWorker: (w) => onTestFailed(() => console.log(`worker output:\n${w.output().slice(-4000)}`)),
    });
    expect(deadLetters).toBe(0);
    expect(Math.max(...attempts)).toBeGreaterThanOrEqual(2);
    const msgs = worker.logs().map((l) => String(l.msg));
    expect(msgs.some((m) => /^attempt \d+ of 10 failed; will retry$/.test(m))).toBe(true);
  }, 150_000);
});
