// Load: bench/load.ts with 12 jobs (the 200 run with `npm run load`): pushed at once, two worker
// processes with MAX_CONCURRENT_JOBS=2; all completed, none lost, none run twice to completion, the queue and
// processing lists empty at the end. SLOW (45–90 s).
import { describe, expect, it } from "vitest";
import { formatReport, runLoad } from "../../bench/load.js";
import { have } from "../helpers/needs.js";

const SERVICES = await have("test/reliability/load.test.ts: load (bench/load.ts)", "postgres", "redis");

describe.runIf(SERVICES)("load", () => {
  it("12 jobs at once, two worker processes × 2: all completed exactly once, queue empty", async () => {
    // Small jobs without the land mask and with two products: each job's cost is then mostly the worker's own
    // (thread start-up, database, queue, uploads), which is what this test is about.
    const report = await runLoad({
      jobs: 12,
      timeoutSeconds: 150,
      coastline: "none",
      products: ["netcdf", "summary"],
      progress: () => undefined,
    });
    console.log(formatReport(report));
    expect(report.problems).toEqual([]);
    expect(report.completed).toBe(12);
    expect(report.failed).toBe(0);
    expect(report.missionsWithoutOneResultRow).toBe(0);
    expect(report.completedTwice).toBe(0);
    expect(report.completedWithoutLogLine).toBe(0);
    expect(report.queue).toEqual({ waiting: 0, processing: 0, dead: 0 });
    // Both processes took part.
    expect(Object.keys(report.perWorker).length).toBe(2);
    expect(report.throughputPerMinute).toBeGreaterThan(0);
  }, 240_000);
});
