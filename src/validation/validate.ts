// `driftline validate`: forecasts against observed tracks. Either each drifter gets its own hindcast (the spec
// run from the drifter's first position and time, as long as its track), or all are compared with one finished
// run (--result DIR). Per drifter: separations, Liu–Weisberg skill, ranks and hit rates (metrics.ts); in total:
// means, pooled skill and hit rates.

import { runSimulationSpec } from "../pipeline/run.js";
import type { ProductContext } from "../products/context.js";
import { computeDensity } from "../products/density.js";
import { computeSearchAreas } from "../products/search-areas.js";
import type { DensityGrids, SearchAreaSnapshot } from "../products/types.js";
import type { DrifterValidation, ValidationTotal } from "./metrics.js";
import { validateDrifter, validationTotal } from "./metrics.js";
import { rankCollector } from "./ranks.js";
import { contextFromResult } from "./result.js";
import type { ObservedTrack } from "./track.js";

/** One drifter's comparison and what a picture of it needs. */
export interface DrifterCase {
  track: ObservedTrack;
  validation: DrifterValidation;
  ctx: ProductContext;
  grids: DensityGrids;
  snapshots: SearchAreaSnapshot[];
}

export interface ValidationRun {
  mode: "hindcast" | "result";
  /** What forecast it was: the spec's name, object type and forcing (as the spec gives it). */
  forecast: { name: string; objectType: string; forcing: string };
  drifters: DrifterValidation[];
  /** Drifters not compared, and why. */
  skipped: { id: string; reason: string }[];
  total: ValidationTotal;
}

export interface ValidateOptions {
  /** Compare with this finished run instead of running hindcasts. */
  resultDir?: string;
  forcingDir?: string;
  threads?: number;
  /** Called with each drifter's case (for pictures) before the next one is computed. */
  onCase?: (c: DrifterCase) => Promise<void> | void;
  onProgress?: (message: string) => void;
}

/** The spec's forcing in a line: file names, constants, catalog or fetch, per variable. */
export function forcingLabel(specJson: string): string {
  const forcing = (JSON.parse(specJson) as { forcing?: Record<string, unknown> }).forcing ?? {};
  return Object.entries(forcing)
    .map(([variable, v]) => {
      const src = v as Record<string, unknown>;
      const what = Array.isArray(src.files)
        ? (src.files as string[]).map((f) => f.split("/").pop()).join(" + ")
        : src.constant
          ? `constant ${JSON.stringify(src.constant)}`
          : Object.keys(src).join(" ");
      return `${variable}: ${what}`;
    })
    .join("; ");
}

/**
 * The spec moved to the track's first fix and time, running as long as the track (whole output steps); with
 * scenarios, each scenario's release moves there.
 */
export function hindcastSpec(spec: Record<string, unknown>, track: ObservedTrack): Record<string, unknown> {
  const outputStep = Number(spec.output_step_seconds ?? 3600);
  const span = track.times[track.times.length - 1] - track.times[0];
  const steps = Math.max(1, Math.ceil(span / outputStep - 1e-9));
  const seed = { ...(spec.seed as Record<string, unknown>) };
  delete seed.time;
  let scenarios = spec.scenarios;
  if (Array.isArray(scenarios)) {
    // Each scenario's release moves to the fix (its polygon or line too): the scenarios differ in object only.
    scenarios = scenarios.map((s: Record<string, unknown>) => {
      const { polygon: _p, time: _t, ...release } = (s.release ?? {}) as Record<string, unknown>;
      const radius = Array.isArray(release.radius_m) ? release.radius_m[0] : release.radius_m;
      return {
        ...s,
        release: {
          ...release,
          lon: track.lon[0],
          lat: track.lat[0],
          ...(radius !== undefined ? { radius_m: radius } : {}),
        },
      };
    });
  } else {
    seed.lon = track.lon[0];
    seed.lat = track.lat[0];
  }
  return {
    ...spec,
    ...(scenarios ? { scenarios } : {}),
    name: `${String(spec.name ?? "simulation")} / ${track.id}`,
    start_time: new Date(track.times[0] * 1000).toISOString(),
    duration_hours: (steps * outputStep) / 3600,
    seed,
  };
}

function compare(ctx: ProductContext, tracks: readonly ObservedTrack[]) {
  const grids = computeDensity(ctx);
  const collector = rankCollector(tracks, ctx.trajectory);
  const snapshots = computeSearchAreas(ctx, grids, (k, layer) => collector.onLayer(k, layer, grids));
  ctx.searchAreas = snapshots;
  return { grids, snapshots, ranks: collector.ranks };
}

/**
 * Validates the forecast of `spec` (parsed JSON; ignored with resultDir, whose run carries its spec) against
 * the tracks. Hindcasts write no product files (outDir of each run is a scratch directory).
 */
export async function validateTracks(
  spec: Record<string, unknown> | undefined,
  tracks: readonly ObservedTrack[],
  scratchDir: string,
  opts: ValidateOptions = {},
): Promise<ValidationRun> {
  const drifters: DrifterValidation[] = [];
  const skipped: { id: string; reason: string }[] = [];
  let forecast: ValidationRun["forecast"] | undefined;
  const describe = (ctx: ProductContext) => ({
    name: ctx.simulation.name,
    objectType: `${ctx.category.id} ${ctx.category.key}`,
    forcing: forcingLabel(ctx.specJson),
  });
  const handle = async (
    track: ObservedTrack,
    ctx: ProductContext,
    c: ReturnType<typeof compare>,
    m: number,
  ) => {
    const v = validateDrifter(track, c.snapshots, ctx.simulation.startTime, c.ranks[m]);
    if (!v) {
      skipped.push({ id: track.id, reason: "no output time of the forecast within the track's times" });
      return;
    }
    drifters.push(v);
    await opts.onCase?.({ track, validation: v, ctx, grids: c.grids, snapshots: c.snapshots });
  };
  if (opts.resultDir) {
    opts.onProgress?.(`reading ${opts.resultDir}`);
    const ctx = await contextFromResult(opts.resultDir);
    if (ctx.simulation.durationSeconds < 0)
      throw new Error("validate: a backward (backtracking) run cannot be validated");
    forecast = describe(ctx);
    const c = compare(ctx, tracks);
    for (let m = 0; m < tracks.length; m++) await handle(tracks[m], ctx, c, m);
  } else {
    if (!spec) throw new Error("validate: a spec or --result DIR is needed");
    if (Number(spec.duration_hours) < 0)
      throw new Error("validate: duration_hours must be positive (a forward run)");
    for (let m = 0; m < tracks.length; m++) {
      const track = tracks[m];
      opts.onProgress?.(`hindcast ${m + 1}/${tracks.length}: drifter ${track.id}`);
      let ctx: ProductContext | undefined;
      try {
        await runSimulationSpec(hindcastSpec(spec, track), {
          outDir: scratchDir,
          products: [],
          forcingDir: opts.forcingDir,
          threads: opts.threads,
          onContext: (c) => {
            ctx = c;
          },
        });
      } catch (e) {
        skipped.push({ id: track.id, reason: (e as Error).message });
        continue;
      }
      if (!ctx) throw new Error("validate: the run handed back no result");
      forecast ??= describe(ctx);
      forecast.name = String(spec.name ?? ctx.simulation.name);
      await handle(track, ctx, compare(ctx, [track]), 0);
    }
  }
  return {
    mode: opts.resultDir ? "result" : "hindcast",
    forecast: forecast ?? { name: String(spec?.name ?? ""), objectType: "", forcing: "" },
    drifters,
    skipped,
    total: validationTotal(drifters),
  };
}
