// Fault: PostgreSQL unavailable for 12 s (a private cluster, stopped and restarted) while a real worker
// process runs two jobs and two more arrive. With the default OUTAGE_RETRY_SECONDS (60) every database call
// waits the outage out: the jobs complete on their first attempt, nothing is retried or lost.
// test/service/outage.test.ts covers a 4 s outage in-process; this is the 10–20 s. SLOW (35–75 s).
import { afterEach, describe, expect, it, onTestFailed } from "vitest";
import { have } from "../helpers/needs.js";
import { killAllWorkers } from "./helpers.js";
import { postgresOutage } from "./pg-outage.js";

const PRIVATE_PG = await have(
  "test/reliability/outage-postgres-wait.test.ts: PostgreSQL down for 12 s",
  "postgres-server",
  "redis",
);

afterEach(killAllWorkers);

describe.runIf(PRIVATE_PG)("PostgreSQL down for 12 s", () => {
  it("jobs wait through the outage and complete on their first attempt", async () => {
    const { attempts, worker, deadLetters } = await postgresOutage({
      outageMs: 12_000,
      extraEnv: {},
      onWorker: (w) => onTestFailed(() => console.log(`worker output:\n${w.output().slice(-4000)}`)),
    });
    expect(attempts).toEqual([1, 1, 1, 1]);
    expect(deadLetters).toBe(0);
    const msgs = worker.logs().map((l) => String(l.msg));
    // The job claimed during the outage waited for its mission row, saying so.
    expect(msgs).toContain("database: load mission failed; retrying");
  }, 150_000);
});
