// roms-nordic-public against OpenDrift (ROMS native currents, synthetic lon/lat winds, GSHHG stranding):
// with "compatibility": "opendrift" particle by particle; in the default (exact C-grid) mode the measured
// difference is printed (README, "ROMS grids").
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { geodesicInverse } from "../../src/core/geodesy.js";
import { runSimulationThreaded } from "../../src/core/parallel/pool.js";
import { runSimulation } from "../../src/core/simulate.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { Status } from "../../src/core/types.js";
import { buildForcing, checkCoverage } from "../../src/forcing/index.js";
import { landMaskRecipe } from "../../src/pipeline/run.js";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import { prepareLandmaskFor, reachableWindow } from "../../src/pipeline/window.js";
import { afloatStatistics } from "../../src/products/summary.js";
import { have } from "../helpers/needs.js";
import { FORCING_DIR, REFERENCE_DIR, type ReferenceRun, readReferenceRun } from "../helpers/reference.js";

const SHARED = await have(
  "test/pipeline/reference-roms-nordic.test.ts: roms-nordic-public against OpenDrift's run in ../shared",
  "shared-dir",
);

const CASE = `${REFERENCE_DIR}roms-nordic-public/`;
let ref: ReferenceRun;

async function run(compatibility: "exact" | "opendrift", number?: number, threads?: number) {
  const spec = JSON.parse(readFileSync(`${CASE}scenario.json`, "utf8"));
  spec.compatibility = compatibility;
  if (number) spec.seed.number = number;
  const { simulation, category } = parseSimulationSpec(spec);
  const { set } = await buildForcing(spec.forcing, {
    forcingDir: FORCING_DIR,
    window: reachableWindow(simulation),
    compatibility,
  });
  checkCoverage(set, spec.seed.lon, spec.seed.lat, simulation.startTime);
  const landmask = await prepareLandmaskFor(simulation);
  if (threads) {
    const r = await runSimulationThreaded(simulation, category, set, {
      landmask,
      threads,
      threadThreshold: 0,
      landmaskRecipe: landMaskRecipe(landmask),
    });
    expect(r.threads, r.singleThreadReason).toBe(threads);
    return r.trajectory;
  }
  return runSimulation(simulation, category, set, { landmask }).trajectory;
}

/** Last status each reference particle had (OpenDrift masks it after deactivation). */
function referenceFinalStatus(i: number): number {
  for (let k = ref.nt - 1; k >= 0; k--) {
    const s = ref.vars.status[i * ref.nt + k];
    if (!Number.isNaN(s)) return s;
  }
  return Number.NaN;
}

/** Distances (m) of each particle from its reference position at output time k (NaN where it has none). */
function separations(t: Trajectory, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ref.n; i++) {
    const lat = ref.vars.lat[i * ref.nt + k];
    const lon = ref.vars.lon[i * ref.nt + k];
    if (Number.isNaN(lat)) continue;
    out.push(geodesicInverse(lat, lon, t.lat[k * t.n + i], t.lon[k * t.n + i]).distM);
  }
  return out;
}

beforeAll(async () => {
  ref = await readReferenceRun("roms-nordic-public/opendrift.nc", ["lon", "lat", "status"]);
}, 60_000);

describe.runIf(SHARED)("roms-nordic-public, compatibility opendrift", () => {
  let t: Trajectory;
  beforeAll(async () => {
    t = await run("opendrift");
  }, 120_000);

  it("puts every particle within 20 m of its reference position at every output time", () => {
    let worst = 0;
    for (let k = 0; k < ref.nt; k++) worst = Math.max(worst, ...separations(t, k));
    console.log(`roms-nordic-public opendrift mode: largest separation ${worst.toFixed(2)} m`);
    expect(worst).toBeLessThan(20);
  });

  it("ends every particle in the reference's status (831 active, 169 stranded)", () => {
    const last = ref.nt - 1;
    let stranded = 0;
    for (let i = 0; i < ref.n; i++) {
      const ours = t.status[last * t.n + i];
      expect(ours, `particle ${i}`).toBe(referenceFinalStatus(i));
      if (ours === Status.stranded) stranded++;
    }
    expect(stranded).toBe(169);
  });

  it("gives the same trajectories on two threads as on one", async () => {
    await sameOnTwoThreads("opendrift");
  }, 120_000);
});

async function sameOnTwoThreads(compatibility: "exact" | "opendrift") {
  const one = await run(compatibility, 2000);
  const two = await run(compatibility, 2000, 2);
  expect(Buffer.from(two.lon.buffer).equals(Buffer.from(one.lon.buffer))).toBe(true);
  expect(Buffer.from(two.lat.buffer).equals(Buffer.from(one.lat.buffer))).toBe(true);
  expect(Buffer.from(two.status.buffer).equals(Buffer.from(one.status.buffer))).toBe(true);
}

describe.runIf(SHARED)("roms-nordic-public, default (exact C-grid)", () => {
  it("prints its difference from OpenDrift (median and centroid separation, stranding)", async () => {
    const t = await run("exact");
    const last = ref.nt - 1;
    const d = separations(t, last).sort((a, b) => a - b);
    const median = d[d.length >> 1];
    let stranded = 0;
    let missing = 0;
    for (let i = 0; i < t.n; i++) {
      if (t.status[last * t.n + i] === Status.stranded) stranded++;
      if (t.status[last * t.n + i] === Status.missing_data) missing++;
    }
    const ours = afloatStatistics(t, last)!;
    let sLon = 0;
    let sLat = 0;
    let m = 0;
    for (let i = 0; i < ref.n; i++) {
      const lon = ref.vars.lon[i * ref.nt + last];
      if (Number.isNaN(lon) || referenceFinalStatus(i) !== Status.active) continue;
      sLon += lon;
      sLat += ref.vars.lat[i * ref.nt + last];
      m++;
    }
    const centroid = geodesicInverse(sLat / m, sLon / m, ours.lat, ours.lon).distM;
    console.log(
      `roms-nordic-public exact mode after 24 h: median separation ${(median / 1000).toFixed(2)} km, ` +
        `afloat centroid ${(centroid / 1000).toFixed(2)} km from OpenDrift's, ` +
        `spread ${ours.stdEastKm.toFixed(2)} × ${ours.stdNorthKm.toFixed(2)} km (OpenDrift 9.47 × 12.47), ` +
        `stranded ${stranded} (OpenDrift 169), missing_data ${missing} (0)`,
    );
    expect(missing).toBe(0);
    expect(stranded).toBeGreaterThan(0);
  }, 120_000);

  it("gives the same trajectories on two threads as on one", async () => {
    await sameOnTwoThreads("exact");
  }, 120_000);
});
