// The step kernels alone, on a real mid-run state: arctic20, 20,000 particles, stepped to `step` (default
// 144, 24 h) on this thread, then each kernel timed 400 times on that state (the drift from the same
// positions each time). Prints ns per particle (first quartile and median):
//   npx tsx bench/kernels.ts [step]        DRIFTLINE_KERNELS=js for the JavaScript kernels
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyCoastline, drift, driftScratch, sampleForcing } from "../src/core/leeway.js";
import { allocateDraws, seedRun } from "../src/core/simulate.js";
import { allocateTrajectory, ParticleRange, simulationClock } from "../src/core/step.js";
import { WasmLandRaster } from "../src/core/wasm/land-raster.js";
import { buildForcing } from "../src/forcing/index.js";
import { parseSimulationSpec } from "../src/pipeline/spec.js";
import { prepareLandmaskFor, reachableWindow } from "../src/pipeline/window.js";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SHARED = path.resolve(ROOT, "../shared");
const STEP = Number(process.argv[2] ?? 144);

const spec = JSON.parse(
  readFileSync(path.join(SHARED, "reference/opendrift/scenarios/arctic20.json"), "utf8"),
);
spec.seed.number = 20000;
spec.duration_hours = 48;
const { simulation: sim, category } = parseSimulationSpec(spec);
const forcingDir = path.join(SHARED, "data/forcing");
const { set: forcing } = await buildForcing(spec.forcing, { forcingDir, window: reachableWindow(sim) });
const landmask = await prepareLandmaskFor(sim);
const { particles: p, rng } = seedRun(sim, category, landmask);
const { stepsPerOutput, outputs } = simulationClock(sim);
const trajectory = allocateTrajectory(p.n, outputs, p, false, false);
const range = new ParticleRange({ sim, forcing, landmask, trajectory, stepsPerOutput }, p, 0, p.n);
const draws = allocateDraws(p, rng, 2 * p.n, false);
for (let step = 0; step < STEP; step++) {
  range.beforeDraws(step);
  rng.fillRandom(draws, range.active, 0);
  range.withDraws(draws, 0, 0);
}
range.beforeDraws(STEP);
const t = sim.startTime + STEP * sim.timeStepSeconds;
const kernels = p.kernels;
const need = kernels ? kernels.uint8(p.n) : new Uint8Array(p.n);
const raster = landmask?.raster;
const land = kernels && raster ? new WasmLandRaster(kernels, raster, p.n) : null;
if (landmask) applyCoastline(p, landmask, sim.coastline, land); // copies the bins the particles are in
const scratch = kernels ? driftScratch(kernels, p.n) : null;
console.log(
  `arctic20, 20,000 particles at step ${STEP}: ${range.active} active; ${kernels ? "WebAssembly" : "JavaScript"} kernels`,
);

const moved = ["lon", "lat", "prevLon", "prevLat", "sinLat", "cosLat", "sinLon", "cosLon"] as const;
const saved = moved.map((k) => Float64Array.from(p[k]));
const restore = () => {
  for (const [j, k] of moved.entries()) p[k].set(saved[j]);
};

function time(name: string, run: () => void, before?: () => void): void {
  const ms: number[] = [];
  for (let r = 0; r < 400; r++) {
    before?.();
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const ns = (x: number) => ((x * 1e6) / p.n).toFixed(2);
  console.log(
    `${name.padEnd(10)} ${ns(ms[ms.length >> 2])} ns/particle (first quartile), median ${ns(ms[ms.length >> 1])}`,
  );
}
time("wind", () => sampleForcing(forcing.wind, p, t, need, p.windU, p.windV));
time("current", () => sampleForcing(forcing.current, p, t, need, p.currentU, p.currentV));
if (land) time("coastline", () => land.hits(p.n, p.status, p.lon, p.lat));
time("drift", () => drift(p, sim.timeStepSeconds, sim.capsizing.leewayFraction, scratch), restore);
