// A whole large forcing-ensemble mission on one worker (issue 21 item 4: what a split saves): M members ×
// N particles × H h on arctic20 (the Arctic20 current perturbed per member), every default product, timed by
// stage, peak RSS. What one part of a split costs is `bench/ensemble.ts` with the part's members.
//   npx tsx bench/ensemble-mission.ts [members] [particles per member] [hours]
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runSimulationSpec } from "../src/pipeline/run.js";
import { arcticEnsembleSpec } from "../test/helpers/ensemble-netcdf.js";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SHARED = path.resolve(ROOT, "../shared");
const FORCING = path.join(SHARED, "data/forcing");
const [members = 100, perMember = 10_000, hours = 48] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(path.join(os.tmpdir(), "driftline-bench-mission-"));
try {
  const spec = await arcticEnsembleSpec(SHARED, dir, members, perMember, hours);
  const stages: Record<string, number> = {};
  let stage = "prepare";
  let since = performance.now();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { summary } = await runSimulationSpec(spec, {
    outDir: path.join(dir, "out"),
    forcingDir: FORCING,
    threads: os.availableParallelism(),
    onProgress: (p) => {
      if (p.stage !== stage) {
        stages[stage] = (performance.now() - since) / 1000;
        stage = p.stage;
        since = performance.now();
      }
    },
  });
  stages[stage] = (performance.now() - since) / 1000;
  const c = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      members: summary.members?.length ?? 1,
      particles: summary.particleCount,
      hours,
      wallSeconds: (performance.now() - t0) / 1000,
      cpuSeconds: (c.user + c.system) / 1e6,
      simulationSeconds: summary.simulationSeconds,
      stages,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      load: os.loadavg()[0],
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
