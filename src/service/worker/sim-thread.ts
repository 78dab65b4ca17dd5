// Worker-thread entry: runs simulation specs one at a time as the runner sends them (thread-runner.ts),
// posting progress, then the result or the error. The thread lives on between jobs.
import { mkdtemp, rm } from "node:fs/promises";
import { runSimulationSpec } from "../../pipeline/run.js";
import { removeStaleWarmUps, warmUpPrefix } from "./scratch.js";
import { serveRuns } from "./thread-runner.js";

/**
 * A small run with every product, so that the first real job finds the step loop and the product code
 * compiled and the fonts loaded. Constant forcing, no coastline: it reads no data.
 */
async function warmUp(): Promise<void> {
  // Those of killed processes first (they would pile up in /tmp after each kill -9).
  await removeStaleWarmUps().catch(() => undefined);
  const outDir = await mkdtemp(warmUpPrefix());
  try {
    await runSimulationSpec(
      {
        name: "warm-up",
        object_type: 1,
        start_time: "2024-01-01T00:00:00Z",
        duration_hours: 6,
        seed: { lon: 4, lat: 60, radius_m: 2000, number: 2000 },
        forcing: { wind: { constant: { x: 6, y: 3 } }, current: { constant: { x: 0.2, y: -0.1 } } },
        coastline: "none",
      },
      { outDir, threads: 1 },
    );
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

serveRuns(runSimulationSpec, warmUp);
