// A run large enough for step threads whose forcing cannot be shared with them runs on one thread, and
// says why in summary.json (the CLI prints it, the worker logs it).
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { DEFAULT_THREAD_THRESHOLD } from "../../src/core/parallel/pool.js";
import { runSimulationSpec } from "../../src/pipeline/run.js";

const GRIB = fileURLToPath(new URL("../fixtures/grib2/wind_complex.grib2", import.meta.url));

it("summary.json says why a threaded run stayed on one thread", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-one-thread-"));
  try {
    const spec = {
      object_type: 1,
      start_time: "2024-01-15T12:00:00Z",
      duration_hours: 1,
      seed: { lon: 3, lat: 64, number: DEFAULT_THREAD_THRESHOLD },
      forcing: { wind: { files: [GRIB] }, current: { constant: { x: 0.1, y: 0 } } },
      coastline: "none",
    };
    const { summary } = await runSimulationSpec(spec, { outDir: dir, products: ["summary"], threads: 2 });
    expect(summary.singleThreadReason).toMatch(
      /forcing source wind_complex\.grib2 cannot be shared with threads/,
    );
    const written = JSON.parse(readFileSync(path.join(dir, "summary.json"), "utf8"));
    expect(written.singleThreadReason).toBe(summary.singleThreadReason);

    spec.forcing.wind = { constant: { x: 0, y: -5 } } as never;
    const shared = await runSimulationSpec(spec, { outDir: dir, products: ["summary"], threads: 2 });
    expect(shared.summary.singleThreadReason).toBeUndefined();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
