// The forcing-ensemble case of `npm run bench` (issue 21): 20 members × 5,000 particles × 48 h on arctic20,
// the members the Arctic20 current perturbed (a file with an ensemble_member dimension written by
// test/helpers/ensemble-netcdf.ts). Simulation only (forcing and land mask prepared first, as the other
// simulation rows); the figure is the median of 3 runs after the first in the process.
//   npx tsx bench/ensemble.ts [members] [particles per member] [hours] [--threads N]
// Prints one JSON line.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { prepareMembers, runMembers } from "../src/pipeline/ensemble.js";
import { landMaskRecipe } from "../src/pipeline/run.js";
import { parseSimulationSpec } from "../src/pipeline/spec.js";
import { prepareLandmaskFor, reachableWindow } from "../src/pipeline/window.js";
import { arcticEnsembleSpec } from "../test/helpers/ensemble-netcdf.js";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SHARED = path.resolve(ROOT, "../shared");
const FORCING = path.join(SHARED, "data/forcing");
const args = process.argv.slice(2);
const at = args.indexOf("--threads");
const threads = at >= 0 ? Number(args[at + 1]) : os.availableParallelism();
const [members = 20, perMember = 5000, hours = 48] = args
  .filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"))
  .map(Number);

const dir = mkdtempSync(path.join(os.tmpdir(), "driftline-bench-ensemble-"));
try {
  const spec = await arcticEnsembleSpec(SHARED, dir, members, perMember, hours);
  const { spec: parsed, simulation, category } = parseSimulationSpec(spec);
  const prepStarted = performance.now();
  const prepared = await prepareMembers(parsed.forcing, simulation, reachableWindow(simulation), FORCING);
  const prepareSeconds = (performance.now() - prepStarted) / 1000;
  const landmask = await prepareLandmaskFor(simulation);
  const runOnce = () =>
    runMembers(simulation, category, prepared, {
      landmask,
      landmaskRecipe: landMaskRecipe(landmask),
      recordForcing: false,
      threads,
    });
  const firstStarted = performance.now();
  await runOnce();
  const firstRunSeconds = (performance.now() - firstStarted) / 1000;
  const walls: number[] = [];
  const cpus: number[] = [];
  let result = await runOnce();
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = await runOnce();
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  const order = walls.map((_, k) => k).sort((a, b) => walls[a] - walls[b]);
  const median = order[1];
  console.log(
    JSON.stringify({
      members: prepared.length,
      particles: simulation.release.number,
      hours,
      threads,
      prepareSeconds,
      firstRunSeconds,
      wallSeconds: walls[median],
      wallRange: [walls[order[0]], walls[order[2]]],
      cpuSeconds: cpus[median],
      particleSteps: result.particleSteps,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
