// One benchmark case in a fresh process, on the built code (dist/), so that its peak memory is its own and
// threads start from JavaScript. Called by bench/run.ts:
//   node bench/case.mjs '{"mode":"sim"|"pipeline","scenario":"arctic20","particles":20000,"hours":48,"threads":2}'
// Prints one JSON line with the measured figures.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SHARED = path.resolve(ROOT, "../shared");
const DIST = path.join(ROOT, "dist");
const args = JSON.parse(process.argv[2] ?? "{}");
const {
  mode = "sim",
  scenario = "arctic20",
  particles = 20000,
  hours = 48,
  threads = 1,
  threadThreshold,
  warm = false,
} = args;

const spec = JSON.parse(
  readFileSync(path.join(SHARED, `reference/opendrift/scenarios/${scenario}.json`), "utf8"),
);
spec.seed.number = particles;
spec.duration_hours = hours;
const forcingDir = path.join(SHARED, "data/forcing");
/** Warm simulation runs timed after the first; the figure is their median. */
const WARM_RUNS = 5;
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

if (mode === "sim") {
  const { runSimulationThreaded } = await import(path.join(DIST, "core/parallel/pool.js"));
  const { buildForcing } = await import(path.join(DIST, "forcing/index.js"));
  const { landMaskRecipe } = await import(path.join(DIST, "pipeline/run.js"));
  const { parseSimulationSpec } = await import(path.join(DIST, "pipeline/spec.js"));
  const { prepareLandmaskFor, reachableWindow } = await import(path.join(DIST, "pipeline/window.js"));
  const { simulation, category } = parseSimulationSpec(spec);
  const { set } = await buildForcing(spec.forcing, { forcingDir, window: reachableWindow(simulation) });
  const landmask = await prepareLandmaskFor(simulation);
  // The first run starts the step threads; a service keeps them (pool.ts), so the figure is a second run
  // in the same process, with the first run's wall time alongside.
  const runOnce = () =>
    runSimulationThreaded(simulation, category, set, {
      landmask,
      landmaskRecipe: landMaskRecipe(landmask),
      recordForcing: false,
      threads,
      threadThreshold,
    });
  const firstStarted = performance.now();
  if (warm) await runOnce();
  const firstRunSeconds = (performance.now() - firstStarted) / 1000;
  // Warm: the median of several runs after the first (this machine is shared; one run can be unlucky).
  const timed = [];
  let result;
  // No collection between them, as in a service running jobs back to back (a collection makes V8 drop
  // optimised code that refers to the last run's objects).
  for (let k = 0; k < (warm ? WARM_RUNS : 1); k++) {
    const cpu0 = cpu();
    const started = performance.now();
    result = await runOnce();
    timed.push({ wallSeconds: (performance.now() - started) / 1000, cpuSeconds: cpu() - cpu0 });
  }
  timed.sort((a, b) => a.wallSeconds - b.wallSeconds);
  const { wallSeconds, cpuSeconds } = timed[timed.length >> 1];
  const t = result.trajectory;
  const last = t.times.length - 1;
  let stranded = 0;
  for (let i = 0; i < t.n; i++) if (t.status[last * t.n + i] === 1) stranded++;
  print({
    wallSeconds,
    cpuSeconds,
    ...(warm
      ? { runs: timed.length, wallRange: [timed[0].wallSeconds, timed[timed.length - 1].wallSeconds] }
      : {}),
    particleSteps: result.particleSteps,
    threads: result.threads,
    stranded,
    ...(warm ? { firstRunSeconds } : {}),
  });
} else {
  const { runSimulationSpec } = await import(path.join(DIST, "pipeline/run.js"));
  const outDir = args.outDir ?? path.join(ROOT, "bench/results/run.tmp");
  // One run with per-stage and per-product seconds (from the progress messages).
  const timedRun = async () => {
    rmSync(outDir, { recursive: true, force: true });
    const started = performance.now();
    const stages = {};
    const products = {};
    let stage = "";
    let stageStart = started;
    let product = "";
    let productStart = started;
    const result = await runSimulationSpec(spec, {
      outDir,
      forcingDir,
      threads,
      onProgress: (p) => {
        const now = performance.now();
        if (p.stage !== stage) {
          if (stage) stages[stage] = (now - stageStart) / 1000;
          stage = p.stage;
          stageStart = now;
        }
        const name = p.stage === "products" ? p.message.replace(/^writing /, "") : "";
        if (name !== product) {
          if (product) products[product] = (now - productStart) / 1000;
          product = name;
          productStart = now;
        }
      },
    });
    const wallSeconds = (performance.now() - started) / 1000;
    stages[stage] = (performance.now() - stageStart) / 1000;
    rmSync(outDir, { recursive: true, force: true });
    return { result, wallSeconds, stages, products };
  };
  // warm: the figure is a second run in the process (code compiled, step threads and caches kept, as in a
  // running service), with the first run's wall time alongside.
  const first = warm ? await timedRun() : null;
  globalThis.gc?.(); // the first run's arrays: not part of the second run's peak memory
  const cpu0 = cpu();
  const { result, wallSeconds, stages, products } = await timedRun();
  print({
    wallSeconds,
    cpuSeconds: cpu() - cpu0,
    simulationSeconds: result.summary.simulationSeconds,
    stages,
    products,
    particleSteps: result.summary.particleSteps,
    stranded: result.summary.strandedCount,
    ...(first ? { firstRunSeconds: first.wallSeconds } : {}),
  });
}

function print(figures) {
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ...args, ...figures, peakRssMB })}\n`);
}
