import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

// Tests skipped for want of a tool or service write here (test/helpers/needs.ts); the skip reporter lists
// them after the summary. Set before the test processes start, so they inherit it.
process.env.DRIFTLINE_SKIP_REGISTRY ??= path.join(tmpdir(), `driftline-skips-${process.pid}.jsonl`);

// The disk cache (coastline rasters, decoded NetCDF-4) of test runs stays out of the user's own.
process.env.DRIFTLINE_CACHE_DIR ??= path.join(tmpdir(), "driftline-test-cache");

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ["default", "./test/helpers/skip-reporter.ts"],
  },
});
