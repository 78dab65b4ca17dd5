// Whole-process figures: wall time from process start to exit of `driftline simulate` (arctic20), as a user
// or a script sees it: module loading, forcing, the coastline bins, the kernels' compilation, the run, the
// products and the exit. The median of 5 fresh processes per case, after one first process on an empty disk
// cache (its own DRIFTLINE_CACHE_DIR: coastline rasters and the NetCDF-4 wind decoded, reported apart).
// Run alone: npx tsx bench/process.ts [runs]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SHARED = path.resolve(ROOT, "../shared");

export interface ProcessCase {
  particles: number;
  hours: number;
  /** `netcdf`, or "all" for every product. */
  products: "netcdf" | "all";
  /** Median wall seconds, start to exit, and the range of the runs. */
  wallSeconds: number;
  wallRange: [number, number];
  /** CPU seconds (user + system) of the median process. */
  cpuSeconds: number;
  /** Wall seconds of the first process, on an empty disk cache. */
  coldSeconds: number;
}

const TIME = process.platform === "linux" && existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

export const PROCESS_CASES = [
  { particles: 1000, hours: 24, products: "netcdf" },
  { particles: 1000, hours: 24, products: "all" },
  { particles: 20_000, hours: 48, products: "netcdf" },
  { particles: 20_000, hours: 48, products: "all" },
] as const;

export function benchWholeProcess(runs = 5): ProcessCase[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), "driftline-bench-process-"));
  try {
    const base = JSON.parse(
      readFileSync(path.join(SHARED, "reference/opendrift/scenarios/arctic20.json"), "utf8"),
    );
    return PROCESS_CASES.map((c) => {
      const spec = { ...base, duration_hours: c.hours, seed: { ...base.seed, number: c.particles } };
      const file = path.join(dir, `arctic20-${c.particles}-${c.hours}.json`);
      writeFileSync(file, JSON.stringify(spec));
      const args = ["bin/driftline.js", "simulate", file, "--out", path.join(dir, "out")];
      args.push("--forcing-dir", path.join(SHARED, "data/forcing"));
      if (c.products === "netcdf") args.push("--products", "netcdf");
      const env = { ...process.env, DRIFTLINE_CACHE_DIR: path.join(dir, "cache") };
      const once = () => {
        const t0 = performance.now();
        // GNU time gives the child's CPU time (user + system) on its last stderr line.
        const r = TIME
          ? spawnSync(TIME, ["-f", "%U %S", process.execPath, ...args], { cwd: ROOT, encoding: "utf8", env })
          : spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env });
        const wall = (performance.now() - t0) / 1000;
        if (r.status !== 0) throw new Error(`driftline simulate failed (${r.status}): ${r.stderr}`);
        const [user, system] = TIME ? r.stderr.trim().split("\n").at(-1)!.split(" ").map(Number) : [NaN, NaN];
        return { wall, cpu: user + system };
      };
      rmSync(env.DRIFTLINE_CACHE_DIR, { recursive: true, force: true });
      const cold = once();
      const runsDone = Array.from({ length: runs }, once).sort((a, b) => a.wall - b.wall);
      const median = runsDone[Math.floor(runsDone.length / 2)];
      return {
        ...c,
        wallSeconds: median.wall,
        wallRange: [runsDone[0].wall, runsDone.at(-1)!.wall] as [number, number],
        cpuSeconds: median.cpu,
        coldSeconds: cold.wall,
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function processTable(cases: ProcessCase[]): string[] {
  return [
    "| `driftline simulate` arctic20, fresh process, start to exit | products | median of 5 | range | CPU | first process, empty cache |",
    "|---|---|--:|--:|--:|--:|",
    ...cases.map(
      (c) =>
        `| ${c.particles.toLocaleString("en")} particles × ${c.hours} h | ${c.products} | ${c.wallSeconds.toFixed(2)} s | ${c.wallRange[0].toFixed(2)}–${c.wallRange[1].toFixed(2)} s | ${Number.isNaN(c.cpuSeconds) ? "—" : `${c.cpuSeconds.toFixed(2)} s`} | ${c.coldSeconds.toFixed(2)} s |`,
    ),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 5);
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(", ");
  const before = load();
  const table = processTable(benchWholeProcess(runs));
  process.stdout.write(
    `${table.join("\n")}\nload average ${before} before, ${load()} after (${os.cpus().length} CPUs)\n`,
  );
}
