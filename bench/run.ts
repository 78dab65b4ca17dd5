// `npm run bench`: Driftline against the reference implementation (OpenDrift, times from
// ../shared/reference/opendrift/runs_table.md, measured on this kind of machine).
//
//   1. the reference scenarios (const: constant forcing; arctic20: real gridded forcing and GSHHG
//      coastline) at 1,000 … 1,000,000 particles, 24 and 48 h, 10-minute steps: wall and CPU time of the
//      simulation, particle-steps per second, peak memory, ratio to the reference's time;
//   2. the land mask (bench/landmask.ts);
//   3. a 1,000,000-particle, 24 h run through the whole pipeline with the default products;
//   4. a drift worker job, 5,000 particles × 48 h, claimed → completed against Redis, PostgreSQL and S3;
//   5. a forcing ensemble, 20 members × 5,000 particles × 48 h on arctic20 (bench/ensemble.ts, on src/ with tsx);
//   6. a 3-unit search plan on a 20,000-particle mission (bench/plan.ts, on src/ with tsx).
//
// Every case runs in a fresh process on the built code (dist/, rebuilt first), so each has its own peak
// memory and threads start from JavaScript. Writes bench/results/latest.json and README-table.md.
//
//   npm run bench -- [--quick] [--only const|arctic20] [--threads N] [--skip-pipeline] [--skip-worker] [--no-build]
//   npm run bench -- --table-only   (rewrite README-table.md from latest.json)
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchLandmask } from "./landmask.js";

import { benchWholeProcess, type ProcessCase, processTable } from "./process.js";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SHARED = path.resolve(ROOT, "../shared");
const RESULTS = path.join(ROOT, "bench/results");
const STEP_MINUTES = 10;

interface Options {
  quick: boolean;
  only: string[];
  threads: number;
  pipeline: boolean;
  worker: boolean;
  build: boolean;
  /** Only rewrite README-table.md from latest.json. */
  tableOnly: boolean;
  process: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    tableOnly: false,
    quick: false,
    only: [],
    threads: os.availableParallelism(),
    pipeline: true,
    worker: true,
    build: true,
    process: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") o.quick = true;
    else if (a === "--only") o.only.push(...(argv[++i] ?? "").split(","));
    else if (a === "--threads") o.threads = Number(argv[++i]);
    else if (a === "--skip-pipeline") o.pipeline = false;
    else if (a === "--skip-worker") o.worker = false;
    else if (a === "--no-build") o.build = false;
    else if (a === "--table-only") o.tableOnly = true;
    else if (a === "--skip-process") o.process = false;
    else
      throw new Error(
        `bench: unknown argument ${a} (allowed: --quick --only NAME --threads N --skip-pipeline --skip-worker --skip-process --no-build --table-only)`,
      );
  }
  if (!Number.isInteger(o.threads) || o.threads < 1)
    throw new Error("bench: --threads must be a positive integer");
  return o;
}

/** A case script's JSON answer. */
// biome-ignore lint/suspicious/noExplicitAny: figures of the case scripts, read as they come
type Figures = Record<string, any>;

interface SimRow {
  scenario: string;
  particles: number;
  hours: number;
  threads: number;
  wallSeconds: number;
  cpuSeconds: number;
  particleSteps: number;
  particleStepsPerSecond: number;
  peakRssMB: number;
  referenceSeconds: number | null;
  speedup: number | null;
  stranded: number;
  /** Wall time of the process's first run (step threads started), when the row is of warm runs. */
  firstRunSeconds?: number;
  /** Fastest and slowest of the warm runs whose median is wallSeconds. */
  wallRange?: [number, number];
}

/** OpenDrift's t_run per scenario/particles/hours/step minutes (the first row of each case). */
function referenceTimes(): Map<string, number> {
  const table = readFileSync(path.join(SHARED, "reference/opendrift/runs_table.md"), "utf8");
  const times = new Map<string, number>();
  for (const line of table.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 8 || !/^\d+$/.test(cells[2])) continue;
    const key = `${cells[1]}/${cells[2]}/${cells[3]}/${cells[4]}`;
    if (!times.has(key)) times.set(key, Number(cells[6]));
  }
  return times;
}

/** Runs a .mjs case script in a fresh Node process; returns its last stdout line as JSON. */
function runChild(script: string, args: unknown, timeoutMs: number): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--no-warnings", "--expose-gc", path.join(ROOT, "bench", script), JSON.stringify(args)],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
      process.stderr.write(d);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").pop() ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line));
      else
        reject(
          new Error(`${script} ${JSON.stringify(args)} failed (exit ${code}): ${err.trim().slice(-2000)}`),
        );
    });
  });
}

