// One simulation case, timed (wall and CPU) and fingerprinted, for profiling and for checking that an
// optimisation leaves the output bit for bit unchanged:
//   npx tsx bench/profile.ts arctic20 20000 48 [--threads N] [--repeat K]
//   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.ts arctic20 20000 48
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runSimulationThreaded } from "../src/core/parallel/pool.js";
import { buildForcing } from "../src/forcing/index.js";
import { landMaskRecipe } from "../src/pipeline/run.js";
import { parseSimulationSpec } from "../src/pipeline/spec.js";
import { prepareLandmaskFor, reachableWindow } from "../src/pipeline/window.js";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SHARED = path.resolve(ROOT, "../shared");

const args = process.argv.slice(2);
const flag = (name: string, d: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const [scenario = "arctic20", n = "20000", hours = "48"] = args.filter(
  (a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"),
);
const threads = flag("--threads", 1);
const repeat = flag("--repeat", 1);

const spec = JSON.parse(
  readFileSync(path.join(SHARED, `reference/opendrift/scenarios/${scenario}.json`), "utf8"),
);
spec.seed.number = Number(n);
spec.duration_hours = Number(hours);
const { simulation, category } = parseSimulationSpec(spec);
const window = reachableWindow(simulation);
const { set } = await buildForcing(spec.forcing, { forcingDir: path.join(SHARED, "data/forcing"), window });
const landmask = await prepareLandmaskFor(simulation);

const walls: number[] = [];
for (let r = 0; r < repeat; r++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await runSimulationThreaded(simulation, category, set, {
    landmask,
    landmaskRecipe: landMaskRecipe(landmask),
    recordForcing: false,
    threads,
    threadThreshold: 0,
  });
  if (result.singleThreadReason) console.log(`single thread: ${result.singleThreadReason}`);
  const wall = (performance.now() - t0) / 1000;
  if (r > 0) walls.push(wall);
  const cpu = process.cpuUsage(cpu0);
  const t = result.trajectory;
  const hash = createHash("sha256");
  for (const a of [t.lon, t.lat, t.status, t.orientation, t.capsized])
    hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  console.log(
    `${scenario} n=${n} ${hours}h threads=${threads}: wall ${wall.toFixed(3)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s, ` +
      `${(result.particleSteps / wall / 1e6).toFixed(2)} M particle-steps/s, sha256 ${hash.digest("hex").slice(0, 16)}`,
  );
}
if (walls.length > 1) {
  walls.sort((a, b) => a - b);
  console.log(
    `runs after the first: median ${walls[walls.length >> 1].toFixed(3)} s, fastest ${walls[0].toFixed(3)} s, slowest ${walls[walls.length - 1].toFixed(3)} s`,
  );
}
