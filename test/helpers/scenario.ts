// A reference scenario, changed for a test, with its simulation and (built on demand) forcing.
import { readFileSync } from "node:fs";
import type { ForcingSet } from "../../src/core/types.js";
import { buildForcing } from "../../src/forcing/index.js";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import { reachableWindow } from "../../src/pipeline/window.js";
import { FORCING_DIR, SCENARIO_DIR } from "./reference.js";

/** The scenario JSON files, as far as these tests change them. */
interface ScenarioSpec {
  seed: Record<string, unknown>;
  start_time: string;
  [key: string]: unknown;
}

export async function scenario(name: string, change: (spec: ScenarioSpec) => void) {
  const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}${name}.json`, "utf8"));
  change(spec);
  const { simulation, category } = parseSimulationSpec(spec);
  const forcing = async (): Promise<ForcingSet> =>
    (await buildForcing(spec.forcing, { forcingDir: FORCING_DIR, window: reachableWindow(simulation) })).set;
  return { simulation, category, forcing };
}
