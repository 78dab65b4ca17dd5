// The one entry point that turns a simulation spec into files: validate → forcing → land mask → simulate →
// products. Used by `driftline simulate`, the worker and the embedded server alike.

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { RasterLandMask } from "../coastline/landmask.js";
import type { ObjectCategory } from "../core/objects.js";
import { DEFAULT_THREAD_THRESHOLD, prestartThreads, threadCount } from "../core/parallel/pool.js";
import type { ThreadRecipe } from "../core/parallel/recipe.js";
import type { LandMask, Simulation, SnapshotSummary } from "../core/types.js";
import type { ForcingProvenance } from "../forcing/index.js";
import type { FetchForcingOptions } from "../forcing/providers/fetch.js";
import type { EnsembleMemberInfo, ProductContext } from "../products/context.js";
import { ASCII_DEFAULT_MAX_PARTICLES, writeProducts } from "../products/index.js";
import { PRODUCT_FILES, PRODUCT_NAMES, type ProductName } from "../products/registry.js";
import type { ScenarioRow } from "../products/scenarios.js";
import { buildSnapshotSummaries } from "../products/summary.js";
import type { SearchAreaSnapshot } from "../products/types.js";
import { SOFTWARE_VERSION } from "../version.js";
import { type MembersResult, memberScenarios, prepareMembers, runMembers } from "./ensemble.js";
import { encodePart, memberRanges } from "./ensemble-parts.js";
import {
  checkScenariosCovered,
  coveringSimulation,
  runScenarioSimulations,
  scenarioInfo,
} from "./scenario-run.js";
import { parseSimulationSpec } from "./spec.js";
import { timingMark } from "./timing.js";
import { prepareLandmaskFor, reachableWindow } from "./window.js";

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
  /**
   * Threads for the step loop of large runs (results do not depend on it); default env SIM_THREADS, else
   * one per CPU; 0 = one per CPU.
   */
  threads?: number;
  /**
   * Compute the search areas of every output time (RunSummary.searchAreas) even when no selected product reads
   * them (the worker's mission_results carry them); by default only when one does (summary.json, the areas'
   * files, density.nc, the pictures): a netcdf-only run skips the smoothed density altogether.
   */
  searchAreas?: boolean;
  onProgress?: (p: RunProgress) => void;
  /**
   * Handed the finished run (trajectory, land mask, search areas when computed) after the products, for callers
   * in this thread that analyse it further (driftline validate); does not cross to a worker thread.
   */
  onContext?: (ctx: ProductContext) => void;
  /**
   * Run part `index` of `of` of a forcing ensemble's members (pipeline/ensemble-parts.ts) and write it as
   * `part.bin` into outDir instead of the products (RunResult.partFile).
   */
  part?: { index: number; of: number };
  /** The parts' merged result: write the products of this run without simulating (the merge of a split). */
  merged?: MembersResult;
  signal?: AbortSignal;
  /**
   * How `{"fetch": true}` sources download (providers, HTTP settings, "now"): default from the environment
   * (FORCING_PROVIDERS …). For callers in this thread: providers do not cross to a worker thread.
   */
  fetch?: Omit<FetchForcingOptions, "forcingDir" | "kinds">;
}

export interface RunSummary {
  name: string;
  objectType: { id: number; key: string; description: string };
  particleCount: number;
  activeCount: number;
  strandedCount: number;
  missingDataCount: number;
  computationSeconds: number;
  /** Simulation loop alone, seconds. */
  simulationSeconds: number;
  particleSteps: number;
  snapshots: SnapshotSummary[];
  searchAreas?: SearchAreaSnapshot[];
  forcing: ForcingProvenance[];
  /** The scenarios (weights, object types, particles, shares and areas of each on its own), when the spec has them. */
  scenarios?: ScenarioRow[];
  releaseOnLand?: { moved: number; maxDistanceM: number; unresolved: number };
  /** The forcing ensemble's members (name, weight, particles), when the run had more than one. */
  members?: EnsembleMemberInfo[];
  /**
   * Why a run large enough for step threads ran on one (a forcing source or land mask that cannot be
   * shared with threads, or threads that did not start); absent when it used them or was too small.
   */
  singleThreadReason?: string;
}

export interface RunResult {
  summary: RunSummary;
  /** Product name → absolute path of the file written. */
  files: Partial<Record<ProductName, string>>;
  /** With RunOptions.part: the part's result as bytes (ensemble-parts.ts encodePart). */
  partFile?: string;
}

/** summary.json's scenario table (the scenario analysis loads only for a run with scenarios). */
async function scenarioRows(ctx: ProductContext): Promise<ScenarioRow[]> {
  const { analyseScenarios, scenarioTable } = await import("../products/scenarios.js");
  return scenarioTable(ctx.scenarioResults ?? analyseScenarios(ctx, false));
}

/** How step threads rebuild a GSHHG land mask (from its rasters, without re-rasterising). */
export function landMaskRecipe(mask: LandMask): ThreadRecipe | undefined {
  if (!(mask instanceof RasterLandMask)) return undefined;
  const module = new URL("../coastline/landmask.js", import.meta.url).href;
  return { module, revive: "RasterLandMask.fromData", data: mask.exportData() };
}

/**
 * Runs one simulation spec (the JSON format of the README) and writes the products into opts.outDir.
 * Throws SpecError for an invalid spec, ForcingCoverageError when no forcing covers the release, other
 * Errors for a failed run.
 */
