// Whole-process figures: wall time from process start to exit of `driftline simulate` (arctic20), as a user
// or a script sees it: module loading, forcing, the coastline bins, the kernels' compilation, the run, the
// products and the exit. The median of 5 fresh processes per case. Run alone: npx tsx bench/process.ts
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
}

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
      const times: number[] = [];
      for (let k = 0; k < runs; k++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
        const t = (performance.now() - t0) / 1000;
        if (r.status !== 0) throw new Error(`driftline simulate failed (${r.status}): ${r.stderr}`);
        times.push(t);
      }
      times.sort((a, b) => a - b);
      return { ...c, wallSeconds: times[Math.floor(times.length / 2)], wallRange: [times[0], times.at(-1)!] };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function processTable(cases: ProcessCase[]): string[] {
  return [
    "| `driftline simulate` arctic20, fresh process, start to exit | products | median of 5 | range |",
    "|---|---|--:|--:|",
    ...cases.map(
      (c) =>
        `| ${c.particles.toLocaleString("en")} particles × ${c.hours} h | ${c.products} | ${c.wallSeconds.toFixed(2)} s | ${c.wallRange[0].toFixed(2)}–${c.wallRange[1].toFixed(2)} s |`,
    ),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 5);
  process.stdout.write(`${processTable(benchWholeProcess(runs)).join("\n")}\n`);
}
