// The one entry point that turns a simulation spec into files: validate → forcing → land mask → simulate →
// products. Used by `driftline simulate`, the worker and the embedded server alike.
import type { ForcingProvenance, ProductName } from "../products/context.js";
import type { SearchAreaSnapshot } from "../products/types.js";
import type { SnapshotSummary } from "../core/types.js";

export interface RunProgress {
  /** 0..1 over the whole run (simulation and products). */
  fraction: number;
  stage: "prepare" | "simulate" | "products";
  message: string;
}

export interface RunOptions {
  outDir: string;
  /** Directory that `{"files": [...]}` names are relative to, and the forcing catalog's root. */
  forcingDir?: string;
  /** Products to write; default all. */
  products?: ProductName[];
  /** Worker threads for the step loop (results do not depend on it). */
  threads?: number;
  onProgress?: (p: RunProgress) => void;
  signal?: AbortSignal;
}

export interface RunSummary {
  name: string;
  objectType: { id: number; key: string; description: string };
  particleCount: number;
  activeCount: number;
  strandedCount: number;
  missingDataCount: number;
  computationSeconds: number;
  snapshots: SnapshotSummary[];
  searchAreas?: SearchAreaSnapshot[];
  forcing: ForcingProvenance[];
  releaseOnLand?: { moved: number; maxDistanceM: number };
}

export interface RunResult {
  summary: RunSummary;
  /** Product name → absolute path of the file written. */
  files: Partial<Record<ProductName, string>>;
}

/**
 * Runs one simulation spec (the JSON format of issue 2 / README) and writes the products into opts.outDir.
 * Throws SpecError (src/pipeline/spec.ts) for an invalid spec, ForcingCoverageError when no forcing covers
 * the release, other Errors for a failed run.
 */
export async function runSimulationSpec(spec: unknown, opts: RunOptions): Promise<RunResult> {
  void spec;
  void opts;
  throw new Error("runSimulationSpec: not implemented yet");
}