export async function runSimulationSpec(input: unknown, opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const progress = (fraction: number, stage: RunProgress["stage"], message: string) =>
    opts.onProgress?.({ fraction, stage, message });
  timingMark("pipeline loaded");
  const { spec, simulation, category, scenarios } = parseSimulationSpec(input);
  // Scenarios: forcing and coast are prepared for the area of all their releases.
  const reach = scenarios ? coveringSimulation(scenarios) : simulation;
  const threads = threadCount(opts.threads);
  // Step threads load while forcing and coastline are read.
  if (threads > 1 && simulation.release.number >= DEFAULT_THREAD_THRESHOLD) prestartThreads(threads - 1);

  progress(0, "prepare", "reading forcing");
  const window = reachableWindow(reach);
  const merged = opts.merged;
  const members = merged
    ? []
    : await prepareMembers(spec.forcing, simulation, window, opts.forcingDir, opts.fetch, (done, total) =>
        progress(
          (0.03 * done) / total,
          "prepare",
          total > 1 ? `reading forcing: ${done} of ${total} ensemble entries` : "reading forcing",
        ),
      );
  const memberCount = merged ? merged.members.length || 1 : members.length;
  // Sets ready now (not those of a file's ensemble members, read just before they run) must cover every scenario.
  if (scenarios) for (const m of members) if (!m.prepare) checkScenariosCovered(scenarios, m.set);
  opts.signal?.throwIfAborted();
  timingMark("forcing prepared");
  if (simulation.coastline !== "none") progress(0.03, "prepare", "forcing read; reading the coastline");
  const landmask: LandMask | null = simulation.coastline === "none" ? null : await prepareLandmaskFor(reach);
  opts.signal?.throwIfAborted();
  timingMark("land mask prepared");
  progress(0.05, "simulate", "starting the simulation");

  const simStarted = performance.now();
  const simOptions = {
    landmask,
    landmaskRecipe: landmask ? landMaskRecipe(landmask) : undefined,
    threads,
    recordForcing: simulation.release.number * 200 <= 50_000_000,
    onProgress: (f: number) => progress(0.05 + 0.65 * f, "simulate", `simulating ${(f * 100).toFixed(0)} %`),
  };
  const result =
    merged ??
    (await runMembers(
      simulation,
      category,
      members,
      simOptions,
      scenarios &&
        ((k, set, options) =>
          runScenarioSimulations(memberScenarios(scenarios, members.length, k), set, options)),
      opts.part ? memberRanges(members.length, opts.part.of)[opts.part.index] : undefined,
    ));
  const simulationSeconds = (performance.now() - simStarted) / 1000;
  timingMark("simulated");
  opts.signal?.throwIfAborted();

  if (opts.part) {
    await mkdir(opts.outDir, { recursive: true });
    const partFile = path.resolve(opts.outDir, "part.bin");
    await writeFile(partFile, encodePart(result));
    return {
      summary: partSummary(simulation, category, result, started, simulationSeconds),
      files: {},
      partFile,
    };
  }
  const summaries = buildSnapshotSummaries(result.trajectory);
  const forcing = result.forcing;
  const ensemble = memberCount > 1 ? { members: result.members } : {};
  const ctx: ProductContext = {
    simulation,
    specJson: JSON.stringify(spec),
    category,
    trajectory: result.trajectory,
    summaries,
    landmask: landmask ?? undefined,
    forcing,
    densityCellM: 1000,
    softwareVersion: SOFTWARE_VERSION,
    releaseOnLand: result.releaseOnLand,
    ...ensemble,
    ...(scenarios ? { scenarios: scenarios.map(scenarioInfo) } : {}),
  };
  await mkdir(opts.outDir, { recursive: true });
  const selection =
    opts.products ??
    PRODUCT_NAMES.filter((p) => p !== "ascii" || simulation.release.number <= ASCII_DEFAULT_MAX_PARTICLES);
  timingMark("summaries");
  const files = await writeProducts(
    ctx,
    opts.outDir,
    selection,
    (f, name) => {
      timingMark(`writing ${name}`);
      progress(0.7 + 0.3 * f, "products", `writing ${name}`);
    },
    opts.searchAreas,
  );

  opts.onContext?.(ctx);
  const last = summaries[summaries.length - 1];
  const summary: RunSummary = {
    name: simulation.name,
    objectType: { id: category.id, key: category.key, description: category.description },
    particleCount: simulation.release.number,
    activeCount: last?.counts.active ?? 0,
    strandedCount: last?.counts.stranded ?? 0,
    missingDataCount: last?.counts.missing_data ?? 0,
    computationSeconds: (performance.now() - started) / 1000,
    simulationSeconds,
    particleSteps: result.particleSteps,
    snapshots: summaries,
    searchAreas: ctx.searchAreas,
    forcing,
    releaseOnLand: result.releaseOnLand,
    ...ensemble,
    ...(ctx.scenarios ? { scenarios: await scenarioRows(ctx) } : {}),
    ...(result.singleThreadReason ? { singleThreadReason: result.singleThreadReason } : {}),
  };
  if (selection.includes("summary")) {
    const summaryPath = path.resolve(opts.outDir, PRODUCT_FILES.summary);
    await writeFile(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
    files.summary = summaryPath;
  }
  timingMark("products written");
  progress(1, "products", "done");
  return { summary, files };
}

/** What a part's run reports (its own particles only; the merged run's summary.json tells the whole). */
function partSummary(
  simulation: Simulation,
  category: ObjectCategory,
  result: MembersResult,
  started: number,
  simulationSeconds: number,
): RunSummary {
  return {
    name: simulation.name,
    objectType: { id: category.id, key: category.key, description: category.description },
    particleCount: result.trajectory.n,
    activeCount: 0,
    strandedCount: 0,
    missingDataCount: 0,
    computationSeconds: (performance.now() - started) / 1000,
    simulationSeconds,
    particleSteps: result.particleSteps,
    snapshots: [],
    forcing: result.forcing,
    members: result.members,
  };
}
