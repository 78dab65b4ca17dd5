// `driftline plan` without the command line: a result directory and UNITS.json in, the plan's files out.
import path from "node:path";
import { SOFTWARE_VERSION } from "../version.js";
import { cloudOfTrajectory } from "./cloud.js";
import { planSearch } from "./plan.js";
import { type PlanDocument, planDocument } from "./plan-document.js";
import { writePlanFiles } from "./plan-files.js";
import { readRunFiles } from "./run-files.js";
import { parseUnitsFile, unitSetups } from "./units.js";

export interface PlanRunOptions {
  /** Search window, Unix seconds (default: UNITS.json's, else the end of the run). */
  from?: number;
  to?: number;
}

export interface PlanRunResult {
  document: PlanDocument;
  files: Record<string, string>;
  seconds: { read: number; plan: number; write: number };
}

/** Plans on RESULT_DIR (its particles.nc weights: an updated revision plans on the updated cloud). */
export async function planFromResult(
  resultDir: string,
  unitsJson: unknown,
  outDir: string,
  opts: PlanRunOptions = {},
): Promise<PlanRunResult> {
  const file = parseUnitsFile(unitsJson);
  const t0 = performance.now();
  const run = await readRunFiles(resultDir);
  const times = run.trajectory.times;
  const { setups, object, from, to } = unitSetups(
    file,
    run.category.id,
    { first: times[0], last: times[times.length - 1] },
    opts,
  );
  const cloud = cloudOfTrajectory(run.trajectory);
  const t1 = performance.now();
  const plan = planSearch(
    cloud,
    setups.map((s) => s.effort),
    file.lateral_range,
  );
  const document = planDocument(plan, setups, cloud, {
    mission: run.simulation.name,
    run: path.resolve(resultDir),
    software: SOFTWARE_VERSION,
    from,
    to,
    object,
    lateralRange: file.lateral_range,
    cumulativePosBefore: run.revision?.cumulativePos ?? 0,
  });
  const t2 = performance.now();
  const files = await writePlanFiles(document, outDir);
  const t3 = performance.now();
  return {
    document,
    files,
    seconds: { read: (t1 - t0) / 1000, plan: (t2 - t1) / 1000, write: (t3 - t2) / 1000 },
  };
}
