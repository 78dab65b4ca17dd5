// Builds the forcing chains of a run and refuses to start when nothing covers the release.
import type { ForcingSet, ForcingWindow, Simulation } from "../core/types.js";
import { buildForcing, checkCoverage } from "../forcing/index.js";
import type { ForcingProvenance } from "../products/context.js";
import type { ForcingSpec } from "./spec.js";

export async function prepareForcing(
  spec: ForcingSpec,
  sim: Simulation,
  window: ForcingWindow,
  forcingDir: string | undefined,
): Promise<{ set: ForcingSet; provenance: ForcingProvenance[] }> {
  const built = await buildForcing(spec, { forcingDir, window });
  const { lon, lat, time } = sim.release;
  checkCoverage(built.set, lon[0], lat[0], time[0]);
  return built;
}
