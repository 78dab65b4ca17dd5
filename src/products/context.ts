// Everything a product writer needs from a finished run. Built once by the pipeline, read by every writer.
import type { ObjectCategory } from "../core/objects.js";
import type { Trajectory } from "../core/trajectory.js";
import type { LandMask, Simulation, SnapshotSummary } from "../core/types.js";
import type { ForcingProvenance } from "../forcing/index.js";
import type { ScenarioInfo, ScenarioResult, SearchAreaSnapshot } from "./types.js";

/** One member of a forcing ensemble (pipeline/ensemble.ts): its particles carry `member` = index. */
export interface EnsembleMemberInfo {
  index: number;
  /** The sources that make this member differ ("current: a.nc", "wind: meps.nc member 3"). */
  name: string;
  /** Share of the probability (the members' sum to 1). */
  weight: number;
  particles: number;
}

export interface ProductContext {
  simulation: Simulation;
  /** The raw spec as given (stored in particles.nc for reproducibility). */
  specJson: string;
  category: ObjectCategory;
  trajectory: Trajectory;
  summaries: SnapshotSummary[];
  /** Filled by the search-area analysis before pictures and reports are drawn. */
  searchAreas?: SearchAreaSnapshot[];
  landmask?: LandMask;
  forcing: ForcingProvenance[];
  /** Density grid cell size in metres (default 1000). */
  densityCellM: number;
  softwareVersion: string;
  /**
   * The mission's scenarios when the spec has them (index = Trajectory.scenario; their particles follow one
   * another in this order): products show the combined picture and each scenario on its own.
   */
  scenarios?: ScenarioInfo[];
  /** Filled by the analysis when there are scenarios: each scenario on its own (products/scenarios.ts). */
  scenarioResults?: ScenarioResult[];
  /**
   * Set when the particles' weights carry unsuccessful searches (a revision written by src/planning): the
   * revision number, how many searches and the probability they would have found the object.
   */
  searchRevision?: { revision: number; searches: number; cumulativePos: number };
  /** Particles moved off land at release: count and largest move in metres. */
  releaseOnLand?: { moved: number; maxDistanceM: number };
  /** The forcing ensemble's members, when the run had more than one (agreement layer, summary). */
  members?: EnsembleMemberInfo[];
}
