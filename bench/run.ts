// `npm run bench`: the reference scenarios at growing particle counts, against OpenDrift's times
// (../shared/reference/opendrift/runs_table.md, same kind of machine). Prints a table, writes JSON.
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runSimulation } from "../src/core/simulate.js";
import { buildForcing } from "../src/forcing/index.js";
import { parseSimulationSpec } from "../src/pipeline/spec.js";
import { prepareLandmaskFor, reachableWindow } from "../src/pipeline/window.js";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SHARED = path.resolve(ROOT, "../shared");
const SCENARIOS = path.join(SHARED, "reference/opendrift/scenarios");
const FORCING_DIR = path.join(SHARED, "data/forcing");

interface Row {
  scenario: string;
  particles: number;
  hours: number;
  steps: number;
  wallSeconds: number;
  particleStepsPerSecond: number;
  peakRssMB: number;
  referenceSeconds: number | null;
  speedup: number | null;
  stranded: number;
}

function referenceTimes(): Map<string, number> {
  const table = readFileSync(path.join(SHARED, "reference/opendrift/runs_table.md"), "utf8");
  const times = new Map<string, number>();
  for (const line of table.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 8 || !/^\d+$/.test(cells[2])) continue;
    times.set(`${cells[1]}/${cells[2]}/${cells[3]}/${cells[4]}`, Number(cells[6]));
  }
  return times;
}

async function runCase(scenario: string, particles: number, hours: number): Promise<Row> {
  const spec = JSON.parse(readFileSync(path.join(SCENARIOS, `${scenario}.json`), "utf8"));
  spec.seed.number = particles;
  spec.duration_hours = hours;
  const { simulation, category } = parseSimulationSpec(spec);
  const window = reachableWindow(simulation);
  const { set } = await buildForcing(spec.forcing, { forcingDir: FORCING_DIR, window });
  const landmask = await prepareLandmaskFor(simulation);
  global.gc?.();
  const started = performance.now();
  const result = runSimulation(simulation, category, set, { landmask, recordForcing: false });
  const wallSeconds = (performance.now() - started) / 1000;
  const t = result.trajectory;
  const last = t.times.length - 1;
  let stranded = 0;
  for (let i = 0; i < t.n; i++) if (t.status[last * t.n + i] === 1) stranded++;
  const steps = Math.round((hours * 3600) / 600);
  const ref = referenceTimes().get(`${scenario}/${particles}/${hours}/10`) ?? null;
  return {
    scenario,
    particles,
    hours,
    steps,
    wallSeconds,
    particleStepsPerSecond: result.particleSteps / wallSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    referenceSeconds: ref,
    speedup: ref ? ref / wallSeconds : null,
    stranded,
  };
}

function printRow(r: Row): void {
  const cells = [
    r.scenario.padEnd(8),
    String(r.particles).padStart(8),
    String(r.hours).padStart(3),
    r.wallSeconds.toFixed(3).padStart(8),
    (r.particleStepsPerSecond / 1e6).toFixed(2).padStart(7),
    r.peakRssMB.toFixed(0).padStart(6),
    (r.referenceSeconds?.toFixed(2) ?? "—").padStart(7),
    (r.speedup ? `${r.speedup.toFixed(1)}×` : "—").padStart(7),
    String(r.stranded).padStart(7),
  ];
  console.log(`| ${cells.join(" | ")} |`);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const counts = [1000, 5000, 20000, 100000, 1000000];
  console.log(`Driftline benchmark on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`);
  console.log("| scenario | particles | h | wall [s] | Mps/s | RSS MB | ref [s] | speedup | stranded |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  const rows: Row[] = [];
  for (const scenario of ["const", "arctic20"]) {
    if (only.length && !only.includes(scenario)) continue;
    for (const hours of [24, 48]) {
      for (const particles of counts) {
        if (particles === 1_000_000 && hours === 48) continue;
        const row = await runCase(scenario, particles, hours);
        rows.push(row);
        printRow(row);
      }
    }
  }
  const out = path.join(ROOT, "bench/results/latest.json");
  writeFileSync(out, `${JSON.stringify({ machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, date: new Date().toISOString(), rows }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
}

await main();
