// arctic20 for 48 h with 20,000 particles: the share stranded on the Lofoten/Vesterålen coast must be
// within a factor 1.5 of OpenDrift's (616 of 20,000, runs_table.md).
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { runSimulationSpec } from "../../src/pipeline/run.js";
import { FORCING_DIR, SCENARIO_DIR } from "../helpers/reference.js";

it("strands a share of particles within a factor 1.5 of the reference", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-arctic48-"));
  try {
    const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}arctic20.json`, "utf8"));
    spec.duration_hours = 48;
    spec.seed.number = 20_000;
    const { summary } = await runSimulationSpec(spec, {
      outDir: dir,
      forcingDir: FORCING_DIR,
      products: ["summary"],
    });
    const reference = 616;
    expect(summary.strandedCount).toBeGreaterThan(reference / 1.5);
    expect(summary.strandedCount).toBeLessThan(reference * 1.5);
    expect(summary.missingDataCount).toBe(0);
    // Centroid and spread close to the reference's (16.16334 E, 69.55575 N; 6.46 × 16.12 km).
    const last = summary.snapshots[summary.snapshots.length - 1];
    expect(last.centroidLon!).toBeCloseTo(16.163, 1);
    expect(last.centroidLat!).toBeCloseTo(69.556, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
