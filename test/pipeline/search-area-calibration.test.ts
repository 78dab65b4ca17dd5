// Issue 20: the search areas are calibrated. A run of the same spec with another random seed puts 50 ± 3 %,
// 90 ± 2 % and 95 ± 2 % of its afloat particles inside the first run's areas at the final time (5,000
// particles; arctic20 48 h with stranding on the Lofoten coast, const 24 h in open sea).
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runSimulationSpec } from "../../src/pipeline/run.js";
import type { Position } from "../../src/products/geojson-types.js";
import { FORCING_DIR, SCENARIO_DIR } from "../helpers/reference.js";
import { pointInRing } from "../products/geometry-check.js";

async function run(name: string, hours: number, randomSeed: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), `driftline-calibration-${name}-`));
  try {
    const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}${name}.json`, "utf8"));
    spec.duration_hours = hours;
    spec.seed.number = 5000;
    spec.random_seed = randomSeed;
    const { summary, files } = await runSimulationSpec(spec, {
      outDir: dir,
      forcingDir: FORCING_DIR,
      products: ["summary", "csv", "shore"],
      threads: 1,
    });
    const rows = (await readFile(files.csv!, "utf8")).trim().split("\n").slice(1);
    const lastTime = rows[rows.length - 1].split(",")[0];
    const afloat: Position[] = rows
      .map((r) => r.split(","))
      .filter((c) => c[0] === lastTime && c[4] === "active")
      .map((c) => [Number(c[2]), Number(c[3])]);
    const areas = summary.searchAreas![summary.searchAreas!.length - 1].areas;
    // Stranding per shore stretch: the stretches' shares add up to the particles stranded.
    const shore = JSON.parse(await readFile(files.shore!, "utf8"));
    const shares = shore.features.reduce(
      (s: number, f: { properties: { share: number } }) => s + f.properties.share,
      0,
    );
    expect(shares).toBeCloseTo(summary.strandedCount / 5000, 4);
    return { afloat, areas };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("search areas are calibrated against a second seed", () => {
  for (const [name, hours] of [
    ["arctic20", 48],
    ["const", 24],
  ] as const) {
    it(`${name} ${hours} h, 5,000 particles`, async () => {
      const first = await run(name, hours, 0);
      const second = await run(name, hours, 1);
      expect(second.afloat.length).toBeGreaterThan(3000);
      const shares: string[] = [];
      for (const [percent, tolerance] of [
        ["50", 0.03],
        ["90", 0.02],
        ["95", 0.02],
      ] as const) {
        const g = first.areas[percent]!.geometry;
        const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
        const inside = second.afloat.filter((p) =>
          polys.some((rings) => pointInRing(p, rings[0]) && !rings.slice(1).some((h) => pointInRing(p, h))),
        ).length;
        const share = inside / second.afloat.length;
        shares.push(`${percent} %: ${(share * 100).toFixed(1)} % (${polys.length} pieces)`);
        expect(Math.abs(share - Number(percent) / 100), shares.join(", ")).toBeLessThanOrEqual(tolerance);
      }
      console.log(`${name} ${hours} h: ${shares.join(", ")}`);
    }, 240_000);
  }
});