const started = performance.now();
function progress(message: string): void {
  const t = (performance.now() - started) / 1000;
  process.stderr.write(`[${t.toFixed(0).padStart(4)} s] ${message}\n`);
}

/** Clock of the first CPU: os.cpus() says 0 in some virtual machines, /proc/cpuinfo knows. */
function cpuMhz(): number {
  const speed = os.cpus()[0]?.speed ?? 0;
  if (speed > 0) return speed;
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return m ? Math.round(Number(m[1])) : 0;
  } catch {
    return 0;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? "unknown",
    mhz: cpuMhz(),
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(", ");
}

const fmt = (x: number | null | undefined, digits: number) =>
  x === null || x === undefined ? "—" : x.toFixed(digits);

function simTable(rows: SimRow[]): string[] {
  const lines = [
    "| scenario | particles | hours | threads | wall [s] | warm runs [s] | first run [s] | CPU [s] | M particle-steps/s | peak RSS [MB] | OpenDrift [s] | speed-up | stranded |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const r of rows) {
    const range = r.wallRange ? `${r.wallRange[0].toFixed(3)}–${r.wallRange[1].toFixed(3)}` : "—";
    lines.push(
      `| ${r.scenario} | ${r.particles.toLocaleString("en")} | ${r.hours} | ${r.threads} | ${fmt(r.wallSeconds, 3)} | ${range} | ${fmt(r.firstRunSeconds ?? null, 3)} | ${fmt(r.cpuSeconds, 2)} | ${fmt(r.particleStepsPerSecond / 1e6, 2)} | ${fmt(r.peakRssMB, 0)} | ${fmt(r.referenceSeconds, 2)} | ${r.speedup ? `${r.speedup.toFixed(1)}×` : "—"} | ${r.stranded} |`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.tableOnly) {
    const result = JSON.parse(readFileSync(path.join(RESULTS, "latest.json"), "utf8"));
    writeTable(readmeTable(result, result.simulation));
    return;
  }
  const info = machine();
  const loadBefore = loadAverage();
  progress(
    `Driftline benchmark: ${info.cpus} × ${info.model}, ${info.memoryGB} GB, Node ${info.node}; load average ${loadBefore}`,
  );
  if (o.build) {
    progress("building dist/ (npm run build)");
    execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  }

  const refs = referenceTimes();
  const counts = o.quick ? [1000, 5000, 20000] : [1000, 5000, 20000, 100_000, 1_000_000];
  const hoursList = o.quick ? [48] : [24, 48];
  const scenarios = ["const", "arctic20"].filter((s) => o.only.length === 0 || o.only.includes(s));
  const cases: { scenario: string; particles: number; hours: number; threads: number }[] = [];
  for (const scenario of scenarios) {
    for (const hours of hoursList) {
      for (const particles of counts) cases.push({ scenario, particles, hours, threads: o.threads });
    }
  }
  // The same large run on one thread, to show what threads bring.
  if (!o.quick && scenarios.includes("arctic20") && o.threads > 1)
    cases.push({ scenario: "arctic20", particles: 100_000, hours: 24, threads: 1 });

  const rows: SimRow[] = [];
  for (const [k, c] of cases.entries()) {
    progress(
      `[${k + 1}/${cases.length}] ${c.scenario} ${c.particles.toLocaleString("en")} particles × ${c.hours} h (threads ${c.threads}) …`,
    );
    // Up to 100,000 particles the figure is the median of warm runs in the process (step threads started, as in
    // a service).
    const warm = c.particles <= 100_000;
    const r = await runChild("case.mjs", { mode: "sim", warm, ...c }, 30 * 60_000);
    const ref = refs.get(`${c.scenario}/${c.particles}/${c.hours}/${STEP_MINUTES}`) ?? null;
    const row: SimRow = {
      scenario: c.scenario,
      particles: c.particles,
      hours: c.hours,
      threads: r.threads,
      wallSeconds: r.wallSeconds,
      cpuSeconds: r.cpuSeconds,
      particleSteps: r.particleSteps,
      particleStepsPerSecond: r.particleSteps / r.wallSeconds,
      peakRssMB: r.peakRssMB,
      referenceSeconds: ref,
      speedup: ref ? ref / r.wallSeconds : null,
      stranded: r.stranded,
      ...(warm ? { firstRunSeconds: r.firstRunSeconds, wallRange: r.wallRange } : {}),
    };
    rows.push(row);
    progress(
      `    wall ${row.wallSeconds.toFixed(3)} s, CPU ${row.cpuSeconds.toFixed(2)} s, ${(row.particleStepsPerSecond / 1e6).toFixed(2)} M particle-steps/s, ${row.peakRssMB.toFixed(0)} MB${row.speedup ? `, ${row.speedup.toFixed(1)}× OpenDrift` : ""}`,
    );
  }

  let wholeProcess: ProcessCase[] | null = null;
  if (o.process) {
    progress("driftline simulate, fresh processes, start to exit (median of 5) …");
    wholeProcess = benchWholeProcess();
    for (const c of wholeProcess)
      progress(`    ${c.particles} × ${c.hours} h, ${c.products}: ${c.wallSeconds.toFixed(2)} s`);
  }

  progress("land mask …");
  const landmask = await benchLandmask();

  let pipeline: Figures | null = null;
  if (o.pipeline && !o.quick) {
    progress(
      `pipeline: arctic20 1,000,000 particles × 24 h with the default products (threads ${o.threads}) …`,
    );
    pipeline = await runChild(
      "case.mjs",
      {
        mode: "pipeline",
        scenario: "arctic20",
        particles: 1_000_000,
        hours: 24,
        threads: o.threads,
        warm: true,
      },
      60 * 60_000,
    );
    progress(
      `    wall ${pipeline.wallSeconds.toFixed(1)} s (simulation ${pipeline.simulationSeconds.toFixed(1)} s; first run ${fmt(pipeline.firstRunSeconds, 1)} s), peak RSS ${pipeline.peakRssMB.toFixed(0)} MB`,
    );
  }
  let pipeline5k: Figures | null = null;
  if (o.pipeline) {
    progress("pipeline: arctic20 5,000 particles × 48 h with the default products …");
    pipeline5k = await runChild(
      "case.mjs",
      { mode: "pipeline", scenario: "arctic20", particles: 5000, hours: 48, threads: 1, warm: true },
      10 * 60_000,
    );
    progress(
      `    wall ${pipeline5k.wallSeconds.toFixed(2)} s (simulation ${pipeline5k.simulationSeconds.toFixed(2)} s, products ${pipeline5k.stages.products.toFixed(2)} s)`,
    );
  }

  progress("ensemble: arctic20, 20 members × 5,000 particles × 48 h …");
  let ensemble: Figures | null = null;
  try {
    const out = execFileSync(
      process.execPath,
      [
        "--no-warnings",
        "--import",
        "tsx",
        path.join(ROOT, "bench/ensemble.ts"),
        "20",
        "5000",
        "48",
        "--threads",
        String(o.threads),
      ],
      { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 20 * 60_000 },
    );
    ensemble = JSON.parse(out.trim().split("\n").pop() ?? "{}");
    progress(
      `    wall ${ensemble?.wallSeconds.toFixed(2)} s, CPU ${ensemble?.cpuSeconds.toFixed(2)} s (first run ${ensemble?.firstRunSeconds.toFixed(2)} s)`,
    );
  } catch (e) {
    progress(`    ensemble benchmark failed: ${(e as Error).message.split("\n")[0]}`);
  }

  progress("search plan: 3 units on a 20,000-particle life-raft mission …");
  let plan: Figures | null = null;
  try {
    const out = execFileSync(
      process.execPath,
      ["--no-warnings", "--import", "tsx", path.join(ROOT, "bench/plan.ts")],
      {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        timeout: 10 * 60_000,
      },
    );
    plan = JSON.parse(out.trim().split("\n").pop() ?? "{}");
    progress(`    wall ${plan?.wallSeconds.toFixed(2)} s (plan ${plan?.planSeconds.toFixed(2)} s)`);
  } catch (e) {
    progress(`    plan benchmark failed: ${(e as Error).message.split("\n")[0]}`);
  }

  let worker: Figures | null = null;
  if (o.worker) {
    progress("worker: 5,000 particles × 48 h, claimed → completed (Redis, PostgreSQL, s3rver) …");
    try {
      worker = await runChild("worker-e2e.mjs", { particles: 5000, hours: 48, jobs: 2 }, 10 * 60_000);
    } catch (e) {
      progress(`    worker benchmark skipped: ${(e as Error).message.split("\n")[0]}`);
    }
  }

  const loadAfter = loadAverage();
  const result = {
    date: new Date().toISOString(),
    machine: { ...info, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
    simulation: rows,
    landmask,
    pipeline1M: pipeline,
    pipeline5k,
    ensemble,
    plan,
    worker,
    wholeProcess,
  };
  writeFileSync(path.join(RESULTS, "latest.json"), `${JSON.stringify(result, null, 2)}\n`);

  const md = readmeTable(result, rows);
  writeTable(md);
  process.stdout.write(`\n${md}\n`);
  progress(`wrote ${path.relative(ROOT, path.join(RESULTS, "latest.json"))} and README-table.md`);
}

/** Writes README-table.md, formatted as the repository's formatter (Biome) wants markdown tables. */
function writeTable(md: string): void {
  const file = path.join(RESULTS, "README-table.md");
  writeFileSync(file, md);
  execFileSync(
    process.execPath,
    [path.join(ROOT, "node_modules/@biomejs/biome/bin/biome"), "format", "--write", file],
    {
      cwd: ROOT,
      stdio: "ignore",
    },
  );
}

function readmeTable(result: Figures, rows: SimRow[]): string {
  const m = result.machine;
  const lines = [
    `Measured ${result.date.slice(0, 10)} with \`npm run bench\` on ${m.cpus} × ${m.model} (${m.mhz} MHz, virtual machine), ${m.memoryGB} GB, Node ${m.node}, ${m.platform}.`,
    `The machine was shared: load average ${m.loadAverageBefore} at the start and ${m.loadAverageAfter} at the end (other processes were running),`,
    "so wall times are pessimistic and vary by ±30 % from run to run; CPU time is the steadier figure.",
    "OpenDrift's times are from `runs_table.md` (same machine type); speed-up = OpenDrift t_run / Driftline wall time.",
    "Simulation only (forcing and land mask prepared beforehand, as OpenDrift's t_run), 10-minute steps, outputs hourly.",
    "Up to 100,000 particles, wall is the median of 5 runs after the first in one process (their range beside it): the",
    "step threads are already started, as in a running service (they are kept between runs); 'first run' is the",
    "first of them, in a fresh process, threads started. CPU is the median run's.",
    "",
    ...simTable(rows),
    "",
  ];
  const lm = result.landmask as Record<string, number>;
  if (lm) {
    lines.push(
      `Land mask (GSHHG full resolution, 1/4096° raster): ${(lm.lookupsPerSecond / 1e6).toFixed(1)} M look-ups/s; preparing a 2° × 1° area around Bergen ${lm.prepareBergen2x1Ms.toFixed(0)} ms (${lm.prepareBergenTiles} tiles), an 8° × 4° area ${lm.prepareNorway8x4Ms.toFixed(0)} ms (${lm.prepareNorway8x4Tiles} tiles).`,
      "",
    );
  }
  if (result.wholeProcess) lines.push(...processTable(result.wholeProcess as ProcessCase[]), "");
  const p = result.pipeline1M;
  if (p) {
    lines.push(
      `Whole pipeline, arctic20, 1,000,000 particles × 24 h, default products, ${p.threads} threads, second run in the process (as in a running service): **${p.wallSeconds.toFixed(1)} s** wall (prepare ${fmt(p.stages.prepare, 1)} s, simulation ${p.simulationSeconds.toFixed(1)} s, density and search areas ${fmt((p.stages.simulate ?? 0) - p.simulationSeconds, 1)} s, products ${fmt(p.stages.products, 1)} s), **peak RSS ${p.peakRssMB.toFixed(0)} MB** for both runs; the first run in a fresh process (CLI) ${fmt(p.firstRunSeconds, 1)} s.`,
      "",
    );
  }
  const p5 = result.pipeline5k;
  if (p5) {
    const prods = Object.entries(p5.products as Record<string, number>)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(", ");
    lines.push(
      `Whole pipeline, arctic20, 5,000 particles × 48 h, second run in the process: ${p5.wallSeconds.toFixed(2)} s (first run ${fmt(p5.firstRunSeconds, 2)} s; prepare ${fmt(p5.stages.prepare, 2)} s, simulation ${p5.simulationSeconds.toFixed(2)} s, products ${fmt(p5.stages.products, 2)} s: ${prods}).`,
      "",
    );
  }
  const w = result.worker;
  if (w) {
    const jobs = w.jobs as { claimedToCompletedSeconds: number }[];
    lines.push(
      `Drift worker job, 5,000 particles × 48 h, claimed → completed (simulation, every product, S3 upload, database rows): first job ${jobs[0].claimedToCompletedSeconds.toFixed(2)} s, next job ${jobs[jobs.length - 1].claimedToCompletedSeconds.toFixed(2)} s (the worker's simulation thread warmed up in ${fmt(w.warmUpSeconds, 1)} s after start, before the first job was pushed).`,
      "",
    );
  }
  const e = result.ensemble;
  if (e) {
    lines.push(
      `Forcing ensemble (\`bench/ensemble.ts\`), arctic20, ${e.members} members × ${(e.particles / e.members).toLocaleString("en")} particles × ${e.hours} h, members run one after the other: ${e.wallSeconds.toFixed(2)} s wall (runs ${e.wallRange[0].toFixed(2)}–${e.wallRange[1].toFixed(2)} s), CPU ${e.cpuSeconds.toFixed(2)} s, ${(e.particleSteps / e.wallSeconds / 1e6).toFixed(1)} M particle-steps/s.`,
      "",
    );
  }
  const sp = result.plan;
  if (sp) {
    lines.push(
      `Search plan (\`bench/plan.ts\`), ${sp.units} units on a ${sp.particles.toLocaleString("en")}-particle life-raft mission (arctic20, 24 h), result directory read to plan files written: ${sp.wallSeconds.toFixed(2)} s (read ${sp.readSeconds.toFixed(2)} s, plan ${sp.planSeconds.toFixed(2)} s, files ${sp.writeSeconds.toFixed(2)} s; first in the process ${sp.firstRunSeconds.toFixed(2)} s), joint POS ${(sp.jointPos * 100).toFixed(1)} %.`,
      "",
    );
  }
  lines.push(...targets(result, rows), "");
  return `${lines.join("\n")}\n`;
}

/** The issue's targets next to what was measured. */
function targets(result: Figures, rows: SimRow[]): string[] {
  const a20 = rows.find((r) => r.scenario === "arctic20" && r.particles === 20_000 && r.hours === 48);
  const p = result.pipeline1M;
  const w = result.worker?.jobs as { claimedToCompletedSeconds: number }[] | undefined;
  const proc = (n: number) =>
    (result.wholeProcess as ProcessCase[] | null)?.find((c) => c.particles === n && c.products === "netcdf");
  const cell = (x: number | undefined, unit: string, digits = 2) =>
    x === undefined ? "not run" : `${x.toFixed(digits)} ${unit}`;
  return [
    "| target (2-core machine) | goal | measured |",
    "|---|--:|--:|",
    `| arctic20, 20,000 particles × 48 h, simulation | ≤ 0.2 s (100× OpenDrift) | ${cell(a20?.wallSeconds, "s")} (${a20?.speedup ? `${a20.speedup.toFixed(1)}×` : "—"}) |`,
    `| arctic20, 1,000,000 particles × 24 h, with products | ≤ 20 s | ${cell(p?.wallSeconds, "s", 1)} (fresh process ${cell(p?.firstRunSeconds, "s", 1)}) |`,
    `| same, peak memory | ≤ 1 GB | ${cell(p?.peakRssMB, "MB", 0)} |`,
    `| worker job 5,000 × 48 h, claimed → completed | ≤ 3 s | ${cell(w?.[w.length - 1]?.claimedToCompletedSeconds, "s")} (first job ${cell(w?.[0]?.claimedToCompletedSeconds, "s")}) |`,
    `| arctic20, 20,000 × 48 h, first run in a fresh process | — | ${cell(a20?.firstRunSeconds, "s")} |`,
    `| ensemble, 20 members × 5,000 × 48 h, simulation | ≤ 2 s | ${cell(result.ensemble?.wallSeconds, "s")} (CPU ${cell(result.ensemble?.cpuSeconds, "s")}) |`,
    `| search plan, 3 units, 20,000 particles | ≤ 5 s | ${cell(result.plan?.wallSeconds, "s")} |`,
    `| \`driftline simulate\` 20,000 × 48 h, netcdf, start to exit | ≤ 0.8 s | ${cell(proc(20_000)?.wallSeconds, "s")} |`,
    `| \`driftline simulate\` 1,000 × 24 h, netcdf, start to exit | ≤ 0.4 s | ${cell(proc(1000)?.wallSeconds, "s")} |`,
  ];
}

await main();
