// arctic20 against OpenDrift: real polar-stereographic currents and lon/lat winds, particle by particle.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { geodesicInverse } from "../../src/core/geodesy.js";
import { runSimulation } from "../../src/core/simulate.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { buildForcing, checkCoverage } from "../../src/forcing/index.js";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import { prepareLandmaskFor, reachableWindow } from "../../src/pipeline/window.js";
import { afloatStatistics } from "../../src/products/summary.js";
import { have } from "../helpers/needs.js";
import { FORCING_DIR, type ReferenceRun, readReferenceRun, SCENARIO_DIR } from "../helpers/reference.js";

const SHARED = await have(
  "test/pipeline/reference-arctic20.test.ts: arctic20 against OpenDrift's run in ../shared",
  "shared-dir",
);

let ref: ReferenceRun;
let t: Trajectory;

beforeAll(async () => {
  ref = await readReferenceRun("arctic20_N1000_24h_dt10min_full.nc", ["lon", "lat", "status"]);
  const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}arctic20.json`, "utf8"));
  const { simulation, category } = parseSimulationSpec(spec);
  const { set } = await buildForcing(spec.forcing, {
    forcingDir: FORCING_DIR,
    window: reachableWindow(simulation),
  });
  checkCoverage(set, 14, 68.9, simulation.startTime);
  const landmask = await prepareLandmaskFor(simulation);
  t = runSimulation(simulation, category, set, { landmask }).trajectory;
}, 120_000);

/** Mean position and spread (km) of the reference's particles at output time k. */
function referenceStats(k: number) {
  let sLon = 0;
  let sLat = 0;
  let m = 0;
  for (let i = 0; i < ref.n; i++) {
    const lon = ref.vars.lon[i * ref.nt + k];
    const lat = ref.vars.lat[i * ref.nt + k];
    if (Number.isNaN(lon)) continue;
    sLon += lon;
    sLat += lat;
    m++;
  }
  const lon0 = sLon / m;
  const lat0 = sLat / m;
  let vE = 0;
  let vN = 0;
  const kmLon = 111.32 * Math.cos((lat0 * Math.PI) / 180);
  for (let i = 0; i < ref.n; i++) {
    const lon = ref.vars.lon[i * ref.nt + k];
    const lat = ref.vars.lat[i * ref.nt + k];
    if (Number.isNaN(lon)) continue;
    vE += ((lon - lon0) * kmLon) ** 2;
    vN += ((lat - lat0) * 110.6) ** 2;
  }
  return { lon: lon0, lat: lat0, stdE: Math.sqrt(vE / m), stdN: Math.sqrt(vN / m) };
}

describe.runIf(SHARED)("arctic20 against OpenDrift", () => {
  it("keeps the centroid within 200 m and the spread within 5 % at every output time", () => {
    for (let k = 0; k < ref.nt; k++) {
      const r = referenceStats(k);
      const ours = afloatStatistics(t, k)!;
      expect(geodesicInverse(r.lat, r.lon, ours.lat, ours.lon).distM, `time ${k}`).toBeLessThan(200);
      if (k > 0) {
        expect(Math.abs(ours.stdEastKm / r.stdE - 1), `std east at ${k}`).toBeLessThan(0.05);
        expect(Math.abs(ours.stdNorthKm / r.stdN - 1), `std north at ${k}`).toBeLessThan(0.05);
      }
    }
  });

  it("puts at least 95 % of the particles within 100 m of their reference positions at every output time", () => {
    let worstShare = 1;
    let worst = 0;
    for (let k = 0; k < ref.nt; k++) {
      let close = 0;
      for (let i = 0; i < ref.n; i++) {
        const d = geodesicInverse(
          ref.vars.lat[i * ref.nt + k],
          ref.vars.lon[i * ref.nt + k],
          t.lat[k * t.n + i],
          t.lon[k * t.n + i],
        ).distM;
        if (d < 100) close++;
        worst = Math.max(worst, d);
      }
      worstShare = Math.min(worstShare, close / ref.n);
    }
    expect(worstShare).toBeGreaterThanOrEqual(0.95);
    // Measured: every particle within 0.9 m at every time (float32 rounding of the reference).
    expect(worst).toBeLessThan(5);
  });
});
