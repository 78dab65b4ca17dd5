// What every forcing provider offers the fetcher: which vector it delivers, how fine, which model runs can
// cover a window (newest first), and a fetch that writes one CF NetCDF file for a run and an area.
import type { ForcingWindow } from "../../core/types.js";
import type { LonLatBox } from "../area.js";
import type { VectorKind } from "../discover.js";
import type { HttpOptions } from "./http.js";

/** One model run (forecast cycle) a provider can be asked for. */
export interface RunChoice {
  /** Printable and used in provenance: "2016-02-01T00Z", "bulletin 2024-06-01" … */
  id: string;
  /** Unix seconds of the run (forecast reference time), or of the refresh slot for undated datasets. */
  time: number;
}

export interface FetchPlan {
  /** The area and time to ask the service for (mission window plus margin, snapped outward). */
  request: ForcingWindow;
  run: RunChoice;
  /** Where the provider writes its NetCDF file (a temporary name in the catalog directory). */
  tmpPath: string;
  http: HttpOptions;
  /** Unix ms "now", for providers whose behaviour depends on it. */
  now: number;
}

export interface FetchOutcome {
  /** URLs read, credentials removed (for provenance and error messages). */
  urls: string[];
  /** The model run as the data say it (e.g. a forecast_reference_time in the file), when better than run.id. */
  modelRun?: string;
}

export interface ForcingProvider {
  /** Short unique name used in cache keys, logs and `--providers` ("gfs", "cmems", "norkyst800" …). */
  readonly name: string;
  readonly kind: VectorKind;
  /** The dataset as the service names it (with its version when it has one). */
  readonly dataset: string;
  /** Typical grid spacing in metres: finer sources are preferred. */
  readonly resolutionM: number;
  /** Where the dataset has data, when known beforehand (global models leave this out). */
  readonly domain?: LonLatBox;
  /** Set when the provider cannot be used as configured (missing credentials …): the reason. */
  readonly unavailable?: string;
  /** Runs that can cover the window, preferred (newest) first. Must not touch the network. */
  runs(window: ForcingWindow, now: number): RunChoice[];
  /** Downloads the request area and times of one run into plan.tmpPath (CF NetCDF). */
  fetch(plan: FetchPlan): Promise<FetchOutcome>;
}

/** What was used for one vector of a mission: recorded in the results and particles.nc. */
export interface FetchedForcing {
  kind: VectorKind;
  provider: string;
  dataset: string;
  modelRun: string;
  /** Absolute paths of the files in the forcing catalog. */
  files: string[];
  /** True when a preferred source or a newer run was tried and could not deliver. */
  fallback: boolean;
  /** True when the files were already in the catalog (no download). */
  cached: boolean;
  /** Where the data came from (credentials removed). */
  sourceUrls: string[];
}

/** A fetched vector as one record of the run's forcing provenance (results, particles.nc). */
export function provenanceRecord(
  f: FetchedForcing,
): { variable: VectorKind; name: string } & Record<string, string | number> {
  return {
    variable: f.kind,
    name: `${f.provider} ${f.dataset}`,
    type: "fetched",
    provider: f.provider,
    dataset: f.dataset,
    modelRun: f.modelRun,
    files: f.files.map((p) => p.split(/[\\/]/).pop()).join(", "),
    fallback: f.fallback ? "yes" : "no",
    source: f.sourceUrls.join(" "),
  };
}

/** One step of the search, for messages and logs. */
export interface FetchAttempt {
  kind: VectorKind;
  provider: string;
  dataset: string;
  run?: string;
  outcome: "cached" | "downloaded" | "unavailable" | "failed" | "skipped";
  /** The URL of the failing request (credentials removed), when there was one. */
  url?: string;
  /** HTTP status of the failing request, when there was one. */
  status?: number;
  message: string;
}

/** Nothing could provide a vector for the mission: says what was tried and how each try ended. */
export class ForcingFetchError extends Error {
  readonly kind: VectorKind;
  readonly attempts: FetchAttempt[];
  /** What could be fetched for the other vector(s), if anything. */
  fetched: FetchedForcing[] = [];
  constructor(kind: VectorKind, window: ForcingWindow, attempts: FetchAttempt[]) {
    super(ForcingFetchError.describe(kind, window, attempts));
    this.name = "ForcingFetchError";
    this.kind = kind;
    this.attempts = attempts;
  }

  static describe(kind: VectorKind, w: ForcingWindow, attempts: FetchAttempt[]): string {
    const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).concat("Z");
    const f = (x: number) => (Math.round(x * 100) / 100).toString();
    const where = `lon ${f(w.west)}..${f(w.east)} E, lat ${f(w.south)}..${f(w.north)} N, ${iso(w.start)}..${iso(w.end)}`;
    if (attempts.length === 0) {
      return `no ${kind} forcing could be fetched for ${where}: no ${kind} provider is configured (see docs/forcing-providers.md)`;
    }
    const tried = attempts.map((a) => {
      const head = `${a.provider} ${a.dataset}${a.run ? ` run ${a.run}` : ""}`;
      const http = a.url ? ` [${a.status !== undefined ? `HTTP ${a.status} ` : ""}${a.url}]` : "";
      return `${head}: ${a.message}${http}`;
    });
    return `no ${kind} forcing could be fetched for ${where}; tried: ${tried.join("; ")}`;
  }
}
