// The search-planning case of `npm run bench` (issue 22): a 3-unit plan (two vessels and a helicopter) on a
// 20,000-particle life-raft mission (arctic20 forcing off Lofoten, 24 h, particles.nc only), from reading the
// result directory to the plan's files written. The simulation runs first (not timed); the figure is the
// median of 3 plans after the first in the process.
//   npx tsx bench/plan.ts [particles]
// Prints one JSON line.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runSimulationSpec } from "../src/pipeline/run.js";
import { planFromResult } from "../src/planning/plan-run.js";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SHARED = path.resolve(ROOT, "../shared");
const particles = Number(process.argv[2] ?? 20000);

const LOFOTEN_UNITS = {
  conditions: { visibility_nm: 5, wind_kn: 18, sea_ft: 4 },
  units: [
    { name: "KV Andenes", platform: "vessel", speed_kn: 12, on_scene_hours: 6 },
    { name: "RS Lofoten", platform: "vessel", speed_kn: 15, on_scene_hours: 6, eye_height_ft: 8 },
    { name: "Rescue 330", platform: "helicopter", speed_kn: 90, on_scene_hours: 2, altitude_ft: 500 },
  ],
};

const dir = mkdtempSync(path.join(os.tmpdir(), "driftline-bench-plan-"));
try {
  const spec = JSON.parse(
    readFileSync(path.join(SHARED, "reference/opendrift/scenarios/arctic20.json"), "utf8"),
  );
  spec.name = "Life raft off Lofoten";
  spec.object_type = 8;
  spec.seed = { ...spec.seed, radius_m: 2000, number: particles };
  const result = path.join(dir, "run");
  await runSimulationSpec(spec, {
    outDir: result,
    forcingDir: path.join(SHARED, "data/forcing"),
    products: ["netcdf", "summary"],
  });
  const runs: { wall: number; read: number; plan: number; write: number; pos: number }[] = [];
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now();
    const { document, seconds } = await planFromResult(result, LOFOTEN_UNITS, path.join(dir, `plan${r}`));
    runs.push({ wall: (performance.now() - t0) / 1000, ...seconds, pos: document.joint_pos });
  }
  const later = runs.slice(1).sort((a, b) => a.wall - b.wall);
  const median = later[Math.floor(later.length / 2)];
  process.stdout.write(
    `${JSON.stringify({
      particles,
      units: LOFOTEN_UNITS.units.length,
      wallSeconds: median.wall,
      readSeconds: median.read,
      planSeconds: median.plan,
      writeSeconds: median.write,
      firstRunSeconds: runs[0].wall,
      jointPos: median.pos,
    })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
