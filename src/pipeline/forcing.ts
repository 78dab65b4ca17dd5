// Builds the forcing chains of a run and refuses to start when nothing covers the release. Sources marked
// {"fetch": true} are downloaded from the configured forecast providers when the other sources do not cover
// the release (or when they are the only sources), then used as files.
import type { ForcingSet, ForcingWindow, Simulation } from "../core/types.js";
import type { ForcingProvenance } from "../forcing/index.js";
import {
  buildForcing,
  checkCoverage,
  ForcingCoverageError,
  type ForcingSpec as LocalForcingSpec,
} from "../forcing/index.js";
import type { FetchForcingOptions } from "../forcing/providers/fetch.js";
import { provenanceRecord } from "../forcing/providers/types.js";
import type { ChainForcingSpec, VariableSourceSpec } from "./spec.js";

type Kind = "wind" | "current";
const KINDS: Kind[] = ["wind", "current"];

const list = (v: VariableSourceSpec | VariableSourceSpec[]): VariableSourceSpec[] =>
  Array.isArray(v) ? v : [v];
const isFetch = (s: VariableSourceSpec): boolean => "fetch" in s;

export async function prepareForcing(
  spec: ChainForcingSpec,
  sim: Simulation,
  window: ForcingWindow,
  forcingDir: string | undefined,
  fetchOptions: Omit<FetchForcingOptions, "forcingDir" | "kinds"> = {},
): Promise<{ set: ForcingSet; provenance: ForcingProvenance[] }> {
  const { lon, lat, time } = sim.release;
  const compatibility = sim.compatibility ?? "exact";
  const wantsFetch = KINDS.filter((k) => list(spec[k]).some(isFetch));
  const local = {
    wind: list(spec.wind).filter((s) => !isFetch(s)),
    current: list(spec.current).filter((s) => !isFetch(s)),
  };

  if (wantsFetch.length === 0 || KINDS.every((k) => local[k].length > 0)) {
    try {
      const built = await buildForcing(local as LocalForcingSpec, { forcingDir, window, compatibility });
      checkCoverage(built.set, lon[0], lat[0], time[0]);
      return built;
    } catch (error) {
      if (wantsFetch.length === 0 || !(error instanceof ForcingCoverageError)) throw error;
    }
  }

  // Local sources fall short: fetch the forecasts for the variables that allow it, behind the local ones.
  // The providers (HTTP, GRIB2, Zarr) load only for a run that fetches.
  const { fetchForcingFor } = await import("../forcing/providers/fetch.js");
  const fetched = await fetchForcingFor(window, { ...fetchOptions, forcingDir, kinds: wantsFetch });
  const withFetched: Record<Kind, VariableSourceSpec[]> = { ...local };
  for (const kind of wantsFetch) {
    const files = fetched[kind]?.files ?? [];
    if (files.length > 0) withFetched[kind] = [...local[kind], { files }];
  }
  const built = await buildForcing(withFetched as LocalForcingSpec, {
    forcingDir,
    window,
    compatibility,
  });
  checkCoverage(built.set, lon[0], lat[0], time[0]);
  return { set: built.set, provenance: [...built.provenance, ...fetched.provenance.map(provenanceRecord)] };
}
